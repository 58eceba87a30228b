/**
 * Pure measurement logic of `redis-lint calibrate`: parse `INFO` replies of a live Redis, derive
 * the workload facts the projection model needs (dataset, RDB size, AOF write rate) plus the
 * measured copy-on-write and fork-child durations, resolve the configuration (`CONFIG GET`, else
 * INFO, else Redis defaults), and build a {@link ProjectionInput}. No I/O here: src/cli/calibrate.ts
 * talks to Redis and hands the replies to these functions.
 *
 * INFO fields come from `genRedisInfoString` (server.c). Units: bytes, bytes/second, seconds,
 * milliseconds where named `Ms`.
 */
import { project, type Projection, type ProjectionInput } from '../model/projection.js';
import type { Role } from '../model/rdb.js';
import { DEFAULT_VALUE_BYTES } from '../model/fork-memory.js';
import { UnitError, parseQuantity, parseRedisMemory, parseSize } from '../model/units.js';
import { WORKLOAD_ANNOTATIONS } from '../sources/common.js';
import { REDIS_DEFAULTS, UNKNOWN_REDIS_MAJOR } from '../sources/redis-defaults.js';

/** One INFO field value: a number when the text is a plain decimal number, else the raw text. */
export type InfoValue = number | string;

/** An `INFO` reply, parsed. */
export interface ParsedInfo {
  /** Section name, lower-cased (`"persistence"`, `"memory"`, ...) → field → value, in reply order. */
  sections: Record<string, Record<string, InfoValue>>;
  /** Every field of every section in one record (INFO field names are unique across sections). */
  fields: Record<string, InfoValue>;
}

const NUMERIC = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/**
 * Parses the text of an `INFO [section ...]` reply: `# Section` headers, `field:value` lines,
 * CRLF or LF line ends. A value becomes a number when it is a plain decimal (`54`, `-1`, `0.00`)
 * that fits a double exactly; everything else (`7.0.15`, `00000000`, `keys=1,expires=0`) stays a
 * string. Lines before the first header go to section `""`. Blank lines and lines without `:`
 * are ignored.
 *
 * @param text the bulk-string reply of INFO
 * @returns sections and a flat field record
 * @throws never
 */
export function parseInfo(text: string): ParsedInfo {
  const sections: Record<string, Record<string, InfoValue>> = {};
  const fields: Record<string, InfoValue> = {};
  let current: Record<string, InfoValue> = (sections[''] = {});
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      current = sections[line.slice(1).trim().toLowerCase()] ??= {};
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    const text = line.slice(colon + 1);
    let value: InfoValue = text;
    if (NUMERIC.test(text)) {
      const n = Number(text);
      if (Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n))) value = n;
    }
    current[key] = value;
    fields[key] = value;
  }
  if (Object.keys(sections['']).length === 0) delete sections[''];
  return { sections, fields };
}

/** A numeric INFO field, or null when absent or not numeric. */
export function infoNumber(info: ParsedInfo, field: string): number | null {
  const v = info.fields[field];
  return typeof v === 'number' ? v : null;
}

/** A string INFO field (numbers are returned as their decimal text), or null when absent. */
export function infoString(info: ParsedInfo, field: string): string | null {
  const v = info.fields[field];
  return v === undefined ? null : String(v);
}

/** One INFO reply taken during the window, with the moment it describes. */
export interface InfoSample {
  /** Local wall clock (ms since the epoch) when the reply arrived. */
  localMs: number;
  /**
   * The server's clock (ms since the epoch) from INFO server `server_time_usec` (Redis ≥ 6.2),
   * taken when the reply was generated; null when the field is absent. Preferred over localMs:
   * it is free of network and client event-loop delays.
   */
  serverMs: number | null;
  info: ParsedInfo;
}

/**
 * Builds an {@link InfoSample} from an INFO reply (it should include the `server` section for
 * `server_time_usec`, and `persistence`, `memory`, `replication`: plain `INFO` does).
 *
 * @param text    INFO reply text
 * @param localMs local clock (ms) when the reply arrived
 * @throws never
 */
export function infoSample(text: string, localMs: number): InfoSample {
  const info = parseInfo(text);
  const usec = infoNumber(info, 'server_time_usec');
  return { localMs, serverMs: usec === null ? null : usec / 1000, info };
}

/** An interval between two consecutive samples left out of the write rate, and why. */
export interface SkippedInterval {
  /** Index of the interval's first sample in the samples array; the interval ends at `from + 1`. */
  from: number;
  reason: string;
}

