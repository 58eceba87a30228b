import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DiskTimeline } from '../model/timeline.js';
import { formatBytes } from '../model/units.js';
import { thresholdLabel } from './project-chart.js';
import { VOLUME_OFF_SCALE } from './project-common.js';

/** One chart of the SVG: a deployment role's disk curve. */
export interface SvgChart {
  /** "HelmRelease/klamm-prod/redis (standalone)" */
  title: string;
  /** where the object is, "file:line", for the line under the title */
  where: string;
  /** the write rate behind the curve, bytes per second; null when not given */
  writeRateBytesPerSec: number | null;
  timeline: DiskTimeline;
  /** AOF on (rewrite cycles) or off (RDB only: BGSAVE cycles) */
  aofEnabled: boolean;
}

const UNITS: Array<[string, number]> = [
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];
const unitFor = (bytes: number): [string, number] => UNITS.find(([, s]) => bytes >= s) ?? ['B', 1];

/**
 * The vega-lite spec of the charts: one layered chart per deployment role, stacked vertically,
 * each with the disk curve (bytes of all Redis files, in Mi or Gi) over seconds or bytes appended
 * and the volume size as a dashed red rule with its label (named in the subtitle instead when it
 * is more than {@link VOLUME_OFF_SCALE} times the curve's peak), and the rewrite trigger and
 * auto-aof-rewrite-min-size as dotted orange rules (likewise named in the subtitle when far above).
 * @param charts at least one chart
 * @returns a vega-lite TopLevelSpec (plain JSON)
 */
export function diskChartsSpec(charts: readonly SvgChart[]): Record<string, unknown> {
  const sub = charts.map((c) => {
    const t = c.timeline;
    const peak = Math.max(...t.points.map((p) => p.bytes));
    // as in the terminal chart: a volume far above the curve is named in the subtitle, not drawn
    const offScale = t.volumeBytes !== null && t.volumeBytes > VOLUME_OFF_SCALE * peak;
    // the rewrite trigger and min-size lines, as in the terminal chart: drawn when near the curve
    const drawn = t.thresholds.filter((h) => h.bytes <= VOLUME_OFF_SCALE * peak);
    const above = t.thresholds.filter((h) => h.bytes > VOLUME_OFF_SCALE * peak);
    const maxY = Math.max(peak, offScale ? 0 : (t.volumeBytes ?? 0), ...drawn.map((h) => h.bytes));
    const [yName, yUnit] = unitFor(maxY);
    const span = t.points[t.points.length - 1].x;
    const [xName, xUnit] = t.unit === 'seconds' ? ['s', 1] : unitFor(span);
    const xTitle = !c.aofEnabled
      ? `${t.unit === 'seconds' ? 'seconds' : `bytes (${xName})`}: dump.rdb, and the temp file of a BGSAVE`
      : t.unit === 'seconds'
        ? t.unbounded
          ? 'seconds until the volume is full (no rewrite can run)'
          : 'seconds since the end of a rewrite'
        : `bytes appended to the AOF (${xName}; no write rate given)`;
    const values = t.points.map((p, i) => ({ i, x: p.x / xUnit, y: p.bytes / yUnit, phase: p.phase }));
    const layer: unknown[] = [
      {
        data: { values },
        // a line in point order: the curve has vertical jumps (two points at one x), which an area would stack
        mark: { type: 'line', color: '#1f77b4', strokeWidth: 2, interpolate: 'linear' },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: xTitle, scale: { nice: false } },
          y: { field: 'y', type: 'quantitative', title: `disk (${yName})` },
          order: { field: 'i' },
        },
      },
    ];
    if (t.volumeBytes !== null && !offScale) {
      const v = t.volumeBytes / yUnit;
      layer.push(
        { data: { values: [{ v }] }, mark: { type: 'rule', color: '#d62728', strokeDash: [6, 4], strokeWidth: 2 }, encoding: { y: { field: 'v', type: 'quantitative' } } },
        {
          data: { values: [{ v, label: `volume ${formatBytes(t.volumeBytes)}` }] },
          // at the left end: the curve starts there at its lowest (the AOF a rewrite leaves)
          mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -4, color: '#d62728', fontWeight: 'bold' },
          encoding: { y: { field: 'v', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
        },
      );
    }
    for (const h of drawn) {
      const v = h.bytes / yUnit;
      layer.push(
        { data: { values: [{ v }] }, mark: { type: 'rule', color: '#ff7f0e', strokeDash: [2, 3], strokeWidth: 2 }, encoding: { y: { field: 'v', type: 'quantitative' } } },
        {
          data: { values: [{ v, label: thresholdLabel(h) }] },
          // at the right end, so it does not sit on the volume label
          mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -4, dy: -4, color: '#ff7f0e' },
          encoding: { y: { field: 'v', type: 'quantitative' }, x: { value: 560 }, text: { field: 'label' } },
        },
      );
    }
    const volume = t.volumeBytes === null ? 'volume unknown' : `volume ${formatBytes(t.volumeBytes)}${offScale ? ' (above the chart)' : ''}`;
    const rate = c.writeRateBytesPerSec === null ? 'no write rate' : `write rate ${formatBytes(c.writeRateBytesPerSec)}/s`;
    const subtitle = [`${c.where} · ${volume} · ${rate}`, ...above.map((h) => `${thresholdLabel(h)} (above the chart)`)].join(' · ');
    return { title: { text: c.title, subtitle, anchor: 'start' }, width: 560, height: 200, layer };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    padding: 12,
    vconcat: sub,
    config: { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555' } },
  };
}

/**
 * Render the charts to SVG (vega-lite compiled to vega, headless view, no canvas) and write the
 * file atomically: a temp file in the same directory, then rename over `file`. vega and vega-lite
 * are imported here, lazily: they take a while to load.
 * @param file the .svg path to write
 * @param charts at least one chart
 * @throws whatever the file system or vega throws (the temp file is removed first)
 */
export async function writeDiskChartsSvg(file: string, charts: readonly SvgChart[]): Promise<void> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const spec = vl.compile(diskChartsSpec(charts) as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, svg);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
