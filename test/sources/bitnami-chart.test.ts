import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { CORPUS_DIR, HAS_CORPUS, NEEDS_CORPUS } from '../shared-dir.js';
import {
  LATEST_KNOWN_MAJOR,
  RESOURCES_PRESETS,
  bitnamiDefaults,
  bitnamiRedisEvidence,
  configLayers,
  effectiveResources,
  findBitnamiRedisValues,
  isBitnamiRedisValues,
  knownRoleKeys,
  knownTopLevelKeys,
  parseChartVersion,
  redisVersionForChart,
  resourcesPresetMemoryLimit,
  resourcesPresetMemoryRequest,
  resourcesPresetSupported,
} from '../../src/sources/bitnami-chart.js';

const corpus = pathToFileURL(CORPUS_DIR + '/');
const read = (rel: string): string => readFileSync(new URL(rel, corpus), 'utf8');
let upstream23Cache: Record<string, Record<string, unknown>> | undefined;
/** chart 23.1.1 default values (bitnami/charts@5165628, corpus copy), read when a corpus test first asks */
const upstream23 = (): Record<string, Record<string, unknown>> =>
  (upstream23Cache ??= YAML.parse(read('values/bitnami__charts__bitnami__redis__values.yaml')) as Record<string, Record<string, unknown>>);
const Mi = 1024 * 1024;

describe('parseChartVersion', () => {
  it.each([
    ['19.5.1', { major: 19, minor: 5, patch: 1, exact: true }],
    ['17.x', { major: 17, minor: 0, patch: 0, exact: false }],
    ['15.5.x', { major: 15, minor: 5, patch: 0, exact: false }],
    ['>=17.0.0 <18', { major: 17, minor: 0, patch: 0, exact: true }],
    ['^19.0.0', { major: 19, minor: 0, patch: 0, exact: true }],
    ['~18', { major: 18, minor: 0, patch: 0, exact: false }],
    ['v17.3.5', { major: 17, minor: 3, patch: 5, exact: true }],
    ['18.19.4-legacy', { major: 18, minor: 19, patch: 4, exact: true }],
    ['>= 18.0.0', { major: 18, minor: 0, patch: 0, exact: true }],
    ['20.x || 18.3.1', { major: 18, minor: 3, patch: 1, exact: true }],
    [19, { major: 19, minor: 0, patch: 0, exact: false }],
  ])('%s', (spec, expected) => {
    expect(parseChartVersion(spec)).toEqual(expected);
  });

  // a version part above 2^53 - 1 made semver throw ("Invalid major version") deep in the preset
  // lookup: found by test/hardening/fuzz.test.ts (seed 1492653982, spec.chart.spec.version 2^53)
  it.each([[undefined], [''], ['*'], ['latest'], ['<18'], ['x'], [2 ** 53], ['9007199254740992.0.0'], ['18.9007199254740993.1']])('%s is not understood', (spec) => {
    expect(parseChartVersion(spec)).toBeUndefined();
  });
});

