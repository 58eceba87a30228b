/**
 * The Redis-family charts beside Bitnami redis (issue 15), each a real file in test/fixtures/charts
 * run through the built CLI as a user would: a 50Mi volume with AOF on gets `aof-rewrite-unreachable`
 * at the line of the size, and `redis-lint project` prints its projection.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = path.join(root, 'dist/cli/main.js');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonFinding {
  ruleId: string;
  message: string;
  line: number;
  yamlPath: string;
  object: { kind: string; namespace: string | null; name: string };
  role: string | null;
}

/** The 1-based line of the first line matching `re` in a fixture. */
function lineOf(file: string, re: RegExp): number {
  return readFileSync(path.join(root, file), 'utf8').split('\n').findIndex((l) => re.test(l)) + 1;
}

describe.each([
  // [fixture, how it is known, the size line, object, role]
  ['test/fixtures/charts/bitnami-valkey-helmrelease.yaml', 'Bitnami valkey by its OCI repository URL', /size: 50Mi/, 'HelmRelease/apps/cache', 'standalone'],
  ['test/fixtures/charts/bitnami-redis-cluster-values.yaml', 'Bitnami redis-cluster by its values (cluster.nodes)', /size: 50Mi/, 'Values/bitnami-redis-cluster-values.yaml', 'master'],
  ['test/fixtures/charts/bitnami-valkey-cluster-application.yaml', 'Bitnami valkey-cluster by its Argo CD repoURL', /size: 50Mi/, 'Application/argocd/valkey-cluster', 'master'],
  ['test/fixtures/charts/redis-ha-helmrelease.yaml', 'redis-ha by the dandydeveloper repository URL', /size: 50Mi/, 'HelmRelease/apps/sessions', 'sentinel-node'],
  ['test/fixtures/charts/valkey-io-values.yaml', 'valkey-io/valkey-helm by its values (dataStorage, valkeyConfig)', /requestedSize: 50Mi/, 'Values/valkey-io-values.yaml', 'standalone'],
] as const)('%s', (file, _how, sizeLine, object, role) => {
  it(`${_how}: aof-rewrite-unreachable at the line of the 50Mi size`, () => {
    const r = run([file, '--format', 'json']);
    expect(r.stderr).toBe('');
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    const f = findings.find((x) => x.ruleId === 'aof-rewrite-unreachable');
    expect(f, JSON.stringify(findings.map((x) => x.ruleId))).toBeDefined();
    expect(f?.line).toBe(lineOf(file, sizeLine));
    expect(f?.message).toMatch(/PVC 50Mi is below auto-aof-rewrite-min-size 64mb/);
    expect(f && `${f.object.kind}/${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}`).toBe(object);
    expect(f?.role).toBe(role);
    expect(r.code).toBe(1);
  });

  it('redis-lint project prints its projection', () => {
    const r = run(['project', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`(${role})`);
    expect(r.stdout).toMatch(/Disk {2}PVC 50Mi; AOF on/);
    expect(r.stdout).toMatch(/rewrite trigger .*✖ unreachable/);
    expect(r.stdout).toMatch(/Memory {2}limit \d/);
  });
});
