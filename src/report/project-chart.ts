import asciichart from 'asciichart';
import type { DiskTimeline, TimelinePoint, TimelineThreshold } from '../model/timeline.js';
import { formatBytes, formatSeconds } from '../model/units.js';
import { VOLUME_OFF_SCALE } from './project-common.js';

/** Options of {@link diskChart}. */
export interface DiskChartOptions {
  /** ANSI colours (curve, volume line, labels) */
  color: boolean;
  /** columns of the plot area (default 64) */
  columns?: number;
  /** rows of the plot area at most (default 12) */
  rows?: number;
  /** words for the x axis' write rate ("1Mi/s from --write-rate"), shown under the chart */
  rateWords?: string;
  /** AOF on (rewrite cycles) or off (RDB only: BGSAVE cycles); default true */
  aofEnabled?: boolean;
}

const ANSI = { disk: '\x1b[36m', volume: '\x1b[31m', threshold: '\x1b[33m', dim: '\x1b[2m', reset: '\x1b[0m' };
const UNITS: Array<[string, number]> = [
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/**
 * The largest value of a piecewise-linear curve over each of `columns` equal slices of its
 * x range, so that a short spike (the few seconds a rewrite holds old and new files) still shows
 * in its column. Points must be in x order; two points at the same x are a vertical jump.
 * @param points the curve (at least one point)
 * @param columns number of slices (>= 1)
 * @returns `columns` values in the points' unit (bytes); a curve of zero width gives its maximum everywhere
 * @throws RangeError for no points or columns < 1
 */
export function resampleMax(points: readonly TimelinePoint[], columns: number): number[] {
  if (!points.length) throw new RangeError('resampleMax needs at least one point');
  if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`columns must be a positive integer, got ${columns}`);
  const x0 = points[0].x;
  const span = points[points.length - 1].x - x0;
  if (!(span > 0)) return new Array<number>(columns).fill(Math.max(...points.map((p) => p.bytes)));
  const valueAt = (x: number): number => {
    let best = -Infinity;
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i];
      const b = points[i + 1];
      if (x < a.x || x > b.x) continue;
      best = Math.max(best, b.x === a.x ? Math.max(a.bytes, b.bytes) : a.bytes + ((b.bytes - a.bytes) * (x - a.x)) / (b.x - a.x));
    }
    return best;
  };
  const out: number[] = [];
  for (let j = 0; j < columns; j++) {
    const lo = x0 + (span * j) / columns;
    const hi = x0 + (span * (j + 1)) / columns;
    let m = Math.max(valueAt(lo), valueAt(hi));
    for (const p of points) if (p.x >= lo && p.x <= hi) m = Math.max(m, p.bytes);
    out.push(m);
  }
  return out;
}

/**
 * A round y-axis step for values up to `max` bytes in at most `rows` rows: 1, 1.5, 2, 2.5, 3, 4,
 * 5, 6 or 8 x 10^k of the binary unit of `max` (Ki, Mi, Gi, Ti), so every label is a short exact
 * number. A step up to 2.5x the smallest one that divides `prefer` (the volume) is taken first,
 * so that the volume line sits on a labelled row.
 * @returns the step in bytes, the unit (name, bytes) for labels and the rows actually used
 */
export function yScale(max: number, rows: number, prefer?: number | null): { step: number; unit: [string, number]; rows: number } {
  const unit: [string, number] = UNITS.find(([, size]) => max >= size) ?? ['B', 1];
  const target = Math.max(max, 1) / rows / unit[1];
  const steps: number[] = [];
  for (let k = -3; k <= 6; k++) {
    for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8]) {
      const s = m * 10 ** k;
      if (s >= target && (unit[0] !== 'B' || s >= 1)) steps.push(s);
    }
  }
  const divides = (s: number) => prefer != null && prefer > 0 && Math.abs(prefer / unit[1] / s - Math.round(prefer / unit[1] / s)) < 1e-9;
  const step = steps.find((s) => s <= steps[0] * 2.5 && divides(s)) ?? steps[0];
  const stepBytes = step * unit[1];
  return { step: stepBytes, unit, rows: Math.max(1, Math.ceil(Math.max(max, 1) / stepBytes - 1e-9)) };
}

