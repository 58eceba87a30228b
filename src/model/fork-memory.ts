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
 * Bytes of the small allocations every key has besides its value, the pool the first pages of
 * a write land in: the dict entry (`struct dictEntry`, 24 bytes: key, value and next pointers,
 * dict.c 7.2.6 line 63, in jemalloc's 32-byte class) and the value's object (`struct redisObject`,
 * 16 bytes, server.h 7.2.6 line 900). The same in 6.2-7.4 and Valkey 8.0.
 */
export const KEY_ALLOCATION_BYTES = 48;

/**
 * Pages a write to an existing key dirties in the keys' small allocations
 * ({@link KEY_ALLOCATION_BYTES}): overwriting a value (`dbSetValue`, db.c 7.2.6 line 245) writes
 * the new object (`val->lru = old->lru`) and the dict entry (`dictSetVal`), each in a page of its
 * own among the keys'.
 */
export const COW_KEY_PAGES_PER_WRITE = 2;

/**
 * Pages of 4 KiB a write of a value of `valueBytes` dirties among the values' pages (the
 * allocation the new value lands in, a region the allocator freed from an older value, and
 * allocator metadata), besides {@link COW_KEY_PAGES_PER_WRITE}. Measured on redis-server 7.0.15
 * (jemalloc 5.3; docs/model.md, "Copy-on-write by pages") as the upper envelope over the CoW grid
 * of five runs: 1.2 at 64 B, 1.6 at 1 KiB, 1.7 at 16 KiB, log-linear between; a value above a
 * page goes to an allocator extent that was mostly not shared with the child, so it costs fewer
 * pages than it spans. Below 64 B: 1.2; above 16 KiB (not measured): 1.7 plus every further page
 * of the value, the safe side.
 *
 * @param valueBytes average value size, bytes (>= 0)
 * @throws never
 */
export function cowValuePagesPerWrite(valueBytes: number): number {
  const log2 = (x: number) => Math.log2(x);
  if (valueBytes <= 64) return 1.2;
  if (valueBytes <= 1024) return 1.2 + 0.1 * log2(valueBytes / 64);
  if (valueBytes <= 16384) return 1.6 + 0.025 * log2(valueBytes / 1024);
  return 1.7 + (valueBytes - 16384) / PAGE_BYTES;
}

/**
 * Pages one write dirties while few of them are copied yet: {@link COW_KEY_PAGES_PER_WRITE} +
 * {@link cowValuePagesPerWrite}.
 * @throws never
 */
export function cowPagesPerWrite(valueBytes: number): number {
  return COW_KEY_PAGES_PER_WRITE + cowValuePagesPerWrite(valueBytes);
}

/**
 * Bytes the parent copies while a fork child lives, by pages, in two pools a page is copied
 * once in: the keys' small allocations (`K × 48` bytes for `K = ceil(dataset / (value + 48))`
 * keys, an upper bound on the keys: real keys also have a name, a bucket and rounding) take
 * {@link COW_KEY_PAGES_PER_WRITE} touches per write, the rest of the dataset's
 * `P = ceil(dataset / 4096)` pages {@link cowValuePagesPerWrite}. `x` random touches of a pool
 * of `Q` pages copy `Q × (1 − e^(−x / Q))` of them: about `x` while small next to `Q`, never more
 * than `Q`. With 1 KiB values the keys' pool is ~4% of the dataset and is all copied within a few
 * hundred writes, while the values' pages fill slowly; one pool of all pages at the first writes'
 * rate was up to 28% over there (docs/model.md). Plus `cowBaselineBytes`, at most the dataset.
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
  const keys = Math.ceil(datasetBytes / (Math.max(0, valueBytes) + KEY_ALLOCATION_BYTES));
  const keyPages = Math.min(pages, Math.ceil((keys * KEY_ALLOCATION_BYTES) / PAGE_BYTES));
  const valuePages = pages - keyPages;
  const copiedOf = (pool: number, touches: number) => (pool > 0 ? pool * -Math.expm1(-touches / pool) : 0);
  const copied =
    copiedOf(keyPages, writes * COW_KEY_PAGES_PER_WRITE * pageScale) + copiedOf(valuePages, writes * cowValuePagesPerWrite(valueBytes) * pageScale);
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
      `copy-on-write by pages during the ${input.childSeconds.toFixed(1)} s child: ${Math.round(writes)} writes of ${formatQuantity(value)} values${input.valueBytes === null ? ' (no value size given: 64 B, the safe side)' : ''}, ${perWrite.toFixed(1)} pages of 4 KiB each (measured; ${COW_KEY_PAGES_PER_WRITE * cowPagesPerWriteScale} of them among the keys' dict entries and objects), each page copied once, + ${formatQuantity(cowBaselineBytes)}, at most the dataset`,
    );
  }
  if (input.rewriteBufferBytes > 0) {
    assumptions.push(`Redis < 7: writes made during an AOF rewrite are also held in memory, ${formatQuantity(input.rewriteBufferBytes)} (the parent's aof_rewrite_buf_blocks and the child's diff buffer)`);
  }
  return { usedBytes, cowBytes, forkPeakBytes: usedBytes + cowBytes + input.rewriteBufferBytes, assumptions };
}
