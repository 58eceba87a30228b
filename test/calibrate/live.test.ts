import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  calibrate,
  deriveMeasurements,
  formatAnnotationQuantity,
  infoSample,
  measureWriteRate,
  parseInfo,
  parseSavePoints,
  resolveLiveConfig,
  workloadAnnotations,
  type InfoSample,
} from '../../src/calibrate/live.js';
import { annotationsYaml, formatCalibrationJson, formatCalibrationText } from '../../src/calibrate/report.js';
import { parseSize } from '../../src/model/units.js';
import { WORKLOAD_ANNOTATIONS, workloadFromAnnotations } from '../../src/sources/common.js';
import type { ObjectRef } from '../../src/types.js';

/**
 * Fixtures recorded from redis-server 7.0.15 by test/calibrate/record-info-fixtures.mjs: one INFO
 * reply a second while a paced writer sent 200 `SET k:NNNNNNNN <1000 chars>` per second, each
 * 1039 bytes of RESP in the AOF: 207800 bytes/s.
 */
interface Fixture {
  redis: string;
  writer: { setBytes: number; bytesPerSecond: number };
  samples: Array<{ localMs: number; text: string }>;
}
const load = (name: string): Fixture => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Fixture;
const samplesOf = (f: Fixture): InfoSample[] => f.samples.map((s) => infoSample(s.text, s.localMs));

const rewrite = load('info-aof-rewrite');
const aofOff = load('info-aof-off');
const KNOWN_RATE = 207_800; // 200 SET/s × 1039 bytes

/** An ObjectRef carrying the annotations, for workloadFromAnnotations. */
function refWith(annotations: Record<string, string>): ObjectRef {
  return { kind: 'StatefulSet', name: 'redis', file: 'x.yaml', pos: { file: 'x.yaml', line: 1, column: 1 }, annotations } as ObjectRef;
}

/** Synthetic INFO text from a field record (sections do not matter to the flat lookups). */
function info(fields: Record<string, string | number>): string {
  return '# Persistence\r\n' + Object.entries(fields).map(([k, v]) => `${k}:${v}`).join('\r\n') + '\r\n';
}

describe('parseInfo', () => {
  const parsed = parseInfo(rewrite.samples[0].text);

  it('splits sections and turns plain decimals into numbers', () => {
    expect(Object.keys(parsed.sections)).toEqual(expect.arrayContaining(['server', 'memory', 'persistence', 'replication', 'keyspace']));
    expect(parsed.sections.persistence.aof_enabled).toBe(1);
    expect(parsed.fields.aof_current_size).toBe(1616707);
    expect(parsed.fields.rdb_last_bgsave_time_sec).toBe(-1);
    expect(parsed.fields.current_fork_perc).toBe(0);
  });

  it('keeps versions, ids, zero-padded and compound values as strings', () => {
    expect(parsed.fields.redis_version).toBe('7.0.15');
    expect(parsed.fields.redis_git_sha1).toBe('00000000');
    expect(parsed.fields.role).toBe('master');
    expect(parsed.fields.db0).toMatch(/^keys=\d+,expires=0,avg_ttl=0$/);
  });

  it('accepts LF line ends, ignores junk, and keeps header-less fields', () => {
    const p = parseInfo('loose:1\n# Memory\nused_memory:100\nnot a field\n\nmaxmemory_policy:noeviction\nbig:123456789012345678901\n');
    expect(p.sections['']).toEqual({ loose: 1 });
    expect(p.sections.memory).toEqual({ used_memory: 100, maxmemory_policy: 'noeviction', big: '123456789012345678901' });
  });
});

