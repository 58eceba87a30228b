/**
 * UPDATE semantics and exempt namespaces (issue 13), over real HTTPS:
 * - a finding the old object had too (same rule, same role) is a warning "existing violation, not
 *   introduced by this change", not a denial (Kyverno's allowExistingViolations, default true);
 *   one the change introduces, or makes worse (its rule's measure, projected disk or fork memory
 *   over the volume or limit, went up), is denied as on CREATE; `allowExistingViolations: false`, for the
 *   policy or a rule, denies again;
 * - objects in kube-system, in the webhook's own namespace and in the config's exemptNamespaces
 *   are allowed without a check, whatever the webhook configuration's namespaceSelector says.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/policy/policy.js';
import { OPENSSL, bitnamiHelmRelease, clone, configFile, deniedRules, makeCert, startTestServer, type TestServer } from './helpers.js';

const EXISTING = 'aof-rewrite-unreachable: existing violation, not introduced by this change';

/** The Bitnami HelmRelease with a PVC of `size` (50Mi: aof-rewrite-unreachable) in namespace `ns`. */
function release(size: string, ns = 'shop'): Record<string, unknown> {
  const o = bitnamiHelmRelease({ architecture: 'standalone', master: { persistence: { size } } }) as Record<string, any>;
  o.metadata.namespace = ns;
  return o;
}

describe.skipIf(!OPENSSL)('UPDATE and exempt namespaces (needs openssl)', () => {
  let s: TestServer | undefined;
  const cert = () => makeCert(mkdtempSync(path.join(tmpdir(), 'redis-lint-update-')), 'update');
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('a relabel of a violating object is allowed with a warning; a change that introduces the violation is denied', async () => {
    s = await startTestServer(cert(), { cacheSize: 0 });
    const old = release('50Mi');
    const create = await s.review('validate', old);
    expect(create.allowed).toBe(false);
    expect(deniedRules(create.status?.message)).toContain('aof-rewrite-unreachable');

    const relabelled = clone(old) as Record<string, any>;
    relabelled.metadata.labels = { team: 'cache' };
    const relabel = await s.review('validate', relabelled, { operation: 'UPDATE', oldObject: old });
    expect(relabel.allowed).toBe(true);
    expect(relabel.warnings).toContain(EXISTING);

    const introduced = await s.review('validate', release('50Mi'), { operation: 'UPDATE', oldObject: release('8Gi') });
    expect(introduced.allowed).toBe(false);
    expect(deniedRules(introduced.status?.message)).toContain('aof-rewrite-unreachable');
  });

  it('a change that makes an existing violation worse (the PVC shrunk further) is denied; one that improves it without fixing it is a warning', async () => {
    s = await startTestServer(cert(), { cacheSize: 0 });
    const worse = await s.review('validate', release('40Mi'), { operation: 'UPDATE', oldObject: release('50Mi') });
    expect(worse.allowed).toBe(false);
    expect(deniedRules(worse.status?.message)).toContain('aof-rewrite-unreachable');
    expect(worse.warnings ?? []).not.toContain(EXISTING);
    const better = await s.review('validate', release('60Mi'), { operation: 'UPDATE', oldObject: release('50Mi') });
    expect(deniedRules(better.status?.message)).not.toContain('aof-rewrite-unreachable');
    expect(better.warnings).toContain(EXISTING);
  });

  for (const [what, yaml] of [
    ['for the policy', 'allowExistingViolations: false\n'],
    ['for the rule', 'rules:\n  aof-rewrite-unreachable: {allowExistingViolations: false}\n'],
  ] as const) {
    it(`allowExistingViolations: false ${what}: the relabel is denied`, async () => {
      s = await startTestServer(cert(), { cacheSize: 0, policy: loadPolicy(configFile(yaml)) });
      const old = release('50Mi');
      const relabelled = clone(old) as Record<string, any>;
      relabelled.metadata.labels = { team: 'cache' };
      const r = await s.review('validate', relabelled, { operation: 'UPDATE', oldObject: old });
      expect(r.allowed).toBe(false);
      expect(deniedRules(r.status?.message)).toContain('aof-rewrite-unreachable');
    });
  }

  it('kube-system and the webhook\'s own namespace are exempt by default; exemptNamespaces replaces kube-system', async () => {
    s = await startTestServer(cert(), { cacheSize: 0, ownNamespace: 'redis-lint' });
    for (const ns of ['kube-system', 'redis-lint']) {
      const r = await s.review('validate', release('50Mi', ns), { namespace: ns });
      expect(r, ns).toEqual({ uid: expect.any(String), allowed: true });
    }
    expect(s.logs.records().filter((l) => l.msg === 'admission review skipped').map((l) => l.skipReason)).toEqual(['namespace kube-system is exempt', 'namespace redis-lint is exempt']);
    await s.close();

    s = await startTestServer(cert(), { cacheSize: 0, ownNamespace: 'redis-lint', policy: loadPolicy(configFile('exemptNamespaces: [ops]\n')) });
    expect((await s.review('validate', release('50Mi', 'ops'), { namespace: 'ops' })).allowed).toBe(true);
    expect((await s.review('validate', release('50Mi', 'redis-lint'), { namespace: 'redis-lint' })).allowed).toBe(true);
    expect((await s.review('validate', release('50Mi', 'kube-system'), { namespace: 'kube-system' })).allowed).toBe(false);
  });
});
