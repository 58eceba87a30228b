import { describe, expect, it } from 'vitest';
import { identifyOtherChart, kindOfValues, umbrellaSubchart } from '../../src/sources/chart-kinds.js';

describe('identifyOtherChart: by repository URL, else by the values shape', () => {
  it('a known repository URL decides', () => {
    expect(identifyOtherChart('valkey', 'oci://registry-1.docker.io/bitnamicharts', undefined)?.kind).toBe('bitnami/valkey');
    expect(identifyOtherChart('bitnamicharts/valkey-cluster', 'registry-1.docker.io', {})?.kind).toBeUndefined(); // docker.io alone is no Bitnami URL
    expect(identifyOtherChart('valkey-cluster', 'registry-1.docker.io/bitnamicharts', {})?.kind).toBe('bitnami/valkey-cluster');
    expect(identifyOtherChart('redis-cluster', 'https://charts.bitnami.com/bitnami', undefined)?.kind).toBe('bitnami/redis-cluster');
    expect(identifyOtherChart('redis-ha', 'https://dandydeveloper.github.io/charts/', undefined)?.kind).toBe('dandydeveloper/redis-ha');
    expect(identifyOtherChart('valkey', 'https://valkey.io/valkey-helm/', undefined)?.kind).toBe('valkey-io/valkey');
    // valkey.io's URL with Bitnami-shaped values: the URL wins
    expect(identifyOtherChart('valkey', 'https://valkey.io/valkey-helm/', { primary: {} })?.kind).toBe('valkey-io/valkey');
  });

  it('an unknown URL: the values shape, which must fit the chart name', () => {
    expect(identifyOtherChart('valkey', undefined, { dataStorage: { enabled: true } })).toMatchObject({ kind: 'valkey-io/valkey', reason: expect.stringMatching(/dataStorage/) });
    expect(identifyOtherChart('valkey', undefined, { architecture: 'standalone', primary: { persistence: { size: '1Gi' } } })?.kind).toBe('bitnami/valkey');
    expect(identifyOtherChart('redis-ha', 'https://example.com/charts', { persistentVolume: { size: '1Gi' } })?.kind).toBe('dandydeveloper/redis-ha');
    expect(identifyOtherChart('redis-cluster', undefined, { cluster: { nodes: 6 } })?.kind).toBe('bitnami/redis-cluster');
    // a redis-cluster shape under a chart named valkey is not the valkey chart
    expect(identifyOtherChart('valkey', undefined, { cluster: { nodes: 6 } })).toBeUndefined();
  });

  it('a name alone does not tell: an OCIRepository called valkey, app-template values, nothing shown', () => {
    const appTemplate = { controllers: { valkey: { containers: { app: { image: { repository: 'docker.io/valkey/valkey' } } } } } };
    expect(identifyOtherChart('valkey', undefined, appTemplate, 'OCIRepository/valkey')).toBeUndefined();
    expect(identifyOtherChart('valkey', undefined, undefined, 'HelmRepository/valkey')).toBeUndefined();
    expect(identifyOtherChart('valkey', undefined, {}, 'HelmRepository/bitnami')?.kind).toBe('bitnami/valkey');
    expect(identifyOtherChart('postgresql', 'oci://registry-1.docker.io/bitnamicharts', { primary: {} })).toBeUndefined();
  });
});

describe('kindOfValues and umbrellaSubchart', () => {
  it('the Bitnami postgresql layout (primary + auth.postgresPassword) is not valkey, even in a valkey directory', () => {
    expect(kindOfValues({ architecture: 'replication', primary: {}, auth: { postgresPassword: 'x' } }, 'valkey/values.yaml')).toBeUndefined();
    expect(kindOfValues({ primary: {} }, 'apps/valkey/values.yaml')?.kind).toBe('bitnami/valkey');
    expect(kindOfValues({ primary: {} }, 'apps/db/values.yaml')).toBeUndefined();
  });

  it('an umbrella chart key holding a chart of the list, unless switched off or shapeless', () => {
    expect(umbrellaSubchart({ 'redis-ha': { redis: { config: { save: '900 1' } } } })).toEqual({ key: 'redis-ha', kind: 'dandydeveloper/redis-ha' });
    expect(umbrellaSubchart({ redisHA: { enabled: false, persistentVolume: {} } })).toBeUndefined();
    expect(umbrellaSubchart({ valkey: { enabled: true } })).toBeUndefined();
    expect(umbrellaSubchart({ valkey: { dataStorage: { enabled: true } } })).toEqual({ key: 'valkey', kind: 'valkey-io/valkey' });
  });
});
