/**
 * Texts of admission answers (src/webhook/messages.ts): warnings of at most 120 characters that
 * keep the numbers, at most 10 of them plus one "and N more", and the denial message.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/types.js';
import { MAX_WARNINGS, boundWarnings, denyMessage, findingWarning, fit, messageHead } from '../../src/webhook/messages.js';

const pos = { file: 'f', line: 1, column: 1, endLine: 1, endColumn: 1, yamlPath: '' };
const finding = (ruleId: string, message: string, role?: Finding['role']): Finding => ({ ruleId, severity: 'warning', message, pos, ...(role ? { role } : {}) });

describe('warnings', () => {
  it('keep the facts of a rule message: up to the first ": " or "; " outside parentheses and quotes', () => {
    expect(messageHead('memory limit 4Gi without maxmemory: Redis is OOMKilled; set maxmemory')).toBe('memory limit 4Gi without maxmemory');
    expect(messageHead('fork peak 8Gi (4Gi in use; no maxmemory: bounded) exceeds the memory limit 4Gi: OOM')).toBe('fork peak 8Gi (4Gi in use; no maxmemory: bounded) exceeds the memory limit 4Gi');
    expect(messageHead('chart "oci://x: y" is not the Bitnami redis chart: not evaluated')).toBe('chart "oci://x: y" is not the Bitnami redis chart');
    expect(messageHead('no separator')).toBe('no separator');
  });

  it('are at most 120 characters: parenthesised parts go first, then the end', () => {
    const w = findingWarning(
      finding(
        'fork-memory-headroom',
        'fork peak 393Mi (201Mi in use + up to 192Mi copied on write; no maxmemory: dataset bounded by the 192Mi memory limit (chart default)) exceeds the memory limit 192Mi (chart default): BGSAVE/BGREWRITEAOF is OOM-killed',
        'master',
      ),
    );
    expect(w).toBe('fork-memory-headroom: fork peak 393Mi exceeds the memory limit 192Mi');
    const long = fit('x'.repeat(300));
    expect(long).toHaveLength(120);
    expect(long.endsWith('…')).toBe(true);
    expect(fit('short')).toBe('short');
  });

  it('name a role other than standalone', () => {
    expect(findingWarning(finding('maxmemory-unset', 'memory limit 1Gi without maxmemory: x', 'replica'))).toBe('maxmemory-unset (replica): memory limit 1Gi without maxmemory');
    expect(findingWarning(finding('maxmemory-unset', 'memory limit 1Gi without maxmemory: x', 'standalone'))).toBe('maxmemory-unset: memory limit 1Gi without maxmemory');
  });

  it('are bounded: 10, then one "and N more" naming what was left out; duplicates dropped', () => {
    const list = Array.from({ length: 14 }, (_, i) => `rule-${i}: problem ${i}`);
    const names = list.map((_, i) => `rule-${i}`);
    const out = boundWarnings([...list, list[0]], [...names, names[0]]);
    expect(out).toHaveLength(MAX_WARNINGS + 1);
    expect(out.slice(0, 10)).toEqual(list.slice(0, 10));
    expect(out[10]).toBe('and 4 more: rule-10, rule-11, rule-12, rule-13');
    expect(boundWarnings(list.slice(0, 10))).toEqual(list.slice(0, 10));
    const many = boundWarnings(Array.from({ length: 200 }, (_, i) => `w${i}`), Array.from({ length: 200 }, (_, i) => `some-long-rule-name-${i}`));
    expect(many[10].length).toBeLessThanOrEqual(120);
  });
});

describe('denial message', () => {
  it('names the object and each denying finding with its full message; beyond 5, rule ids', () => {
    const msg = denyMessage('StatefulSet shop/redis', [finding('a-rule', 'PVC 50Mi is below 64mb: never rewritten'), finding('b-rule', 'second', 'replica')]);
    expect(msg).toBe('redis-lint denied StatefulSet shop/redis, 2 problems:\n[a-rule] PVC 50Mi is below 64mb: never rewritten\n[b-rule replica] second');
    const seven = denyMessage('HelmRelease x', Array.from({ length: 7 }, (_, i) => finding(`r${i}`, `m${i}`)));
    expect(seven.split('\n')).toHaveLength(7);
    expect(seven.split('\n').pop()).toBe('and 2 more: r5, r6');
  });
});