/** How the AOF write rate was measured. */
export interface WriteRateMeasurement {
  /**
   * - `measured`: bytesPerSec is the growth of the AOF over the usable intervals;
   * - `aof-off`: appendonly was off in every sample (INFO persistence `aof_enabled:0`), so there is
   *   no AOF to measure: no rate (none is invented);
   * - `no-usable-interval`: AOF on, but every interval was skipped (rewrite, restart, AOF toggled);
   * - `too-few-samples`: fewer than two samples.
   */
  status: 'measured' | 'aof-off' | 'no-usable-interval' | 'too-few-samples';
  /** Bytes appended to the AOF per second; null unless status is `measured`. */
  bytesPerSec: number | null;
  /** Bytes appended over the usable intervals. */
  appendedBytes: number;
  /** Seconds covered by the usable intervals. */
  usedSeconds: number;
  /** Seconds from the first to the last sample. */
  windowSeconds: number;
  /** Number of intervals (samples − 1). */
  intervals: number;
  skipped: SkippedInterval[];
  /** Which clock timed the intervals: the server's `server_time_usec` when every sample has it. */
  clock: 'server' | 'local';
  /** AOF rewrites started during the window (INFO persistence `aof_rewrites` difference; 0 when the field is absent). */
  rewritesInWindow: number;
}

/**
 * Logical AOF size of a sample: `aof_current_size` (bytes written to the AOF files, BASE + INCRs
 * in 7.x; `server.aof_current_size`, INFO persistence) + `aof_buffer_length` (bytes accepted but
 * not yet written: `sdslen(server.aof_buf)`, flushed in beforeSleep). null when AOF is off.
 */
export function logicalAofSize(info: ParsedInfo): number | null {
  if (infoNumber(info, 'aof_enabled') !== 1) return null;
  const size = infoNumber(info, 'aof_current_size');
  if (size === null) return null;
  return size + (infoNumber(info, 'aof_buffer_length') ?? 0);
}

/**
 * AOF write rate from INFO samples taken through the window (one a second, say).
 *
 * Growth of the logical AOF size ({@link logicalAofSize}) summed over consecutive-sample
 * intervals and divided by the seconds those intervals cover. An interval is skipped, not
 * measured, when the AOF changes under it for another reason than appends:
 * - `aof_rewrites` changed: a rewrite started (`stat_aof_rewrites++` in
 *   rewriteAppendOnlyFileBackground, aof.c 7.x);
 * - `aof_base_size` changed (`server.aof_rewrite_base_size`, reset by backgroundRewriteDoneHandler
 *   when a rewrite finishes, which also resets aof_current_size to new BASE + new INCR);
 * - `aof_rewrite_in_progress` went 1 → 0 (a rewrite finished; covers 6.x, which has no aof_rewrites);
 * - the logical size shrank (a rewrite or restart not caught above);
 * - AOF off at either end, `loading:1`, a restart (`run_id` changed), or a non-positive duration.
 * So a rewrite during the window costs the one or two intervals around it, not the measurement.
 *
 * @param samples two or more samples in time order
 * @returns the rate and how it was obtained; never NaN
 * @throws never
 */