/** An axis label: the value in the scale's unit with at most two decimals ("1.25Gi", "600Mi", "0"). */
function axisLabel(bytes: number, unit: [string, number]): string {
  if (Math.abs(bytes) < 1e-9) return '0';
  const v = Math.round((bytes / unit[1]) * 100) / 100;
  return `${v}${unit[0]}`;
}

/**
 * A threshold line's words: the AOF size it stands for (dump.rdb, when on the volume, lifts the
 * line by its size, since the curve counts every file).
 */
export function thresholdLabel(h: TimelineThreshold): string {
  return h.kind === 'min-size' ? `auto-aof-rewrite-min-size ${formatBytes(h.aofBytes)}` : `rewrite trigger: AOF at ${formatBytes(h.aofBytes)}`;
}

/** What the x axis counts, in words, for the line under the chart. */
function xAxisWords(t: DiskTimeline, rateWords?: string, aofEnabled = true): string {
  if (!aofEnabled) return `x: ${t.unit === 'seconds' ? 'seconds' : 'bytes'}; dump.rdb, and the temp file a BGSAVE writes next to it`;
  if (t.unit === 'bytes-appended') {
    return t.unbounded
      ? 'x: bytes appended to the AOF until the volume is full (no rewrite can run; no write rate given, so no time scale)'
      : `x: bytes appended to the AOF since the end of a rewrite, across ${cycles(t)} rewrite cycles (no write rate given, so no time scale)`;
  }
  const rate = rateWords ? ` at ${rateWords}` : '';
  if (t.unbounded) return `x: seconds${rate} until the volume is full (no rewrite can run)`;
  return `x: seconds since the end of a rewrite${rate}, across ${cycles(t)} rewrite cycles`;
}

function cycles(t: DiskTimeline): number {
  return t.points.filter((p) => p.phase === 'rewrite').length;
}

/**
 * The projected disk curve of one deployment role as a terminal chart (asciichart): disk bytes
 * (all Redis files on the volume) over time or bytes appended, the volume size as a dashed
 * horizontal line (named at the top instead when it is more than 2.5x the curve's peak), the
 * rewrite trigger and auto-aof-rewrite-min-size as dotted lines (named under the chart when more
 * than 2.5x the peak), y labels in Ki/Mi/Gi, tick labels under the x axis and a line of words saying
 * what x counts. Without `color` the text has no ANSI escapes.
 * @param t diskTimeline() of the projection
 * @returns the chart lines (no trailing newline), or null when the curve has zero width (nothing to draw)
 */
