/**
 * Text and JSON renderings of a {@link CalibrationReport} (`redis-lint calibrate`). Pure.
 */
import { formatBytes, formatSeconds } from '../model/units.js';
import { CALIBRATE_CONFIG_KEYS, type CalibrationReport, type MeasuredCow } from './live.js';

const bytes = (n: number | null | undefined) => (n === null || n === undefined ? '?' : formatBytes(n));

/** Seconds for the report: one decimal below 10 s ("0.4s"), else formatSeconds ("12m 5s"). */
function secs(n: number | null | undefined): string {
  if (n === null || n === undefined) return '?';
  if (n === 0 || Number.isInteger(n)) return formatSeconds(n);
  if (n < 0.1) return '<0.1s';
  return n < 10 ? `${n.toFixed(1)}s` : formatSeconds(n);
}

/** Whole seconds as INFO reports them (`time(NULL)` differences): 0 means under a second. */
const measuredSecs = (n: number) => (n === 0 ? '<1s' : formatSeconds(n));

/** The largest measured CoW and the INFO field it came from. */
function largestCow(cow: MeasuredCow): string {
  const fields: Array<[string, number | null]> = [
    ['aof_last_cow_size', cow.aofLastBytes],
    ['rdb_last_cow_size', cow.rdbLastBytes],
    ['current_cow_peak', cow.currentPeakBytes],
    ['module_fork_last_cow_size', cow.moduleForkLastBytes],
  ];
  let best: [string, number] | null = null;
  for (const [name, v] of fields) if (v !== null && v > 0 && (best === null || v > best[1])) best = [name, v];
  return best === null ? 'no fork measured since start-up' : `${formatBytes(best[1])} (${best[0]})`;
}

/**
 * The `metadata.annotations` block to paste, as YAML: measured annotations quoted, the ones left
 * out as comments with the reason.
 */
export function annotationsYaml(report: CalibrationReport): string {
  const { annotations, omitted } = report.annotations;
  const entries = Object.entries(annotations);
  const lines = ['metadata:', entries.length ? '  annotations:' : '  annotations: {}'];
  for (const [k, v] of entries) lines.push(`    ${k}: "${v}"`);
  for (const [k, why] of Object.entries(omitted)) lines.push(`    # ${k}: not given — ${why}`);
  return lines.join('\n') + '\n';
}

/**
 * The one-screen text report: header, annotations to paste, projection, measurements, config and
 * notes. Contains no credentials (the target is already redacted).
 */