describe('redisVersionForChart', () => {
  it.each([
    ['12.7.4', '6.0'],
    ['15.5.x', '6.2'],
    ['15.7.5', '6.2'],
    ['16.13.2', '6.2'],
    ['17.0.6', '7.0'],
    ['17.x', '7.0'], // its newest release, 17.17.1, went back to Redis 7.0.12
    ['>=17.0.0 <18', '7.0'],
    ['17.15.3', '7.0'],
    ['17.15.4', '7.2'],
    ['17.17.0', '7.2'],
    ['17.17.1', '7.0'],
    ['~18', '7.2'],
    ['18.3.1', '7.2'],
    ['^19.0.0', '7.2'],
    ['19.5.1', '7.2'],
    ['20.1.5', '7.4'],
    ['21.2.10', '8.0'],
    ['21.2.18', '8.0'],
    ['22.0.0', '8.2'],
    ['22.0.5', '8.2'],
    ['23.1.1', '8.2'],
  ])('chart %s ships Redis %s', (chart, label) => {
    const r = redisVersionForChart(chart);
    expect(r.known).toBe(true);
    expect(r.label).toBe(label);
    expect(r.redis?.label).toBe(label);
    expect(`${r.major}.${r.minor}`).toBe(label);
  });

  it('warns when a range spans an in-major Redis switch', () => {
    expect(redisVersionForChart('17.x').note).toMatch(/17\.x ships Redis 7\.0, 7\.2; judged as 17\.17\.1 \(Redis 7\.0\.12\)/);
    expect(redisVersionForChart('17.3.5').note).toBeUndefined();
    expect(redisVersionForChart('21').note).toBeUndefined(); // every 21.x release ships 8.0
    expect(redisVersionForChart('22').note).toBeUndefined();
  });

  it.skipIf(!HAS_CORPUS)(`the default image tag of the corpus 23.1.1 values agrees ${NEEDS_CORPUS}`, () => {
    expect(String((upstream23().image as Record<string, unknown>).tag)).toMatch(/^8\.2\./);
    expect(redisVersionForChart('23.1.1').label).toBe('8.2');
  });

  it('flags unknown versions', () => {
    for (const v of [undefined, '*', 'latest', 'not-a-version']) {
      const r = redisVersionForChart(v);
      expect(r.known).toBe(false);
      expect(r.redis).toBeNull();
      expect(r.major).toBeUndefined();
      expect(r.label).toBe('unknown');
    }
    const newer = redisVersionForChart('25.3.10');
    expect(newer).toMatchObject({ known: false, chartMajor: 25, redis: null, atLeast: { label: '8.2' } });
    expect(redisVersionForChart('9.0.0')).toMatchObject({ known: false, chartMajor: 9 });
    expect(redisVersionForChart('11.0.0')).toMatchObject({ known: true, label: '6.0' }); // 11.0.0 appVersion 6.0.8
    expect(redisVersionForChart(String(LATEST_KNOWN_MAJOR)).label).toBe('8.2');
  });
});

