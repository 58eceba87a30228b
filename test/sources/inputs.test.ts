import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { lintPaths } from '../../src/engine.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { operatorCrds } from '../../src/sources/operators.js';

/**
 * Issue 15 "done when", per input kind: a 50Mi volume with AOF on gets aof-rewrite-unreachable at
 * the line of the size, and `redis-lint project` prints its projection. Real files on disk in
 * test/fixtures/inputs; the CLI is the built one (npm test builds first).
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (p: string) => path.join(root, 'test/fixtures/inputs', p);

/** The line of the first `storage: 50Mi`-like line of a fixture (the size the finding must point at). */
function sizeLine(file: string, re = /:\s*50Mi\b/): number {
  return readFileSync(fixture(file), 'utf8').split('\n').findIndex((l) => re.test(l)) + 1;
}

async function lint(file: string) {
  const r = await lintPaths([fixture(file)], { policy: loadPolicy() });
  expect(r.inputErrors).toEqual([]);
  return r;
}

function project(file: string) {
  const r = spawnSync(process.execPath, [path.join(root, 'dist/cli/main.js'), 'project', fixture(file)], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.each([
  ['OT-Container-Kit Redis', 'ot-redis.yaml', 'Redis/web/sessions', ['standalone']],
  ['OT-Container-Kit RedisReplication (+ RedisSentinel)', 'ot-replication.yaml', 'RedisReplication/web/cache', ['master', 'replica']],
  ['OT-Container-Kit RedisCluster', 'ot-cluster.yaml', 'RedisCluster/shards', ['master', 'replica']],
  ['spotahome RedisFailover', 'spotahome-failover.yaml', 'RedisFailover/jobs/queue', ['sentinel-node']],
  ['bjw-s app-template running valkey-server', 'app-template.yaml', 'HelmRelease/database/valkey', ['standalone']],
  ['umbrella chart in a HelmRelease (redis: sub-chart)', 'umbrella-helmrelease.yaml', 'HelmRelease/cloud/nextcloud', ['standalone']],
  ['umbrella chart in an Argo CD Application (redis: sub-chart)', 'umbrella-application.yaml', 'Application/argocd/authentik', ['standalone']],
  ['raw workloads running redis-stack-server / the redis-stack entrypoint (REDIS_ARGS)', 'redis-stack-server.yaml', 'StatefulSet/apps/search', ['standalone', 'standalone']],
  ['kustomize helmCharts entry (valuesFile + valuesInline)', 'kustomize-helmcharts', 'HelmChart/cache/sessions', ['standalone'], 'kustomize-helmcharts/redis-values.yaml'],
])('%s', (_name, file, object, roles, sizeFile = file) => {
  it('is evaluated: aof-rewrite-unreachable at the line of the 50Mi size', async () => {
    const r = await lint(file);
    expect(r.deployments.map((d) => d.role)).toEqual(roles);
    const aof = r.findings.filter((f) => f.ruleId === 'aof-rewrite-unreachable');
    expect(aof.length).toBeGreaterThanOrEqual(1);
    expect(aof[0].pos.file).toBe(fixture(sizeFile));
    expect(aof[0].pos.line).toBe(sizeLine(sizeFile));
    expect(`${aof[0].object?.kind}/${aof[0].object?.namespace ? aof[0].object.namespace + '/' : ''}${aof[0].object?.name}`).toBe(object);
  });

  it('redis-lint project prints its projection', () => {
    const p = project(file);
    expect(p.stderr).toBe('');
    expect(p.stdout).toContain(object);
    expect(p.stdout).toMatch(/50Mi/);
  });
});

describe('operator facts', () => {
  it('every CRD data file is valid against data/charts/operator.schema.json (ajv), and the schema can fail', () => {
    const schema = JSON.parse(readFileSync(path.join(root, 'data/charts/operator.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const seen = new Set(operatorCrds().values());
    expect(seen.size).toBe(5);
    for (const crd of seen) expect(validate(crd), `${crd.kind}: ${JSON.stringify(validate.errors)}`).toBe(true);
    expect(validate({ ...[...seen][0], operator: { repository: 'x', version: '1', commit: 'HEAD' } })).toBe(false);
  });

  it('OT: AOF is on only once storage is set (OT-CONTAINER-KIT/redis-operator 5dd04e17, GenerateConfig)', async () => {
    const r = await lint('ot-redis.yaml');
    const d = r.deployments[0];
    expect(d.config.get('appendonly')?.args).toEqual(['yes']);
    expect(d.config.get('appendonly')?.origin).toMatchObject({ kind: 'default', source: 'operator default' });
    // maxMemoryPercentOfLimit 40 of 256Mi
    expect(d.config.get('maxmemory')?.args).toEqual([String(Math.floor(256 * 1024 * 1024 * 0.4))]);
    expect(d.redisVersion.value?.label).toBe('7.0');
    const crd = operatorCrds().get('redis.redis.opstreelabs.in/v1beta2 Redis');
    expect(crd?.operator.commit).toBe('5dd04e17419a9a32bd0d220fc9dae5dffbf4f39a');
    expect(crd?.rendered.persistentConfig).toContain('appendonly yes');
  });

  it('OT: a RedisSentinel of the run naming the replication gives it Sentinel failover', async () => {
    const r = await lint('ot-replication.yaml');
    expect(r.deployments.map((d) => d.failover.value)).toEqual(['sentinel', 'sentinel']);
    expect(r.findings.filter((f) => f.ruleId === 'replicas-failover')).toEqual([]);
  });

  it('spotahome: AOF off by default (spotahome/redis-operator 632aa3da redisConfigTemplate), on through customConfig; fsGroup 1000 by default', async () => {
    const r = await lint('spotahome-failover.yaml');
    const d = r.deployments[0];
    expect(d.config.get('appendonly')?.origin).toMatchObject({ kind: 'file' });
    expect(d.config.get('save')?.args).toEqual(['900', '1', '300', '10']);
    expect(d.fsGroup.value).toBe(1000);
    expect(d.livenessProbe.value).toMatchObject({ initialDelaySeconds: 30, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 6, acceptsLoading: false });
  });
});

describe('umbrella charts', () => {
  it('a sub-chart switched off (enabled: false) runs nothing: no finding', async () => {
    const r = await lintPaths([fixture('umbrella-helmrelease.yaml')], { policy: loadPolicy() });
    expect(r.deployments[0].valuesPrefix).toEqual(['redis']);
    const { parseText } = await import('../../src/load/documents.js');
    const { lintDocuments } = await import('../../src/engine.js');
    const text = readFileSync(fixture('umbrella-helmrelease.yaml'), 'utf8').replace('enabled: true', 'enabled: false');
    const off = lintDocuments(parseText(text, 'off.yaml').documents, loadPolicy());
    expect(off.deployments).toEqual([]);
    expect(off.findings).toEqual([]);
  });
});

describe('redis-stack', () => {
  it('reads REDIS_ARGS of the image entrypoint (redis-stack etc/scripts/entrypoint.sh @ ac979470) and the PVC size', async () => {
    const r = await lintPaths([fixture('redis-stack-server.yaml')], { policy: loadPolicy() });
    const stack = r.deployments.find((d) => d.object.name === 'stack');
    expect(stack?.config.get('appendonly')?.args).toEqual(['yes']);
    expect(stack?.config.get('appendonly')?.origin).toMatchObject({ kind: 'file', pos: { line: 53 } });
    expect(stack?.volume).toMatchObject({ kind: 'pvc', mountPath: '/data', size: { value: 50 * 1024 * 1024 } });
    expect(r.findings.filter((f) => f.ruleId === 'aof-rewrite-unreachable').map((f) => `${f.object?.name}@${f.pos.line}`)).toEqual(['search@33', 'stack@74']);
  });
});

describe('fixes reach the values of the input kind', () => {
  it('app-template: the size is fixed where it is written, never under Bitnami keys (master.*)', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'dist/cli/main.js'), 'lint', '--fix-dry-run', fixture('app-template.yaml')], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stderr).toMatch(/would fix .*app-template\.yaml:37:9 aof-rewrite-unreachable: set spec\.values\.persistence\.data\.size: 320Mi/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/spec\.values\.master|master\.startupProbe/);
  });
});