export function measureWriteRate(samples: readonly InfoSample[]): WriteRateMeasurement {
  const clock: 'server' | 'local' = samples.length > 0 && samples.every((s) => s.serverMs !== null) ? 'server' : 'local';
  const at = (s: InfoSample) => (clock === 'server' ? (s.serverMs as number) : s.localMs);
  const intervals = Math.max(0, samples.length - 1);
  const windowSeconds = samples.length > 1 ? Math.max(0, (at(samples[samples.length - 1]) - at(samples[0])) / 1000) : 0;
  const firstRewrites = samples.length ? infoNumber(samples[0].info, 'aof_rewrites') : null;
  const lastRewrites = samples.length ? infoNumber(samples[samples.length - 1].info, 'aof_rewrites') : null;
  const rewritesInWindow = firstRewrites !== null && lastRewrites !== null ? Math.max(0, lastRewrites - firstRewrites) : 0;
  const result: WriteRateMeasurement = {
    status: 'too-few-samples',
    bytesPerSec: null,
    appendedBytes: 0,
    usedSeconds: 0,
    windowSeconds,
    intervals,
    skipped: [],
    clock,
    rewritesInWindow,
  };
  if (samples.length < 2) return result;
  if (samples.every((s) => infoNumber(s.info, 'aof_enabled') !== 1)) return { ...result, status: 'aof-off' };

  for (let i = 0; i < intervals; i++) {
    const a = samples[i].info;
    const b = samples[i + 1].info;
    const skip = (reason: string) => result.skipped.push({ from: i, reason });
    const seconds = (at(samples[i + 1]) - at(samples[i])) / 1000;
    const sizeA = logicalAofSize(a);
    const sizeB = logicalAofSize(b);
    const changed = (field: string) => {
      const x = infoNumber(a, field);
      const y = infoNumber(b, field);
      return x !== null && y !== null && x !== y;
    };
    if (sizeA === null || sizeB === null) skip('AOF off');
    else if (infoString(a, 'run_id') !== infoString(b, 'run_id')) skip('server restarted (run_id changed)');
    else if (infoNumber(a, 'loading') === 1 || infoNumber(b, 'loading') === 1) skip('loading');
    else if (changed('aof_rewrites')) skip('AOF rewrite started (aof_rewrites changed)');
    else if (changed('aof_base_size')) skip('AOF rewrite finished (aof_base_size changed)');
    else if (infoNumber(a, 'aof_rewrite_in_progress') === 1 && infoNumber(b, 'aof_rewrite_in_progress') === 0) {
      skip('AOF rewrite finished (aof_rewrite_in_progress 1 → 0)');
    } else if (sizeB < sizeA) skip('AOF shrank');
    else if (!(seconds > 0)) skip('no time elapsed');
    else {
      result.appendedBytes += sizeB - sizeA;
      result.usedSeconds += seconds;
    }
  }
  if (result.usedSeconds <= 0) return { ...result, status: 'no-usable-interval' };
  return { ...result, status: 'measured', bytesPerSec: result.appendedBytes / result.usedSeconds };
}

/** The `CONFIG GET` parameters calibrate reads. */
export const CALIBRATE_CONFIG_KEYS = [
  'appendonly',
  'appendfsync',
  'auto-aof-rewrite-percentage',
  'auto-aof-rewrite-min-size',
  'aof-use-rdb-preamble',
  'save',
  'maxmemory',
  'repl-diskless-sync',
] as const;

/** One of {@link CALIBRATE_CONFIG_KEYS}. */
export type CalibrateConfigKey = (typeof CALIBRATE_CONFIG_KEYS)[number];

/** A configuration value and where it came from: `CONFIG GET`, an INFO field, or the Redis default. */
export interface LiveConfigValue {
  value: string;
  source: 'config' | 'info' | 'default';
}

/** The resolved configuration: every key of {@link CALIBRATE_CONFIG_KEYS}. */
export type LiveConfig = Record<CalibrateConfigKey, LiveConfigValue>;

/**
 * Resolves the configuration from `CONFIG GET` replies, falling back per key to INFO
 * (`appendonly` ← persistence `aof_enabled`, `maxmemory` ← memory `maxmemory`) and then to the
 * Redis default of the server's major version (REDIS_DEFAULTS, from config.c). CONFIG is often
 * renamed or disabled on managed Redis, so missing keys are normal; each fallback is named in the notes.
 *
 * @param configGet values CONFIG GET returned (absent keys: not available)
 * @param info      the last INFO sample
 * @param major     Redis major version (for version-dependent defaults)
 * @param configError why CONFIG GET failed, when it did (e.g. "ERR unknown command 'CONFIG'"); only used in notes
 * @throws never
 */
export function resolveLiveConfig(
  configGet: Partial<Record<CalibrateConfigKey, string>>,
  info: ParsedInfo,
  major: number,
  configError?: string,
): { config: LiveConfig; notes: string[] } {
  const config = {} as LiveConfig;
  const fromInfo: string[] = [];
  const fromDefault: string[] = [];
  for (const key of CALIBRATE_CONFIG_KEYS) {
    const v = configGet[key];
    if (v !== undefined) {
      config[key] = { value: v, source: 'config' };
      continue;
    }
    const aofEnabled = infoNumber(info, 'aof_enabled');
    const maxmemory = infoNumber(info, 'maxmemory');
    if (key === 'appendonly' && aofEnabled !== null) {
      config[key] = { value: aofEnabled === 1 ? 'yes' : 'no', source: 'info' };
      fromInfo.push('appendonly (aof_enabled)');
    } else if (key === 'maxmemory' && maxmemory !== null) {
      config[key] = { value: String(maxmemory), source: 'info' };
      fromInfo.push('maxmemory');
    } else {
      config[key] = { value: REDIS_DEFAULTS[key](major), source: 'default' };
      fromDefault.push(key);
    }
  }
  const notes: string[] = [];
  if (fromInfo.length || fromDefault.length) {
    const why = configError ? `CONFIG GET failed (${configError})` : 'CONFIG GET did not return every parameter';
    const parts: string[] = [];
    if (fromInfo.length) parts.push(`read from INFO: ${fromInfo.join(', ')}`);
    if (fromDefault.length) parts.push(`assumed Redis ${major}.x defaults (the server may differ): ${fromDefault.join(', ')}`);
    notes.push(`${why}; ${parts.join('; ')}`);
  }
  return { config, notes };
}