/** Every leaf of `ours` must equal the value at the same path in `theirs`. */
function expectSubsetOf(ours: unknown, theirs: unknown, path = ''): void {
  if (ours !== null && typeof ours === 'object' && !Array.isArray(ours)) {
    expect(theirs, path).toBeTypeOf('object');
    for (const [k, v] of Object.entries(ours)) expectSubsetOf(v, (theirs as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    return;
  }
  expect(theirs, path).toEqual(ours);
}

describe('bitnamiDefaults', () => {
  it.skipIf(!HAS_CORPUS)(`23 matches the upstream 23.1.1 values.yaml for every modelled key ${NEEDS_CORPUS}`, () => {
    expectSubsetOf(bitnamiDefaults(23), upstream23());
    expectSubsetOf(bitnamiDefaults('23.1.1'), upstream23());
  });

  it('stable defaults across 15..23', () => {
    for (let major = 15; major <= 23; major++) {
      const d = bitnamiDefaults(major);
      expect(d.architecture).toBe('replication');
      expect(d.auth.enabled).toBe(true);
      expect(d.commonConfiguration).toBe('# Enable AOF https://redis.io/topics/persistence#append-only-file\nappendonly yes\n# Disable RDB persistence, AOF persistence already enabled.\nsave ""');
      expect(d.replica.replicaCount).toBe(3);
      for (const role of [d.master, d.replica]) {
        expect(role.persistence).toMatchObject({ enabled: true, size: '8Gi', path: '/data', storageClass: '' });
        expect(role.podSecurityContext).toMatchObject({ enabled: true, fsGroup: 1001 });
        expect(role.containerSecurityContext).toMatchObject({ enabled: true, runAsUser: 1001 });
        expect(role.livenessProbe).toEqual({ enabled: true, initialDelaySeconds: 20, periodSeconds: 5, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 });
        expect(role.readinessProbe).toEqual({ enabled: true, initialDelaySeconds: 20, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 5 });
        expect(role.terminationGracePeriodSeconds).toBe(30);
        expect(role.extraFlags).toEqual([]);
        expect(role.configuration).toBe('');
      }
      expect(d.sentinel).toMatchObject({ enabled: false, quorum: 2, downAfterMilliseconds: 60000, terminationGracePeriodSeconds: 30 });
      expect(d.volumePermissions.enabled).toBe(false);
    }
  });

  it('15.x: 15.7.4 layout (no startupProbe/count/kind/sizeLimit/preset, empty limits)', () => {
    const d = bitnamiDefaults(15);
    expect(d.master.startupProbe).toBeUndefined();
    expect(d.master.count).toBeUndefined();
    expect(d.master.kind).toBeUndefined();
    expect(d.master.persistence.sizeLimit).toBeUndefined();
    expect(d.master.persistence.existingClaim).toBe('');
    expect(d.replica.persistence.existingClaim).toBeUndefined();
    expect(d.master.resources).toEqual({ limits: {}, requests: {} });
    expect(d.master.resourcesPreset).toBeUndefined();
    expect(d.master.containerSecurityContext).toEqual({ enabled: true, runAsUser: 1001 });
    expect(d.sentinel.failoverTimeout).toBe(18000);
    expect(d.sentinel.startupProbe).toBeUndefined();
    expect(d.sentinel.persistence).toBeUndefined();
    expect(d.networkPolicy.enabled).toBe(false);
  });

  it('17.x vs 17.14+: pss-restricted security context; 17.11.4 sentinel probes', () => {
    expect(bitnamiDefaults(17).master.containerSecurityContext).toEqual({ enabled: true, runAsUser: 1001 });
    expect(bitnamiDefaults('17.14.0').master.containerSecurityContext).toMatchObject({ enabled: true, runAsUser: 1001, runAsGroup: 0, runAsNonRoot: true, allowPrivilegeEscalation: false });
    expect(bitnamiDefaults(17).master).toMatchObject({ count: 1, kind: 'StatefulSet', startupProbe: { enabled: false, initialDelaySeconds: 20, failureThreshold: 5 } });
    expect(bitnamiDefaults(17).replica.startupProbe).toMatchObject({ enabled: true, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 22 });
    expect(bitnamiDefaults(17).sentinel.livenessProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 5 });
    expect(bitnamiDefaults('17.11.4').sentinel.livenessProbe).toMatchObject({ periodSeconds: 10, failureThreshold: 6 });
    expect(bitnamiDefaults(17).sentinel.failoverTimeout).toBe(18000); // 180000 only from 17.1.2 (see the issue 15 facts below)
  });

  it('resources: no limit before 18.14, preset "none" 18.14-18.x, "nano" from 19', () => {
    expect(bitnamiDefaults(18).master.resources).toEqual({ limits: {}, requests: {} });
    expect(bitnamiDefaults(18).master.resourcesPreset).toBeUndefined();
    expect(bitnamiDefaults('18.14.0').master).toMatchObject({ resources: {}, resourcesPreset: 'none' });
    for (const major of [19, 20, 21, 22, 23]) {
      const d = bitnamiDefaults(major);
      expect(d.master).toMatchObject({ resources: {}, resourcesPreset: 'nano' });
      expect(d.replica.resourcesPreset).toBe('nano');
      expect(d.sentinel.resourcesPreset).toBe('nano');
      expect(d.master.containerSecurityContext).toMatchObject({ runAsGroup: 1001, runAsNonRoot: true, readOnlyRootFilesystem: true });
    }
  });

  it('other in-major switches', () => {
    expect(bitnamiDefaults(18).replica.kind).toBeUndefined();
    expect(bitnamiDefaults('18.3.0').replica.kind).toBe('StatefulSet');
    expect(bitnamiDefaults(18).networkPolicy.enabled).toBe(false);
    expect(bitnamiDefaults('18.11.0').networkPolicy.enabled).toBe(true);
    expect(bitnamiDefaults(20).auth.usePasswordFiles).toBe(false);
    expect(bitnamiDefaults('20.10.0').auth.usePasswordFiles).toBe(true);
    expect(bitnamiDefaults(21).auth.usePasswordFiles).toBe(true);
  });

  it('clamps to the verified range and never returns undefined', () => {
    expect(bitnamiDefaults(13)).toEqual(bitnamiDefaults(15));
    // newer than the data, or not understood: the newest release's defaults
    expect(bitnamiDefaults(25)).toEqual(bitnamiDefaults('23.1.1'));
    expect(bitnamiDefaults('nonsense')).toEqual(bitnamiDefaults('23.1.1'));
  });

  it('returns fresh objects', () => {
    const a = bitnamiDefaults(23);
    a.master.extraFlags.push('--maxmemory 1gb');
    expect(bitnamiDefaults(23).master.extraFlags).toEqual([]);
  });
});

describe('resource presets', () => {
  it.each([
    ['nano', 192, 128],
    ['micro', 384, 256],
    ['small', 768, 512],
    ['medium', 1536, 1024],
    ['large', 3072, 2048],
    ['xlarge', 6144, 3072],
    ['2xlarge', 12288, 3072],
  ])('%s: limit %iMi, request %iMi', (preset, limitMi, requestMi) => {
    expect(resourcesPresetMemoryLimit(preset, 23)).toBe(limitMi * Mi);
    expect(resourcesPresetMemoryRequest(preset, 23)).toBe(requestMi * Mi);
  });

  it('none, unknown names and pre-preset charts give null', () => {
    expect(resourcesPresetMemoryLimit('none', 23)).toBeNull();
    expect(resourcesPresetMemoryLimit('huge', 23)).toBeNull();
    expect(resourcesPresetMemoryLimit('toString', 23)).toBeNull();
    expect(resourcesPresetMemoryLimit('nano', 17)).toBeNull();
    expect(resourcesPresetMemoryLimit('nano', '18.13.0')).toBeNull();
    expect(resourcesPresetMemoryLimit('nano', '18.14.0')).toBe(192 * Mi);
    expect(resourcesPresetSupported(18)).toBe(true);
    expect(resourcesPresetSupported('18.3.1')).toBe(false);
    expect(Object.keys(RESOURCES_PRESETS)).toEqual(['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge']);
  });

  it('effectiveResources follows the template branches', () => {
    expect(effectiveResources({}, 23)).toEqual({ source: 'preset', preset: 'nano', memoryLimitBytes: 192 * Mi, memoryRequestBytes: 128 * Mi });
    expect(effectiveResources(undefined, '19.5.1')).toMatchObject({ source: 'preset', memoryLimitBytes: 192 * Mi });
    expect(effectiveResources({}, 18)).toEqual({ source: 'none', memoryLimitBytes: null, memoryRequestBytes: null });
    expect(effectiveResources({}, '18.14.0')).toMatchObject({ source: 'none' }); // preset "none" until 19
    expect(effectiveResources({ resourcesPreset: 'small' }, '18.14.0')).toMatchObject({ source: 'preset', memoryLimitBytes: 768 * Mi });
    expect(effectiveResources({ resourcesPreset: 'small' }, '17.9.5')).toMatchObject({ source: 'none' });
    expect(effectiveResources({ resourcesPreset: 'none' }, 23)).toMatchObject({ source: 'none', memoryLimitBytes: null });
    // explicit resources win over the preset, even without a memory limit
    expect(effectiveResources({ resources: { requests: { memory: '100Mi' } } }, 23)).toEqual({ source: 'resources', memoryLimitBytes: null, memoryRequestBytes: 100 * Mi });
    expect(effectiveResources({ resources: { limits: {}, requests: {} } }, 23)).toMatchObject({ source: 'none', memoryLimitBytes: null }); // suppresses the preset
    expect(effectiveResources({ resources: { limits: { memory: '1Gi' } } }, 23)).toMatchObject({ memoryLimitBytes: 1024 * Mi });
    expect(effectiveResources({ resources: { limits: { memory: '1219M' } } }, 23)).toMatchObject({ memoryLimitBytes: 1_219_000_000 });
    expect(effectiveResources({ resources: null }, 23)).toMatchObject({ source: 'preset' });
  });
});

describe('configLayers', () => {
  it('non-sentinel: commonConfiguration < role configuration < role extraFlags', () => {
    expect(configLayers('master', false)).toEqual(['commonConfiguration', 'master.configuration', 'extraFlags']);
    expect(configLayers('replica', false)).toEqual(['commonConfiguration', 'replica.configuration', 'extraFlags']);
  });

  it('sentinel: replica.configuration < commonConfiguration < replica extraFlags, for every node', () => {
    expect(configLayers('replica', true)).toEqual(['replica.configuration', 'commonConfiguration', 'extraFlags']);
    expect(configLayers('master', true)).toEqual(['replica.configuration', 'commonConfiguration', 'extraFlags']);
    expect(configLayers('master', true, '19.5.1')).toEqual(['replica.configuration', 'commonConfiguration', 'extraFlags']);
  });

  it('sentinel before 16.2.1: a master-role node includes master.conf, still before redis.conf', () => {
    expect(configLayers('master', true, '15.7.5')).toEqual(['master.configuration', 'commonConfiguration', 'extraFlags']);
    expect(configLayers('master', true, '16.2.0')).toEqual(['master.configuration', 'commonConfiguration', 'extraFlags']);
    expect(configLayers('master', true, '16.2.1')).toEqual(['replica.configuration', 'commonConfiguration', 'extraFlags']);
    expect(configLayers('replica', true, 15)).toEqual(['replica.configuration', 'commonConfiguration', 'extraFlags']);
  });
});

describe('known keys', () => {
  it.skipIf(!HAS_CORPUS)(`23: exactly the top-level keys of the upstream 23.1.1 values.yaml ${NEEDS_CORPUS}`, () => {
    expect([...knownTopLevelKeys(23)].sort()).toEqual(Object.keys(upstream23()).sort());
    expect([...knownTopLevelKeys()].sort()).toEqual(Object.keys(upstream23()).sort());
  });

  it('older majors lack later additions; typos and misplaced keys are unknown', () => {
    const k15 = knownTopLevelKeys(15);
    for (const key of ['namespaceOverride', 'useHostnames', 'useExternalDNS', 'secretAnnotations', 'serviceBindings', 'kubectl', 'configmapChecksumAnnotations']) {
      expect(k15.has(key), key).toBe(false);
    }
    for (const key of ['global', 'architecture', 'auth', 'commonConfiguration', 'master', 'replica', 'sentinel', 'volumePermissions', 'sysctl', 'pdb']) {
      expect(k15.has(key), key).toBe(true);
    }
    expect(knownTopLevelKeys(17).has('useHostnames')).toBe(true);
    expect(knownTopLevelKeys(18).has('namespaceOverride')).toBe(true);
    expect(knownTopLevelKeys(19).has('configmapChecksumAnnotations')).toBe(false);
    for (const major of [15, 19, 23]) {
      for (const key of ['resources', 'persistence', 'sentinal', 'strategy', 'service', 'replicaCount', 'enabled']) {
        expect(knownTopLevelKeys(major).has(key), `${major} ${key}`).toBe(false);
      }
    }
    expect(knownTopLevelKeys(23, { umbrella: true }).has('enabled')).toBe(true);
  });

  it.skipIf(!HAS_CORPUS)(`role keys at 23 equal the upstream 23.1.1 role sections ${NEEDS_CORPUS}`, () => {
    for (const role of ['master', 'replica', 'sentinel'] as const) {
      expect([...knownRoleKeys(role, 23)].sort(), role).toEqual(Object.keys(upstream23()[role]).sort());
    }
  });

  it('role keys by major', () => {
    expect(knownRoleKeys('master', 17).has('resourcesPreset')).toBe(false);
    expect(knownRoleKeys('master', 18).has('resourcesPreset')).toBe(true);
    expect(knownRoleKeys('master', 15).has('containerPort')).toBe(true);
    expect(knownRoleKeys('master', 15).has('containerPorts')).toBe(false);
    expect(knownRoleKeys('master').has('replicaCount')).toBe(false);
    expect(knownRoleKeys('replica').has('count')).toBe(false);
    expect(knownRoleKeys('sentinel', 23).has('staticID')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Heuristic over the shared corpus
// ---------------------------------------------------------------------------------------------

/**
 * Expected verdicts per corpus file (from SOURCES.tsv notes): `root` for the values object itself
 * (HelmRelease: spec.values), `redis` for its `redis:` key (umbrella charts). 'none' = no inline values.
 */
const EXPECTED: Record<string, { root: boolean | 'none'; redis?: boolean }> = {
  'values/DigitalPatterns__talospi__helm__redis__values.yaml': { root: false, redis: false },
  'values/argoproj__argo-cd__manifests__ha__base__redis-ha__chart__values.yaml': { root: false },
  'values/bitnami__charts__bitnami__mastodon__values.yaml': { root: false, redis: true },
  'values/bitnami__charts__bitnami__oauth2-proxy__values.yaml': { root: false, redis: true },
  'values/bitnami__charts__bitnami__redis__ci__extra-flags-values.yaml': { root: true },
  'values/bitnami__charts__bitnami__redis__ci__production-sentinel-values.yaml': { root: true },
  'values/bitnami__charts__bitnami__redis__ci__sentinel-values.yaml': { root: true },
  'values/bitnami__charts__bitnami__redis__ci__standalone-values.yaml': { root: true },
  'values/bitnami__charts__bitnami__redis__values.yaml': { root: true },
  'values/coopcycle__coopcycle-web__helm__redis__values.yaml': { root: false, redis: true },
  'values/intel__cloud-native-ai-pipeline__helm__redis__values.yaml': { root: false },
  'values/maxmorhardt__k8s__redis__values.yaml': { root: true },
  'values/vuchuc789__cmp9785-cloud-development__infra__helm__values__redis.yaml': { root: true },
  'helmrelease/arthurgeek__home-k8s__kubernetes__apps__databases__redis__app__helmrelease.yaml': { root: false },
  'helmrelease/auricom__home-ops__cluster__apps__databases__redis__helm-release.yaml': { root: true },
  'helmrelease/axeII__home-ops__kubernetes__apps__database__redis__app__helmrelease.yaml': { root: true },
  'helmrelease/brettinternet__cluster__kubernetes__apps__database__redis__app__helmrelease.yaml': { root: true },
  'helmrelease/chrisbsmith__homelab__kubernetes__apps__database__redis__app__helmrelease.yaml': { root: true },
  'helmrelease/damacus__home-ops__kubernetes__apps__database__redis__app__helmrelease.yaml': { root: true },
  'helmrelease/emil-vdw__homelab__apps__redis__helmrelease.yaml': { root: false },
  'helmrelease/enesanbar__gitops-flux__apps__redis__helmrelease.yaml': { root: 'none' },
  'helmrelease/FreekingDean__homelab__kubernetes__apps__default__redis__app__helmrelease.yaml': { root: true },
  'helmrelease/GiorgioAresu__home-ops__kubernetes__apps__database__redis__app__helmrelease.yaml': { root: true },
  'helmrelease/gt005__news_aggregator_infra__apps__redis__helmrelease.yaml': { root: true },
  'helmrelease/h3mmy__bloopySphere__cluster__apps__database__redis__helm-release.yaml': { root: true },
  'helmrelease/jr0dd__home-ops__cluster__apps__databases__redis__helm-release.yaml': { root: true },
  'helmrelease/maksimkurb__home-ops__cluster__apps__database__redis__helm-release.yaml': { root: true },
  'helmrelease/MaRDI4NFDI__portal-k8s__apps__base__redis__release.yaml': { root: true },
  'helmrelease/mitchross__k8s-homelab-cluster-v2__kubernetes__apps__database__redis__app__helmrelease.yaml': { root: true },
  'helmrelease/mmontes11__k8s-iot__infrastructure__redis__helmrelease.yaml': { root: false },
  'helmrelease/nachtschatt3n__cberg-home-nextgen__kubernetes__apps__databases__redis__app__helmrelease.yaml': { root: false },
  'helmrelease/Overmuse__infrastructure__apps__base__redis__release.yaml': { root: 'none' },
  'helmrelease/PrymalInstynct__k8s-cluster__kubernetes__apps__database__redis__app__helmrelease.yaml': { root: true },
  // bitnami redis-cluster chart, not the redis chart
  'helmrelease/rossigee__flux-shared-platform__infrastructure__redis__helmrelease.yaml': { root: false },
  'helmrelease/samip5__k8s-cluster__cluster__apps__databases__redis__helm-release.yaml': { root: false },
  'helmrelease/sclem__k8s-homelab__apps__redis__helmrelease.yaml': { root: 'none' },
  'helmrelease/tyriis__home-ops__cluster__apps__database__redis__helm-release.yaml': { root: true },
  'helmrelease/Vikaspogu__k8s-gitops__kubernetes__apps__database__redis__app__helmrelease.yaml': { root: true },
};

/** The values object of a corpus file: the document itself, or spec.values of its HelmRelease. */
function corpusValues(file: string): unknown {
  const docs = YAML.parseAllDocuments(read(file)).map((d) => d.toJS() as unknown);
  if (file.startsWith('values/')) return docs[0];
  const hr = docs.find((d): d is { spec?: { values?: unknown } } => typeof d === 'object' && d !== null && (d as { kind?: unknown }).kind === 'HelmRelease');
  return hr?.spec?.values ?? undefined;
}

function sourcesNotes(): Map<string, string> {
  const notes = new Map<string, string>();
  for (const line of read('SOURCES.tsv').split('\n').slice(1)) {
    const cols = line.split('\t');
    if (cols.length >= 6) notes.set(cols[0], cols[5]);
  }
  return notes;
}

describe.skipIf(!HAS_CORPUS)(`isBitnamiRedisValues over the shared corpus ${NEEDS_CORPUS}`, () => {
  it('covers every values and HelmRelease file of the corpus', () => {
    const files = ['values', 'helmrelease'].flatMap((dir) => readdirSync(new URL(`${dir}/`, corpus)).map((f) => `${dir}/${f}`));
    expect(Object.keys(EXPECTED).sort()).toEqual(files.sort());
  });

  it('expected verdicts agree with SOURCES.tsv notes', () => {
    const notes = sourcesNotes();
    for (const [file, exp] of Object.entries(EXPECTED)) {
      const note = notes.get(file) ?? '';
      expect(note, file).not.toBe('');
      if (/^NOT bitnami/.test(note) || /redis-cluster|redis-ha/.test(note)) expect(exp.root, file).not.toBe(true);
      if (/umbrella|wrapper/.test(note)) expect(exp.root, file).toBe(false);
    }
  });

  for (const [file, exp] of Object.entries(EXPECTED)) {
    it(file, () => {
      const values = corpusValues(file);
      const evidence = bitnamiRedisEvidence(values);
      const detail = JSON.stringify(evidence);
      if (exp.root === 'none') {
        expect(values, file).toBeUndefined();
        expect(isBitnamiRedisValues(values)).toBe(false);
        return;
      }
      expect(isBitnamiRedisValues(values), detail).toBe(exp.root);
      if (exp.redis !== undefined) {
        const nested = (values as Record<string, unknown>).redis;
        expect(isBitnamiRedisValues(nested), JSON.stringify(bitnamiRedisEvidence(nested))).toBe(exp.redis);
        expect(findBitnamiRedisValues(values)?.path ?? null).toEqual(exp.redis ? ['redis'] : null);
      } else if (exp.root) {
        expect(findBitnamiRedisValues(values)?.path).toEqual([]);
      }
    });
  }

  it('the nested redis-ha values of the argo-cd umbrella are not Bitnami redis', () => {
    const v = corpusValues('values/argoproj__argo-cd__manifests__ha__base__redis-ha__chart__values.yaml') as Record<string, unknown>;
    const evidence = bitnamiRedisEvidence(v['redis-ha']);
    expect(evidence.verdict).toBe(false);
    expect(evidence.negative.join(' ')).toMatch(/redis-ha/);
  });

  it('rejects synthetic look-alikes', () => {
    // custom chart with top-level image/resources/persistence only
    expect(isBitnamiRedisValues({ image: { repository: 'redis', tag: '7' }, resources: { limits: { memory: '1Gi' } }, persistence: { enabled: true, size: '1Gi' } })).toBe(false);
    // OT-Container-Kit redis-operator
    expect(isBitnamiRedisValues({ redisStandalone: { image: 'quay.io/opstree/redis' }, kubernetesConfig: {}, architecture: 'standalone' })).toBe(false);
    expect(isBitnamiRedisValues({ redisCluster: { clusterSize: 3 } })).toBe(false);
    // dandydev redis-ha
    expect(isBitnamiRedisValues({ redis: { config: { save: '""' } }, persistentVolume: { enabled: true }, hardAntiAffinity: true, sentinel: { quorum: 2 } })).toBe(false);
    // bjw-s app-template with an architecture key still vetoed
    expect(isBitnamiRedisValues({ controllers: { main: {} }, architecture: 'standalone' })).toBe(false);
    expect(isBitnamiRedisValues(null)).toBe(false);
    expect(isBitnamiRedisValues([{ architecture: 'standalone' }])).toBe(false);
    expect(isBitnamiRedisValues('architecture: standalone')).toBe(false);
    // a lone auth block is not enough
    expect(isBitnamiRedisValues({ auth: { enabled: false } })).toBe(false);
    expect(isBitnamiRedisValues({ auth: { enabled: false }, master: { persistence: { enabled: false } } })).toBe(true);
  });
});