export function diskChart(t: DiskTimeline, opts: DiskChartOptions): string | null {
  const columns = opts.columns ?? 64;
  if (!t.points.length) return null;
  const span = t.points[t.points.length - 1].x - t.points[0].x;
  if (!(span > 0)) return null;
  const disk = resampleMax(t.points, columns);
  const peak = Math.max(...disk);
  const volume = t.volumeBytes;
  // a volume far above the curve would flatten it against the x axis: scale to the curve and name the volume instead
  const offScale = volume !== null && volume > VOLUME_OFF_SCALE * peak;
  // the rewrite trigger and min-size lines, drawn when near the curve (the Klamm case: min-size above the volume)
  const thresholds = t.thresholds.map((h) => ({ ...h, label: thresholdLabel(h) }));
  const drawn = thresholds.filter((h) => h.bytes <= VOLUME_OFF_SCALE * peak);
  const above = thresholds.filter((h) => h.bytes > VOLUME_OFF_SCALE * peak);
  const scale = yScale(Math.max(offScale ? peak : Math.max(peak, volume ?? 0), ...drawn.map((h) => h.bytes)), opts.rows ?? 12, offScale ? null : volume);
  const top = scale.rows * scale.step;
  const labels: string[] = [];
  for (let r = 0; r <= scale.rows; r++) labels.push(axisLabel(top - r * scale.step, scale.unit));
  const width = Math.max(...labels.map((l) => l.length));
  const cfg = {
    min: 0,
    max: top,
    height: scale.rows,
    offset: 3,
    format: (_: number, row: number) => (labels[row] ?? '').padStart(width),
  };
  const grid = (text: string) => text.split('\n').map((l) => Array.from(l));
  const diskGrid = grid(asciichart.plot(disk, cfg));
  const volumeGrid = volume === null || offScale ? null : grid(asciichart.plot(new Array<number>(columns).fill(volume), { ...cfg, symbols: ['┼', '┤', '╶', '╴', '╌', '╰', '╭', '╮', '╯', '│'] }));
  const thresholdGrids = drawn.map((h) => grid(asciichart.plot(new Array<number>(columns).fill(h.bytes), { ...cfg, symbols: ['┼', '┤', '╶', '╴', '┈', '╰', '╭', '╮', '╯', '│'] })));
  const axisCol = width + 1;
  // row of a value, as asciichart rounds it
  const rowOf = (v: number) => scale.rows - Math.round((v * scale.rows) / top);
  const c = (k: keyof typeof ANSI, s: string) => (opts.color && s.trim() ? ANSI[k] + s + ANSI.reset : s);

  const lines = diskGrid.map((cells, r) => {
    // each cell: the label, the axis, the disk curve (drawn over the volume line) or the volume line;
    // runs of one kind share one colour escape
    const runs: Array<{ kind: keyof typeof ANSI | 'plain'; text: string }> = [];
    for (let i = 0; i < cells.length; i++) {
      const d = cells[i];
      const v = volumeGrid?.[r]?.[i] ?? ' ';
      const h = thresholdGrids.map((g) => g[r]?.[i] ?? ' ').find((x) => x !== ' ') ?? ' ';
      const [kind, ch]: [keyof typeof ANSI | 'plain', string] =
        i < axisCol ? ['dim', d] : i === axisCol ? ['plain', d] : d !== ' ' ? ['disk', d] : v !== ' ' ? ['volume', v] : h !== ' ' ? ['threshold', h] : ['plain', ' '];
      const last = runs[runs.length - 1];
      if (last && last.kind === kind) last.text += ch;
      else runs.push({ kind, text: ch });
    }
    const line = runs.map((x) => (x.kind === 'plain' ? x.text : c(x.kind, x.text))).join('');
    const notes: string[] = [];
    if (volume !== null && !offScale && r === rowOf(volume)) notes.push(c('volume', `volume ${formatBytes(volume)}`));
    if (r === rowOf(peak)) notes.push(c('disk', `peak ${formatBytes(peak)}`));
    for (const h of drawn) if (r === rowOf(h.bytes)) notes.push(c('threshold', h.label));
    return notes.length ? `${line} ${notes.join(', ')}` : line.trimEnd();
  });

  // x axis: ticks at 0, 1/4 .. 1 of the range, labelled in seconds or bytes appended
  const fmtX = (x: number) => (t.unit === 'seconds' ? formatSeconds(x) : axisLabel(x, UNITS.find(([, s]) => span >= s) ?? ['B', 1]));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ col: Math.round(f * (columns - 1)), label: fmtX(t.points[0].x + f * span) }));
  const rule = Array.from({ length: columns }, (_, i) => (ticks.some((k) => k.col === i) ? '┬' : '─')).join('');
  lines.push(c('dim', ' '.repeat(axisCol) + '└' + rule));
  const tickLine = new Array<string>(axisCol + 1 + columns + 8).fill(' ');
  let free = 0;
  for (const k of ticks) {
    const start = Math.max(free, axisCol + 1 + k.col - Math.floor(k.label.length / 2));
    for (let i = 0; i < k.label.length; i++) tickLine[start + i] = k.label[i];
    free = start + k.label.length + 1;
  }
  lines.push(c('dim', tickLine.join('').trimEnd()));
  lines.push(' '.repeat(axisCol + 1) + xAxisWords(t, opts.rateWords, opts.aofEnabled));
  const legend =
    `${c('disk', '──')} disk: all Redis files on the volume` +
    (volume === null ? '   (volume size unknown)' : offScale ? `   volume ${formatBytes(volume)}: above the chart` : `   ${c('volume', '╌╌')} volume ${formatBytes(volume)}`);
  lines.push(' '.repeat(axisCol + 1) + legend);
  if (thresholds.length) {
    const parts = [...drawn.map((h) => h.label), ...above.map((h) => `${h.label} (above the chart)`)];
    lines.push(' '.repeat(axisCol + 1) + `${c('threshold', '┈┈')} ${parts.join(', ')}`);
  }
  return lines.join('\n');
}