/** Measured copy-on-write of the last fork children, bytes (INFO persistence; null when absent). */
export interface MeasuredCow {
  /** `rdb_last_cow_size`: CoW of the last BGSAVE child (sendChildCowInfo, rdb.c). */
  rdbLastBytes: number | null;
  /** `aof_last_cow_size`: CoW of the last AOF rewrite child (aof.c). */
  aofLastBytes: number | null;
  /** Largest `current_cow_peak` seen during the window (a child was running; Redis ≥ 7.0). */
  currentPeakBytes: number | null;
  /** `module_fork_last_cow_size`. */
  moduleForkLastBytes: number | null;
  /** Largest of the above; null when none is known or all are 0 (no fork since start-up). */
  largestBytes: number | null;
}

/** Everything calibrate derived from the INFO samples. */
export interface LiveMeasurements {
  /** INFO server `redis_version`, e.g. "7.0.15"; null when absent. */
  redisVersion: string | null;
  /** major.minor of redisVersion; null when it does not parse. */
  version: { major: number; minor: number } | null;
  /** From INFO replication: `role:slave` → replica; `role:master` with `connected_slaves` > 0 → master; else standalone. */
  role: Role;
  /** INFO replication `connected_slaves` (last sample). */
  connectedSlaves: number;
  window: { seconds: number; samples: number; clock: 'server' | 'local' };
  memory: {
    /**
     * The data's memory: `used_memory − used_memory_startup` (INFO memory), largest during the
     * window; `used_memory_dataset` when used_memory_startup is absent. It counts the per-key
     * overhead (dict entries and buckets: `used_memory_overhead`, object.c getMemoryOverheadData)
     * that `used_memory_dataset` leaves out — pages a write dirties too, so copy-on-write can reach
     * them (measured: 15.3 MiB copied of a 120,000-key dataset whose used_memory_dataset is 11.1 MiB
     * and used_memory 17.6 MiB; docs/model.md) — and is what `maxmemory` bounds (`used_memory`
     * less the AOF and replica output buffers, getMaxmemoryState in evict.c).
     */
    datasetBytes: number | null;
    /** INFO memory `used_memory_dataset` (used_memory − used_memory_overhead), largest during the window. */
    valuesBytes: number | null;
    /** INFO memory `used_memory` (allocator view), last sample. */
    usedBytes: number | null;
    /** INFO memory `used_memory_rss` (what the kernel and the cgroup see), last sample. */
    rssBytes: number | null;
    /** INFO memory `used_memory_peak`, last sample. */
    peakBytes: number | null;
    /** INFO memory `maxmemory` (0 = unset), last sample. */
    maxmemoryBytes: number | null;
  };
  aof: {
    /** INFO persistence `aof_enabled` (last sample). */
    enabled: boolean;
    /** `aof_current_size` at the first and last sample; null when AOF is off. */
    firstSizeBytes: number | null;
    lastSizeBytes: number | null;
    /** `aof_base_size` (= server.aof_rewrite_base_size), last sample; null when AOF is off. */
    baseSizeBytes: number | null;
    /** `aof_rewrites` (rewrites started since start-up, Redis ≥ 7.0), last sample. */
    rewrites: number | null;
  };
  /** Dataset for the workload: memory.datasetBytes. */
  datasetBytes: number | null;
  /** RDB size for the workload, or null with the reason. */
  rdb: { bytes: number | null; source: 'aof_base_size' | null; reason: string };
  writeRate: WriteRateMeasurement;
  cow: MeasuredCow;
  durations: {
    /** `aof_last_rewrite_time_sec` (−1 = never → null). */
    aofLastRewriteSeconds: number | null;
    /** `rdb_last_bgsave_time_sec` (−1 = never → null). */
    rdbLastBgsaveSeconds: number | null;
    /** INFO stats `latest_fork_usec`: time fork() itself blocked the server, µs (0 = no fork yet → null). */
    latestForkUsec: number | null;
  };
  notes: string[];
}

