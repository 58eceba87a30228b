import { AUTO_REWRITE_DISABLED, SINGLE_FILE_DIFF_WAIT_SECONDS, aofCycle, aofLayoutFor, type AofCycle } from './aof.js';
import { capacity, type Capacity } from './capacity.js';
import { requireNonNegative } from './check.js';
import { SINGLE_FILE_DIFF_MEMORY_FACTOR, childLifetimeSeconds, forkHappens, forkMemory } from './fork-memory.js';
import { shutdownSaveSeconds, startupLoadSeconds } from './load-time.js';
import { resolveParams, type ModelParams } from './params.js';
import { estimateRdbBytes, rdbFilesOnVolume, type Role } from './rdb.js';
import { formatQuantity, recommendedVolumeBytes } from './volume.js';

/** Where the dataset size comes from, most trusted first. */
export type DatasetBasis = 'workload' | 'maxmemory' | 'memory-limit' | 'unknown';

/**
 * Everything the model needs, as plain numbers (bytes, bytes/second, seconds).
 * Redis memory units ("1gb") are binary: parse them to bytes before calling.
 */
export interface ProjectionInput {
  redisVersion: { major: number; minor: number };
  role: Role;
  /** Size of the data volume (`dir`), bytes; null when unknown or absent. */
  volumeBytes: number | null;
  /** maxmemory, bytes; null or 0 = unset. */
  maxmemoryBytes: number | null;
  /** Container memory limit, bytes; null = none. */
  memoryLimitBytes: number | null;
  aof: {
    /** appendonly */
    enabled: boolean;
    /** auto-aof-rewrite-percentage (integer, 0 disables auto-rewrite) */
    rewritePercentage: number;
    /** auto-aof-rewrite-min-size, bytes */
    rewriteMinSizeBytes: number;
    /** aof-use-rdb-preamble */
    useRdbPreamble: boolean;
  };
  /**
   * `save` points (empty for `save ""`) and stop-writes-on-bgsave-error (default true, the Redis
   * default: a failed BGSAVE makes Redis refuse writes with MISCONF).
   */
  rdb: { savePoints: Array<{ seconds: number; changes: number }>; stopWritesOnBgsaveError?: boolean };
  /** Replicas are attached to this instance (full syncs fork). */
  hasReplicas: boolean;
  /** repl-diskless-sync */
  replDisklessSync: boolean;
  /** Measured workload; each member optional. */
  workload?: {
    /** In-memory dataset with its per-key overhead, bytes (INFO memory used_memory − used_memory_startup). */
    datasetBytes?: number;
    /** Size of dump.rdb / an RDB-format BASE, bytes. */
    rdbBytes?: number;
    /** Bytes appended to the AOF per second (INFO persistence aof_current_size growth). */
    writeRateBytesPerSec?: number;
    /** Average value size of a write, bytes (sets the pages a write dirties: fork-memory.ts); default 64. */
    valueBytes?: number;
  };
  /** Overrides of {@link ModelParams}. */
  params?: Partial<ModelParams>;
  /** `hz`, serverCron calls per second (default 10, config.c); sets how soon a finished rewrite is picked up. */
  hz?: number;
}

