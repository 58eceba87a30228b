import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/policy/policy.js';
import { RULES, SOURCE_RULE_IDS } from '../../src/rules/index.js';
import { matchWorkloadEntry, type WorkloadEntry } from '../../src/sources/common.js';
import { InputError } from '../../src/types.js';

function policyFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'redis-lint-policy-')), 'policy.yaml');
  writeFileSync(file, text);
  return file;
}

describe('loadPolicy', () => {
  it('the bundled policy has a severity for every rule id', () => {
    const p = loadPolicy();
    for (const id of [...RULES.map((r) => r.id), ...SOURCE_RULE_IDS]) expect(p.rules[id]?.severity, id).toMatch(/^(error|warning|info|off)$/);
  });

  it('a user file is laid over the default: other rules keep their severity', () => {
    const p = loadPolicy(policyFile('rules:\n  aof-disk-headroom:\n    params:\n      headroomPercent: 30\n  replicas-failover:\n    severity: off\nmodel:\n  rdbToMemoryRatio: 0.5\n'));
    expect(p.rules['aof-disk-headroom']).toMatchObject({ severity: 'error', params: { headroomPercent: 30 } });
    expect(p.rules['replicas-failover'].severity).toBe('off');
    expect(p.rules['fork-memory-headroom'].severity).toBe('error');
    expect(p.model).toMatchObject({ rdbToMemoryRatio: 0.5, headroomFraction: 0.2 });
  });

  it('an invalid value is an InputError at its line', () => {
    const file = policyFile('rules:\n  aof-disk-headroom:\n    severity: fatal\n');
    expect(() => loadPolicy(file)).toThrow(InputError);
    try {
      loadPolicy(file);
    } catch (e) {
      expect((e as InputError).pos).toMatchObject({ file, line: 3 });
    }
  });

  it('an unknown rule id is an InputError at its key, with or without a severity', () => {
    expect(() => loadPolicy(policyFile('rules:\n  no-such-rule:\n    params: {}\n'))).toThrow(/rules\.no-such-rule: "no-such-rule" is not a rule of redis-lint/);
    expect(() => loadPolicy(policyFile('rules:\n  aof-disk-headrom: off\n'))).toThrow(/did you mean "aof-disk-headroom"\?/);
  });
});

describe('loadPolicy: workloads', () => {
  const MI = 1024 * 1024;

  function positionOf(file: string): { line: number; column: number; message: string } {
    try {
      loadPolicy(file);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return { line: (e as InputError).pos.line, column: (e as InputError).pos.column, message: (e as Error).message };
    }
    throw new Error('no error');
  }

  it('the bundled policy has none', () => {
    expect(loadPolicy().workloads).toEqual([]);
  });

  it('parses sizes in every unit, with the position of each value', () => {
    const file = policyFile(
      'rules: {}\nworkloads:\n  - kind: HelmRelease\n    namespace: shop\n    name: redis\n    datasetSize: 2Gi\n    rdbSize: 64mb\n    writeRate: 5MiB/s\n  - {kind: StatefulSet, name: cache, datasetSize: 64m, writeRate: 1048576}\n',
    );
    const [a, b] = loadPolicy(file).workloads ?? [];
    expect(a).toMatchObject({ kind: 'HelmRelease', namespace: 'shop', name: 'redis', pos: { line: 3 } });
    expect(a.values.datasetBytes).toMatchObject({ value: 2 * 1024 * MI, pos: { file, line: 6, column: 18, yamlPath: 'workloads.0.datasetSize' } });
    expect(a.values.rdbBytes?.value).toBe(64 * MI);
    expect(a.values.writeRateBytesPerSec?.value).toBe(5 * MI);
    expect(b).toMatchObject({ kind: 'StatefulSet', name: 'cache' });
    expect(b.namespace).toBeUndefined();
    expect(b.values.datasetBytes?.value).toBe(64_000_000);
    expect(b.values.writeRateBytesPerSec?.value).toBe(MI);
  });

  it('a value that is not a size is an InputError at the value', () => {
    const at = positionOf(policyFile('rules: {}\nworkloads:\n  - kind: HelmRelease\n    name: redis\n    datasetSize: lots\n'));
    expect(at).toMatchObject({ line: 5, column: 18 });
    expect(at.message).toMatch(/^invalid policy: workloads\.0\.datasetSize: not a Kubernetes quantity: "lots"/);
  });

  it('a rate given for a size, a negative size, a wrong type: InputErrors', () => {
    expect(positionOf(policyFile('rules: {}\nworkloads:\n  - {kind: HelmRelease, name: redis, rdbSize: 1Gi/s}\n')).message).toMatch(/rdbSize: "1Gi\/s" is a rate/);
    expect(positionOf(policyFile('rules: {}\nworkloads:\n  - {kind: HelmRelease, name: redis, rdbSize: -5}\n')).message).toMatch(/must not be negative/);
    expect(positionOf(policyFile('rules: {}\nworkloads:\n  - kind: HelmRelease\n    name: redis\n    rdbSize: true\n'))).toMatchObject({ line: 5, message: expect.stringMatching(/workloads\.0\.rdbSize must be string,number/) });
  });

  it('an unknown key, a missing name and a repeated entry are InputErrors at their line', () => {
    expect(positionOf(policyFile('rules: {}\nworkloads:\n  - kind: HelmRelease\n    name: redis\n    datasetSiz: 1Gi\n'))).toMatchObject({ line: 5, message: expect.stringMatching(/workloads\.0\.datasetSiz is not a known key/) });
    expect(positionOf(policyFile('rules: {}\nworkloads:\n  - kind: HelmRelease\n    datasetSize: 1Gi\n')).message).toMatch(/workloads\.0 must have required property 'name'/);
    const twice = positionOf(policyFile('rules: {}\nworkloads:\n  - {kind: HelmRelease, name: redis}\n  - {kind: helmrelease, name: redis, rdbSize: 1Gi}\n'));
    expect(twice).toMatchObject({ line: 4, message: expect.stringMatching(/workloads\.1 repeats helmrelease\/redis \(first at line 3\)/) });
  });
});

describe('matchWorkloadEntry', () => {
  const pos = { file: 'p.yaml', line: 1, column: 1, endLine: 1, endColumn: 1, yamlPath: '' };
  const entry = (kind: string, name: string, namespace?: string): WorkloadEntry => ({ kind, name, namespace, pos, values: {} });

  it('matches kind (any case) and name; an entry naming the namespace wins over one without', () => {
    const loose = entry('StatefulSet', 'redis');
    const exact = entry('StatefulSet', 'redis', 'cache');
    expect(matchWorkloadEntry([loose, exact], { kind: 'StatefulSet', namespace: 'cache', name: 'redis' })).toBe(exact);
    expect(matchWorkloadEntry([loose, exact], { kind: 'statefulset', namespace: 'other', name: 'redis' })).toBe(loose);
    expect(matchWorkloadEntry([exact], { kind: 'StatefulSet', namespace: 'other', name: 'redis' })).toBeUndefined();
    expect(matchWorkloadEntry([exact], { kind: 'Deployment', namespace: 'cache', name: 'redis' })).toBeUndefined();
    expect(matchWorkloadEntry([exact], { kind: 'StatefulSet', namespace: 'cache', name: 'redis2' })).toBeUndefined();
  });

  it('an object without a namespace matches an entry with one (namespace left to kubectl -n or Flux)', () => {
    expect(matchWorkloadEntry([entry('StatefulSet', 'redis', 'cache')], { kind: 'StatefulSet', name: 'redis' })?.namespace).toBe('cache');
  });
});
