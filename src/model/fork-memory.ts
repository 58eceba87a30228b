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

/** Page size of the copy-on-write unit, bytes (x86-64 and arm64 Linux base pages). */
export const PAGE_BYTES = 4096;

/**
 * Average value size assumed when the workload gives none, bytes: the smallest value size
 * measured (docs/model.md, "Copy-on-write by pages"). Smaller values dirty more pages per byte
 * written, so this is the safe side for any value of 64 bytes or more; give the value size
 * (`--value-size`, annotation `redis-lint.io/value-size`) for counters and other tiny values.
 */
export const DEFAULT_VALUE_BYTES = 64;

/**
 * AOF bytes of a write besides its value: the RESP framing of `SET <key> <value>` with a short
 * key (`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$<n>\r\n...\r\n`, catAppendOnlyGenericCommand in aof.c). A
 * longer key or command makes a write larger, so fewer writes per byte: 32 is the safe side.
 */
export const WRITE_OVERHEAD_BYTES = 32;

/**
 * Pages of 4 KiB the parent copies per write of a value of `valueBytes` to a random existing key
 * while a fork child lives (before the dataset's pages run out). Measured on redis-server 7.0.15
 * (jemalloc 5.3; docs/model.md, "Copy-on-write by pages"), as the upper envelope of the measured
 * pages per write: 3.2 at 64 B (the dict entry, the object and the value's slab page, and
 * allocator metadata), 2.0 at 1 KiB, 1.7 at 16 KiB, log-linear between; a value above a page goes
 * to a fresh allocator extent that was mostly not shared with the child, so it costs fewer pages
 * than it spans. Below 64 B: 3.2; above 16 KiB (not measured): 1.7 plus every further page of
 * the value, the safe side.
 *
 * @param valueBytes average value size, bytes (>= 0)
 * @throws never
 */
export function cowPagesPerWrite(valueBytes: number): number {
  const log2 = (x: number) => Math.log2(x);
  if (valueBytes <= 64) return 3.2;
  if (valueBytes <= 1024) return 3.2 - 0.3 * log2(valueBytes / 64);
  if (valueBytes <= 16384) return 2.0 - 0.075 * log2(valueBytes / 1024);
  return 1.7 + (valueBytes - 16384) / PAGE_BYTES;
}

/**
 * Bytes the parent copies while a fork child lives, by pages: `n` writes of `valueBytes` to
 * random keys each dirty {@link cowPagesPerWrite} pages, and a page is copied once, so of the
 * dataset's `P = ceil(dataset / 4096)` pages `P × (1 − e^(−n × pages / P))` are copied (random
 * pages hit by n × pages touches: never more than P, about n × pages while that is small next to
 * P), plus `cowBaselineBytes`, at most the dataset.
 *
 * @param datasetBytes in-memory dataset, bytes
 * @param writes writes served while the child lives
 * @param valueBytes average value size of a write, bytes
 * @param baselineBytes copy-on-write of a fork with no writes (cowBaselineBytes)
 * @param pageScale multiplier on the pages per write (cowPagesPerWriteScale, default 1)
 * @returns bytes, an integer
 * @throws never
 */
export function cowBytesByPages(datasetBytes: number, writes: number, valueBytes: number, baselineBytes: number, pageScale = 1): number {
  const pages = Math.ceil(datasetBytes / PAGE_BYTES);
  if (pages === 0) return 0;
  const touches = writes * cowPagesPerWrite(valueBytes) * pageScale;
  const copied = pages * -Math.expm1(-touches / pages);
  return Math.min(datasetBytes, baselineBytes + Math.ceil(copied * PAGE_BYTES));
}

/** Inputs of the fork memory projection; bytes, bytes/s, seconds. */
export interface ForkMemoryInput {
  forks: boolean;
  datasetBytes: number;
  /** Lifetime of the longest-lived child, seconds ({@link childLifetimeSeconds}). */
  childSeconds: number;
  /** Bytes appended to the AOF per second; null when unknown. */
  writeRateBytesPerSec: number | null;
  /** Average value size of a write, bytes; null: {@link DEFAULT_VALUE_BYTES}. */
  valueBytes: number | null;
  /**
   * Redis < 7: the writes made during an AOF rewrite held in memory besides the dataset
   * ({@link SINGLE_FILE_DIFF_MEMORY_FACTOR} × the bytes written while the rewrite runs); 0 otherwise.
   */
  rewriteBufferBytes: number;
  params: Pick<ModelParams, 'cowPagesPerWriteScale' | 'cowBaselineBytes' | 'baselineRssBytes' | 'replBacklogBytes'>;
}

/**
 * Redis ≤ 6.2 holds the writes made during an AOF rewrite in memory twice over, as a multiple of
 * those bytes (w): the parent queues them in `aof_rewrite_buf_blocks` (aofRewriteBufferAppend) and
 * pipes them to the child (aofChildWriteDiffData frees a block once sent), and the child appends
 * what it reads to `server.aof_child_diff` (aofReadDiffFromParent, aof.c 6.2.16 line 1445) for the
 * whole diff second, then writes it after the BASE. That sds grows by reallocation (sdsMakeRoomFor
 * doubles up to 1 MB, then adds 1 MB: sds.c line 248), and the child's private memory, which Redis
 * reports as aof_last_cow_size, came out up to 1.6 w above the copied pages on the 6.2.16 grid
 * (docs/model.md, Calibration): 2 w is the safe side.
 */
export const SINGLE_FILE_DIFF_MEMORY_FACTOR = 2;

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
 * page is touched: COW = dataset (the "2x" rule). With a write rate, COW counts the pages the
 * writes of the child's lifetime dirty ({@link cowBytesByPages}): writes = rate × childSeconds /
 * (valueBytes + {@link WRITE_OVERHEAD_BYTES}). Redis reports the measured value as INFO persistence
 * current_cow_size / rdb_last_cow_size / aof_last_cow_size (sendChildCowInfo, called by the
 * rdbSaveBackground and rewriteAppendOnlyFileBackground children).
 *
 * @param input dataset, child lifetime, write rate, value size and overhead parameters
 * @throws never
 */
export function forkMemory(input: ForkMemoryInput): ForkMemory {
  const { baselineRssBytes, replBacklogBytes, cowPagesPerWriteScale, cowBaselineBytes } = input.params;
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
    const value = input.valueBytes ?? DEFAULT_VALUE_BYTES;
    const writes = (input.writeRateBytesPerSec * input.childSeconds) / (value + WRITE_OVERHEAD_BYTES);
    cowBytes = cowBytesByPages(input.datasetBytes, writes, value, cowBaselineBytes, cowPagesPerWriteScale);
    const perWrite = cowPagesPerWrite(value) * cowPagesPerWriteScale;
    assumptions.push(
      `copy-on-write by pages during the ${input.childSeconds.toFixed(1)} s child: ${Math.round(writes)} writes of ${formatQuantity(value)} values${input.valueBytes === null ? ' (no value size given: 64 B, the safe side)' : ''}, ${perWrite.toFixed(1)} pages of 4 KiB each (measured), each page copied once, + ${formatQuantity(cowBaselineBytes)}, at most the dataset`,
    );
  }
  if (input.rewriteBufferBytes > 0) {
    assumptions.push(`Redis < 7: writes made during an AOF rewrite are also held in memory, ${formatQuantity(input.rewriteBufferBytes)} (the parent's aof_rewrite_buf_blocks and the child's diff buffer)`);
  }
  return { usedBytes, cowBytes, forkPeakBytes: usedBytes + cowBytes + input.rewriteBufferBytes, assumptions };
}
