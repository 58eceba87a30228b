import { requireNonNegative, requirePositive } from './check.js';
import { MIB } from './volume.js';

/**
 * Tunable constants of the projection model. None of them is a Redis config value; they
 * describe the data, the hardware or the safety margin. Units: bytes, bytes/second, fractions.
 * Every default is a conservative placeholder until the calibration issue measures it
 * (docs/model.md, "Parameters").
 */
export interface ModelParams {
  /**
   * RDB file size / in-memory dataset size. Default 1.0: incompressible values and negligible
   * per-key overhead make the RDB as large as the data; real data (small keys, shared
   * encodings, LZF with rdbcompression yes) is usually smaller, so 1.0 is an upper bound.
   */
  rdbToMemoryRatio: number;
  /**
   * Multiplier on the measured pages of 4 KiB a write dirties while a fork child lives
   * (cowPagesPerWrite in fork-memory.ts: 2 among the keys' dict entries and objects + 1.2 at 64-byte values, 1.6 at 1 KiB, 1.7 at 16 KiB,
   * measured against redis-server 7.0.15, docs/model.md "Copy-on-write by pages"). Default 1;
   * raise it for an allocator or workload that copies more (e.g. many fields per write).
   */
  cowPagesPerWriteScale: number;
  /**
   * Copy-on-write bytes of a fork with no writes at all (the child's own stack, buffers and
   * allocator pages, the parent's cron work). Default 1.25 MiB: measured 0.82 MiB on an 8 MiB
   * dataset and 1.06-1.32 MiB on 25-30 MiB datasets (aof_last_cow_size / rdb_last_cow_size of a
   * fork with no client writes, redis-server 7.0.15).
   */
  cowBaselineBytes: number;
  /**
   * Bytes per second a fork child writes (RDB for BGSAVE / full sync, BASE for an AOF rewrite).
   * Sets the child's lifetime. Default 100 MiB/s: roughly a cloud block volume's baseline
   * throughput; a slower child is alive longer, so more copy-on-write.
   */
  forkChildThroughputBytesPerSec: number;
  /** Bytes per second loading an RDB file or an RDB-format BASE at start-up. Default 100 MiB/s. */
  rdbLoadBytesPerSec: number;
  /**
   * Bytes per second replaying AOF commands (INCR files, or a command-form BASE) at start-up.
   * Default 20 MiB/s: commands run one by one through a fake client, about 5x slower than RDB load.
   */
  aofReplayBytesPerSec: number;
  /** Bytes per second of the synchronous SAVE done at shutdown. Default 100 MiB/s. */
  rdbSaveBytesPerSec: number;
  /**
   * Resident memory of an empty redis-server (allocator arenas, Lua, libraries). Default 8 MiB:
   * a round number above the few MiB an idle server shows as RSS.
   */
  baselineRssBytes: number;
  /** Replication backlog. Default 1 MiB = repl-backlog-size default (config.c, 6.x–8.x). */
  replBacklogBytes: number;
  /** Fraction of the volume kept free at the disk peak. Default 0.2. */
  headroomFraction: number;
}

/** The defaults documented on {@link ModelParams} and in docs/model.md. */
export const DEFAULT_MODEL_PARAMS: Readonly<ModelParams> = Object.freeze({
  rdbToMemoryRatio: 1.0,
  cowPagesPerWriteScale: 1,
  cowBaselineBytes: 1.25 * MIB,
  forkChildThroughputBytesPerSec: 100 * MIB,
  rdbLoadBytesPerSec: 100 * MIB,
  aofReplayBytesPerSec: 20 * MIB,
  rdbSaveBytesPerSec: 100 * MIB,
  baselineRssBytes: 8 * MIB,
  replBacklogBytes: 1 * MIB,
  headroomFraction: 0.2,
});

/**
 * Merges overrides onto {@link DEFAULT_MODEL_PARAMS} and validates the result.
 *
 * @param overrides any subset of the parameters; `undefined` members keep the default
 * @returns a complete, validated parameter set (a new object)
 * @throws RangeError when a ratio/throughput is not > 0, a byte count or the page scale is
 *   negative, or headroomFraction is outside [0, 1)
 */
export function resolveParams(overrides: Partial<ModelParams> = {}): ModelParams {
  const p: ModelParams = { ...DEFAULT_MODEL_PARAMS };
  for (const key of Object.keys(p) as Array<keyof ModelParams>) {
    const value = overrides[key];
    if (value !== undefined) p[key] = value;
  }
  requirePositive('rdbToMemoryRatio', p.rdbToMemoryRatio);
  requireNonNegative('cowPagesPerWriteScale', p.cowPagesPerWriteScale);
  requireNonNegative('cowBaselineBytes', p.cowBaselineBytes);
  requirePositive('forkChildThroughputBytesPerSec', p.forkChildThroughputBytesPerSec);
  requirePositive('rdbLoadBytesPerSec', p.rdbLoadBytesPerSec);
  requirePositive('aofReplayBytesPerSec', p.aofReplayBytesPerSec);
  requirePositive('rdbSaveBytesPerSec', p.rdbSaveBytesPerSec);
  requireNonNegative('baselineRssBytes', p.baselineRssBytes);
  requireNonNegative('replBacklogBytes', p.replBacklogBytes);
  if (!(p.headroomFraction >= 0 && p.headroomFraction < 1)) {
    throw new RangeError(`headroomFraction must be in [0, 1), got ${p.headroomFraction}`);
  }
  return p;
}
