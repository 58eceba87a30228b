import type { ModelParams } from './params.js';

/** A duration in seconds with the reasons behind it. */
export interface Duration {
  /** Seconds; null when unbounded or unknown. */
  seconds: number | null;
  assumptions: string[];
}

/** What redis-server reads at start-up; sizes in bytes. */
export interface StartupLoadInput {
  aofEnabled: boolean;
  useRdbPreamble: boolean;
  /** BASE size (AOF on). */
  baseBytes: number;
  /** Largest AOF (BASE + INCR) on disk at start-up; null when unbounded (auto-rewrite disabled). */
  maxAofBytes: number | null;
  /** dump.rdb size read when AOF is off; 0 when no dump.rdb exists. */
  rdbFileBytes: number;
}

/**
 * Worst-case start-up load time.
 *
 * Redis facts: loadDataFromDisk (server.c) loads the AOF when appendonly is yes and ignores
 * dump.rdb, else rdbLoad(dump.rdb). loadAppendOnlyFiles (aof.c, 7.x) loads the BASE — through
 * the RDB loader when it is RDB-format (aof-use-rdb-preamble yes) — then replays every INCR file
 * command by command; 6.x does the same inside one file (RDB preamble, then commands).
 * Worst case the AOF is at its largest: BASE + (largest AOF − BASE) of commands.
 *
 * seconds = base / rdbLoadBytesPerSec + (maxAof − base) / aofReplayBytesPerSec   (preamble yes)
 *         = maxAof / aofReplayBytesPerSec                                         (preamble no)
 *         = rdbFile / rdbLoadBytesPerSec                                          (AOF off)
 *
 * @throws never
 */
export function startupLoadSeconds(
  input: StartupLoadInput,
  params: Pick<ModelParams, 'rdbLoadBytesPerSec' | 'aofReplayBytesPerSec'>,
): Duration {
  if (!input.aofEnabled) {
    return {
      seconds: input.rdbFileBytes / params.rdbLoadBytesPerSec,
      assumptions: input.rdbFileBytes > 0 ? ['start-up loads dump.rdb'] : ['nothing persisted: start-up loads no data'],
    };
  }
  if (input.maxAofBytes === null) {
    return { seconds: null, assumptions: ['auto-rewrite disabled: the AOF, and its load time, are unbounded'] };
  }
  const assumptions = ['start-up load assumes the largest AOF on disk: rewrite trigger plus bytes written during a rewrite'];
  if (!input.useRdbPreamble) {
    return { seconds: input.maxAofBytes / params.aofReplayBytesPerSec, assumptions };
  }
  return {
    seconds: input.baseBytes / params.rdbLoadBytesPerSec + (input.maxAofBytes - input.baseBytes) / params.aofReplayBytesPerSec,
    assumptions,
  };
}

/**
 * Time of the synchronous SAVE Redis does when it receives SIGTERM.
 *
 * Redis facts: the SIGTERM handler sets shutdown_asap and serverCron calls prepareForShutdown;
 * finishShutdown (server.c 7.x; prepareForShutdown in 6.x) kills a running BGSAVE/rewrite child,
 * fsyncs the AOF (cheap), and runs a blocking rdbSave only when save points are configured
 * (`server.saveparamslen > 0 && !nosave`). AOF alone does not cause a shutdown save.
 * seconds = rdbBytes / rdbSaveBytesPerSec with save points, else 0.
 * Not modelled: 7.x waits up to shutdown-timeout (10 s) for lagging replicas before that.
 *
 * @param savePointCount number of `save` points
 * @param rdbBytes       snapshot size, bytes; null when unknown (→ seconds null if a save happens)
 * @throws never
 */
export function shutdownSaveSeconds(
  savePointCount: number,
  rdbBytes: number | null,
  params: Pick<ModelParams, 'rdbSaveBytesPerSec'>,
): Duration {
  if (savePointCount === 0) return { seconds: 0, assumptions: ['no save points: no RDB save at shutdown'] };
  return {
    seconds: rdbBytes === null ? null : rdbBytes / params.rdbSaveBytesPerSec,
    assumptions: ['save points configured: SIGTERM runs a blocking SAVE before exit'],
  };
}
