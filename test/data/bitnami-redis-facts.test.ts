import { describe, expect, it } from 'vitest';
import { lint as lintText } from '../rules/fixtures/harness.js';
import {
  bitnamiDefaultSource,
  bitnamiDefaults,
  knownRoleKeys,
  redisVersionForChart,
  resourcesPresetMemoryRequest,
  resourcesPresetTable,
} from '../../src/sources/bitnami-chart.js';
import { bitnamiRedisRelease } from '../../src/sources/chart-versions.js';
import { chartData } from '../../src/sources/chart-data.js';

/**
 * The Bitnami redis chart facts issue 15 found wrong, each pinned to the chart version and the
 * bitnami/charts commit that released it (read in the bitnami/charts history; the data is generated
 * from it by scripts/gen-bitnami-redis-versions.mjs).
 */
const Mi = 1024 * 1024;
const released = (version: string) => bitnamiRedisRelease(version)?.commit;

describe('Bitnami redis chart facts (issue 15), by chart version and commit', () => {
  it('sentinel.failoverTimeout 18000 → 180000 at 17.1.2 (bitnami/charts@19b3ccb), not 17.0.0', () => {
    expect(bitnamiDefaults('17.1.1').sentinel.failoverTimeout).toBe(18000);
    expect(bitnamiDefaults('17.1.2').sentinel.failoverTimeout).toBe(180000);
    expect(bitnamiDefaultSource('sentinel.failoverTimeout', '17.1.2')).toEqual({ version: '17.1.2', date: '2022-08-24', commit: '19b3ccbb53a22bc3931276bb50d8fe2b41145bd5' });
    expect(released('17.1.2')).toBe('19b3ccbb53a22bc3931276bb50d8fe2b41145bd5');
  });

  it('startupProbe: 16.0.0-16.5.3 all three disabled 20/5/5/5 (bitnami/charts@d42a1d5); replica/sentinel enabled 10/10/5/22 from 16.5.4 (bitnami/charts@a0f0579)', () => {
    const disabled = { enabled: false, initialDelaySeconds: 20, periodSeconds: 5, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 };
    for (const v of ['16.0.0', '16.5.3']) {
      const d = bitnamiDefaults(v);
      expect([d.master.startupProbe, d.replica.startupProbe, d.sentinel.startupProbe], v).toEqual([disabled, disabled, disabled]);
    }
    const d = bitnamiDefaults('16.5.4');
    expect(d.master.startupProbe).toEqual(disabled);
    const enabled = { enabled: true, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 22 };
    expect(d.replica.startupProbe).toEqual(enabled);
    expect(d.sentinel.startupProbe).toEqual(enabled);
    expect(bitnamiDefaultSource('replica.startupProbe', '16.5.4').commit).toBe('a0f05796807cd7bdf89b057bf9d8a07806c09803');
    expect(bitnamiDefaultSource('master.startupProbe', '16.5.4')).toMatchObject({ version: '16.0.0', commit: 'd42a1d565df67e1ff83532a6dc9329cbc8437760' });
  });

  it('Redis 8.0.3 in 21.2.18 (bitnami/charts@1341963) to 21.x, 8.2 from 22.0.0 (bitnami/charts@56f58c8); 17.17.1 back to 7.0.12 (bitnami/charts@b2beb14)', () => {
    expect(bitnamiRedisRelease('21.2.18')).toMatchObject({ appVersion: '8.0.3', commit: '134196378d6baf5fe2760bbb09ff1efd8a98b6d9' });
    expect(redisVersionForChart('21.2.18').label).toBe('8.0');
    expect(redisVersionForChart('21.x').label).toBe('8.0');
    expect(bitnamiRedisRelease('22.0.0')).toMatchObject({ appVersion: '8.2.0', commit: '56f58c8b039794c7c77efae60a41b8016ff83396' });
    expect(redisVersionForChart('22.0.0').label).toBe('8.2');
    expect(bitnamiRedisRelease('17.17.0')?.appVersion).toBe('7.2.0');
    expect(bitnamiRedisRelease('17.17.1')).toMatchObject({ appVersion: '7.0.12', commit: 'b2beb14fd4114585099af01b13ed91dd486c3e96' });
    expect(redisVersionForChart('17.17.1').label).toBe('7.0');
  });

  it('preset requests xlarge/2xlarge 1.0 CPU / 3072Mi since common 2.20.3 (2024-06, bitnami/charts@6ca69f6, chart 19.5.5); ephemeral-storage limit 2Gi since common 2.20.5 (2024-07, bitnami/charts@2b78e13, chart 19.6.2)', () => {
    const tables = chartData('bitnami/redis').file.presets?.tables ?? [];
    expect(tables.find((t) => t.version === '19.5.5')).toMatchObject({ common: '2.20.3', commonCommit: '6ca69f6769d0f65acc850fa0bcc08506de50cc41', date: '2024-06-18' });
    expect(tables.find((t) => t.version === '19.6.2')).toMatchObject({ common: '2.20.5', commonCommit: '2b78e137ac278cdf9d54523e8d37833a4ff0cd5b', date: '2024-07-16' });
    for (const preset of ['xlarge', '2xlarge']) {
      expect(resourcesPresetTable('19.5.4')?.[preset].requests).toMatchObject({ cpu: '1.5', memory: '4096Mi' });
      expect(resourcesPresetTable('19.5.5')?.[preset].requests).toMatchObject({ cpu: '1.0', memory: '3072Mi' });
      expect(resourcesPresetMemoryRequest(preset, '19.5.4')).toBe(4096 * Mi);
      expect(resourcesPresetMemoryRequest(preset, '23.1.1')).toBe(3072 * Mi);
    }
    expect(resourcesPresetTable('19.6.1')?.nano.limits['ephemeral-storage']).toBe('1024Mi');
    expect(resourcesPresetTable('19.6.2')?.nano.limits['ephemeral-storage']).toBe('2Gi');
    expect(resourcesPresetTable('23.1.1')?.xlarge.limits['ephemeral-storage']).toBe('2Gi');
  });

  it('key spans: replica.podManagementPolicy since 16.0.0 (@d42a1d5), sentinel.redisShutdownWaitFailover since 17.4.2 (@0274e44), sentinel.replicaSyncCheck since 23.1.0 (@38684e0)', () => {
    const d = chartData('bitnami/redis');
    expect(d.keySince('replica.podManagementPolicy')).toBe('16.0.0');
    expect(d.keySince('sentinel.redisShutdownWaitFailover')).toBe('17.4.2');
    expect(d.keySince('sentinel.replicaSyncCheck')).toBe('23.1.0');
    expect(released('16.0.0')).toBe('d42a1d565df67e1ff83532a6dc9329cbc8437760');
    expect(released('17.4.2')).toBe('0274e44ae4460f91a3e25c20e12be11bc8874c95');
    expect(released('23.1.0')).toBe('38684e07d2e5ef68f4c2ff9dcdcf61a3c700c1e8');
    expect(knownRoleKeys('replica', 15).has('podManagementPolicy')).toBe(false);
    expect(knownRoleKeys('replica', 16).has('podManagementPolicy')).toBe(true);
    expect(knownRoleKeys('sentinel', 16).has('redisShutdownWaitFailover')).toBe(false);
    expect(knownRoleKeys('sentinel', 17).has('redisShutdownWaitFailover')).toBe(true);
    expect(knownRoleKeys('sentinel', 22).has('replicaSyncCheck')).toBe(false);
    expect(knownRoleKeys('sentinel', 23).has('replicaSyncCheck')).toBe(true);
    expect(bitnamiDefaults('23.0.0').sentinel).not.toHaveProperty('replicaSyncCheck');
    expect(bitnamiDefaults('23.1.0').sentinel).toHaveProperty('replicaSyncCheck', false);
  });

  // the rule harness's pipeline (parseText -> lintDocuments, default policy): one HelmRelease, nothing beside it
  const lint = async (text: string) => lintText(text);
  const release = (version: string, adapt: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: cache, namespace: apps}
spec:
  chart:
    spec:
      chart: redis
      version: "${version}"
      sourceRef: {kind: HelmRepository, name: bitnami}
  values:
    global:
      compatibility:
        openshift:
          adaptSecurityContext: ${adapt}
    architecture: standalone
    master:
      resourcesPreset: medium
`;

  it('global.compatibility.openshift.adaptSecurityContext: force removes fsGroup (bitnami/common _compatibility.tpl; the key since 18.18.0, bitnami/charts@063463f): data-volume-fsgroup sees it', async () => {
    expect(released('18.18.0')).toBe('063463f42c06881ec457b8951cadd4c68e724cd7');
    const forced = await lint(release('23.1.1', 'force'));
    const f = forced.find((x) => x.ruleId === 'data-volume-fsgroup');
    expect(f?.message).toMatch(/no pod fsGroup/);
    expect(f?.pos.line).toBe(14); // the adaptSecurityContext line
    // auto (the default: only on a cluster serving security.openshift.io/v1) and disabled keep fsGroup 1001
    for (const adapt of ['auto', 'disabled']) expect((await lint(release('23.1.1', adapt))).map((x) => x.ruleId)).not.toContain('data-volume-fsgroup');
  });
});
