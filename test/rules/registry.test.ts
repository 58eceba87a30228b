/**
 * The rule registry (src/rules/index.ts) and the rule shape (defineRule, src/rules/rule.ts): every
 * rule is one module with complete metadata and defaults; the policy knows exactly the registered
 * ids; precedence names only rules. A rule with a missing meta field fails here (and at import).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/policy/policy.js';
import { ALL_RULE_IDS, RULE_DEFINITIONS, RULES, ruleById } from '../../src/rules/index.js';
import { defineRule, type RuleDefinition } from '../../src/rules/rule.js';

const RULES_DIR = fileURLToPath(new URL('../../src/rules/', import.meta.url));

describe('rule registry', () => {
  it.each(RULE_DEFINITIONS.map((r) => [r.id, r] as const))('%s has every meta field and its defaults', (id, r) => {
    expect(r.meta.description.trim(), `${id}: meta.description`).not.toBe('');
    expect(r.meta.remediation.trim(), `${id}: meta.remediation`).not.toBe('');
    expect(r.meta.incident.trim(), `${id}: meta.incident`).not.toBe('');
    expect(['data-loss', 'reliability', 'configuration', 'maintainability']).toContain(r.meta.category);
    expect(['very-high', 'high', 'medium']).toContain(r.meta.precision);
    expect(['object', 'file']).toContain(r.meta.docs.scope);
    expect(typeof r.meta.docs.commentSuppressible).toBe('boolean');
    expect(r.meta.examples.length, `${id}: meta.examples`).toBeGreaterThan(0);
    for (const ex of r.meta.examples) expect(ex.bad.trim()).not.toBe('');
    expect(['error', 'warning', 'info', 'off']).toContain(r.defaults.severity);
  });

  it('ids are unique, kebab-case, and each rule lives in src/rules/<id>.ts', () => {
    expect(new Set(ALL_RULE_IDS).size).toBe(ALL_RULE_IDS.length);
    const files = new Set(readdirSync(RULES_DIR));
    for (const r of RULE_DEFINITIONS) {
      expect(r.id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(files.has(`${r.id}.ts`), `src/rules/${r.id}.ts`).toBe(true);
      expect(readFileSync(`${RULES_DIR}${r.id}.ts`, 'utf8')).toContain(`id: '${r.id}'`);
      expect(ruleById(r.id)).toBe(r);
    }
  });

  it('every module that defines a rule is registered', () => {
    for (const f of readdirSync(RULES_DIR).filter((x) => x.endsWith('.ts'))) {
      const text = readFileSync(`${RULES_DIR}${f}`, 'utf8');
      const m = /defineRule\(\{\s*id: '([a-z0-9-]+)'/.exec(text);
      if (m) expect(ALL_RULE_IDS, `${f} defines ${m[1]}`).toContain(m[1]);
    }
  });

  it('the policy has exactly the registered rules, with their defaults', () => {
    const p = loadPolicy();
    expect(Object.keys(p.rules).sort()).toEqual([...ALL_RULE_IDS].sort());
    for (const r of RULE_DEFINITIONS) expect(p.rules[r.id].severity, r.id).toBe(r.defaults.severity);
  });

  it('checked rules say whether they need a workload; supersedes names only checked rules', () => {
    const checked = new Set(RULES.map((r) => r.id));
    for (const r of RULES) {
      expect(typeof r.needsWorkload).toBe('boolean');
      for (const s of r.supersedes ?? []) expect(checked.has(s), `${r.id} supersedes ${s}`).toBe(true);
    }
  });

  it('defineRule refuses a rule with a missing field, naming it', () => {
    const ok = RULE_DEFINITIONS[0];
    const without = (patch: Partial<RuleDefinition> & { meta?: unknown }) => () => defineRule({ ...ok, ...patch } as RuleDefinition);
    expect(without({ meta: { ...ok.meta, remediation: '' } })).toThrow(/meta\.remediation is missing/);
    expect(without({ meta: { ...ok.meta, examples: [] } })).toThrow(/meta\.examples/);
    expect(without({ meta: { ...ok.meta, category: undefined } })).toThrow(/meta\.category/);
    expect(without({ id: 'Not_Kebab' })).toThrow(/kebab-case/);
    expect(without({ defaults: {} as RuleDefinition['defaults'] })).toThrow(/defaults\.severity/);
  });
});
