import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintPaths } from '../../src/engine.js';
import { loadPolicy } from '../../src/policy/policy.js';

/**
 * Bitnami charts share one values layout (`architecture`, `primary`/`master`, `resources`,
 * `persistence`), so the values of its postgresql or valkey chart look like redis values. A Chart.yaml
 * beside the values file says which chart they are for (issue 12: a chart repository linted whole
 * gave Redis errors on the mongodb, mysql, postgresql and valkey values).
 */
const VALUES = 'architecture: replication\nauth:\n  enabled: true\nprimary:\n  persistence:\n    size: 50Mi\n  resourcesPreset: nano\nreplica:\n  replicaCount: 2\n';

function chartDir(chartYaml: string): string {
  const d = mkdtempSync(path.join(tmpdir(), 'redis-lint-chart-'));
  mkdirSync(path.join(d, 'templates'));
  writeFileSync(path.join(d, 'Chart.yaml'), chartYaml);
  writeFileSync(path.join(d, 'values.yaml'), VALUES);
  return d;
}

async function lint(d: string) {
  const r = await lintPaths([path.join(d, 'values.yaml')], { policy: loadPolicy() });
  return r.findings.map((f) => `${f.ruleId}: ${f.message}`);
}

describe('values beside a Chart.yaml', () => {
  it('of another chart (postgresql): not read as Redis values, nothing said', async () => {
    expect(await lint(chartDir('apiVersion: v2\nname: postgresql\nversion: 16.7.4\n'))).toEqual([]);
  });

  it('of the valkey chart (primary:): read as Bitnami valkey values of the version in the Chart.yaml', async () => {
    const f = await lint(chartDir('apiVersion: v2\nname: valkey\nversion: 3.0.0\n'));
    expect(f.join('\n')).not.toMatch(/unresolved-values|Bitnami redis/);
    expect(f).toContainEqual(expect.stringMatching(/^aof-rewrite-unreachable: PVC 50Mi/));
  });

  it('of a chart named after Valkey whose values show no chart: one notice that it was not evaluated', async () => {
    const d = chartDir('apiVersion: v2\nname: valkey\nversion: 3.0.0\n');
    writeFileSync(path.join(d, 'values.yaml'), 'enabled: true\n');
    expect(await lint(d)).toEqual(['unresolved-values: values of the chart "valkey" (Chart.yaml beside them): not evaluated, redis-lint reads the values of the Bitnami redis chart']);
  });

  it('of the redis chart, or of an umbrella chart with a redis dependency: read as Redis values', async () => {
    expect((await lint(chartDir('apiVersion: v2\nname: redis\nversion: 23.1.1\n'))).length).toBeGreaterThan(0);
    const umbrella = chartDir('apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: redis\n    repository: oci://registry-1.docker.io/bitnamicharts\n');
    writeFileSync(path.join(umbrella, 'values.yaml'), `redis:\n${VALUES.replace(/^/gm, '  ').replace('primary:', 'master:')}`);
    expect((await lint(umbrella)).length).toBeGreaterThan(0);
  });
});
