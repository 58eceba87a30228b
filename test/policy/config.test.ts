/**
 * The config file's webhook keys (per-rule action and mutate, namespaces:, exemptions:) and
 * exemptions, which the CLI applies too (one implementation: src/policy/exemptions.ts, called by
 * lintDocuments).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintDocuments } from '../../src/engine.js';
import { parseText } from '../../src/load/documents.js';
import { findExemption, isExpired, type ExemptionEntry } from '../../src/policy/exemptions.js';
import { admissionAction, loadPolicy, mutateEnabled, policyForNamespace } from '../../src/policy/policy.js';
import { InputError } from '../../src/types.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PERM = 'examples/incidents/permission-denied-statefulset.yaml';

function policyFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'redis-lint-config-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

function errorOf(text: string): { message: string; line: number; column: number } {
  try {
    loadPolicy(policyFile(text));
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return { message: (e as Error).message, line: (e as InputError).pos.line, column: (e as InputError).pos.column };
  }
  throw new Error('no error');
}

describe('config file: webhook keys', () => {
  it('reads action and mutate per rule, namespaces and exemptions', () => {
    const p = loadPolicy(
      policyFile(
        [
          'rules:',
          '  replicas-failover: {action: audit}',
          '  shutdown-grace-too-short: {mutate: true, severity: error}',
          'namespaces:',
          '  dev:',
          '    rules:',
          '      fork-memory-headroom: {action: warn}',
          '      data-volume-fsgroup: {mutate: false, severity: warning}',
          'exemptions:',
          '  - kind: StatefulSet',
          '    namespace: shop',
          '    name: redis',
          '    rules: [data-volume-fsgroup, replicas-failover]',
          '    reason: volume pre-chowned',
          '    expires: "2030-01-31"',
          '  - {kind: HelmRelease, name: cache, rules: ["*"], reason: being replaced}',
        ].join('\n') + '\n',
      ),
    );
    expect(p.rules['replicas-failover']).toMatchObject({ severity: 'warning', action: 'audit' });
    expect(p.rules['shutdown-grace-too-short']).toMatchObject({ severity: 'error', mutate: true });
    expect(p.namespaces).toEqual({ dev: { rules: { 'fork-memory-headroom': { action: 'warn' }, 'data-volume-fsgroup': { mutate: false, severity: 'warning' } } } });
    expect(p.exemptions).toHaveLength(2);
    expect(p.exemptions![0]).toMatchObject({ kind: 'StatefulSet', namespace: 'shop', name: 'redis', rules: ['data-volume-fsgroup', 'replicas-failover'], reason: 'volume pre-chowned', expires: '2030-01-31', expiresAt: Date.UTC(2030, 0, 31), index: 0, pos: { line: 10 } });
    expect(p.exemptions![1]).toMatchObject({ kind: 'HelmRelease', name: 'cache', rules: ['*'], index: 1 });
    expect(p.exemptions![1].namespace).toBeUndefined();
    expect(p.exemptions![1].expires).toBeUndefined();
  });

  it('the bundled policy has no namespaces and no exemptions; a --policy file without them neither', () => {
    expect(loadPolicy().exemptions).toEqual([]);
    expect(loadPolicy().namespaces).toBeUndefined();
    expect(loadPolicy(policyFile('rules: {}\n')).exemptions).toEqual([]);
  });

  it.each([
    ['an unknown action', 'rules:\n  replicas-failover:\n    action: block\n', 3, /rules\.replicas-failover\.action must be one of deny, warn, audit/],
    ['mutate that is not a boolean', 'rules:\n  data-volume-fsgroup:\n    mutate: yes\n', 3, /mutate must be boolean/],
    ['a namespace override without rules', 'rules: {}\nnamespaces:\n  dev: {}\n', 3, /namespaces\.dev must have required property 'rules'/],
    ['an unknown key in a namespace override', 'rules: {}\nnamespaces:\n  dev:\n    rules:\n      replicas-failover: {params: {}}\n', 5, /params is not a known key/],
    ['a namespace override of an unknown rule', 'rules: {}\nnamespaces:\n  dev:\n    rules:\n      no-such-rule: {action: warn}\n', 5, /namespaces\.dev\.rules: "no-such-rule" is not a rule of redis-lint/],
    ['a misspelt rule id', 'rules:\n  aof-disk-headrom: off\n', 2, /rules\.aof-disk-headrom: "aof-disk-headrom" is not a rule of redis-lint \(did you mean "aof-disk-headroom"\?\)/],
    ['a misspelt rule id in a namespace override', 'rules: {}\nnamespaces:\n  dev:\n    rules:\n      maxmemory-unsett: {action: warn}\n', 5, /did you mean "maxmemory-unset"\?/],
    ['an exemption without a reason', 'rules: {}\nexemptions:\n  - {kind: StatefulSet, name: redis, rules: ["*"]}\n', 3, /exemptions\.0 must have required property 'reason'/],
    ['an exemption of an unknown rule', 'rules: {}\nexemptions:\n  - kind: StatefulSet\n    name: redis\n    rules: [data-volume-fsgroup, data-volume-fsgrup]\n    reason: x\n', 5, /exemptions\.0\.rules\.1: "data-volume-fsgrup" is not a rule of the policy \(did you mean "data-volume-fsgroup"\?\)/],
    ['an expiry that is not YYYY-MM-DD', 'rules: {}\nexemptions:\n  - {kind: StatefulSet, name: redis, rules: ["*"], reason: x, expires: "31.01.2030"}\n', 3, /exemptions\.0\.expires must match pattern/],
    ['an expiry date that does not exist', 'rules: {}\nexemptions:\n  - kind: StatefulSet\n    name: redis\n    rules: ["*"]\n    reason: x\n    expires: 2030-02-30\n', 7, /exemptions\.0\.expires: "2030-02-30" is not a date/],
  ])('%s is an InputError at its line', (_name, text, line, message) => {
    const e = errorOf(text);
    expect(e.message).toMatch(message);
    expect(e.line).toBe(line);
  });
});

describe('per-namespace policy, action and mutate', () => {
  const p = loadPolicy(policyFile('rules:\n  replicas-failover: {action: audit}\nnamespaces:\n  dev:\n    rules:\n      fork-memory-headroom: {action: warn, severity: warning}\n      maxmemory-unset: {severity: "off"}\n'));

  it('lays the namespace over the rules; other namespaces get the policy itself', () => {
    const dev = policyForNamespace(p, 'dev');
    expect(dev.rules['fork-memory-headroom']).toMatchObject({ severity: 'warning', action: 'warn', params: { headroomPercent: 0 } });
    expect(dev.rules['maxmemory-unset'].severity).toBe('off');
    expect(dev.rules['replicas-failover'].action).toBe('audit');
    expect(policyForNamespace(p, 'dev')).toBe(dev);
    expect(policyForNamespace(p, 'prod')).toBe(p);
    expect(policyForNamespace(p, undefined)).toBe(p);
    expect(p.rules['fork-memory-headroom'].action).toBeUndefined();
  });

  it('action defaults by severity; mutate defaults to the fix being safe', () => {
    expect(admissionAction(p.rules['fork-memory-headroom'], 'error')).toBe('deny');
    expect(admissionAction(p.rules['maxmemory-unset'], 'warning')).toBe('warn');
    expect(admissionAction(p.rules['unresolved-values'], 'info')).toBe('warn');
    expect(admissionAction(p.rules['replicas-failover'], 'warning')).toBe('audit');
    expect(mutateEnabled(undefined, true)).toBe(true);
    expect(mutateEnabled({ severity: 'error' }, false)).toBe(false);
    expect(mutateEnabled({ severity: 'error', mutate: false }, true)).toBe(false);
    expect(mutateEnabled({ severity: 'error', mutate: true }, false)).toBe(true);
  });
});

describe('exemptions', () => {
  const entry = (e: Partial<ExemptionEntry>): ExemptionEntry => ({ kind: 'StatefulSet', name: 'redis', rules: ['data-volume-fsgroup'], reason: 'r', index: 0, pos: { file: 'c', line: 1, column: 1, endLine: 1, endColumn: 1, yamlPath: '' }, ...e });
  /** @param namespace null: the object has none */
  const obj = (annotations: Record<string, string> = {}, namespace: string | null = 'shop') => ({ kind: 'StatefulSet', namespace: namespace ?? undefined, name: 'redis', annotations });

  it('annotations first, unless refused', () => {
    expect(findExemption(obj({ 'ignore-check.redis-lint.io/data-volume-fsgroup': 'why' }), 'data-volume-fsgroup')).toEqual({ via: 'annotation', key: 'ignore-check.redis-lint.io/data-volume-fsgroup', reason: 'why' });
    expect(findExemption(obj({ 'redis-lint.io/ignore-all': 'all' }), 'anything')).toMatchObject({ via: 'annotation', key: 'redis-lint.io/ignore-all' });
    expect(findExemption(obj({ 'ignore-check.redis-lint.io/data-volume-fsgroup': 'why' }), 'replicas-failover')).toBeUndefined();
    expect(findExemption(obj({ 'redis-lint.io/ignore-all': 'all' }), 'x', [], { annotations: false })).toBeUndefined();
  });

  it('config entries: kind any case, namespace optional on either side, "*" for every rule', () => {
    expect(findExemption(obj(), 'data-volume-fsgroup', [entry({ kind: 'statefulset', namespace: 'shop' })])).toMatchObject({ via: 'config' });
    expect(findExemption(obj(), 'data-volume-fsgroup', [entry({ namespace: 'other' })])).toBeUndefined();
    expect(findExemption(obj({}, null), 'data-volume-fsgroup', [entry({ namespace: 'other' })])).toMatchObject({ via: 'config' });
    expect(findExemption(obj(), 'replicas-failover', [entry({})])).toBeUndefined();
    expect(findExemption(obj(), 'replicas-failover', [entry({ rules: ['*'] })])).toMatchObject({ via: 'config' });
    expect(findExemption({ ...obj(), name: 'other' }, 'data-volume-fsgroup', [entry({})])).toBeUndefined();
  });

  it('an entry expires at 00:00 UTC of its date', () => {
    const e = entry({ expires: '2030-01-31', expiresAt: Date.UTC(2030, 0, 31) });
    expect(isExpired(e, new Date('2030-01-30T23:59:59Z'))).toBe(false);
    expect(isExpired(e, new Date('2030-01-31T00:00:00Z'))).toBe(true);
    expect(findExemption(obj(), 'data-volume-fsgroup', [e], { now: new Date('2030-01-30T12:00:00Z') })).toBeDefined();
    expect(findExemption(obj(), 'data-volume-fsgroup', [e], { now: new Date('2030-02-01T00:00:00Z') })).toBeUndefined();
  });

  it('lintDocuments drops exempt findings and reports expired entries that name an object of the run', () => {
    const text = [
      'rules: {}',
      'exemptions:',
      '  - {kind: StatefulSet, name: redis, rules: [data-volume-fsgroup], reason: "pre-chowned", expires: "2030-01-31"}',
      '  - {kind: StatefulSet, name: redis, rules: [memory-limit-missing], reason: "sized by VPA", expires: "2020-01-01"}',
      '  - {kind: StatefulSet, name: elsewhere, rules: ["*"], reason: "gone", expires: "2020-01-01"}',
    ].join('\n');
    const p = loadPolicy(policyFile(text + '\n'));
    const { documents } = parseText(readFileSync(path.join(root, PERM), 'utf8'), PERM);
    const at = (iso: string) => lintDocuments(documents, p, undefined, undefined, { now: new Date(iso) });
    const before = at('2029-06-01T00:00:00Z');
    expect(before.findings.map((f) => f.ruleId).sort()).toEqual(['memory-limit-missing', 'replicas-failover']);
    expect(before.expiredExemptions.map((x) => [x.object, x.entry.index])).toEqual([[{ kind: 'StatefulSet', name: 'redis' }, 1]]);
    const after = at('2030-01-31T00:00:00Z');
    expect(after.findings.map((f) => f.ruleId).sort()).toEqual(['data-volume-fsgroup', 'memory-limit-missing', 'replicas-failover']);
    expect(after.expiredExemptions.map((x) => x.entry.index)).toEqual([0, 1]);
  });
});

