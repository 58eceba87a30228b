import type { Projection } from './projection.js';

/** One corner of the projected disk curve. */
export interface TimelinePoint {
  /**
   * Position on the x axis: seconds since a rewrite finished when the write rate is known
   * (`unit: 'seconds'`), else bytes appended to the AOF since then (`unit: 'bytes-appended'`).
   */
  x: number;
  /** Bytes of all Redis files on the volume (AOF files, dump.rdb, temp files). */
  bytes: number;
  /** What happens from this point on. */
  phase: 'grow' | 'rewrite' | 'full';
}

/** A horizontal line of the disk chart: a size the AOF must reach for something to happen. */
export interface TimelineThreshold {
  kind: 'rewrite-trigger' | 'min-size';
  /** Disk bytes of the line: the AOF size plus dump.rdb beside it (the curve counts both). */
  bytes: number;
  /** The AOF size itself, bytes. */
  aofBytes: number;
}

/** The projected disk curve of {@link diskTimeline}. */
export interface DiskTimeline {
  unit: 'seconds' | 'bytes-appended';
  points: TimelinePoint[];
  /** The volume size for a horizontal line; null when unknown. */
  volumeBytes: number | null;
  /** A rewrite never succeeds (auto-rewrite disabled or unreachable): the curve ends at the full volume. */
  unbounded: boolean;
  /**
   * The rewrite trigger and auto-aof-rewrite-min-size as lines (AOF on only; the trigger only when it
   * is above the min-size + 1 it starts from, so one line per size). Empty with AOF off.
   */
  thresholds: TimelineThreshold[];
}

/**
 * The rewrite trigger and min-size lines of a projection (see {@link DiskTimeline.thresholds}).
 * @throws never
 */
export function timelineThresholds(projection: Projection): TimelineThreshold[] {
  const d = projection.disk;
  if (!d.aofEnabled || d.rewriteMinSizeBytes === null) return [];
  const dump = d.dumpBytes ?? 0;
  const out: TimelineThreshold[] = [{ kind: 'min-size', bytes: dump + d.rewriteMinSizeBytes, aofBytes: d.rewriteMinSizeBytes }];
  const t = d.rewriteTriggerBytes;
  if (t !== null && t > d.rewriteMinSizeBytes + 1) out.push({ kind: 'rewrite-trigger', bytes: dump + t, aofBytes: t });
  return out;
}

/**
 * Disk bytes over time across AOF rewrite cycles, as the model projects them: from the end of
 * a rewrite (AOF = b, next to dump.rdb) the AOF grows at the write rate to the rewrite start S;
 * during the rewrite the new BASE and new INCR (`rewriteExtraBytes`) grow next to the old files
 * for `disk.rewriteSeconds`; then the old files are deleted and the cycle repeats. When no rewrite
 * can run (`rewriteUnreachable` or no trigger) the AOF grows until the volume is full.
 * RDB-only deployments show dump.rdb with the temp file of one BGSAVE.
 * A piecewise-linear curve: straight lines between the points are exact under a constant rate.
 *
 * @param projection output of project()
 * @param cycles number of rewrite cycles to draw (>= 1), default 3
 * @returns the curve, or null when the projection lacks the sizes (dataset unknown, AOF peak unknown)
 * @throws RangeError when cycles is not a positive integer
 */
export function diskTimeline(projection: Projection, cycles = 3): DiskTimeline | null {
  if (!Number.isInteger(cycles) || cycles < 1) throw new RangeError(`cycles must be a positive integer, got ${cycles}`);
  const d = projection.disk;
  const rate = projection.writeRateBytesPerSec;
  const unit = rate !== null && rate > 0 ? 'seconds' : 'bytes-appended';
  // x for a number of appended bytes: seconds at the write rate, else the bytes themselves
  const at = (appended: number): number => (unit === 'seconds' ? appended / (rate as number) : appended);
  const dump = d.dumpBytes;
  const volume = d.volumeBytes;
  if (dump === null) return null;

  if (!d.aofEnabled) {
    const rdb = projection.rdbBytes;
    if (rdb === null || !d.dumpRdbPresent) return null;
    const child = projection.memory.childSeconds ?? 0;
    const span = unit === 'seconds' ? Math.max(child * 4, 1) : rdb * 4;
    const childX = unit === 'seconds' ? child : rdb;
    return {
      unit,
      volumeBytes: volume,
      unbounded: false,
      thresholds: [],
      points: [
        { x: 0, bytes: dump, phase: 'grow' },
        { x: span, bytes: dump, phase: 'rewrite' },
        { x: span + childX, bytes: dump + rdb, phase: 'grow' },
        { x: span + childX, bytes: dump, phase: 'grow' },
        { x: 2 * span + childX, bytes: dump, phase: 'grow' },
      ],
    };
  }

  const b = d.baseAfterRewriteBytes;
  if (b === null) return null;
  if (d.rewriteUnreachable || d.rewriteStartBytes === null || d.rewriteExtraBytes === null) {
    if (volume === null || d.aofBytesAtFull === null) return null;
    // no rewrite can run (percentage 0 or volume <= min-size): from an empty AOF, as the projection counts
    const start = d.rewriteUnreachable ? 0 : b;
    const free = d.aofBytesAtFull - start;
    return {
      unit,
      volumeBytes: volume,
      unbounded: true,
      thresholds: timelineThresholds(projection),
      points: [
        { x: 0, bytes: dump + start, phase: 'grow' },
        { x: at(free), bytes: dump + d.aofBytesAtFull, phase: 'full' },
      ],
    };
  }

  const start = d.rewriteStartBytes;
  const extra = d.rewriteExtraBytes;
  const w = d.rewriteWriteBytes ?? 0;
  // the rewrite lasts the child's lifetime; without a rate, draw it as the bytes the child writes
  const childX = unit === 'seconds' ? (d.rewriteSeconds ?? 0) : Math.max(extra - w, 0);
  const points: TimelinePoint[] = [];
  let x = 0;
  for (let i = 0; i < cycles; i++) {
    points.push({ x, bytes: dump + b, phase: 'grow' });
    x += at(start - b);
    points.push({ x, bytes: dump + start, phase: 'rewrite' });
    x += childX;
    points.push({ x, bytes: dump + start + extra, phase: 'grow' });
  }
  points.push({ x, bytes: dump + b, phase: 'grow' });
  return { unit, volumeBytes: volume, unbounded: false, points, thresholds: timelineThresholds(projection) };
}