export function formatCalibrationText(report: CalibrationReport): string {
  const { measurements: m, projection: p, input, config } = report;
  const out: string[] = [];
  const version = m.redisVersion ? `Redis ${m.redisVersion}` : 'Redis version unknown';
  out.push(
    `redis-lint calibrate: ${report.target} (${version}, ${m.role}), ${m.window.seconds.toFixed(1)} s window, ${m.window.samples} INFO samples`,
    '',
    '# paste into the metadata of the HelmRelease / StatefulSet / Application running this Redis',
    annotationsYaml(report),
  );

  const row = (label: string, text: string) => out.push(`  ${label.padEnd(20)} ${text}`);
  out.push('Projection (the annotations above + the live config; see docs/model.md):');
  const pct = input.aof.rewritePercentage;
  if (!input.aof.enabled) row('AOF rewrite trigger', 'n/a (appendonly no)');
  else if (pct === 0) row('AOF rewrite trigger', 'never (auto-aof-rewrite-percentage 0): the AOF grows until the disk is full');
  else row('AOF rewrite trigger', `${bytes(p.disk.rewriteTriggerBytes)} (auto-aof-rewrite-percentage ${pct}, min-size ${bytes(input.aof.rewriteMinSizeBytes)})`);
  row('disk peak', `${bytes(p.disk.peakBytes)}, recommended volume ${p.disk.recommendedVolume ?? '?'}`);
  if (input.volumeBytes === null) row('volume', 'not given (--volume 8Gi for time to full)');
  else {
    const full =
      p.disk.timeToFullSeconds === null ? 'time to full unknown (needs AOF and a write rate)' : `full in ${formatSeconds(p.disk.timeToFullSeconds)} if rewrites stop`;
    const fits = p.disk.peakBytes === null ? '' : p.disk.peakBytes <= input.volumeBytes ? ', peak fits' : ', PEAK DOES NOT FIT';
    row('volume', `${formatBytes(input.volumeBytes)}${fits}; ${full}`);
  }
  const limit = input.memoryLimitBytes === null ? 'no --memory-limit given' : `limit ${formatBytes(input.memoryLimitBytes)}`;
  const overLimit =
    input.memoryLimitBytes !== null && p.memory.forkPeakBytes !== null && p.memory.forkPeakBytes > input.memoryLimitBytes ? ', OVER THE LIMIT' : '';
  row('fork peak memory', `${bytes(p.memory.forkPeakBytes)} (${limit}${overLimit})${p.memory.forkHappens ? '' : ', no fork expected'}`);
  row('copy-on-write', `model ${bytes(p.memory.cowBytes)} vs measured ${largestCow(m.cow)}`);
  const lastChild =
    m.durations.aofLastRewriteSeconds !== null
      ? `last rewrite ${measuredSecs(m.durations.aofLastRewriteSeconds)}`
      : m.durations.rdbLastBgsaveSeconds !== null
        ? `last BGSAVE ${measuredSecs(m.durations.rdbLastBgsaveSeconds)}`
        : 'no child measured';
  row('fork child lifetime', `model ${secs(p.memory.childSeconds)} vs ${lastChild}`);
  row('start-up load', `${secs(p.loadSeconds)}, shutdown SAVE ${secs(p.shutdownSaveSeconds)}`);
  out.push('');

  out.push(`Measured (INFO, ${m.window.clock === 'server' ? 'server clock' : 'local clock'}):`);
  row('dataset', `${bytes(m.memory.datasetBytes)} (used_memory − used_memory_startup; used_memory_dataset ${bytes(m.memory.valuesBytes)}, used_memory ${bytes(m.memory.usedBytes)}, used_memory_rss ${bytes(m.memory.rssBytes)})`);
  if (m.aof.enabled) {
    const rw = m.writeRate.rewritesInWindow ? `, ${m.writeRate.rewritesInWindow} rewrite(s) in the window` : '';
    row('AOF', `aof_current_size ${bytes(m.aof.firstSizeBytes)} → ${bytes(m.aof.lastSizeBytes)}, aof_base_size ${bytes(m.aof.baseSizeBytes)}${rw}`);
  } else row('AOF', 'off (aof_enabled:0)');
  const w = m.writeRate;
  if (w.status === 'measured' && w.bytesPerSec !== null) {
    const skipped = w.skipped.length ? `; ${w.skipped.length} of ${w.intervals} intervals skipped` : '';
    row('write rate', `${formatBytes(w.bytesPerSec)}/s = ${Math.round(w.bytesPerSec)} B/s (${w.appendedBytes} bytes appended in ${w.usedSeconds.toFixed(2)} s${skipped})`);
  } else row('write rate', w.status === 'aof-off' ? 'none (AOF off)' : `none (${w.status})`);
  row('RDB size', m.rdb.bytes === null ? 'unknown' : `${formatBytes(m.rdb.bytes)} (${m.rdb.source})`);
  row(
    'last CoW',
    `rdb_last_cow_size ${bytes(m.cow.rdbLastBytes)}, aof_last_cow_size ${bytes(m.cow.aofLastBytes)}, current_cow_peak ${bytes(m.cow.currentPeakBytes)}`,
  );
  row(
    'last durations',
    `aof_last_rewrite_time_sec ${m.durations.aofLastRewriteSeconds ?? '-'}, rdb_last_bgsave_time_sec ${m.durations.rdbLastBgsaveSeconds ?? '-'}, latest_fork_usec ${m.durations.latestForkUsec ?? '-'}`,
  );
  out.push('');

  const sources = new Set(CALIBRATE_CONFIG_KEYS.map((k) => config[k].source));
  const header = sources.size === 1 && sources.has('config') ? 'Config (CONFIG GET):' : 'Config (CONFIG GET; [info]/[default] = not from CONFIG):';
  const parts = CALIBRATE_CONFIG_KEYS.map((k) => {
    const v = config[k];
    const text = v.value === '' || /\s/.test(v.value) ? `"${v.value}"` : v.value;
    return `${k} ${text}${v.source === 'config' ? '' : ` [${v.source}]`}`;
  });
  out.push(header);
  let line = ' ';
  for (const part of parts) {
    if (line.length + part.length + 2 > 100) {
      out.push(line.replace(/,$/, ''));
      line = ' ';
    }
    line += ` ${part},`;
  }
  out.push(line.replace(/,$/, ''));

  if (report.notes.length) {
    out.push('', 'Notes:');
    for (const n of report.notes) out.push(`  - ${n}`);
  }
  return out.join('\n') + '\n';
}

/** The report as one JSON document (same data as the text, plus the model's assumptions). */
export function formatCalibrationJson(report: CalibrationReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