describe('redis-lint lint --policy: config exemptions (the built CLI)', () => {
  const bin = path.join(root, 'dist/cli/main.js');
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [bin, '--format', 'json', ...args], { cwd: root, encoding: 'utf8' });
    return { code: r.status, rules: (JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId).sort() };
  };

  it('drops the exempt rule, and only while the entry has not expired; action and namespaces change nothing', () => {
    expect(run([PERM]).rules).toEqual(['data-volume-fsgroup', 'memory-limit-missing', 'replicas-failover']);
    const exempt = policyFile(
      'rules:\n  memory-limit-missing: {action: audit}\nnamespaces:\n  default:\n    rules:\n      replicas-failover: {severity: "off"}\nexemptions:\n  - {kind: StatefulSet, name: redis, rules: [data-volume-fsgroup], reason: "pre-chowned volume", expires: "2999-01-01"}\n',
    );
    expect(run(['--policy', exempt, PERM])).toEqual({ code: 0, rules: ['memory-limit-missing', 'replicas-failover'] });
    const expired = policyFile('rules: {}\nexemptions:\n  - {kind: StatefulSet, name: redis, rules: [data-volume-fsgroup], reason: "pre-chowned volume", expires: "2000-01-01"}\n');
    expect(run(['--policy', expired, PERM])).toEqual({ code: 1, rules: ['data-volume-fsgroup', 'memory-limit-missing', 'replicas-failover'] });
  });
});

