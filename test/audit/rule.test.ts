import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { auditObjects, clusterFileName, stripObject, type KubeObject } from '../../src/audit/objects.js';
import { lintPaths } from '../../src/engine.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { formatPolicyReport } from '../../src/report/policyreport.js';
import type { ReportInput } from '../../src/report/types.js';
import * as fx from './fixtures.js';
import { volumeNotExpandable } from '../../src/rules/volume-not-expandable.js';

const policy = loadPolicy();
const objectsOf = (text: string) => YAML.parseAllDocuments(text).map((d) => d.toJS() as KubeObject);
const ex = volumeNotExpandable.meta.examples[0];
const classes: KubeObject[] = fx.storageClassList.items.map((i) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', ...i }));

describe('volume-not-expandable', () => {
  it('the policy example: the bad one fires through the audit pipeline (its StorageClass is the cluster\'s), the good one does not', () => {
    const bad = auditObjects(objectsOf(ex.bad), { policy, context: 'docs' });
    const f = bad.findings.filter((x) => x.ruleId === 'volume-not-expandable');
    expect(f).toHaveLength(1);
    expect(f[0].pos.file).toBe('cluster://docs/cache/StatefulSet/redis');
    expect(f[0].pos.yamlPath).toBe('spec.volumeClaimTemplates.0.spec.storageClassName');
    expect(f[0].severity).toBe('warning');
    const good = auditObjects(objectsOf(ex.good!), { policy, context: 'docs' });
    expect(good.findings.map((x) => x.ruleId)).not.toContain('volume-not-expandable');
  });

  it('offline lint never reports it, not even with the StorageClass in the same file (no cluster facts)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-vne-'));
    const file = path.join(dir, 'cluster.yaml');
    writeFileSync(file, ex.bad);
    const r = await lintPaths([file], { policy });
    expect(r.deployments.length).toBeGreaterThan(0);
    expect(r.findings.map((x) => x.ruleId)).not.toContain('volume-not-expandable');
    // nor do the repository's examples, the 50Mi incident included
    const all = await lintPaths(['examples/'], { policy });
    expect(all.findings.map((x) => x.ruleId)).not.toContain('volume-not-expandable');
  });

  it('an audit whose StorageClasses could not be listed does not check it', () => {
    const objects = [...fx.storageClassList.items.map((i) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', ...i })), { apiVersion: 'apps/v1', kind: 'StatefulSet', ...fx.redisCache }, fx.configMapRedisConf];
    expect(auditObjects(objects, { policy, context: 'c' }).findings.map((x) => x.ruleId)).toContain('volume-not-expandable');
    expect(auditObjects(objects, { policy, context: 'c', storageClassesKnown: false }).findings.map((x) => x.ruleId)).not.toContain('volume-not-expandable');
  });

  const hr = (values: Record<string, unknown>) => ({ ...fx.helmRelease('helm.toolkit.fluxcd.io/v2'), spec: { ...fx.helmRelease('x').spec, values: { architecture: 'standalone', master: { persistence: { size: '2Gi' } }, ...values } } });
  const vne = (objects: KubeObject[]) => auditObjects(objects, { policy, context: 'c' }).findings.filter((x) => x.ruleId === 'volume-not-expandable');

  it('Bitnami values: global.storageClass > <role>.persistence.storageClass > global.defaultStorageClass > the default class; "-" is static binding', () => {
    expect(vne([...classes, hr({})])[0].message).toMatch(/on the default StorageClass "standard" \(no storageClassName\)/);
    expect(vne([...classes, hr({ master: { persistence: { size: '2Gi', storageClass: 'expandable' } } })])).toEqual([]);
    const viaGlobal = vne([...classes, hr({ global: { storageClass: 'standard' }, master: { persistence: { size: '2Gi', storageClass: 'expandable' } } })]);
    expect(viaGlobal[0].message).toMatch(/StorageClass "standard" \(global\.storageClass\)/);
    expect(viaGlobal[0].pos.yamlPath).toBe('spec.values.global.storageClass');
    expect(vne([...classes, hr({ global: { defaultStorageClass: 'expandable' } })])).toEqual([]);
    expect(vne([...classes, hr({ master: { persistence: { size: '2Gi', storageClass: '-' } } })])[0].message).toMatch(/binds statically \(storageClassName "" \(master\.persistence\.storageClass\)\)/);
    // an existing claim was made elsewhere: not judged
    expect(vne([...classes, hr({ master: { persistence: { existingClaim: 'data' } } })])).toEqual([]);
  });

  it('a class the cluster does not have, or no default class: nothing to say', () => {
    expect(vne([...classes, hr({ master: { persistence: { size: '2Gi', storageClass: 'gone' } } })])).toEqual([]);
    expect(vne([classes[1], hr({})])).toEqual([]);
  });
});

describe('rendering cluster objects', () => {
  it('drops status, managedFields and the last-applied annotation; names the file cluster://<context>/<ns>/<kind>/<name>', () => {
    const o = { apiVersion: 'apps/v1', kind: 'StatefulSet', ...fx.redisCache };
    const s = stripObject(o);
    expect(s.status).toBeUndefined();
    expect((s.metadata as Record<string, unknown>).managedFields).toBeUndefined();
    expect((s.metadata as Record<string, unknown>).annotations).toBeUndefined();
    expect((s.metadata as Record<string, unknown>).uid).toBe(fx.redisCache.metadata.uid);
    expect(Object.keys(s).slice(0, 3)).toEqual(['apiVersion', 'kind', 'metadata']);
    expect(clusterFileName('prod', o)).toBe('cluster://prod/cache/StatefulSet/redis');
    expect(clusterFileName('prod', classes[0])).toBe('cluster://prod/StorageClass/standard');
  });
});

describe('formatPolicyReport', () => {
  it('is a pure function of its input (one clock reading per input); SOURCE_DATE_EPOCH fixes the time', () => {
    const r = auditObjects([...classes, { apiVersion: 'apps/v1', kind: 'StatefulSet', ...fx.redisCache }, fx.configMapRedisConf], { policy, context: 'c' });
    const input: ReportInput = {
      findings: r.findings,
      files: r.files.length,
      deployments: r.deployments.length,
      objects: r.deployments.map((d) => ({ kind: d.object.kind, namespace: d.object.namespace, name: d.object.name, file: d.object.file, line: d.object.pos.line })),
      rules: r.policy.rules,
      toolVersion: '0.0.0',
      baseDir: process.cwd(),
      sourceText: (f) => r.texts.get(f),
      env: { SOURCE_DATE_EPOCH: '1751360000' },
    };
    const text = formatPolicyReport(input);
    expect(formatPolicyReport(input)).toBe(text);
    const docs = YAML.parseAllDocuments(text).map((d) => d.toJS());
    expect(docs).toHaveLength(1);
    expect(docs[0].results.every((x: { timestamp: unknown }) => JSON.stringify(x.timestamp) === '{"seconds":1751360000,"nanos":0}')).toBe(true);
  });

  it('an empty audit is one empty ClusterPolicyReport (so apply resets an earlier one)', () => {
    const text = formatPolicyReport({ findings: [], files: 0, deployments: 0, objects: [], rules: policy.rules, toolVersion: '0', baseDir: '/' });
    expect(YAML.parse(text)).toMatchObject({ kind: 'ClusterPolicyReport', metadata: { name: 'redis-lint' }, summary: { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 }, results: [] });
  });
});