/** Disk side of the projection; bytes unless named otherwise. */
export interface DiskProjection {
  volumeBytes: number | null;
  aofEnabled: boolean;
  /** AOF size that starts an automatic rewrite; null when AOF is off, auto-rewrite is disabled or the dataset is unknown. */
  rewriteTriggerBytes: number | null;
  /** auto-aof-rewrite-min-size, bytes (the AOF must exceed it before any automatic rewrite); null when AOF is off. */
  rewriteMinSizeBytes: number | null;
  /** aof_rewrite_base_size after a rewrite (new BASE + bytes written during it); null when AOF is off or unknown. */
  baseAfterRewriteBytes: number | null;
  /**
   * Seconds from the fork of a rewrite until the parent installs the new BASE: the child's lifetime
   * rounded up to whole serverCron periods (1/hz), at least one; null when unknown.
   */
  rewriteSeconds: number | null;
  /** Bytes appended to the AOF during rewriteSeconds; 0 without a write rate, null when AOF is off or unknown. */
  rewriteWriteBytes: number | null;
  /** AOF size when the rewrite child forks (trigger + a wait for another child); null when disabled or unknown. */
  rewriteStartBytes: number | null;
  /** Bytes on top of the AOF while a rewrite runs (new BASE + new INCR, 6.x: + the old file's growth); null when AOF is off or unknown. */
  rewriteExtraBytes: number | null;
  /** Size of dump.rdb on the volume (0 when none lives there); null when unknown. */
  dumpBytes: number | null;
  /** dump.rdb lives on the volume (save points, replica, or disk-based full sync). */
  dumpRdbPresent: boolean;
  /** Steady-state peak of everything on the volume; null when unbounded (auto-rewrite off) or unknown. */
  peakBytes: number | null;
  /**
   * Largest dataset (bytes) whose steady-state peak fits volume × (1 − headroomFraction), with
   * this configuration and write rate (capacity.ts); 0 when no dataset fits (the AOF is never
   * rewritten, or an empty dataset's cycle already exceeds it); null without a volume or when
   * nothing is persisted on it. Known whether or not the dataset is.
   */
  maxDatasetBytes: number | null;
  /** peakBytes / (1 − headroomFraction) rounded up to a whole Mi; null when peakBytes is null. */
  recommendedVolumeBytes: number | null;
  /** recommendedVolumeBytes as a Kubernetes quantity ("720Mi", "1.25Gi"); null when unknown. */
  recommendedVolume: string | null;
  /**
   * true when the AOF is never rewritten automatically, not even the first time, so it grows until
   * the volume is full: auto-aof-rewrite-percentage 0, or volume <= auto-aof-rewrite-min-size (the
   * AOF must exceed min-size). false when AOF is off; null when the volume is unknown.
   * A later trigger that no longer fits next to dump.rdb and the new BASE shows as peakBytes > volume.
   */
  rewriteUnreachable: boolean | null;
  /**
   * AOF size (bytes) at which Redis starts refusing writes if no rewrite succeeds: the volume minus
   * dump.rdb, and minus the temp file of the next BGSAVE when save points and
   * stop-writes-on-bgsave-error are on. null without a volume, AOF, or a dataset.
   */
  aofBytesAtFull: number | null;
  /**
   * Seconds for the AOF to grow from its post-rewrite size (from empty when rewriteUnreachable)
   * to aofBytesAtFull, if no further rewrite succeeds. null without a positive write rate, a
   * volume, AOF, or a dataset.
   */
  timeToFullSeconds: number | null;
}

/** Memory side of the projection; bytes. */
export interface MemoryProjection {
  forkHappens: boolean;
  /** Lifetime of one fork child (BASE or RDB bytes / forkChildThroughputBytesPerSec), seconds; null when unknown. */
  childSeconds: number | null;
  /** Dataset + process overhead. */
  usedBytes: number | null;
  cowBytes: number | null;
  /** Memory charged to the container at the worst fork moment (usedBytes when no fork). */
  forkPeakBytes: number | null;
  limitBytes: number | null;
  maxmemoryBytes: number | null;
  /** Largest dataset (bytes) whose fork peak fits the memory limit (capacity.ts); 0 when none does; null without a limit. */
  maxDatasetBytes: number | null;
}

/** Result of {@link project}. Numbers are null when unknown, never NaN. */
export interface Projection {
  dataset: { bytes: number | null; basis: DatasetBasis };
  rdbBytes: number | null;
  /** Bytes appended to the AOF per second (the workload's write rate); null when not given. */
  writeRateBytesPerSec: number | null;
  disk: DiskProjection;
  memory: MemoryProjection;
  /** Worst-case start-up load time, seconds. */
  loadSeconds: number | null;
  /** Blocking SAVE at SIGTERM, seconds (0 without save points). */
  shutdownSaveSeconds: number | null;
  /** Plain-words assumptions behind the numbers, in model order. */
  assumptions: string[];
}