describe('config file: input caps (maxFileSize, maxDocuments)', () => {
  const bin = path.join(root, 'bin/redis-lint.js');
  const cli = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  const docs = path.join(mkdtempSync(path.join(tmpdir(), 'redis-lint-caps-')), 'many-docs.yaml');
  writeFileSync(docs, '--- {image: redis}\n'.repeat(30));

  it('are read from the config, named in the cap message, and the flags win over them', () => {
    const capped = cli(['--config', policyFile('maxDocuments: 20\nmaxFileSize: 1Mi\n'), docs]);
    expect(capped.status).toBe(2);
    expect(capped.stdout).toContain('has more than 20 YAML documents, the limit per file: the rest are not read (raise it with --max-documents or maxDocuments: in .redis-lint.yaml)');
    expect(cli(['--config', policyFile('maxDocuments: 20\n'), '--max-documents', '30', docs]).status).toBe(0);
    const small = cli(['--config', policyFile('maxFileSize: 100\n'), docs]);
    expect(small.status).toBe(2);
    expect(small.stdout).toContain('is larger than 100 bytes, the input size limit: not read (raise it with --max-file-size or maxFileSize: in .redis-lint.yaml)');
    expect(cli(['--config', policyFile('maxFileSize: 100\n'), '--max-file-size', '1Ki', docs]).status).toBe(0);
    for (const bad of ['lots', '0']) {
      const r = cli(['--max-file-size', bad, docs]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`--max-file-size "${bad}" is not a size: expected e.g. 20Mi, 50MB or a number of bytes`);
    }
  });

  it('a bad value is exit 2 at its line', () => {
    expect(errorOf('failLevel: error\nmaxFileSize: lots\n')).toEqual({ message: 'invalid config: maxFileSize "lots" is not a size: expected e.g. 20Mi, 50MB or a number of bytes', line: 2, column: 1 });
    expect(errorOf('maxDocuments: 0\n').message).toMatch(/maxDocuments/);
  });
});
