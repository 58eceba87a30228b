import { lintPaths } from '../engine.js';
import type { InputLimits } from '../load/documents.js';
import { resolveParams } from '../model/params.js';
import { diskTimeline } from '../model/timeline.js';
import type { Policy } from '../policy/policy.js';
import { rowTitle, type ProjectRow } from '../report/project-common.js';
import { formatProjectJson } from '../report/project-json.js';
import type { SvgChart } from '../report/project-svg.js';
import { formatProjectText } from '../report/project-text.js';
import type { WorkloadFlags } from '../sources/common.js';
import type { Finding, RedisDeployment } from '../types.js';

/** What `redis-lint project` was asked to do (flags already parsed and checked by main). */
export interface ProjectOptions {
  /** files, directories or `-` */
  paths: string[];
  /** globs of paths not to read (`--exclude`, the config's `ignorePaths:`) */
  exclude?: readonly string[];
  /** `-f/--values` files */
  valuesFiles?: string[];
  policy: Policy;
  /** `--dataset-size`, `--rdb-size`, `--write-rate`, parsed to bytes */
  workloadFlags: WorkloadFlags;
  format: 'text' | 'json';
  /** `--plot FILE`: write an SVG chart there */
  plot?: string;
  /** ANSI colours in the text report */
  color: boolean;
  /** caps on each input (`--max-file-size`, `--max-documents`) */
  limits?: InputLimits;
  /** terminal width, for the chart (undefined: not a terminal) */
  columns?: number;
}

/**
 * `redis-lint project`: per Redis deployment role, the model's disk and memory numbers, a
 * terminal chart of disk use across rewrite cycles, and optionally an SVG chart (`--plot`).
 * The deployments and projections come from the engine (lintPaths: same sources, same workload
 * precedence, same policy model params); nothing is recomputed here.
 * @param out the report (text or JSON)
 * @param err input errors and the `--plot` notice, one line each
 * @returns exit code: 0, or 2 when an input could not be read or parsed or the SVG could not be written
 */
export async function runProject(opts: ProjectOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const result = await lintPaths(opts.paths, { policy: opts.policy, valuesFiles: opts.valuesFiles, workloadFlags: opts.workloadFlags, exclude: opts.exclude, limits: opts.limits });
  for (const n of result.notices) err.write(`redis-lint: ${n}\n`);
  for (const e of result.inputErrors) err.write(`redis-lint: ${e.pos.file}:${e.pos.line}:${e.pos.column}: ${e.message}\n`);
  const rows: ProjectRow[] = result.deployments.map((dep, i) => ({ dep, projection: result.projections[i], notes: notesFor(dep, result.findings) }));
  // the model's params as the engine used them (policy `model:` over the defaults)
  const params = resolveParams(opts.policy.model);

  if (opts.format === 'json') out.write(formatProjectJson(rows));
  else if (!rows.length) out.write(`no Redis deployment found in ${result.files.length} file(s)\n`);
  else {
    const chartColumns = opts.columns ? Math.max(32, Math.min(72, opts.columns - 40)) : 56;
    out.write(formatProjectText(rows, { color: opts.color, params, chartColumns }));
  }

  let code = result.inputErrors.length ? 2 : 0;
  if (opts.plot) {
    const charts: SvgChart[] = [];
    for (const row of rows) {
      if (row.projection instanceof Error) continue;
      const t = diskTimeline(row.projection);
      if (!t || t.points.length < 2 || !(t.points[t.points.length - 1].x > t.points[0].x)) continue;
      charts.push({
        title: rowTitle(row.dep),
        where: `${row.dep.object.file}:${row.dep.object.pos.line}`,
        writeRateBytesPerSec: row.projection.writeRateBytesPerSec,
        timeline: t,
        aofEnabled: row.projection.disk.aofEnabled,
      });
    }
    if (!charts.length) {
      err.write(`redis-lint: --plot: no deployment role has a disk curve to draw (dataset or volume unknown, or nothing persisted); ${opts.plot} not written\n`);
      return 2;
    }
    try {
      const { writeDiskChartsSvg } = await import('../report/project-svg.js');
      await writeDiskChartsSvg(opts.plot, charts);
      err.write(`redis-lint: wrote ${opts.plot} (${charts.length} chart${charts.length === 1 ? '' : 's'})\n`);
    } catch (e) {
      err.write(`redis-lint: --plot: cannot write ${opts.plot}: ${(e as Error).message}\n`);
      code = 2;
    }
  }
  return code;
}

/** The `unresolved-values` findings about a deployment's object and role: input the projection could not use. */
function notesFor(dep: RedisDeployment, findings: readonly Finding[]): string[] {
  const o = dep.object;
  return findings
    .filter((f) => f.ruleId === 'unresolved-values' && f.object?.kind === o.kind && f.object.name === o.name && f.object.namespace === o.namespace && (!f.role || f.role === dep.role) && f.pos.file === o.file)
    .map((f) => `${f.pos.line}:${f.pos.column} ${f.message}`);
}