/** Largest value of an INFO field (or of a number derived from a sample's INFO) over the samples; null when none has it. */
function maxOf(samples: readonly InfoSample[], field: string | ((info: ParsedInfo) => number | null)): number | null {
  let best: number | null = null;
  for (const s of samples) {
    const v = typeof field === 'string' ? infoNumber(s.info, field) : field(s.info);
    if (v !== null && (best === null || v > best)) best = v;
  }
  return best;
}

/**
 * An `aof_base_size` below this fraction of `used_memory_dataset` is taken as stale (written before
 * most of the data existed) and not used as the RDB size. RDB files are smaller than memory (LZF,
 * compact encodings, no allocator overhead), typically 30–70 %; under 10 % is rare for real data.
 */
export const STALE_BASE_FRACTION = 0.1;

const orNullIfNegative = (v: number | null) => (v === null || v < 0 ? null : v);

/** Parses "7.0.15" → { major: 7, minor: 0 }; null when it does not start with two integers. */
export function parseRedisVersion(version: string | null): { major: number; minor: number } | null {
  const m = version === null ? null : /^(\d+)\.(\d+)/.exec(version);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

/**
 * Derives the workload and the fork measurements from INFO samples taken through the window.
 *
 * - dataset: the largest `used_memory − used_memory_startup` (INFO memory) of the window, the data
 *   with its per-key overhead (`used_memory_dataset` when used_memory_startup is missing);
 * - RDB size: `aof_base_size` (INFO persistence; server.aof_rewrite_base_size) when AOF is on, the
 *   BASE is RDB-format (`aof-use-rdb-preamble yes`) and it is > 0. It is the BASE written by the last
 *   rewrite plus the INCR bytes written while that rewrite ran (7.x backgroundRewriteDoneHandler), or
 *   the BASE alone after a restart: at least the RDB size of the dataset of that moment. With AOF off
 *   or a command-form BASE the size is unknown: INFO has no dump.rdb size and the file cannot be
 *   read remotely, so it is left out rather than guessed;
 * - write rate: {@link measureWriteRate};
 * - CoW: `rdb_last_cow_size`, `aof_last_cow_size`, `module_fork_last_cow_size` (last sample),
 *   `current_cow_peak` (largest of the window) — all from sendChildCowInfo reports of fork children;
 * - durations: `aof_last_rewrite_time_sec`, `rdb_last_bgsave_time_sec` (INFO persistence),
 *   `latest_fork_usec` (INFO stats).
 *
 * @param samples one or more samples in time order (two or more for a write rate)
 * @param options useRdbPreamble: the resolved `aof-use-rdb-preamble`
 * @throws RangeError when samples is empty
 */
export function deriveMeasurements(samples: readonly InfoSample[], options: { useRdbPreamble: boolean }): LiveMeasurements {
  if (samples.length === 0) throw new RangeError('deriveMeasurements needs at least one INFO sample');
  const first = samples[0].info;
  const last = samples[samples.length - 1].info;
  const notes: string[] = [];
  const redisVersion = infoString(last, 'redis_version');
  const version = parseRedisVersion(redisVersion);
  const roleText = infoString(last, 'role');
  const connectedSlaves = infoNumber(last, 'connected_slaves') ?? 0;
  const role: Role = roleText === 'slave' ? 'replica' : connectedSlaves > 0 ? 'master' : 'standalone';

  const writeRate = measureWriteRate(samples);
  const aofEnabled = infoNumber(last, 'aof_enabled') === 1;
  const baseSize = aofEnabled ? infoNumber(last, 'aof_base_size') : null;
  const valuesBytes = maxOf(samples, 'used_memory_dataset');
  // the data with its per-key overhead: used_memory − used_memory_startup
  const dataMemory = (info: ParsedInfo) => {
    const used = infoNumber(info, 'used_memory');
    const startup = infoNumber(info, 'used_memory_startup');
    return used === null || startup === null ? null : Math.max(0, used - startup);
  };
  const datasetBytes = maxOf(samples, dataMemory) ?? valuesBytes;

  let rdb: LiveMeasurements['rdb'];
  if (!aofEnabled) {
    rdb = { bytes: null, source: null, reason: 'AOF off and INFO has no dump.rdb size (it cannot be read remotely): RDB size unknown' };
  } else if (!options.useRdbPreamble) {
    rdb = { bytes: null, source: null, reason: 'aof-use-rdb-preamble no: the BASE is in command form, not an RDB; RDB size unknown' };
  } else if (baseSize === null || baseSize <= 0) {
    rdb = { bytes: null, source: null, reason: 'aof_base_size is 0 (no rewrite since start-up measured a BASE): RDB size unknown' };
  } else if (datasetBytes !== null && baseSize < datasetBytes * STALE_BASE_FRACTION) {
    // A BASE this much smaller than the data was most likely written before the data arrived
    // (e.g. the empty BASE of a fresh AOF). As an RDB size it would shrink every fork projection.
    rdb = {
      bytes: null,
      source: null,
      reason: `aof_base_size ${baseSize} bytes is under ${STALE_BASE_FRACTION * 100}% of the dataset's memory ${datasetBytes}: the last rewrite likely predates most of the data (run BGREWRITEAOF, then calibrate again)`,
    };
    notes.push(`RDB size left out: ${rdb.reason}`);
  } else {
    rdb = {
      bytes: baseSize,
      source: 'aof_base_size',
      reason: 'aof_base_size: the RDB-format BASE of the last rewrite (plus bytes written during it)',
    };
  }

  switch (writeRate.status) {
    case 'aof-off':
      notes.push('appendonly no: no AOF growth to measure, so no write rate (none is assumed; the model counts no writes during a fork and takes CoW = dataset)');
      break;
    case 'no-usable-interval':
      notes.push(`no usable interval for the write rate (${writeRate.skipped.map((s) => s.reason).join('; ')}); sample for longer`);
      break;
    case 'too-few-samples':
      notes.push('fewer than two INFO samples: no write rate');
      break;
    case 'measured':
      if (writeRate.skipped.length) {
        notes.push(
          `${writeRate.skipped.length} of ${writeRate.intervals} interval(s) left out of the write rate: ${[...new Set(writeRate.skipped.map((s) => s.reason))].join('; ')}`,
        );
      }
      if (writeRate.appendedBytes === 0) notes.push('the AOF did not grow during the window: calibrate under representative (peak) traffic');
      break;
  }
  if (samples.some((s) => infoNumber(s.info, 'loading') === 1)) notes.push('the server was loading its data during the window');

  const cowFields = {
    rdbLastBytes: infoNumber(last, 'rdb_last_cow_size'),
    aofLastBytes: infoNumber(last, 'aof_last_cow_size'),
    currentPeakBytes: maxOf(samples, 'current_cow_peak'),
    moduleForkLastBytes: infoNumber(last, 'module_fork_last_cow_size'),
  };
  const known = Object.values(cowFields).filter((v): v is number => v !== null);
  const largest = known.length ? Math.max(...known) : null;
  const cow: MeasuredCow = { ...cowFields, largestBytes: largest === null || largest === 0 ? null : largest };

  const latestFork = infoNumber(last, 'latest_fork_usec');
  return {
    redisVersion,
    version,
    role,
    connectedSlaves,
    window: { seconds: writeRate.windowSeconds, samples: samples.length, clock: writeRate.clock },
    memory: {
      datasetBytes,
      valuesBytes,
      usedBytes: infoNumber(last, 'used_memory'),
      rssBytes: infoNumber(last, 'used_memory_rss'),
      peakBytes: infoNumber(last, 'used_memory_peak'),
      maxmemoryBytes: infoNumber(last, 'maxmemory'),
    },
    aof: {
      enabled: aofEnabled,
      firstSizeBytes: infoNumber(first, 'aof_enabled') === 1 ? infoNumber(first, 'aof_current_size') : null,
      lastSizeBytes: aofEnabled ? infoNumber(last, 'aof_current_size') : null,
      baseSizeBytes: baseSize,
      rewrites: infoNumber(last, 'aof_rewrites'),
    },
    datasetBytes,
    rdb,
    writeRate,
    cow,
    durations: {
      aofLastRewriteSeconds: orNullIfNegative(infoNumber(last, 'aof_last_rewrite_time_sec')),
      rdbLastBgsaveSeconds: orNullIfNegative(infoNumber(last, 'rdb_last_bgsave_time_sec')),
      latestForkUsec: latestFork === null || latestFork <= 0 ? null : latestFork,
    },
    notes,
  };
}

const ANNOTATION_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/**
 * Formats a measured size as a Kubernetes quantity for an annotation, rounded UP to three
 * significant digits in the largest binary unit that fits (`1.2Gi`, `12.5Mi`, `700Mi`, `1.17Ki`);
 * below 1Ki the whole number of bytes (`812`). The text always parses back (parseSize, the parser
 * of workloadFromAnnotations) to at least `bytes`, and at most ~1% more.
 *
 * @param bytes a finite number >= 0 (a fraction is rounded up first)
 * @throws RangeError for a negative or non-finite number
 */
export function formatAnnotationQuantity(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`bytes must be a finite number >= 0, got ${bytes}`);
  const b = Math.ceil(bytes);
  if (b < 1024) return String(b);
  for (const [suffix, unit] of ANNOTATION_UNITS) {
    if (b < unit) continue;
    const v = b / unit;
    const decimals = v >= 100 ? 0 : v >= 10 ? 1 : 2;
    const scale = 10 ** decimals;
    let n = Math.ceil(v * scale);
    const text = (k: number) => {
      const fixed = (k / scale).toFixed(decimals);
      return (decimals > 0 ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed) + suffix;
    };
    // float rounding can land a hair low: step up until the quantity holds at least `bytes`
    while (parseQuantity(text(n)) < b) n += 1;
    return text(n);
  }
  return String(b); // unreachable: b >= 1024 matches Ki
}

