import type { ModelParams } from './params.js';
import { formatQuantity } from './volume.js';

/** Configuration facts that decide whether Redis ever forks. */
export interface ForkSources {
  aofEnabled: boolean;
  /** Number of `save` points (0 for `save ""`). */
  savePointCount: number;
  /** The instance has replicas attached. */
  hasReplicas: boolean;
}

/**
 * Whether redis-server forks a child at some point in normal operation.
 *
 * Redis facts (redisFork callers, 6.x–8.x): AOF on → rewriteAppendOnlyFileBackground (aof.c) from
 * serverCron's auto-rewrite check; save points → rdbSaveBackground from serverCron (server.c);
 * replicas → startBgsaveForReplication (replication.c) forks for a full sync both to disk
 * (rdbSaveBackground) and diskless (rdbSaveToSlavesSockets).
 *
 * @throws never
 */
export function forkHappens(sources: ForkSources): boolean {
  return sources.aofEnabled || sources.savePointCount > 0 || sources.hasReplicas;
}

/**
 * Seconds a fork child lives while writing `childWriteBytes` (RDB or BASE) at
 * `throughputBytesPerSec` (forkChildThroughputBytesPerSec, > 0).
 *
 * @throws never (throughput is validated by resolveParams)
 */
export function childLifetimeSeconds(childWriteBytes: number, throughputBytesPerSec: number): number {
  return childWriteBytes / throughputBytesPerSec;
}

/** Inputs of the fork memory projection; bytes, bytes/s, seconds. */
export interface ForkMemoryInput {
  forks: boolean;
  datasetBytes: number;
  /** Lifetime of the longest-lived child, seconds ({@link childLifetimeSeconds}). */
  childSeconds: number;
  /** Bytes appended to the AOF per second; null when unknown. */
  writeRateBytesPerSec: number | null;
  /** Redis < 7 keeps writes made during an AOF rewrite in a parent buffer; 0 otherwise. */
  rewriteBufferBytes: number;
  params: Pick<ModelParams, 'cowPageAmplification' | 'cowBaselineBytes' | 'baselineRssBytes' | 'replBacklogBytes'>;
}

/** Memory of the pod's cgroup (parent + child) at a fork; bytes. */
export interface ForkMemory {
  /** Dataset + process overhead (baseline RSS + replication backlog). */
  usedBytes: number;
  /** Pages the parent copies while the child lives; 0 without a fork. */
  cowBytes: number;
  /** usedBytes + cowBytes + rewriteBufferBytes (usedBytes when no fork happens). */
  forkPeakBytes: number;
  assumptions: string[];
}

/**
 * Peak memory charged to the container when Redis forks.
 *
 * After fork() parent and child share pages; each page the parent writes while the child lives
 * is copied (copy-on-write) and both copies count against the same cgroup limit. Worst case every
 * page is touched: COW = dataset (the "2x" rule). With a write rate, COW is bounded by pages
 * touched in the child's lifetime: min(dataset, cowBaselineBytes + rate × childSeconds × cowPageAmplification).
 * Redis reports the measured value as INFO persistence current_cow_size / rdb_last_cow_size
 * (sendChildCowInfo, called by rdbSaveBackground and rewriteAppendOnlyFileBackground children).
 *
 * @param input dataset, child lifetime, write rate and overhead parameters
 * @throws never
 */
export function forkMemory(input: ForkMemoryInput): ForkMemory {
  const { baselineRssBytes, replBacklogBytes, cowPageAmplification, cowBaselineBytes } = input.params;
  const usedBytes = input.datasetBytes + baselineRssBytes + replBacklogBytes;
  const assumptions = [
    `process overhead ${formatQuantity(baselineRssBytes + replBacklogBytes)}: baseline RSS ${formatQuantity(baselineRssBytes)} + replication backlog ${formatQuantity(replBacklogBytes)}`,
  ];
  if (!input.forks) {
    assumptions.push('no AOF, no save points, no replicas: Redis never forks');
    return { usedBytes, cowBytes: 0, forkPeakBytes: usedBytes, assumptions };
  }
  let cowBytes = input.datasetBytes;
  if (input.writeRateBytesPerSec === null) {
    assumptions.push('no write rate given: copy-on-write assumed to copy the whole dataset (the 2x rule)');
  } else {
    cowBytes = Math.min(
      input.datasetBytes,
      cowBaselineBytes + Math.ceil(input.writeRateBytesPerSec * input.childSeconds * cowPageAmplification),
    );
    assumptions.push(
      `copy-on-write bounded by pages written during the ${input.childSeconds.toFixed(1)} s child: ${formatQuantity(cowBaselineBytes)} + write rate × ${cowPageAmplification} (measured amplification), at most the dataset`,
    );
  }
  if (input.rewriteBufferBytes > 0) {
    assumptions.push('Redis < 7: writes made during an AOF rewrite are also buffered in memory (aof_rewrite_buf_blocks)');
  }
  return { usedBytes, cowBytes, forkPeakBytes: usedBytes + cowBytes + input.rewriteBufferBytes, assumptions };
}
