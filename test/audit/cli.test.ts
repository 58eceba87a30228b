import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { OPENSSL } from '../webhook/helpers.js';
import { startFakeApiServer, TOKEN, type FakeApiServer, type Route } from './fake-apiserver.js';
import * as fx from './fixtures.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = path.join(root, 'dist/cli/main.js');

/** Run the built CLI without blocking this process (the fake API server lives in it). */
function run(args: string[], nodeArgs: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...nodeArgs, bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', KUBECONFIG: '/nonexistent' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  object?: { kind: string; namespace?: string; name: string };
}

const ok = (body: unknown): Route => ({ status: 200, body });

/** The JSON report of a run; on anything else, a failure that shows what the run printed. */
function reportOf(r: { code: number | null; stdout: string; stderr: string }): { findings: JsonFinding[] } {
  try {
    return JSON.parse(r.stdout) as { findings: JsonFinding[] };
  } catch {
    throw new Error(`not a JSON report (exit ${r.code}): stdout ${JSON.stringify(r.stdout.slice(0, 500))} stderr ${JSON.stringify(r.stderr.slice(0, 1500))}`);
  }
}

/** The cluster of most tests: two StatefulSets, a HelmRelease (v2), StorageClasses, a ConfigMap; Argo CD not installed (404); Deployments forbidden (403). */
function clusterRoutes(): Record<string, Route> {
  return {
    '/apis/apps/v1/statefulsets': ok(fx.statefulSetList([fx.redisCache, fx.redisOther])),
    '/apis/apps/v1/namespaces/cache/statefulsets': ok(fx.statefulSetList([fx.redisCache])),
    '/apis/apps/v1/deployments': { status: 403, body: fx.forbidden('deployments', 'apps') },
    '/apis/apps/v1/namespaces/cache/deployments': ok(fx.deploymentList([])),
    '/apis/helm.toolkit.fluxcd.io/v2/helmreleases': ok(fx.helmReleaseList('helm.toolkit.fluxcd.io/v2', [fx.helmRelease('helm.toolkit.fluxcd.io/v2')])),
    '/apis/helm.toolkit.fluxcd.io/v2/namespaces/cache/helmreleases': ok(fx.helmReleaseList('helm.toolkit.fluxcd.io/v2', [])),
    '/apis/argoproj.io/v1alpha1/applications': { status: 404, body: fx.notFound },
    '/apis/storage.k8s.io/v1/storageclasses': ok(fx.storageClassList),
    '/api/v1/namespaces/cache/configmaps/redis-conf': ok(fx.configMapRedisConf),
  };
}

