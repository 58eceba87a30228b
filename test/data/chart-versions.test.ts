import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { lint as lintText } from '../rules/fixtures/harness.js';
import { bitnamiRedisRelease, resolveBitnamiRedisVersion } from '../../src/sources/chart-versions.js';

const read = (p: string) => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8'));

describe('data/charts/bitnami/redis/versions.json', () => {
  const data = read('data/charts/bitnami/redis/versions.json');

  it('is valid against data/charts/versions.schema.json (ajv), sorted, one entry per version', () => {
    const validate = new Ajv({ strict: true, allErrors: true }).compile(read('data/charts/versions.schema.json'));
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    const versions: string[] = data.versions.map((v: { version: string }) => v.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect([...versions].sort(semver.compare)).toEqual(versions);
    // a schema violation is caught: the test can fail
    expect(validate({ ...data, versions: [{ version: '1.0', appVersion: 'x', commit: 'nope', date: 'today' }] })).toBe(false);
  });

  it('holds the release facts of issue 15, each from its bitnami/charts commit', () => {
    // 17.17.1 went back to Redis 7.0.12 (bitnami/charts 17.17.1 Chart.yaml)
    expect(bitnamiRedisRelease('17.17.1')).toMatchObject({ appVersion: '7.0.12' });
    // 21.2.18 ships Redis 8.0.3, 8.2 only from 22.0.0
    expect(bitnamiRedisRelease('21.2.18')).toMatchObject({ appVersion: '8.0.3' });
    expect(bitnamiRedisRelease('22.0.0')).toMatchObject({ appVersion: '8.2.0' });
    expect(bitnamiRedisRelease('18.19.4')).toMatchObject({ appVersion: '7.2.4' });
    for (const v of ['17.17.1', '21.2.18', '22.0.0', '18.19.4']) expect(bitnamiRedisRelease(v)?.commit).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('version ranges resolve to the highest released match (as Helm, Flux and Argo CD install)', () => {
  it('resolves ranges with semver', () => {
    expect(resolveBitnamiRedisVersion('>=17.0.0')?.version).toMatch(/^23\./);
    expect(resolveBitnamiRedisVersion('>=18.0.0 <19')?.version).toBe('18.19.4');
    expect(resolveBitnamiRedisVersion('>=18.0.0, <19')?.version).toBe('18.19.4');
    expect(resolveBitnamiRedisVersion('^18.0.0')?.version).toBe('18.19.4');
    expect(resolveBitnamiRedisVersion('20.x')?.version).toBe('20.13.4');
    expect(resolveBitnamiRedisVersion('*')?.version).toBe('23.1.1');
    expect(resolveBitnamiRedisVersion('19.5.1')).toMatchObject({ version: '19.5.1', how: 'exact' });
    expect(resolveBitnamiRedisVersion('>=99')).toBeUndefined();
    expect(resolveBitnamiRedisVersion('not a version')).toBeUndefined();
  });

  // the rule harness's pipeline (parseText -> lintDocuments, default policy): one HelmRelease, nothing beside it
  const lint = async (text: string) => lintText(text).map((f) => `${f.ruleId}: ${f.message}`);
  const release = (version: string, values: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: cache, namespace: apps}
spec:
  chart:
    spec:
      chart: redis
      version: "${version}"
      sourceRef: {kind: HelmRepository, name: bitnami}
  values:
    architecture: standalone
${values}`;

  it('">=17.0.0" is judged as the newest 23.x, with its 192Mi nano preset', async () => {
    const f = await lint(release('>=17.0.0', ''));
    expect(f).toContainEqual(expect.stringMatching(/^unresolved-values: chart version ">=17.0.0" is a range: judged as 23\.\d+\.\d+ \(Redis 8\.2\.\d+\), the highest released version/));
    expect(f.find((x) => x.startsWith('fork-memory-headroom'))).toMatch(/192Mi/);
    expect(f.join('\n')).not.toMatch(/memory-limit-missing/);
  });

  it('"^18.0.0" with resourcesPreset small is judged with the 768Mi limit', async () => {
    const f = await lint(release('^18.0.0', '    master:\n      resourcesPreset: small\n'));
    expect(f).toContainEqual(expect.stringMatching(/judged as 18\.19\.4/));
    expect(f.join('\n')).toMatch(/768Mi/);
  });

  it('an OCIRepository ref.semver ">=20.0.0 <21.0.0" is judged as the newest 20.x', async () => {
    const f = await lint(`apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: redis, namespace: apps}
spec:
  url: oci://registry-1.docker.io/bitnamicharts/redis
  ref: {semver: ">=20.0.0 <21.0.0"}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: cache, namespace: apps}
spec:
  chartRef: {kind: OCIRepository, name: redis}
  values:
    architecture: standalone
`);
    expect(f).toContainEqual(expect.stringMatching(/chart version ">=20\.0\.0 <21\.0\.0" is a range: judged as 20\.13\.4 \(Redis 7\.4\.3\)/));
  });
});
