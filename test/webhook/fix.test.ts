/**
 * The fix engine (src/fix): JSON pointer escaping, `set` operations made into RFC 6902 operations
 * that fast-json-patch applies cleanly to the object as given, and planMutation on lint results.
 */
import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { lintDocuments } from '../../src/engine.js';
import { PatchError, escapeToken, parsePointer, planMutation, pointer, type RuleFix } from '../../src/fix/index.js';
import { RULE_DEFINITIONS } from '../../src/rules/index.js';
import { setToPatch, type SetOperation } from '../../src/fix/patch.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { objectDocument } from '../../src/webhook/document.js';
import { clone, exampleObject } from './helpers.js';

/** Plan the sets against a copy, then apply the operations with fast-json-patch (validating each) to the original. */
function roundTrip(object: unknown, sets: SetOperation[]) {
  const work = clone(object);
  const ops = sets.flatMap((s) => setToPatch(work, s));
  // a copy of the operations: fast-json-patch inserts `value` objects by reference, later operations would change them
  const applied = jsonpatch.applyPatch(clone(object), clone(ops) as jsonpatch.Operation[], true, false).newDocument;
  expect(applied).toEqual(work);
  return { ops, result: applied };
}

describe('JSON pointers', () => {
  it('escape ~ as ~0 and / as ~1, ~ first', () => {
    expect(escapeToken('a/b')).toBe('a~1b');
    expect(escapeToken('a~b')).toBe('a~0b');
    expect(escapeToken('~1')).toBe('~01');
    expect(pointer(['metadata', 'annotations', 'ignore-check.redis-lint.io/data-volume-fsgroup'])).toBe('/metadata/annotations/ignore-check.redis-lint.io~1data-volume-fsgroup');
    expect(pointer(['spec', 'sources', 1])).toBe('/spec/sources/1');
  });

  it('parse back to the same tokens', () => {
    for (const tokens of [['a/b', '~', '~1', '~0/~1', ''], ['x']]) expect(parsePointer(pointer(tokens))).toEqual(tokens);
    expect(parsePointer('')).toEqual([]);
    expect(() => parsePointer('a/b')).toThrow(PatchError);
  });
});

describe('set operations as JSON Patch', () => {
  it('adds a member to an existing map, replaces an existing one, skips an equal one', () => {
    const o = { spec: { a: 1, b: { c: [1, 2] } } };
    expect(roundTrip(o, [{ op: 'set', path: '/spec/x', value: 2 }]).ops).toEqual([{ op: 'add', path: '/spec/x', value: 2 }]);
    expect(roundTrip(o, [{ op: 'set', path: '/spec/a', value: 3 }]).ops).toEqual([{ op: 'replace', path: '/spec/a', value: 3 }]);
    expect(roundTrip(o, [{ op: 'set', path: '/spec/b', value: { c: [1, 2] } }]).ops).toEqual([]);
  });

  it('adds the first missing parent with the rest nested in it', () => {
    const o = { spec: { template: {} } };
    const { ops, result } = roundTrip(o, [{ op: 'set', path: '/spec/template/spec/securityContext/fsGroup', value: 999 }]);
    expect(ops).toEqual([{ op: 'add', path: '/spec/template/spec', value: { securityContext: { fsGroup: 999 } } }]);
    expect(result).toEqual({ spec: { template: { spec: { securityContext: { fsGroup: 999 } } } } });
  });

  it('replaces a null or scalar parent with a map', () => {
    expect(roundTrip({ spec: { values: null } }, [{ op: 'set', path: '/spec/values/master/podSecurityContext/enabled', value: true }]).ops).toEqual([
      { op: 'replace', path: '/spec/values', value: { master: { podSecurityContext: { enabled: true } } } },
    ]);
    expect(roundTrip({ spec: { values: '' } }, [{ op: 'set', path: '/spec/values/a', value: 1 }]).ops).toEqual([{ op: 'replace', path: '/spec/values', value: { a: 1 } }]);
  });

  it('later sets see earlier ones: two siblings under a new parent make one add, then one add', () => {
    const { ops } = roundTrip({ spec: {} }, [
      { op: 'set', path: '/spec/values/master/podSecurityContext/enabled', value: true },
      { op: 'set', path: '/spec/values/master/podSecurityContext/fsGroup', value: 1001 },
      { op: 'set', path: '/spec/values/replica/podSecurityContext/fsGroup', value: 1001 },
    ]);
    expect(ops).toEqual([
      { op: 'add', path: '/spec/values', value: { master: { podSecurityContext: { enabled: true } } } },
      { op: 'add', path: '/spec/values/master/podSecurityContext/fsGroup', value: 1001 },
      { op: 'add', path: '/spec/values/replica', value: { podSecurityContext: { fsGroup: 1001 } } },
    ]);
  });

  it('escapes keys with / and ~ so the patch applies to exactly those keys', () => {
    const o = { metadata: { annotations: { 'a/b': 'x' } } };
    const { ops, result } = roundTrip(o, [
      { op: 'set', path: pointer(['metadata', 'annotations', 'a/b']), value: 'y' },
      { op: 'set', path: pointer(['metadata', 'annotations', 'redis-lint.io/fixed~by']), value: 'z' },
      { op: 'set', path: pointer(['metadata', 'labels', 'app.kubernetes.io/name']), value: 'redis' },
    ]);
    expect(ops.map((op) => op.path)).toEqual(['/metadata/annotations/a~1b', '/metadata/annotations/redis-lint.io~1fixed~0by', '/metadata/labels']);
    expect(result).toEqual({ metadata: { annotations: { 'a/b': 'y', 'redis-lint.io/fixed~by': 'z' }, labels: { 'app.kubernetes.io/name': 'redis' } } });
  });

  it('walks lists by index and never creates them', () => {
    const o = { spec: { sources: [{ chart: 'x' }, { chart: 'redis' }] } };
    expect(roundTrip(o, [{ op: 'set', path: '/spec/sources/1/helm/valuesObject/a', value: 1 }]).ops).toEqual([{ op: 'add', path: '/spec/sources/1/helm', value: { valuesObject: { a: 1 } } }]);
    expect(() => setToPatch(clone(o), { op: 'set', path: '/spec/sources/2/helm', value: 1 })).toThrow(PatchError);
    expect(() => setToPatch(clone(o), { op: 'set', path: '/spec/sources/x', value: 1 })).toThrow(PatchError);
    expect(() => setToPatch(clone(o), { op: 'set', path: '', value: 1 })).toThrow(PatchError);
  });
});

