/**
 * Precedence between rules as data (each rule's `supersedes`, applied by the engine's
 * applyPrecedence after severities, exemptions and inline suppressions): one root cause gives one
 * finding, and turning the superseding rule off, exempting it or suppressing it never hides the
 * other's finding. Through lintDocuments, lintPaths on real files and the CLI.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { lintDocuments, lintPaths } from '../../src/engine.js';
import { parseText } from '../../src/load/documents.js';
import { loadPolicy, type Policy } from '../../src/policy/policy.js';
import { RULES } from '../../src/rules/index.js';
import type { Finding } from '../../src/types.js';
import { FILE } from './fixtures/harness.js';
import { klamm50Mi } from './fixtures/inputs.js';

function lint(code: string, policy: Policy = loadPolicy()): Finding[] {
  return lintDocuments(parseText(code, FILE).documents, policy).findings;
}

function withOff(...ids: string[]): Policy {
  const p = loadPolicy();
  return { ...p, rules: { ...p.rules, ...Object.fromEntries(ids.map((id) => [id, { ...p.rules[id], severity: 'off' as const }])) } };
}

const ids = (fs: Finding[]) => fs.map((f) => f.ruleId);

describe('supersedes: one finding per root cause', () => {
  it('every superseded id is a rule, and no rule supersedes itself', () => {
    const known = new Set(RULES.map((r) => r.id));
    for (const r of RULES) for (const s of r.supersedes ?? []) {
      expect(known.has(s), `${r.id} supersedes ${s}`).toBe(true);
      expect(s).not.toBe(r.id);
    }
  });

  it('50Mi AOF volume: aof-rewrite-unreachable alone, carrying the recommended volume', () => {
    const found = lint(klamm50Mi);
    expect(ids(found)).toContain('aof-rewrite-unreachable');
    expect(ids(found)).not.toContain('aof-disk-headroom');
    expect(found.find((f) => f.ruleId === 'aof-rewrite-unreachable')!.message).toContain('recommended volume 720Mi');
  });

  it('with aof-rewrite-unreachable: off the 50Mi volume still gets aof-disk-headroom', () => {
    const found = lint(klamm50Mi, withOff('aof-rewrite-unreachable'));
    expect(ids(found)).toContain('aof-disk-headroom');
  });

  it('an exemption annotation of aof-rewrite-unreachable leaves aof-disk-headroom', () => {
    const code = klamm50Mi.replace('  namespace: klamm-prod\n', '  namespace: klamm-prod\n  annotations:\n    ignore-check.redis-lint.io/aof-rewrite-unreachable: "accepted"\n');
    expect(code).not.toBe(klamm50Mi);
    const found = lint(code);
    expect(ids(found)).not.toContain('aof-rewrite-unreachable');
    expect(ids(found)).toContain('aof-disk-headroom');
  });

  it('no line carries both fork-memory-headroom and maxmemory-unset; the fork finding folds in the maxmemory advice', () => {
    const found = lint(klamm50Mi);
    const fork = found.filter((f) => f.ruleId === 'fork-memory-headroom');
    expect(fork).toHaveLength(1);
    expect(ids(found)).not.toContain('maxmemory-unset');
    expect(fork[0].message).toContain('without maxmemory Redis is also OOM-killed instead of evicting or refusing writes; set maxmemory to at most 91mb');
    // with the fork rule off, maxmemory-unset speaks again
    expect(ids(lint(klamm50Mi, withOff('fork-memory-headroom')))).toContain('maxmemory-unset');
  });

  it('an inline suppression of the superseding finding leaves the superseded one (lintPaths applies precedence last)', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'redis-lint-precedence-'));
    const file = path.join(d, 'values.yaml');
    writeFileSync(file, 'architecture: standalone\nmaster:\n  persistence:\n    enabled: true\n    # redis-lint-disable-next-line aof-rewrite-unreachable -- throwaway volume\n    size: 50Mi\ncommonConfiguration: |-\n  appendonly yes\n');
    const r = await lintPaths([file], { policy: loadPolicy() });
    expect(ids(r.findings)).not.toContain('aof-rewrite-unreachable');
    expect(ids(r.findings)).toContain('aof-disk-headroom');
    // the suppression was used: no unused-suppression
    expect(ids(r.findings)).not.toContain('unused-suppression');
  });
});

describe('a misspelt rule id is a usage error', () => {
  it('.redis-lint.yaml with aof-disk-headrom: off exits 2 with "did you mean"', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'redis-lint-precedence-'));
    writeFileSync(path.join(d, 'values.yaml'), 'architecture: standalone\n');
    writeFileSync(path.join(d, '.redis-lint.yaml'), 'rules:\n  aof-disk-headrom: off\n');
    let err = '';
    const sink = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
    const code = await main(['--config', path.join(d, '.redis-lint.yaml'), path.join(d, 'values.yaml')], sink(() => {}), sink((s) => (err += s)));
    expect(code).toBe(2);
    expect(err).toMatch(/\.redis-lint\.yaml:2:3: invalid config: rules\.aof-disk-headrom: "aof-disk-headrom" is not a rule of redis-lint \(did you mean "aof-disk-headroom"\?\)/);
  });
});
