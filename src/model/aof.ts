import { requireNonNegative } from './check.js';

/**
 * On-disk AOF layout.
 * - 'single-file' (Redis < 7.0): one appendonly.aof, replaced by rename() after a rewrite.
 * - 'multi-part' (Redis >= 7.0, aof.c "AOF Manifest"): appenddirname/ holds one BASE, INCR files
 *   and a manifest; after a rewrite the old BASE and INCRs become HISTORY and are bg_unlink()ed.
 */
export type AofLayout = 'single-file' | 'multi-part';

/**
 * @param major Redis major version
 * @returns 'multi-part' for 7.0 and later (multi-part AOF landed in 7.0), else 'single-file'
 * @throws never
 */
export function aofLayoutFor(major: number): AofLayout {
  return major >= 7 ? 'multi-part' : 'single-file';
}

/**
 * Seconds a Redis <= 6.2 rewrite child keeps reading the parent's diffs after writing the new
 * file's BASE: `while (mstime()-start < 1000 && nodata < 20)` in rewriteAppendOnlyFile (aof.c,
 * 6.2.16 lines 1584-1601): it stops after 20 consecutive 1 ms waits without data or after 1 s, so
 * a steady write stream (a write at least every 20 ms) keeps it the whole second. 7.0 removed the
 * diff pipe with the multi-part AOF (writes go to the new INCR instead).
 */
export const SINGLE_FILE_DIFF_WAIT_SECONDS = 1;

/**
 * Smallest AOF size at which serverCron starts an automatic rewrite, in bytes.
 *
 * Redis fact (serverCron, server.c, 6.x–8.x): with AOF on and no active child,
 *   aof_current_size > auto-aof-rewrite-min-size  AND
 *   growth = aof_current_size*100/base - 100 >= auto-aof-rewrite-percentage   (integer division,
 *   base = aof_rewrite_base_size, or 1 when 0), and percentage 0 skips the check entirely.
 * floor(cur*100/base) >= 100+p  ⇔  cur >= base*(100+p)/100, so the smallest integer size is
 *   max(minSize + 1, ceil(max(base, 1) × (100 + p) / 100)).
 * The min-size test is strict: with min-size 64mb the first trigger is 67108865 bytes, not 64Mi.
 * The check runs every 1000/hz ms (serverCron period); the AOF grows past the trigger until the next
 * check, which {@link aofCycle} adds as cronOvershootBytes.
 *
 * @param baseBytes    aof_rewrite_base_size, bytes (>= 0)
 * @param percentage   auto-aof-rewrite-percentage (integer >= 0)
 * @param minSizeBytes auto-aof-rewrite-min-size, bytes (>= 0)
 * @returns the trigger size in bytes, or null when percentage is 0 (auto-rewrite disabled)
 * @throws RangeError on a negative/non-finite argument or a non-integer percentage
 */
export function rewriteTriggerBytes(baseBytes: number, percentage: number, minSizeBytes: number): number | null {
  requireNonNegative('baseBytes', baseBytes);
  requireNonNegative('minSizeBytes', minSizeBytes);
  if (!Number.isInteger(percentage) || percentage < 0) {
    throw new RangeError(`percentage must be an integer >= 0, got ${percentage}`);
  }
  if (percentage === 0) return null;
  return Math.max(minSizeBytes + 1, Math.ceil((Math.max(baseBytes, 1) * (100 + percentage)) / 100));
}

/** Assumption reported whenever auto-aof-rewrite-percentage is 0. */
export const AUTO_REWRITE_DISABLED =
  'auto-aof-rewrite-percentage 0: automatic rewrite disabled, the AOF grows until the volume is full';

/** Inputs of one steady-state AOF rewrite cycle; all sizes in bytes. */
export interface AofCycleInput {
  layout: AofLayout;
  /** Size of a freshly written BASE (RDB size when aof-use-rdb-preamble is yes). */
  baseBytes: number;
  /** Bytes appended to the AOF while the rewrite child runs (0 when unknown). */
  rewriteWriteBytes: number;
  /** Bytes appended after the trigger while the rewrite waits for another fork child (BGSAVE). */
  delayedStartBytes: number;
  /**
   * Bytes appended between the AOF crossing the trigger and the next serverCron check: at most
   * one cron period (1/hz s) of writes; 0 when the write rate is unknown.
   */
  cronOvershootBytes?: number;
  percentage: number;
  minSizeBytes: number;
}