describe('measureWriteRate on a recorded window with an AOF rewrite', () => {
  const samples = samplesOf(rewrite);
  const w = measureWriteRate(samples);

  it('skips the intervals where the rewrite started and finished', () => {
    expect(w.status).toBe('measured');
    expect(w.clock).toBe('server');
    expect(w.intervals).toBe(6);
    expect(w.rewritesInWindow).toBe(1);
    expect(w.skipped.map((s) => s.from)).toEqual([2, 4]);
    expect(w.skipped[0].reason).toMatch(/aof_rewrites/);
    expect(w.skipped[1].reason).toMatch(/aof_base_size/);
  });

  it('counts aof_buffer_length (accepted, not yet written) as appended', () => {
    // per-interval growth of aof_current_size + aof_buffer_length, read off the fixture:
    // 0→1 207800, 1→2 207800, 3→4 2447930+4156−2240130 = 211956 (rewrite running; 7.x keeps
    // appending to the new INCR), 5→6 207800
    expect(w.appendedBytes).toBe(207800 * 3 + 211956);
  });

  it('is within 1% of the paced writer, where start-to-end growth is 26% off', () => {
    expect(Math.abs((w.bytesPerSec as number) / KNOWN_RATE - 1)).toBeLessThan(0.01);
    const first = samples[0].info.fields;
    const last = samples[samples.length - 1].info.fields;
    const naive = ((last.aof_current_size as number) - (first.aof_current_size as number)) / w.windowSeconds;
    expect(Math.abs(naive / KNOWN_RATE - 1)).toBeGreaterThan(0.2);
  });

  it('says so when there are fewer than two samples or only unusable intervals', () => {
    expect(measureWriteRate(samples.slice(0, 1)).status).toBe('too-few-samples');
    const onlyRewrite = measureWriteRate(samples.slice(2, 4));
    expect(onlyRewrite).toMatchObject({ status: 'no-usable-interval', bytesPerSec: null });
  });
});

describe('measureWriteRate edge cases (synthetic INFO)', () => {
  const at = (sec: number, fields: Record<string, string | number>) => infoSample(info({ run_id: 'a', aof_enabled: 1, ...fields }), sec * 1000);

  it('falls back to the local clock without server_time_usec and detects a 6.x rewrite by aof_rewrite_in_progress', () => {
    const w = measureWriteRate([
      at(0, { aof_current_size: 1000, aof_base_size: 500, aof_rewrite_in_progress: 0 }),
      at(1, { aof_current_size: 2000, aof_base_size: 500, aof_rewrite_in_progress: 1 }),
      // 6.x: same base size by chance, but the rewrite finished (1 → 0) and the file was swapped
      at(2, { aof_current_size: 1600, aof_base_size: 500, aof_rewrite_in_progress: 0 }),
      at(3, { aof_current_size: 2600, aof_base_size: 500, aof_rewrite_in_progress: 0 }),
    ]);
    expect(w.clock).toBe('local');
    expect(w.skipped).toEqual([{ from: 1, reason: 'AOF rewrite finished (aof_rewrite_in_progress 1 → 0)' }]);
    expect(w.bytesPerSec).toBe(1000);
  });

  it('skips a shrinking AOF, a restart, and intervals with AOF off', () => {
    const w = measureWriteRate([
      at(0, { aof_current_size: 5000 }),
      at(1, { aof_current_size: 4000 }),
      infoSample(info({ run_id: 'b', aof_enabled: 1, aof_current_size: 4500 }), 2000),
      infoSample(info({ run_id: 'b', aof_enabled: 0 }), 3000),
      infoSample(info({ run_id: 'b', aof_enabled: 1, aof_current_size: 100 }), 4000),
      infoSample(info({ run_id: 'b', aof_enabled: 1, aof_current_size: 400 }), 6000),
    ]);
    expect(w.skipped.map((s) => s.reason)).toEqual(['AOF shrank', 'server restarted (run_id changed)', 'AOF off', 'AOF off']);
    expect(w.bytesPerSec).toBe(150); // 300 bytes over 2 s
  });

  it('reports aof-off, not a rate, when appendonly is off throughout', () => {
    const w = measureWriteRate(samplesOf(aofOff));
    expect(w).toMatchObject({ status: 'aof-off', bytesPerSec: null, appendedBytes: 0 });
  });
});