/** The workload annotations to paste, and the ones left out with the reason. */
export interface AnnotationBlock {
  /** annotation key → value, e.g. `redis-lint.io/write-rate` → `"2.5Mi/s"`; only measured facts. */
  annotations: Record<string, string>;
  /** annotation key → why it is not given. */
  omitted: Record<string, string>;
}

/**
 * The `redis-lint.io/*` workload annotations for the measured facts (keys from
 * WORKLOAD_ANNOTATIONS, values by {@link formatAnnotationQuantity}, the rate with `/s`). A write
 * rate of exactly 0 is left out: in the model it would mean "no page is ever copied on write",
 * which a quiet window does not show.
 *
 * @throws never
 */
export function workloadAnnotations(m: LiveMeasurements): AnnotationBlock {
  const annotations: Record<string, string> = {};
  const omitted: Record<string, string> = {};
  if (m.datasetBytes !== null) annotations[WORKLOAD_ANNOTATIONS.datasetBytes] = formatAnnotationQuantity(m.datasetBytes);
  else omitted[WORKLOAD_ANNOTATIONS.datasetBytes] = 'INFO memory has neither used_memory and used_memory_startup nor used_memory_dataset';
  if (m.rdb.bytes !== null) annotations[WORKLOAD_ANNOTATIONS.rdbBytes] = formatAnnotationQuantity(m.rdb.bytes);
  else omitted[WORKLOAD_ANNOTATIONS.rdbBytes] = m.rdb.reason;
  const rate = m.writeRate.bytesPerSec;
  if (rate !== null && rate > 0) annotations[WORKLOAD_ANNOTATIONS.writeRateBytesPerSec] = `${formatAnnotationQuantity(rate)}/s`;
  else {
    omitted[WORKLOAD_ANNOTATIONS.writeRateBytesPerSec] =
      m.writeRate.status === 'aof-off'
        ? 'appendonly no: no AOF growth to measure'
        : m.writeRate.status === 'measured'
          ? `no AOF growth in the ${m.writeRate.windowSeconds.toFixed(0)} s window`
          : 'no usable measurement window';
  }
  // AOF bytes per write command would be bytes per key written only for single-key writes: an
  // MSET or an HSET of many fields would read as one large value, fewer pages per byte, and the
  // copy-on-write would come out low. The user knows the values; the model's default is the safe side.
  omitted[WORKLOAD_ANNOTATIONS.valueBytes] = `not measured (INFO has no value sizes; AOF bytes per write command are not bytes per key written); give the average size of the values your writes set if it is above ${DEFAULT_VALUE_BYTES} B, which the model assumes (the safe side)`;
  return { annotations, omitted };
}