/** One AOF rewrite cycle in steady state; all sizes in bytes. */
export interface AofCycle {
  /**
   * aof_rewrite_base_size after a rewrite: new BASE + bytes written meanwhile.
   * 7.x backgroundRewriteDoneHandler sets aof_current_size = BASE size + aof_last_incr_size and
   * aof_rewrite_base_size = aof_current_size; 6.x sets it to the size of the new file, which is
   * the child's output plus the parent's rewrite buffer (aofRewriteBufferWrite).
   */
  baseAfterRewriteBytes: number;
  /** {@link rewriteTriggerBytes} of baseAfterRewriteBytes; null when auto-rewrite is disabled. */
  rewriteTriggerBytes: number | null;
  /** AOF size when the rewrite child forks: trigger + cronOvershootBytes + delayedStartBytes; null when disabled. */
  rewriteStartBytes: number | null;
  /**
   * Bytes on disk on top of the AOF-at-start while the rewrite runs:
   * multi-part: new BASE (temp-rewriteaof-bg-<pid>.aof in `dir`) + new INCR = base + w;
   * single-file: temp file (base + w, the rewrite buffer appended at the end) + the same w still
   * appended to the old appendonly.aof = base + 2w.
   */
  rewriteExtraBytes: number;
  /** rewriteStartBytes + rewriteExtraBytes: all AOF files at the end of a rewrite; null when disabled. */
  peakBytes: number | null;
  assumptions: string[];
}

/**
 * Projects the AOF disk cycle: grow from the post-rewrite size to the trigger, fork, write the
 * new BASE next to the old files, then delete the old files.
 *
 * Redis facts (aof.c): rewriteAppendOnlyFileBackground opens a new INCR (openNewIncrAofForAppend,
 * 7.x) and forks; the child writes temp-rewriteaof-bg-<pid>.aof in `dir` (same volume: the parent
 * rename()s it into appenddirname, which fails across filesystems); backgroundRewriteDoneHandler
 * marks the old BASE and INCRs as HISTORY and aofDelHistoryFiles removes them only afterwards, so
 * old and new files coexist at the end of the rewrite. 6.x: feedAppendOnlyFile appends every write
 * both to aof_buf (old file) and to the rewrite buffer while a rewrite runs.
 *
 * @param input cycle inputs (bytes); not re-validated beyond {@link rewriteTriggerBytes}
 * @throws RangeError from {@link rewriteTriggerBytes} on invalid percentage/min-size
 */
export function aofCycle(input: AofCycleInput): AofCycle {
  const w = input.rewriteWriteBytes;
  const baseAfterRewriteBytes = input.baseBytes + w;
  const trigger = rewriteTriggerBytes(baseAfterRewriteBytes, input.percentage, input.minSizeBytes);
  const rewriteStartBytes = trigger === null ? null : trigger + (input.cronOvershootBytes ?? 0) + input.delayedStartBytes;
  const rewriteExtraBytes = input.baseBytes + (input.layout === 'single-file' ? 2 * w : w);
  const assumptions: string[] = [];
  if (trigger === null) {
    assumptions.push(AUTO_REWRITE_DISABLED);
  } else {
    assumptions.push(
      'rewrite trigger computed from the steady-state base (new BASE + bytes written during the previous rewrite)' +
        (input.layout === 'multi-part' ? '; after a restart Redis 7+ uses the BASE alone, so the first rewrite comes earlier' : ''),
    );
  }
  if (input.layout === 'single-file') {
    assumptions.push('single-file AOF (Redis < 7): writes during a rewrite land in the old AOF and again in the new one');
  }
  return {
    baseAfterRewriteBytes,
    rewriteTriggerBytes: trigger,
    rewriteStartBytes,
    rewriteExtraBytes,
    peakBytes: rewriteStartBytes === null ? null : rewriteStartBytes + rewriteExtraBytes,
    assumptions,
  };
}