/**
 * Dataset size and its basis: workload.datasetBytes, else maxmemory (Redis evicts or rejects
 * writes above it: performEvictions in evict.c via processCommand), else the container limit
 * (the kernel OOM-kills above it), else unknown.
 *
 * @param input projection input (already validated)
 * @throws never
 */
export function resolveDataset(input: ProjectionInput): { bytes: number | null; basis: DatasetBasis; assumptions: string[] } {
  const fromWorkload = input.workload?.datasetBytes;
  if (fromWorkload !== undefined) {
    return { bytes: fromWorkload, basis: 'workload', assumptions: [`dataset taken from the workload: ${formatQuantity(fromWorkload)}`] };
  }
  if (input.maxmemoryBytes) {
    return {
      bytes: input.maxmemoryBytes,
      basis: 'maxmemory',
      assumptions: [`no workload given: dataset bounded by maxmemory ${formatQuantity(input.maxmemoryBytes)}`],
    };
  }
  if (input.memoryLimitBytes) {
    return {
      bytes: input.memoryLimitBytes,
      basis: 'memory-limit',
      assumptions: [`no workload and no maxmemory: dataset bounded by the container memory limit ${formatQuantity(input.memoryLimitBytes)}`],
    };
  }
  return {
    bytes: null,
    basis: 'unknown',
    assumptions: ['no workload, maxmemory or memory limit: dataset size unknown, size-dependent results are null'],
  };
}

function validate(input: ProjectionInput): void {
  const { major, minor } = input.redisVersion;
  if (!Number.isInteger(major) || major < 0 || !Number.isInteger(minor) || minor < 0) {
    throw new RangeError(`redisVersion must be non-negative integers, got ${major}.${minor}`);
  }
  const optional: Array<[string, number | null | undefined]> = [
    ['volumeBytes', input.volumeBytes],
    ['maxmemoryBytes', input.maxmemoryBytes],
    ['memoryLimitBytes', input.memoryLimitBytes],
    ['workload.datasetBytes', input.workload?.datasetBytes],
    ['workload.rdbBytes', input.workload?.rdbBytes],
    ['workload.writeRateBytesPerSec', input.workload?.writeRateBytesPerSec],
    ['workload.valueBytes', input.workload?.valueBytes],
  ];
  for (const [name, value] of optional) if (value !== null && value !== undefined) requireNonNegative(name, value);
  requireNonNegative('aof.rewriteMinSizeBytes', input.aof.rewriteMinSizeBytes);
  if (input.hz !== undefined && !(Number.isInteger(input.hz) && input.hz >= 1 && input.hz <= 500)) {
    throw new RangeError(`hz must be an integer in [1, 500] (config.c bounds), got ${input.hz}`);
  }
  if (!Number.isInteger(input.aof.rewritePercentage) || input.aof.rewritePercentage < 0) {
    throw new RangeError(`aof.rewritePercentage must be an integer >= 0, got ${input.aof.rewritePercentage}`);
  }
}

/**
 * The AOF can never be rewritten automatically (see {@link DiskProjection.rewriteUnreachable}):
 * serverCron needs aof_current_size > min-size, which a volume of at most min-size bytes cannot hold.
 */
function isRewriteUnreachable(input: ProjectionInput): boolean | null {
  if (!input.aof.enabled) return false;
  if (input.aof.rewritePercentage === 0) return true;
  return input.volumeBytes === null ? null : input.volumeBytes <= input.aof.rewriteMinSizeBytes;
}