describe('formatAnnotationQuantity', () => {
  it('rounds up to three significant digits in a binary unit', () => {
    expect(formatAnnotationQuantity(0)).toBe('0');
    expect(formatAnnotationQuantity(812.2)).toBe('813');
    expect(formatAnnotationQuantity(1024)).toBe('1Ki');
    expect(formatAnnotationQuantity(207_800)).toBe('203Ki'); // 202.93Ki
    expect(formatAnnotationQuantity(2.5 * 2 ** 20)).toBe('2.5Mi');
    expect(formatAnnotationQuantity(1.2 * 2 ** 30 + 1)).toBe('1.21Gi');
    expect(formatAnnotationQuantity(700 * 2 ** 20)).toBe('700Mi');
    expect(formatAnnotationQuantity(1023.5 * 2 ** 20)).toBe('1024Mi');
    expect(() => formatAnnotationQuantity(-1)).toThrow(RangeError);
  });

  it('always parses back (parseSize, as workloadFromAnnotations) to at least the value and at most 1% more', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2 ** 50, noNaN: true }), (bytes) => {
        const text = formatAnnotationQuantity(bytes);
        const back = parseSize(text);
        const rate = parseSize(`${text}/s`);
        return back >= bytes && back <= Math.ceil(bytes) * 1.01 + 1 && rate === back;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('calibrate on the recorded rewrite window', () => {
  const samples = samplesOf(rewrite);
  const configGet = {
    appendonly: 'yes',
    appendfsync: 'everysec',
    'auto-aof-rewrite-percentage': '100',
    'auto-aof-rewrite-min-size': '67108864',
    'aof-use-rdb-preamble': 'yes',
    save: '',
    maxmemory: '0',
    'repl-diskless-sync': 'yes',
  };
  const report = calibrate('redis://:***@127.0.0.1:6379', samples, configGet, { volumeBytes: 8 * 2 ** 30, memoryLimitBytes: 2 ** 30 });
  const m = report.measurements;

  it('derives dataset, RDB size, CoW and durations from the INFO fields', () => {
    expect(m.redisVersion).toBe('7.0.15');
    expect(m.role).toBe('standalone');
    // largest used_memory − used_memory_startup of the window: the data with its per-key overhead
    expect(m.datasetBytes).toBe(3132016);
    expect(m.memory.valuesBytes).toBe(2965504); // largest used_memory_dataset (the per-key overhead left out)
    expect(m.rdb).toMatchObject({ bytes: 2160954, source: 'aof_base_size' });
    expect(m.cow.aofLastBytes).toBe(991232);
    expect(m.cow.currentPeakBytes).toBe(974848); // sampled while the rewrite child ran
    expect(m.cow.largestBytes).toBe(991232);
    expect(m.durations.aofLastRewriteSeconds).toBe(2);
    expect(m.durations.rdbLastBgsaveSeconds).toBeNull();
  });

  it('prints annotations that parse back through workloadFromAnnotations to at least the measured values', () => {
    const a = report.annotations.annotations;
    expect(Object.keys(a)).toEqual([WORKLOAD_ANNOTATIONS.datasetBytes, WORKLOAD_ANNOTATIONS.rdbBytes, WORKLOAD_ANNOTATIONS.writeRateBytesPerSec]);
    const w = workloadFromAnnotations(refWith(a));
    expect(w.datasetBytes!.value).toBeGreaterThanOrEqual(m.datasetBytes!);
    expect(w.rdbBytes!.value).toBeGreaterThanOrEqual(m.rdb.bytes!);
    expect(w.writeRateBytesPerSec!.value).toBeGreaterThanOrEqual(m.writeRate.bytesPerSec!);
    expect(w.writeRateBytesPerSec!.value).toBeLessThanOrEqual(m.writeRate.bytesPerSec! * 1.01);
    // and the YAML block of the text report is valid YAML with the same values
    const doc = parseYaml(annotationsYaml(report)) as { metadata: { annotations: Record<string, string> } };
    expect(doc.metadata.annotations).toEqual(a);
  });

  it('projects with the annotations as redis-lint will read them', () => {
    expect(report.input.workload).toEqual({
      datasetBytes: parseSize(report.annotations.annotations[WORKLOAD_ANNOTATIONS.datasetBytes]),
      rdbBytes: parseSize(report.annotations.annotations[WORKLOAD_ANNOTATIONS.rdbBytes]),
      writeRateBytesPerSec: parseSize(report.annotations.annotations[WORKLOAD_ANNOTATIONS.writeRateBytesPerSec]),
    });
    expect(report.input).toMatchObject({
      redisVersion: { major: 7, minor: 0 },
      role: 'standalone',
      volumeBytes: 8 * 2 ** 30,
      memoryLimitBytes: 2 ** 30,
      maxmemoryBytes: null,
      aof: { enabled: true, rewritePercentage: 100, rewriteMinSizeBytes: 67108864, useRdbPreamble: true },
      rdb: { savePoints: [] },
      hasReplicas: false,
      replDisklessSync: true,
    });
    expect(report.projection.dataset.basis).toBe('workload');
    expect(report.projection.disk.rewriteTriggerBytes).toBe(67108865); // min-size + 1: the BASE is tiny
    expect(report.projection.disk.timeToFullSeconds).toBeGreaterThan(0);
    expect(report.notes.join('\n')).toMatch(/2 of 6 interval\(s\) left out of the write rate/);
  });

  it('renders text with every section and JSON with the same data', () => {
    const text = formatCalibrationText(report);
    for (const s of ['redis-lint.io/write-rate: "', 'AOF rewrite trigger', 'disk peak', 'recommended volume', 'full in', 'fork peak memory', 'copy-on-write', 'measured 968Ki (aof_last_cow_size)', 'start-up load', 'write rate', 'Config (CONFIG GET):']) {
      expect(text).toContain(s);
    }
    expect(text.split('\n').length).toBeLessThanOrEqual(40);
    const json = JSON.parse(formatCalibrationJson(report));
    expect(json.annotations.annotations).toEqual(report.annotations.annotations);
    expect(json.measurements.writeRate.bytesPerSec).toBeCloseTo(m.writeRate.bytesPerSec!, 6);
  });
});

describe('calibrate with AOF off and CONFIG disabled', () => {
  const report = calibrate('redis://127.0.0.1:6379', samplesOf(aofOff), {}, { volumeBytes: null, memoryLimitBytes: null }, "ERR unknown command 'CONFIG'");

  it('gives no write rate and no RDB size instead of inventing them', () => {
    expect(report.measurements.writeRate.status).toBe('aof-off');
    expect(Object.keys(report.annotations.annotations)).toEqual([WORKLOAD_ANNOTATIONS.datasetBytes]);
    expect(report.annotations.omitted[WORKLOAD_ANNOTATIONS.writeRateBytesPerSec]).toMatch(/appendonly no/);
    expect(report.annotations.omitted[WORKLOAD_ANNOTATIONS.rdbBytes]).toMatch(/INFO has no dump\.rdb size/);
    // never guessed from AOF bytes per command (an MSET would read as one large value: CoW too low)
    expect(report.annotations.omitted[WORKLOAD_ANNOTATIONS.valueBytes]).toMatch(/not measured .* the model assumes \(the safe side\)/);
    expect(report.annotations.annotations[WORKLOAD_ANNOTATIONS.valueBytes]).toBeUndefined();
    expect(report.input.workload?.writeRateBytesPerSec).toBeUndefined();
    expect(report.projection.writeRateBytesPerSec).toBeNull();
    expect(annotationsYaml(report)).toMatch(/# redis-lint\.io\/write-rate: not given — appendonly no/);
  });

  it('falls back to INFO, then Redis defaults, and says so', () => {
    expect(report.config.appendonly).toEqual({ value: 'no', source: 'info' });
    expect(report.config.maxmemory).toEqual({ value: '0', source: 'info' });
    expect(report.config.save).toEqual({ value: '3600 1 300 100 60 10000', source: 'default' });
    expect(report.config['repl-diskless-sync']).toEqual({ value: 'yes', source: 'default' });
    expect(report.notes[0]).toMatch(/^CONFIG GET failed \(ERR unknown command 'CONFIG'\); read from INFO: appendonly \(aof_enabled\), maxmemory; assumed Redis 7\.x defaults/);
    expect(report.input.rdb.savePoints).toEqual(parseSavePoints('3600 1 300 100 60 10000'));
    expect(formatCalibrationText(report)).toContain('save "3600 1 300 100 60 10000" [default]');
  });
});

describe('deriveMeasurements: RDB size from aof_base_size', () => {
  const sample = (fields: Record<string, string | number>) => [infoSample(info({ aof_enabled: 1, aof_current_size: 10, used_memory_dataset: 1_000_000, ...fields }), 0)];

  it('is unknown with a command-form BASE, a zero BASE, or a BASE far below the dataset (stale)', () => {
    expect(deriveMeasurements(sample({ aof_base_size: 600_000 }), { useRdbPreamble: false }).rdb.bytes).toBeNull();
    expect(deriveMeasurements(sample({ aof_base_size: 0 }), { useRdbPreamble: true }).rdb.bytes).toBeNull();
    const stale = deriveMeasurements(sample({ aof_base_size: 89 }), { useRdbPreamble: true });
    expect(stale.rdb.bytes).toBeNull();
    expect(stale.notes.join()).toMatch(/predates most of the data/);
    expect(deriveMeasurements(sample({ aof_base_size: 600_000 }), { useRdbPreamble: true }).rdb).toMatchObject({ bytes: 600_000, source: 'aof_base_size' });
  });

  it('takes the dataset as used_memory − used_memory_startup (largest of the window), else used_memory_dataset', () => {
    const two = [
      infoSample(info({ used_memory: 20_000_000, used_memory_startup: 900_000, used_memory_dataset: 12_000_000 }), 0),
      infoSample(info({ used_memory: 18_000_000, used_memory_startup: 900_000, used_memory_dataset: 12_500_000 }), 1000),
    ];
    const m = deriveMeasurements(two, { useRdbPreamble: true });
    expect(m.datasetBytes).toBe(19_100_000);
    expect(m.memory.datasetBytes).toBe(19_100_000);
    expect(m.memory.valuesBytes).toBe(12_500_000);
    expect(deriveMeasurements(sample({ aof_base_size: 600_000 }), { useRdbPreamble: true }).datasetBytes).toBe(1_000_000);
  });

  it('maps the replication role', () => {
    const role = (fields: Record<string, string | number>) => deriveMeasurements(sample(fields), { useRdbPreamble: true }).role;
    expect(role({ role: 'slave', connected_slaves: 0 })).toBe('replica');
    expect(role({ role: 'master', connected_slaves: 2 })).toBe('master');
    expect(role({ role: 'master', connected_slaves: 0 })).toBe('standalone');
  });
});

describe('resolveLiveConfig', () => {
  it('takes CONFIG GET values as they are and notes nothing', () => {
    const { config, notes } = resolveLiveConfig({ appendonly: 'yes', appendfsync: 'always', 'auto-aof-rewrite-percentage': '0', 'auto-aof-rewrite-min-size': '1', 'aof-use-rdb-preamble': 'no', save: '900 1', maxmemory: '5', 'repl-diskless-sync': 'no' }, parseInfo(''), 6);
    expect(notes).toEqual([]);
    expect(Object.values(config).every((v) => v.source === 'config')).toBe(true);
  });

  it('uses the version-dependent default when a key is missing', () => {
    const { config, notes } = resolveLiveConfig({}, parseInfo(''), 6);
    expect(config['repl-diskless-sync']).toEqual({ value: 'no', source: 'default' });
    expect(config.save.value).toBe('900 1 300 10 60 10000');
    expect(notes[0]).toMatch(/^CONFIG GET did not return every parameter; assumed Redis 6\.x defaults/);
  });
});