describe.skipIf(!OPENSSL)('redis-lint audit against a local HTTPS API server', () => {
  let api: FakeApiServer;
  let kubeconfig: string;
  beforeAll(async () => {
    api = await startFakeApiServer(clusterRoutes());
    kubeconfig = api.kubeconfig('kind-test');
  });
  afterAll(() => api.close());

  it('all namespaces: findings per object, 404 and 403 notices, only GETs and never Secrets', async () => {
    const before = api.requests.length;
    const r = await run(['audit', '--kubeconfig', kubeconfig, '--format', 'json']);
    const report = reportOf(r);
    const sts = report.findings.filter((f) => f.file === 'cluster://kind-test/cache/StatefulSet/redis');
    // the 50Mi volume on the non-expandable class: the AOF cannot be rewritten, and the volume cannot be grown
    expect(sts.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['aof-rewrite-unreachable', 'volume-not-expandable']));
    const vne = sts.find((f) => f.ruleId === 'volume-not-expandable')!;
    expect(vne.message).toMatch(/^PVC 50Mi is on StorageClass "standard", which does not set allowVolumeExpansion: true: .*\("expandable"\)/);
    expect(vne.object).toEqual({ kind: 'StatefulSet', namespace: 'cache', name: 'redis' });
    // the redis.conf came from the ConfigMap the StatefulSet mounts (appendonly yes is only there)
    expect(sts.find((f) => f.ruleId === 'aof-rewrite-unreachable')!.message).toMatch(/PVC 50Mi is below auto-aof-rewrite-min-size/);
    expect(sts.some((f) => f.ruleId === 'unresolved-values' && /redis-conf/.test(f.message))).toBe(false);
    // the HelmRelease: the 50Mi incident, on the default class
    const hr = report.findings.filter((f) => f.file === 'cluster://kind-test/klamm-prod/HelmRelease/redis');
    expect(hr.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['aof-rewrite-unreachable', 'fork-memory-headroom', 'volume-not-expandable']));
    expect(hr.find((f) => f.ruleId === 'volume-not-expandable')!.message).toMatch(/on the default StorageClass "standard" \(no storageClassName\)/);
    // the other namespace's StatefulSet is on the expandable class
    const other = report.findings.filter((f) => f.file === 'cluster://kind-test/other/StatefulSet/sessions');
    expect(other.map((f) => f.ruleId)).not.toContain('volume-not-expandable');
    // positions are in the rendered YAML: the finding's line holds the 50Mi
    const text = r.stdout;
    expect(text).not.toMatch(/managedFields|last-applied/);
    // notices: Argo CD missing (404) skipped, Deployments forbidden (403) said and the run is incomplete (exit 2)
    expect(r.stderr).toMatch(/applications\.argoproj\.io \(v1alpha1\) is not served by the API server \(404: CRD not installed\): Applications skipped/);
    expect(r.stderr).toMatch(/forbidden: cannot list deployments\.apps in all namespaces \(403: deployments\.apps is forbidden: User "system:serviceaccount:redis-lint:auditor" cannot list/);
    expect(r.stderr).toMatch(/incomplete audit: deployments\.apps \(403\) could not be read/);
    expect(r.code).toBe(2);
    const seen = api.requests.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((q) => q.method === 'GET'), JSON.stringify(seen)).toBe(true);
    expect(seen.some((q) => /secret/i.test(q.url))).toBe(false);
    expect(seen.map((q) => q.path)).toContain('/api/v1/namespaces/cache/configmaps/redis-conf');
    expect(seen.every((q) => q.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('stylish: findings at the line of the rendered object, named cluster://<context>/<ns>/<kind>/<name>', async () => {
    const r = await run(['audit', '--kubeconfig', kubeconfig, '-n', 'cache']);
    expect(r.stdout).toMatch(/^cluster:\/\/kind-test\/cache\/StatefulSet\/redis$/m);
    const line = /^\s+(\d+):(\d+)\s+warning\s+StatefulSet\/cache\/redis.*volume-not-expandable$/m.exec(r.stdout);
    expect(line, r.stdout).not.toBeNull();
  });

  it('-n NAMESPACE: only that namespace is listed and reported', async () => {
    const before = api.requests.length;
    const r = await run(['audit', '--kubeconfig', kubeconfig, '-n', 'cache', '--format', 'json']);
    const report = reportOf(r);
    const files = new Set(report.findings.map((f) => f.file));
    expect([...files]).toEqual(['cluster://kind-test/cache/StatefulSet/redis']);
    const paths = api.requests.slice(before).map((q) => q.path);
    expect(paths).toContain('/apis/apps/v1/namespaces/cache/statefulsets');
    expect(paths).toContain('/apis/apps/v1/namespaces/cache/deployments');
    expect(paths).toContain('/apis/helm.toolkit.fluxcd.io/v2/namespaces/cache/helmreleases');
    expect(paths).not.toContain('/apis/apps/v1/statefulsets');
    // nothing forbidden in that namespace: the exit code is the findings' (aof-rewrite-unreachable is an error)
    expect(r.stderr).not.toMatch(/forbidden/);
    expect(r.code).toBe(1);
  });

  it('--format policyreport: PolicyReports per namespace that match the CRD schema', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-audit-out-'));
    const out = path.join(dir, 'reports.yaml');
    const r = await run(['audit', '--kubeconfig', kubeconfig, '--format', 'policyreport', '-o', out, '--format', 'json']);
    expect(r.code).toBe(2); // the 403 above
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('---\n')).toBe(true);
    const docs = YAML.parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>);
    expect(docs.map((d) => `${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`)).toEqual([
      'PolicyReport/cache/redis-lint-cache',
      'PolicyReport/klamm-prod/redis-lint-klamm-prod',
      'PolicyReport/other/redis-lint-other',
    ]);
    const schema = JSON.parse(readFileSync(path.join(root, 'test/audit/policyreport.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const d of docs) expect(validate(d), JSON.stringify(validate.errors)).toBe(true);
    const cache = docs[0];
    expect(cache.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'redis-lint' });
    const vne = cache.results.find((x: any) => x.rule === 'volume-not-expandable');
    expect(vne).toMatchObject({
      policy: 'redis-lint',
      result: 'warn',
      severity: 'medium',
      source: 'redis-lint',
      scored: false,
      resources: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'redis', namespace: 'cache', uid: fx.redisCache.metadata.uid }],
    });
    expect(vne.properties.file).toBe('cluster://kind-test/cache/StatefulSet/redis');
    expect(cache.results.find((x: any) => x.rule === 'aof-rewrite-unreachable')).toMatchObject({ result: 'fail', severity: 'high', scored: true });
    expect(cache.results.filter((x: any) => x.result === 'pass').length).toBeGreaterThan(0);
    const s = cache.summary;
    expect(s.pass + s.fail + s.warn + s.error + s.skip).toBe(cache.results.length);
    expect(s.fail).toBe(cache.results.filter((x: any) => x.result === 'fail').length);
    expect(cache.results[0].timestamp).toEqual({ seconds: expect.any(Number), nanos: expect.any(Number) });
    // the HelmRelease's uid and apiVersion come from the listed object
    expect(docs[1].results[0].resources[0]).toEqual({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'redis', namespace: 'klamm-prod', uid: fx.helmRelease('x').metadata.uid });
    // the json report went to stdout at the same time
    expect(reportOf(r).findings.length).toBeGreaterThan(0);
  });

  it('--context picks a context; an unknown one is a one-line error (exit 2)', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'redis-lint-kc-')), 'config');
    const kc = YAML.parse(readFileSync(kubeconfig, 'utf8'));
    kc.contexts.push({ name: 'prod', context: { cluster: 'local', user: 'auditor' } });
    kc['current-context'] = 'nowhere-valid';
    kc.contexts.push({ name: 'nowhere-valid', context: { cluster: 'missing', user: 'auditor' } });
    writeFileSync(file, YAML.stringify(kc));
    const r = await run(['audit', '--kubeconfig', file, '--context', 'prod', '-n', 'cache', '--format', 'json']);
    expect(reportOf(r).findings[0].file).toMatch(/^cluster:\/\/prod\/cache\//);
    const bad = await run(['audit', '--kubeconfig', file, '--context', 'staging']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^redis-lint audit: context "staging" is not in the kubeconfig/);
  });

  it('wrong credentials: 401 is one line, exit 2, no report', async () => {
    const kc = YAML.parse(readFileSync(kubeconfig, 'utf8'));
    kc.users[0].user.token = 'wrong';
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'redis-lint-kc-')), 'config');
    writeFileSync(file, YAML.stringify(kc));
    const r = await run(['audit', '--kubeconfig', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/refused the credentials of context "kind-test" \(401 Unauthorized\)/);
  });

  it('the audit loads @kubernetes/client-node; lint does not', async () => {
    // a module hook that reports every resolution of @kubernetes/client-node on stderr
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-hook-'));
    writeFileSync(
      path.join(dir, 'hooks.mjs'),
      "export async function resolve(specifier, context, next) {\n  if (specifier.startsWith('@kubernetes/client-node')) process.stderr.write('LOADED ' + specifier + '\\n');\n  return next(specifier, context);\n}\n",
    );
    writeFileSync(path.join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(new URL('file://' + path.join(dir, 'hooks.mjs')).href)});\n`);
    const nodeArgs = ['--import', path.join(dir, 'register.mjs')];
    const lint = await run(['lint', 'examples/incidents/klamm-helmrelease-50mi.yaml'], nodeArgs);
    expect(lint.code).toBe(1);
    expect(lint.stderr).not.toMatch(/LOADED/);
    const audit = await run(['audit', '--kubeconfig', kubeconfig, '-n', 'cache'], nodeArgs);
    expect(audit.stderr).toMatch(/LOADED @kubernetes\/client-node/);
  });
});

describe.skipIf(!OPENSSL)('redis-lint audit: Flux HelmRelease v2 not served, v2beta2 is', () => {
  let api: FakeApiServer;
  beforeAll(async () => {
    api = await startFakeApiServer({
      '/apis/apps/v1/statefulsets': ok(fx.statefulSetList([])),
      '/apis/apps/v1/deployments': ok(fx.deploymentList([])),
      '/apis/helm.toolkit.fluxcd.io/v2beta2/helmreleases': ok(fx.helmReleaseList('helm.toolkit.fluxcd.io/v2beta2', [fx.helmRelease('helm.toolkit.fluxcd.io/v2beta2')])),
      '/apis/argoproj.io/v1alpha1/applications': ok({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationList', metadata: { resourceVersion: '1' }, items: [] }),
      '/apis/storage.k8s.io/v1/storageclasses': { status: 403, body: fx.forbidden('storageclasses', 'storage.k8s.io') },
    });
  });
  afterAll(() => api.close());

  it('falls back to v2beta2; forbidden StorageClasses: volume-not-expandable not checked, said, exit 2', async () => {
    const r = await run(['audit', '--kubeconfig', api.kubeconfig(), '--format', 'json']);
    const report = reportOf(r);
    expect(report.findings.some((f) => f.file === 'cluster://test/klamm-prod/HelmRelease/redis' && f.ruleId === 'aof-rewrite-unreachable')).toBe(true);
    expect(report.findings.map((f) => f.ruleId)).not.toContain('volume-not-expandable');
    expect(api.requests.map((q) => q.path)).toEqual(expect.arrayContaining(['/apis/helm.toolkit.fluxcd.io/v2/helmreleases', '/apis/helm.toolkit.fluxcd.io/v2beta2/helmreleases']));
    expect(r.stderr).toMatch(/forbidden: cannot list storageclasses\.storage\.k8s\.io/);
    expect(r.stderr).toMatch(/StorageClasses could not be listed: volume-not-expandable was not checked/);
    expect(r.stderr).not.toMatch(/helmreleases.*not served/);
    expect(r.code).toBe(2);
  });
});

describe('redis-lint audit: usage', () => {
  it('--help, bad flags and an unreachable server', async () => {
    const help = await run(['audit', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: redis-lint audit/);
    expect(help.stdout).toMatch(/policyreport/);
    const bad = await run(['audit', '--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format must be one of stylish, json, sarif, github, junit, rdjson, codequality, policyreport, not "xml"/);
    expect((await run(['audit', '-n', 'a', '-A'])).code).toBe(2);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'redis-lint-kc-')), 'config');
    writeFileSync(
      file,
      YAML.stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': 'x', clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }], users: [{ name: 'u', user: { token: 't' } }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }] }),
    );
    const down = await run(['audit', '--kubeconfig', file]);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^redis-lint audit: cannot reach the API server https:\/\/127\.0\.0\.1:1: /);
    expect((await run(['--help'])).stdout).toMatch(/redis-lint audit \[-n NAMESPACE/);
  });
});