/** {@link project} without the capacity search (which calls it). */
function projectCore(input: ProjectionInput, params: ModelParams): Projection {
  const assumptions: string[] = [];
  if (input.redisVersion.major < 6) {
    assumptions.push(`Redis ${input.redisVersion.major}.x is outside the verified range 6.x–8.x; modelled like 6.x`);
  }

  const dataset = resolveDataset(input);
  const rdb = estimateRdbBytes(dataset.bytes, input.workload?.rdbBytes, params.rdbToMemoryRatio);
  const savePointCount = input.rdb.savePoints.length;
  const rdbFiles = rdbFilesOnVolume(
    { savePointCount, role: input.role, hasReplicas: input.hasReplicas, replDisklessSync: input.replDisklessSync },
    rdb.bytes,
  );
  assumptions.push(...dataset.assumptions, ...rdb.assumptions, ...rdbFiles.assumptions);

  const aof = input.aof;
  const layout = aofLayoutFor(input.redisVersion.major);
  const rate = input.workload?.writeRateBytesPerSec ?? null;
  // BASE is RDB-format with the preamble; in command form it is sized as the larger of RDB and dataset.
  const baseBytes =
    rdb.bytes === null ? null : aof.useRdbPreamble ? rdb.bytes : Math.max(rdb.bytes, dataset.bytes ?? 0);
  const childWriteBytes = aof.enabled ? baseBytes : rdb.bytes;
  const writeChildSeconds =
    childWriteBytes === null ? null : childLifetimeSeconds(childWriteBytes, params.forkChildThroughputBytesPerSec);
  // Redis <= 6.2: after writing the BASE the rewrite child keeps reading the parent's diffs until
  // 20 ms pass without one or 1 s is over (rewriteAppendOnlyFile, aof.c 6.2.16 lines 1584-1601), so
  // under any steady write stream it lives a further second (measured: 1.1 s on disk at hz 10).
  const diffWait = aof.enabled && layout === 'single-file' && rate !== null && rate > 0 ? SINGLE_FILE_DIFF_WAIT_SECONDS : 0;
  const childSeconds = writeChildSeconds === null ? null : writeChildSeconds + diffWait;
  // Writes land in the new INCR (7.x) / rewrite buffer (6.x) from the fork until the parent
  // notices the child's exit: the rewrite starts in serverCron and checkChildrenDone runs in
  // serverCron (server.c), every 1000/hz ms, so the window is the child's lifetime rounded up to
  // whole cron periods, at least one (measured: 0.1 s at hz 10 for a 30 ms child, docs/model.md).
  const hz = input.hz ?? 10;
  const rewriteSeconds = childSeconds === null ? null : Math.max(1, Math.ceil(childSeconds * hz - 1e-9)) / hz;
  const w = rewriteSeconds === null ? null : rate === null ? 0 : Math.ceil(rate * rewriteSeconds);

  let cycle: AofCycle | null = null;
  if (aof.enabled) {
    if (rate === null) assumptions.push('no write rate given: bytes written during a rewrite not counted');
    if (!aof.useRdbPreamble) {
      assumptions.push('aof-use-rdb-preamble no: BASE is in command form, sized as the larger of the RDB and the dataset');
    }
    if (baseBytes !== null && w !== null) {
      const otherForks = savePointCount > 0 || input.hasReplicas;
      // The rewrite waits for a BGSAVE / full-sync child (hasActiveChildProcess() in serverCron,
      // 6.x-8.x): as long as that child lives, the RDB written at the child throughput and rounded
      // to cron periods, without the 6.x diff wait, which only a rewrite child does.
      const rdbChild = rdb.bytes === null ? 0 : childLifetimeSeconds(rdb.bytes, params.forkChildThroughputBytesPerSec);
      const delay = rate === null ? 0 : Math.ceil((rate * Math.max(1, Math.ceil(rdbChild * hz - 1e-9))) / hz);
      cycle = aofCycle({
        layout,
        baseBytes,
        rewriteWriteBytes: w,
        delayedStartBytes: otherForks ? delay : 0,
        cronOvershootBytes: rate === null ? 0 : Math.ceil(rate / hz),
        percentage: aof.rewritePercentage,
        minSizeBytes: aof.rewriteMinSizeBytes,
      });
      assumptions.push(...cycle.assumptions);
    } else if (aof.rewritePercentage === 0) {
      assumptions.push(AUTO_REWRITE_DISABLED);
    }
  }

  const { dumpBytes, tempBytes } = rdbFiles;
  const rewriteStart = cycle?.rewriteStartBytes ?? null;
  let peakBytes: number | null = null;
  if (dumpBytes !== null && tempBytes !== null) {
    if (!aof.enabled) peakBytes = dumpBytes + tempBytes;
    else if (cycle !== null && rewriteStart !== null) {
      peakBytes = rewriteStart + dumpBytes + Math.max(cycle.rewriteExtraBytes, tempBytes);
    }
  }
  const recommended = peakBytes === null ? null : recommendedVolumeBytes(peakBytes, params.headroomFraction);

  // Writes stop when the AOF write fails (ENOSPC) or, with save points and
  // stop-writes-on-bgsave-error (writeCommandsDeniedByDiskError, server.c), when a BGSAVE can no
  // longer fit its temp file next to dump.rdb: the earlier of the two.
  const bgsaveBlocks = savePointCount > 0 && input.rdb.stopWritesOnBgsaveError !== false;
  // Where the growth starts: the AOF a rewrite leaves, or, when no rewrite can ever run, an empty
  // AOF (7.x starts with an empty BASE; every write since AOF was enabled stays in the INCR files).
  const unreachable = isRewriteUnreachable(input) === true;
  const growthStart = cycle === null ? null : unreachable ? 0 : cycle.baseAfterRewriteBytes;
  const aofBytesAtFull =
    input.volumeBytes === null || growthStart === null || dumpBytes === null || tempBytes === null
      ? null
      : Math.max(growthStart, input.volumeBytes - dumpBytes - (bgsaveBlocks ? tempBytes : 0));
  if (bgsaveBlocks && aofBytesAtFull !== null) {
    assumptions.push('save points with stop-writes-on-bgsave-error yes: writes are refused (MISCONF) once a BGSAVE temp file no longer fits');
  }
  if (unreachable && aofBytesAtFull !== null) {
    assumptions.push('no rewrite can run: time to full counted from an empty AOF (an AOF enabled on existing data starts with it as BASE and fills sooner)');
  }
  const freeForAof = aofBytesAtFull === null || growthStart === null ? null : aofBytesAtFull - growthStart;
  const timeToFullSeconds = freeForAof === null || rate === null || rate === 0 ? null : freeForAof / rate;

  const forks = forkHappens({ aofEnabled: aof.enabled, savePointCount, hasReplicas: input.hasReplicas });
  const memory =
    dataset.bytes === null || childSeconds === null || w === null
      ? null
      : forkMemory({
          forks,
          datasetBytes: dataset.bytes,
          childSeconds,
          writeRateBytesPerSec: rate,
          valueBytes: input.workload?.valueBytes ?? null,
          rewriteBufferBytes: aof.enabled && layout === 'single-file' ? SINGLE_FILE_DIFF_MEMORY_FACTOR * w : 0,
          params,
        });
  if (memory) assumptions.push(...memory.assumptions);

  const loadKnown = aof.enabled ? baseBytes !== null && w !== null : dumpBytes !== null;
  const load = loadKnown
    ? startupLoadSeconds(
        {
          aofEnabled: aof.enabled,
          useRdbPreamble: aof.useRdbPreamble,
          baseBytes: baseBytes ?? 0,
          // Largest AOF at start-up: a crash at the end of a rewrite leaves the old files plus w new bytes.
          maxAofBytes: rewriteStart === null ? null : rewriteStart + (w ?? 0),
          rdbFileBytes: dumpBytes ?? 0,
        },
        params,
      )
    : null;
  const shutdown = shutdownSaveSeconds(savePointCount, rdb.bytes, params);
  if (load) assumptions.push(...load.assumptions);
  assumptions.push(...shutdown.assumptions);

  return {
    dataset: { bytes: dataset.bytes, basis: dataset.basis },
    rdbBytes: rdb.bytes,
    writeRateBytesPerSec: rate,
    disk: {
      volumeBytes: input.volumeBytes,
      aofEnabled: aof.enabled,
      rewriteTriggerBytes: cycle?.rewriteTriggerBytes ?? null,
      rewriteMinSizeBytes: aof.enabled ? aof.rewriteMinSizeBytes : null,
      baseAfterRewriteBytes: cycle?.baseAfterRewriteBytes ?? null,
      rewriteSeconds: aof.enabled ? rewriteSeconds : null,
      rewriteWriteBytes: aof.enabled ? w : null,
      rewriteStartBytes: rewriteStart,
      rewriteExtraBytes: cycle?.rewriteExtraBytes ?? null,
      dumpBytes,
      dumpRdbPresent: rdbFiles.dumpPresent,
      peakBytes,
      recommendedVolumeBytes: recommended,
      recommendedVolume: recommended === null ? null : formatQuantity(recommended),
      rewriteUnreachable: isRewriteUnreachable(input),
      aofBytesAtFull,
      timeToFullSeconds,
      maxDatasetBytes: null,
    },
    memory: {
      forkHappens: forks,
      childSeconds,
      usedBytes: memory?.usedBytes ?? null,
      cowBytes: memory?.cowBytes ?? null,
      forkPeakBytes: memory?.forkPeakBytes ?? null,
      limitBytes: input.memoryLimitBytes || null,
      maxmemoryBytes: input.maxmemoryBytes || null,
      maxDatasetBytes: null,
    },
    loadSeconds: load?.seconds ?? null,
    shutdownSaveSeconds: shutdown.seconds,
    assumptions,
  };
}

