import { redisSizeWords } from '../rules/words.js';
import type { ModelParams } from '../model/params.js';
import type { Projection } from '../model/projection.js';
import { diskTimeline } from '../model/timeline.js';
import { formatBytes, formatSeconds } from '../model/units.js';
import { formatQuantityDown } from '../model/volume.js';
import { datasetWords, inputSourceWords } from '../rules/words.js';
import { confBool, confBytes, confNumber, confValue } from '../sources/redis-defaults.js';
import { originLabel, type RedisDeployment } from '../types.js';
import { diskChart } from './project-chart.js';
import { probeBudgetSeconds, rowTitle, volumeKindWords, type ProjectRow } from './project-common.js';
import { printable, redactText } from '../core/redact.js';

/** Input-derived text (names, notes, messages) as printed: secrets masked, control characters escaped (issue 13). */
const safe = (text: string): string => printable(redactText(text));

/** Options of {@link formatProjectText}. */
export interface ProjectTextOptions {
  /** ANSI colours */
  color: boolean;
  /** the model parameters in force (policy `model:` over the defaults): for the headroom mark and the RDB estimate's words */
  params: ModelParams;
  /** chart width in columns (default 56) */
  chartColumns?: number;
}

const ANSI = { bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', underline: '\x1b[4m', reset: '\x1b[0m' };
type Paint = (k: keyof typeof ANSI, s: string) => string;
type Mark = 'ok' | 'bad' | 'warn' | '';

/** One line of a section: label, value (right-aligned) and words after it. */
interface Line {
  label: string;
  value: string;
  note?: string;
  mark?: Mark;
}

const LABEL = 22;
const VALUE = 9;

/**
 * The `redis-lint project` text report: per deployment role its workload inputs and where they
 * came from, the disk side (rewrite trigger, steady-state peak, recommended volume, headroom,
 * time to a full disk), fork memory against the limit, load time against the probes, a chart
 * of disk bytes across rewrite cycles with the volume line, and the model's assumptions.
 * Every number is the model's (project() via the engine); this only lays them out.
 * @param rows the deployment roles, in input order
 * @returns the report text, ending in a newline
 */
export function formatProjectText(rows: readonly ProjectRow[], opts: ProjectTextOptions): string {
  const paint: Paint = (k, s) => (opts.color ? ANSI[k] + s + ANSI.reset : s);
  return rows.map((row) => formatRow(row, opts, paint)).join('\n') + '\n';
}

function formatRow(row: ProjectRow, opts: ProjectTextOptions, paint: Paint): string {
  const { dep } = row;
  const out: string[] = [];
  out.push(`${paint('bold', safe(rowTitle(dep)))}  ${paint('dim', `${safe(dep.object.file)}:${dep.object.pos.line}`)}`);
  const p = row.projection;
  if (p instanceof Error) {
    out.push(`  ${paint('red', '✖')} cannot project this deployment: ${safe(p.message)}`);
    out.push(...notes(row, paint));
    return out.join('\n') + '\n';
  }
  if (dep.source === 'configmap') {
    out.push(paint('dim', '  a redis.conf no workload of the run mounts: volume, memory limit and probes are unknown'));
  }
  section(out, 'Workload', '', workloadLines(dep, p, opts.params), paint);
  section(out, 'Disk', diskHeader(dep, p), diskLines(dep, p, opts.params), paint);
  section(out, 'Memory', memoryHeader(dep, p), memoryLines(p), paint);
  section(out, 'Start-up', '', startupLines(dep, p), paint);
  out.push('', ...chartLines(dep, p, opts, paint));
  out.push('', `  ${paint('bold', 'Assumptions')}`);
  for (const a of p.assumptions) out.push(`    - ${safe(a)}`);
  out.push(...notes(row, paint));
  return out.join('\n') + '\n';
}

function notes(row: ProjectRow, paint: Paint): string[] {
  if (!row.notes.length) return [];
  return ['', `  ${paint('bold', 'Input not used')}`, ...row.notes.map((n) => `    - ${safe(n)}`)];
}

function section(out: string[], title: string, header: string, lines: Line[], paint: Paint): void {
  out.push(`  ${paint('bold', title)}${header ? `  ${header}` : ''}`);
  for (const l of lines) {
    const mark = l.mark === 'ok' ? paint('green', '✔') : l.mark === 'bad' ? paint('red', '✖') : l.mark === 'warn' ? paint('yellow', '!') : ' ';
    const note = l.note ? `  ${mark} ${l.note}` : l.mark ? `  ${mark}` : '';
    out.push(`    ${l.label.padEnd(LABEL)}${l.value.padStart(VALUE)}${note}`.trimEnd());
  }
}

const bytes = (n: number | null, unknown = 'unknown'): string => (n === null ? unknown : formatBytes(n));
/** Seconds with a decimal below 10 s ("6.2s"), else formatSeconds ("15m 23s"). */
const seconds = (s: number): string => (s > 0 && s < 10 ? `${(Math.round(s * 10) / 10).toString()}s` : formatSeconds(s));

function workloadLines(dep: RedisDeployment, p: Projection, params: ModelParams): Line[] {
  const w = dep.workload;
  const dataset: Line = { label: 'dataset', value: bytes(p.dataset.bytes) };
  if (p.dataset.basis === 'workload') dataset.note = `from ${w.datasetBytes ? inputSourceWords(w.datasetBytes.origin) : 'the workload input'}`;
  else if (p.dataset.basis === 'unknown') dataset.note = 'no maxmemory, no memory limit: give --dataset-size';
  else dataset.note = `${datasetWords(dep, p).replace(/^(no maxmemory: )?dataset /, '')}: an upper bound, --dataset-size gives the real size`;
  const rdb: Line = { label: 'RDB size', value: bytes(p.rdbBytes) };
  rdb.note = w.rdbBytes ? `from ${inputSourceWords(w.rdbBytes.origin)}` : p.rdbBytes === null ? '' : `estimated: dataset x rdbToMemoryRatio ${params.rdbToMemoryRatio}`;
  const rate: Line = { label: 'write rate', value: p.writeRateBytesPerSec === null ? 'none' : `${formatBytes(p.writeRateBytesPerSec)}/s` };
  rate.note = w.writeRateBytesPerSec ? `from ${inputSourceWords(w.writeRateBytesPerSec.origin)}` : 'not given: --write-rate adds time to full and bounds copy-on-write';
  return [dataset, rdb, rate];
}

function diskHeader(dep: RedisDeployment, p: Projection): string {
  const size = dep.volume.size;
  const volume = `${volumeKindWords(dep)}${size ? ` ${formatBytes(size.value)}${originLabel(size.origin)}` : dep.volume.kind === 'pvc' ? ' (size unknown)' : ''}`;
  const saves = p.disk.dumpRdbPresent ? ', dump.rdb on the volume' : '';
  return `${volume}; ${p.disk.aofEnabled ? 'AOF on' : 'AOF off'}${saves}`;
}

function diskLines(dep: RedisDeployment, p: Projection, params: ModelParams): Line[] {
  const d = p.disk;
  const lines: Line[] = [];
  if (d.aofEnabled) {
    const pct = confNumber(dep, 'auto-aof-rewrite-percentage');
    const min = confBytes(dep, 'auto-aof-rewrite-min-size');
    const trigger: Line = { label: 'rewrite trigger', value: bytes(d.rewriteTriggerBytes) };
    if (pct.value === 0) {
      trigger.value = 'never';
      trigger.mark = 'bad';
      trigger.note = `auto-aof-rewrite-percentage 0${originLabel(pct.origin)}: no automatic rewrite, the AOF grows until the disk is full`;
    } else if (d.rewriteUnreachable) {
      trigger.mark = 'bad';
      trigger.note = `unreachable: the AOF must first pass auto-aof-rewrite-min-size ${confValue(dep, 'auto-aof-rewrite-min-size').value}${originLabel(min.origin)}, more than the volume holds; it grows until the disk is full`;
    } else if (d.rewriteTriggerBytes !== null && min.value !== null && d.rewriteTriggerBytes === min.value + 1) {
      trigger.note = `just above auto-aof-rewrite-min-size ${confValue(dep, 'auto-aof-rewrite-min-size').value}`;
    } else if (d.rewriteTriggerBytes !== null) {
      trigger.note = `${pct.value ?? 100}% growth over the ${bytes(d.baseAfterRewriteBytes)} AOF a rewrite leaves`;
    }
    lines.push(trigger);
  }
  const peak: Line = { label: 'steady-state peak', value: bytes(d.peakBytes, d.aofEnabled && d.rewriteTriggerBytes === null && p.dataset.bytes !== null ? 'unbounded' : 'unknown') };
  if (d.peakBytes !== null) {
    peak.note = d.aofEnabled
      ? `old AOF + the new BASE and INCR at the end of a rewrite${d.dumpRdbPresent ? ', next to dump.rdb' : ''}${d.rewriteUnreachable ? ' (if rewrites could run)' : ''}`
      : d.dumpRdbPresent
        ? 'dump.rdb + the temp file of a BGSAVE'
        : 'nothing persisted';
  }
  lines.push(peak);
  const volume = d.volumeBytes;
  const rec: Line = { label: 'recommended volume', value: d.recommendedVolume ?? 'unknown' };
  if (d.recommendedVolumeBytes !== null) {
    rec.note = `the peak with ${Math.round(params.headroomFraction * 100)}% of the volume free`;
    if (volume !== null) {
      rec.mark = volume >= d.recommendedVolumeBytes ? 'ok' : 'bad';
      rec.note += `; the ${formatBytes(volume)} volume is ${volume >= d.recommendedVolumeBytes ? 'large enough' : 'smaller'}`;
    }
  }
  lines.push(rec);
  if (d.maxDatasetBytes !== null && volume !== null) {
    const free = `${Math.round(params.headroomFraction * 100)}% free`;
    lines.push(
      d.maxDatasetBytes === 0
        ? { label: 'largest dataset', value: 'none', mark: 'bad', note: `no dataset's cycle fits the ${formatBytes(volume)} volume with ${free}` }
        : {
            label: 'largest dataset',
            value: formatQuantityDown(d.maxDatasetBytes),
            note: `whose ${d.aofEnabled ? 'AOF rewrite cycle' : 'RDB files'} fit${d.aofEnabled ? 's' : ''} the ${formatBytes(volume)} volume with ${free}${p.writeRateBytesPerSec === null ? ' (no write rate given)' : ''}`,
            mark: p.dataset.bytes === null ? 'warn' : p.dataset.bytes <= d.maxDatasetBytes ? 'ok' : 'bad',
          },
    );
  }
  if (volume !== null && d.peakBytes !== null && volume > 0) {
    const free = volume - d.peakBytes;
    const pct = (free / volume) * 100;
    const line: Line = { label: 'headroom', value: formatBytes(free), note: `${pct.toFixed(pct > -10 && pct < 10 ? 1 : 0)}% of the ${formatBytes(volume)} volume free at the peak` };
    line.mark = free < 0 ? 'bad' : free / volume < params.headroomFraction ? 'warn' : 'ok';
    // no negative size or percentage: say by how much the peak misses the volume
    if (free < 0) Object.assign(line, { value: 'none', note: `the peak ${formatBytes(d.peakBytes)} does not fit the ${formatBytes(volume)} volume: ${formatBytes(-free)} short` });
    else if (line.mark === 'warn') line.note += ` (below the ${Math.round(params.headroomFraction * 100)}% the policy keeps)`;
    lines.push(line);
  } else {
    lines.push({ label: 'headroom', value: 'unknown', note: volume === null ? 'volume size unknown' : '' });
  }
  if (d.aofEnabled) {
    const ttf = d.timeToFullSeconds;
    const t: Line = { label: 'time to full', value: ttf === null ? 'unknown' : seconds(ttf) };
    if (ttf === null) t.note = !p.writeRateBytesPerSec ? 'needs a write rate (--write-rate)' : volume === null ? 'volume size unknown' : 'dataset unknown';
    else if (ttf === 0) {
      t.mark = 'bad';
      t.note = `the model starts from the AOF a rewrite leaves (${bytes(d.baseAfterRewriteBytes)}), which alone fills the volume`;
    } else {
      const rate = `${formatBytes(p.writeRateBytesPerSec ?? 0)}/s`;
      if (d.rewriteUnreachable) Object.assign(t, { mark: 'bad', note: `at ${rate}: no rewrite can run, this is when the disk fills` });
      else t.note = `at ${rate}, should rewrites stop succeeding`;
    }
    lines.push(t);
  }
  return lines;
}

function memoryHeader(dep: RedisDeployment, p: Projection): string {
  const m = p.memory;
  const limit = m.limitBytes === null ? 'no memory limit' : `limit ${formatBytes(m.limitBytes)}${originLabel(dep.memoryLimit.origin)}`;
  const maxmemory = m.maxmemoryBytes === null ? 'maxmemory not set' : `maxmemory ${confBytes(dep, 'maxmemory').value ? redisSizeWords(confValue(dep, 'maxmemory').value, m.maxmemoryBytes) : formatBytes(m.maxmemoryBytes) + " (the master's)"}`;
  return `${limit}; ${maxmemory}`;
}

function memoryLines(p: Projection): Line[] {
  const m = p.memory;
  const line: Line = { label: m.forkHappens ? 'fork peak' : 'peak (no fork)', value: bytes(m.forkPeakBytes) };
  const largest: Line[] =
    m.maxDatasetBytes === null || m.limitBytes === null
      ? []
      : [
          {
            label: 'largest dataset',
            value: m.maxDatasetBytes === 0 ? 'none' : formatQuantityDown(m.maxDatasetBytes),
            note: `whose ${m.forkHappens ? 'fork peak' : 'memory'} fits the ${formatBytes(m.limitBytes)} limit${m.forkHappens && p.writeRateBytesPerSec === null ? ' (no write rate: the whole dataset copied on write)' : ''}`,
            mark: m.maxDatasetBytes === 0 ? 'bad' : '',
          },
        ];
  if (m.forkPeakBytes === null) return [{ ...line, note: 'dataset unknown' }, ...largest];
  const parts = m.forkHappens ? `${bytes(m.usedBytes)} in use + up to ${bytes(m.cowBytes)} copied on write` : 'nothing forks: AOF off, no save points, no replicas';
  if (m.limitBytes === null) return [{ ...line, mark: 'warn', note: `${parts}; no limit to compare with` }];
  const over = m.forkPeakBytes - m.limitBytes;
  return [
    over > 0
      ? { ...line, mark: 'bad', note: `${formatBytes(over)} over the limit: ${parts}` }
      : { ...line, mark: 'ok', note: `${formatBytes(-over)} below the limit: ${parts}` },
    ...largest,
  ];
}

function startupLines(dep: RedisDeployment, p: Projection): Line[] {
  const load = p.loadSeconds;
  const aof = confBool(dep, 'appendonly').value;
  const lines: Line[] = [
    {
      label: 'load time',
      value: load === null ? (aof && p.disk.rewriteTriggerBytes === null && p.dataset.bytes !== null ? 'unbounded' : 'unknown') : seconds(load),
      note: load === null ? '' : aof ? 'worst case: the largest AOF, replayed at start-up' : 'loading dump.rdb',
    },
  ];
  const live = dep.livenessProbe.value;
  const start = dep.startupProbe.value;
  if (!live) lines.push({ label: 'liveness probe', value: 'none' });
  else {
    const budget = probeBudgetSeconds(live);
    const l: Line = { label: 'liveness probe', value: `${budget}s`, note: 'budget: initialDelay + period x failureThreshold' };
    if (live.acceptsLoading) Object.assign(l, { mark: 'ok', note: 'passes while Redis answers LOADING' });
    else if (start) Object.assign(l, { mark: 'ok', note: 'held back by the startupProbe while loading' });
    else if (load !== null) Object.assign(l, load <= budget ? { mark: 'ok', note: 'longer than the load time' } : { mark: 'bad', note: 'shorter than the load time: the pod is killed while loading' });
    lines.push(l);
  }
  if (!start) lines.push({ label: 'startup probe', value: 'none' });
  else {
    const budget = probeBudgetSeconds(start);
    const s: Line = { label: 'startup probe', value: `${budget}s` };
    if (start.acceptsLoading) Object.assign(s, { mark: 'ok', note: 'passes while Redis answers LOADING' });
    else if (load !== null) Object.assign(s, load <= budget ? { mark: 'ok', note: 'longer than the load time' } : { mark: 'bad', note: 'shorter than the load time: the pod is killed while loading' });
    lines.push(s);
  }
  return lines;
}

function chartLines(dep: RedisDeployment, p: Projection, opts: ProjectTextOptions, paint: Paint): string[] {
  const t = diskTimeline(p);
  const why = (s: string) => [`  ${paint('dim', `no chart: ${s}`)}`];
  if (!t) {
    if (p.dataset.bytes === null) return why('the dataset size is unknown');
    if (!p.disk.aofEnabled && !p.disk.dumpRdbPresent) return why('nothing is persisted (AOF off, no save points)');
    return why('the volume size is unknown');
  }
  const rate = dep.workload.writeRateBytesPerSec;
  const chart = diskChart(t, { color: opts.color, columns: opts.chartColumns ?? 56, aofEnabled: p.disk.aofEnabled, rateWords: rate ? `${formatBytes(rate.value)}/s from ${inputSourceWords(rate.origin)}` : undefined });
  if (chart === null) return why('the curve has no length (the AOF a rewrite leaves already fills the volume)');
  return chart.split('\n').map((l) => `  ${l}`);
}
