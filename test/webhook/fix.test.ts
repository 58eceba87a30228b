/**
 * The fix engine (src/fix): JSON pointer escaping, `set` operations made into RFC 6902 operations
 * that fast-json-patch applies cleanly to the object as given, and planFixes on lint results.
 */
import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { lintDocuments } from '../../src/engine.js';
import { FIXES, PatchError, escapeToken, parsePointer, planFixes, pointer } from '../../src/fix/index.js';
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

describe('planFixes', () => {
  const policy = loadPolicy();
  const lint = (object: Record<string, unknown>) => lintDocuments([objectDocument(object, 'test')], policy);

  it('every fix is registered under its rule id, with metadata; only data-volume-fsgroup is safe', () => {
    for (const [id, fix] of FIXES) {
      expect(fix.ruleId).toBe(id);
      expect(policy.rules[id], id).toBeDefined();
      expect(fix.description.length).toBeGreaterThan(10);
    }
    expect([...FIXES.values()].filter((f) => f.safe).map((f) => f.ruleId)).toEqual(['data-volume-fsgroup']);
  });

  it('fixes the selected rules only and does not change the object', () => {
    const sts = exampleObject('examples/incidents/fork-oom-statefulset.yaml', 'StatefulSet');
    const before = clone(sts);
    const none = planFixes(sts, lint(sts), (_id, fix) => fix.safe);
    expect(none).toEqual({ patch: [], applied: [], skipped: [] });
    const all = planFixes(sts, lint(sts), () => true);
    expect(all.applied).toEqual([{ ruleId: 'shutdown-grace-too-short', safe: false, description: 'set spec.template.spec.terminationGracePeriodSeconds: 51' }]);
    expect(sts).toEqual(before);
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
    const plan = planFixes(app, lint(app), () => true);
    expect(plan.patch).toEqual([]);
    expect(plan.skipped).toEqual([{ ruleId: 'data-volume-fsgroup', reason: 'helm.parameters set master.podSecurityContext, which wins over valuesObject: change the parameter' }]);
  });
});