/**
 * Projects disk, memory and timing of a Redis deployment from its configuration and, when
 * known, its workload. Pure: no I/O, same input → same output.
 *
 * Disk peak (bytes), with S = AOF size when the rewrite forks, E = rewrite extra bytes
 * (aofCycle), Dump = dump.rdb, Tmp = the temp file that replaces it:
 *   AOF on:  S + Dump + max(E, Tmp) — BGSAVE and BGREWRITEAOF never run together (hasActiveChildProcess
 *            in rdbSaveBackground / rewriteAppendOnlyFileBackground), so the RDB temp file and the
 *            rewrite's new files never coexist, but dump.rdb sits next to the AOF all the time;
 *   AOF off: Dump + Tmp.
 * Capacity (disk.maxDatasetBytes, memory.maxDatasetBytes): the largest dataset the volume and the
 * memory limit carry, found by projecting candidate dataset sizes (capacity.ts).
 * See docs/model.md for every formula and its Redis source.
 *
 * @param input configuration, optional workload and parameter overrides
 * @returns the projection; unknown numbers are null
 * @throws RangeError on negative/non-finite sizes, a non-integer rewrite percentage, hz outside [1, 500], a bad version
 *   or invalid params (see resolveParams)
 */
export function project(input: ProjectionInput): Projection {
  validate(input);
  const params = resolveParams(input.params);
  const result = projectCore(input, params);
  // The RDB scales with the dataset: the workload's own ratio when it gives both sizes.
  const w = input.workload;
  const ratio = w?.datasetBytes && w.rdbBytes !== undefined ? w.rdbBytes / w.datasetBytes : params.rdbToMemoryRatio;
  const at = (d: number): Projection =>
    projectCore(
      { ...input, workload: { ...w, datasetBytes: d, rdbBytes: Math.ceil(d * ratio) } },
      params,
    );
  const persists = result.disk.aofEnabled || result.disk.dumpRdbPresent;
  // ~70 projections per search: computed when first read (reports, the finding for an unbounded
  // dataset), not on every lint, and then kept. Still a plain enumerable field for JSON and spreads.
  let cap: Capacity | undefined;
  const get = (): Capacity =>
    (cap ??= capacity(
      { diskPeak: (d) => at(d).disk.peakBytes, forkPeak: (d) => at(d).memory.forkPeakBytes ?? Infinity },
      input.volumeBytes,
      input.memoryLimitBytes || null,
      params.headroomFraction,
      persists,
      ratio > 0 ? Math.ceil((input.volumeBytes ?? 0) / ratio) + 1 : 0,
    ));
  Object.defineProperty(result.disk, 'maxDatasetBytes', { enumerable: true, get: () => get().diskMaxDatasetBytes });
  Object.defineProperty(result.memory, 'maxDatasetBytes', { enumerable: true, get: () => get().memoryMaxDatasetBytes });
  return result;
}