/** Parsed `save` value: "3600 1 300 100" → [{3600,1},{300,100}]; "" → []. */
export function parseSavePoints(save: string): Array<{ seconds: number; changes: number }> {
  const parts = save.trim().split(/\s+/).filter(Boolean);
  const out: Array<{ seconds: number; changes: number }> = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const seconds = Number(parts[i]);
    const changes = Number(parts[i + 1]);
    if (Number.isFinite(seconds) && Number.isFinite(changes)) out.push({ seconds, changes });
  }
  return out;
}

function memoryValue(text: string): number | null {
  try {
    return parseRedisMemory(text);
  } catch (e) {
    if (e instanceof UnitError) return null;
    throw e;
  }
}

/** Options of {@link calibrate} given on the command line. */
export interface CalibrateOptions {
  /** `--volume`, bytes; null when not given. */
  volumeBytes: number | null;
  /** `--memory-limit`, bytes; null when not given. */
  memoryLimitBytes: number | null;
}

/**
 * The model input for the live server: its resolved configuration, role, version, the
 * `--volume`/`--memory-limit` options and the workload as the pasted annotations will give it
 * (each annotation parsed back with parseSize, so the projection is the one `redis-lint` will show).
 *
 * @throws never (unparseable config values fall back to Redis defaults: 100 %, 64mb, maxmemory 0)
 */
