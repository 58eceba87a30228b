import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintPaths } from '../../src/engine.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { bitnamiRedisReadsPath } from '../../src/sources/chart-release.js';

/**
 * Issue 15, "identity and versions like the real installers": the chart version and values a
 * release gets are read as Flux, Helm, helmfile and kustomize read them. Real files on disk in
 * test/fixtures/installers.
 */
const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/installers/${p}`, import.meta.url));

async function lint(...paths: string[]) {
  const r = await lintPaths(paths.map(fixture), { policy: loadPolicy() });
  expect(r.inputErrors).toEqual([]);
  return {
    findings: r.findings.map((f) => `${f.ruleId}@${f.pos.file.split('/installers/')[1]}:${f.pos.line}: ${f.message}`),
    deployments: r.deployments,
  };
}

describe('OCIRepository ref: digest over semver over tag (Flux source-controller)', () => {
  it('a digest-only pin: the version cannot be read offline, said once, and the 50Mi volume is still judged', async () => {
    const { findings } = await lint('oci-digest/release.yaml');
    const notices = findings.filter((f) => f.startsWith('unresolved-values'));
    expect(notices).toEqual([expect.stringMatching(/^unresolved-values@oci-digest\/release.yaml:11: OCIRepository "redis" pins the chart by digest sha256:5b0d5d1b0ab0\S*… with no tag: its version cannot be read offline: assumed chart 23\.x defaults/)]);
    expect(findings).toContainEqual(expect.stringMatching(/^aof-rewrite-unreachable@oci-digest\/release.yaml:27:/));
  });

  it('semver wins over tag', async () => {
    const { findings, deployments } = await lint('oci-digest/semver-over-tag.yaml');
    expect(findings).toContainEqual(expect.stringMatching(/chart version ">=20\.0\.0 <21\.0\.0" is a range: judged as 20\.13\.4/));
    expect(deployments[0].chart?.version).toBe('20.13.4');
  });
});

describe('umbrella chart: Chart.lock and dependency alias', () => {
  it('reads the values under the alias, at the Chart.lock version (not the Chart.yaml range)', async () => {
    const { findings, deployments } = await lint('umbrella-lock/values.yaml');
    expect(deployments.map((d) => [d.role, d.chart?.version])).toEqual([['standalone', '18.19.4']]);
    // resourcesPreset small of 18.19.4: 768Mi
    expect(deployments[0].memoryLimit.value).toBe(768 * 1024 * 1024);
    expect(findings).toContainEqual(expect.stringMatching(/^aof-rewrite-unreachable@umbrella-lock\/values.yaml:10:/));
    expect(findings.join('\n')).not.toMatch(/is a range|version unknown/);
  });
});

describe('helmfile releases', () => {
  it('evaluates the values files as the release values, once', async () => {
    const { findings, deployments } = await lint('helmfile');
    expect(deployments.map((d) => [d.object.kind, d.object.name, d.source, d.chart?.version])).toEqual([['HelmfileRelease', 'sessions', 'helmfile', '19.6.4']]);
    // the inline values (medium preset, 19.x: 1536Mi) win over the file's
    expect(deployments[0].memoryLimit.value).toBe(1536 * 1024 * 1024);
    const aof = findings.filter((f) => f.startsWith('aof-rewrite-unreachable'));
    expect(aof).toEqual([expect.stringMatching(/^aof-rewrite-unreachable@helmfile\/values\/redis.yaml:6:/)]);
    // the values file is not linted again alone with chart-23 assumptions
    expect(findings.join('\n')).not.toMatch(/version unknown|assumed chart 23/);
  });
});

describe('Flux valuesFrom', () => {
  it('follows a kustomize configMapGenerator into its file; an unread targetPath no rule reads is not reported', async () => {
    const { findings, deployments } = await lint('kustomize-valuesfrom');
    expect(deployments).toHaveLength(1);
    expect(deployments[0].role).toBe('standalone'); // spec.values wins over the generated values
    expect(findings.filter((f) => f.startsWith('aof-rewrite-unreachable'))).toEqual([expect.stringMatching(/^aof-rewrite-unreachable@kustomize-valuesfrom\/redis-values.yaml:4:/)]);
    expect(findings.join('\n')).not.toMatch(/cannot be read offline|redis-auth/);
  });

  it('the paths redis-lint reads', () => {
    for (const p of ['master.persistence.size', 'master', 'commonConfiguration', 'replica.resources.limits.memory', 'image.tag']) expect(bitnamiRedisReadsPath(p), p).toBe(true);
    for (const p of ['auth.password', 'metrics.enabled', 'master.podLabels', 'global.imageRegistry']) expect(bitnamiRedisReadsPath(p), p).toBe(false);
  });
});

describe('chart identity when the repository URL is unknown: the values tell', () => {
  it('an OCIRepository named valkey serving app-template values is not called a Valkey chart', async () => {
    const { findings } = await lint('app-template-chartref/helmrelease.yaml');
    expect(findings.join('\n')).not.toMatch(/is a Valkey chart/);
    expect(findings.join('\n')).toMatch(/app-template/);
  });
});