describe('planMutation', () => {
  const policy = loadPolicy();
  /** Lint and plan as the webhook does: the object, and the ConfigMaps it mounts as read from the cluster. */
  const plan = (object: Record<string, unknown>, select: (id: string, fix: RuleFix) => boolean, opts = {}, configMaps: Array<Record<string, unknown>> = []) => {
    const docs = [objectDocument(object, 'test'), ...configMaps.map((c, i) => objectDocument(c, `cluster:ConfigMap/${i}`))];
    return planMutation(object, docs, lintDocuments(docs, policy), select, opts);
  };

  it('every fix is a rule\'s, with a description; only data-volume-fsgroup is safe', () => {
    const fixable = RULE_DEFINITIONS.filter((r) => r.fix);
    for (const r of fixable) expect(r.fix!.description.length, r.id).toBeGreaterThan(10);
    expect(fixable.filter((r) => r.fix!.safe).map((r) => r.id)).toEqual(['data-volume-fsgroup']);
  });

  it('fixes the selected rules only and does not change the object; a ConfigMap\'s redis.conf is not the object\'s to patch', () => {
    const sts = exampleObject('examples/incidents/fork-oom-statefulset.yaml', 'StatefulSet');
    const cm = [exampleObject('examples/incidents/fork-oom-statefulset.yaml', 'ConfigMap')];
    const before = clone(sts);
    expect(plan(sts, (_id, fix) => fix.safe, {}, cm)).toEqual({ patch: [], applied: [], skipped: [] });
    const all = plan(sts, () => true, {}, cm);
    expect(all.applied.map((a) => a.ruleId).sort()).toEqual(['aof-disk-headroom', 'liveness-kills-loading']);
    // without the ConfigMap (not read), Redis defaults apply: save points, so a final SAVE on SIGTERM
    expect(plan(sts, () => true).applied.find((a) => a.ruleId === 'shutdown-grace-too-short')).toEqual({ ruleId: 'shutdown-grace-too-short', safe: false, description: 'set spec.template.spec.terminationGracePeriodSeconds: 51' });
    expect(all.patch.map((p) => p.path)).toContain('/spec/template/spec/containers/0/startupProbe');
    expect(sts).toEqual(before);
    expect(all.skipped.find((x) => x.ruleId === 'maxmemory-above-limit')?.reason).toMatch(/^the change is in ConfigMap\/0, not in the object under review: set maxmemory \d+mb/);
    // on UPDATE, volumeClaimTemplates are immutable: that fix is skipped, and says why
    const update = plan(sts, () => true, { operation: 'UPDATE' }, cm);
    expect(update.applied.map((a) => a.ruleId)).not.toContain('aof-disk-headroom');
    expect(update.skipped.find((x) => x.ruleId === 'aof-disk-headroom')?.reason).toMatch(/^volumeClaimTemplates of an existing StatefulSet cannot change/);
  });

  it('sets maxmemory in the HelmRelease values, as --fix does (the webhook could not before)', () => {
    const hr = exampleObject('examples/incidents/klamm-helmrelease-50mi.yaml', 'HelmRelease');
    const p = plan(hr, (id) => id === 'fork-memory-headroom');
    expect(p.patch).toEqual([{ op: 'add', path: '/spec/values/master/configuration', value: 'maxmemory 91mb\n' }]);
  });

  it('says why a finding cannot be fixed', () => {
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'cache', namespace: 'argocd' },
      spec: {
        destination: { namespace: 'shop' },
        source: {
          repoURL: 'https://charts.bitnami.com/bitnami',
          chart: 'redis',
          targetRevision: '20.13.3',
          helm: { valuesObject: { architecture: 'standalone' }, parameters: [{ name: 'master.podSecurityContext.enabled', value: 'false' }] },
        },
      },
    };
    const p = plan(app, (id) => id === 'data-volume-fsgroup');
    expect(p.patch).toEqual([]);
    expect(p.skipped).toEqual([{ ruleId: 'data-volume-fsgroup', reason: 'helm.parameters set master.podSecurityContext, which wins over valuesObject: change the parameter' }]);
  });
});