export function calibrationInput(m: LiveMeasurements, config: LiveConfig, block: AnnotationBlock, options: CalibrateOptions): ProjectionInput {
  const pct = Number(config['auto-aof-rewrite-percentage'].value);
  const workload: NonNullable<ProjectionInput['workload']> = {};
  const a = block.annotations;
  if (a[WORKLOAD_ANNOTATIONS.datasetBytes] !== undefined) workload.datasetBytes = parseSize(a[WORKLOAD_ANNOTATIONS.datasetBytes]);
  if (a[WORKLOAD_ANNOTATIONS.rdbBytes] !== undefined) workload.rdbBytes = parseSize(a[WORKLOAD_ANNOTATIONS.rdbBytes]);
  if (a[WORKLOAD_ANNOTATIONS.writeRateBytesPerSec] !== undefined) {
    workload.writeRateBytesPerSec = parseSize(a[WORKLOAD_ANNOTATIONS.writeRateBytesPerSec]);
  }
  return {
    redisVersion: m.version ?? { major: UNKNOWN_REDIS_MAJOR, minor: 0 },
    role: m.role,
    volumeBytes: options.volumeBytes,
    maxmemoryBytes: memoryValue(config.maxmemory.value) || null,
    memoryLimitBytes: options.memoryLimitBytes,
    aof: {
      enabled: config.appendonly.value.trim().toLowerCase() === 'yes',
      rewritePercentage: Number.isInteger(pct) && pct >= 0 ? pct : 100,
      rewriteMinSizeBytes: memoryValue(config['auto-aof-rewrite-min-size'].value) ?? 64 * 1024 * 1024,
      useRdbPreamble: config['aof-use-rdb-preamble'].value.trim().toLowerCase() !== 'no',
    },
    rdb: { savePoints: parseSavePoints(config.save.value) },
    hasReplicas: m.connectedSlaves > 0,
    replDisklessSync: config['repl-diskless-sync'].value.trim().toLowerCase() === 'yes',
    workload,
  };
}

/** Everything `redis-lint calibrate` reports (the JSON format prints it as is). */
export interface CalibrationReport {
  /** The server, with any password replaced by `***`. */
  target: string;
  measurements: LiveMeasurements;
  config: LiveConfig;
  annotations: AnnotationBlock;
  input: ProjectionInput;
  projection: Projection;
  /** Plain-words caveats of the measurement (config fallbacks, skipped intervals, ...). */
  notes: string[];
}

/**
 * Turns the raw replies of a calibration run into the report: measurements, configuration,
 * annotations, model input and projection. Pure.
 *
 * @param target     redacted server address for the report
 * @param samples    INFO samples through the window, time order (≥ 1)
 * @param configGet  CONFIG GET values obtained (empty when CONFIG is unavailable)
 * @param options    --volume / --memory-limit
 * @param configError why CONFIG GET failed, if it did
 * @throws RangeError when samples is empty
 */
export function calibrate(
  target: string,
  samples: readonly InfoSample[],
  configGet: Partial<Record<CalibrateConfigKey, string>>,
  options: CalibrateOptions,
  configError?: string,
): CalibrationReport {
  if (samples.length === 0) throw new RangeError('calibrate needs at least one INFO sample');
  const last = samples[samples.length - 1].info;
  const version = parseRedisVersion(infoString(last, 'redis_version'));
  const major = version?.major ?? UNKNOWN_REDIS_MAJOR;
  const resolved = resolveLiveConfig(configGet, last, major, configError);
  const useRdbPreamble = resolved.config['aof-use-rdb-preamble'].value.trim().toLowerCase() !== 'no';
  const measurements = deriveMeasurements(samples, { useRdbPreamble });
  const notes = [...resolved.notes, ...measurements.notes];
  if (!version) notes.push(`redis_version not readable: modelled as Redis ${UNKNOWN_REDIS_MAJOR}.x`);
  const annotations = workloadAnnotations(measurements);
  const input = calibrationInput(measurements, resolved.config, annotations, options);
  return { target, measurements, config: resolved.config, annotations, input, projection: project(input), notes };
}
