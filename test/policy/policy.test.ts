import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/policy/policy.js';
import { RULES, SOURCE_RULE_IDS } from '../../src/rules/index.js';
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

  it('an unknown rule without a severity is an InputError at its key', () => {
    const file = policyFile('rules:\n  no-such-rule:\n    params: {}\n');
    expect(() => loadPolicy(file)).toThrow(/no-such-rule/);
  });
});
