import { parseQuantity } from '../model/units.js';

/**
 * Facts about the Bitnami `redis` Helm chart (github.com/bitnami/charts, path `bitnami/redis`)
 * that redis-lint needs, per chart version, as plain data and small pure functions.
 *
 * Every fact names the chart version and file it was read from; the commits are listed in
 * {@link BITNAMI_REDIS_SOURCES}. Where a fact was read in a byte-identical fork of bitnami/charts
 * (the index did not hold bitnami/charts at that version) the fork is named. Facts marked
 * "changelog" come from bitnami/redis/CHANGELOG.md entries and were not read in the values file
 * of that exact version.
 *
 * Umbrella charts (mastodon, oauth2-proxy, wrapper charts) nest all of these values under their
 * `redis:` key; {@link findBitnamiRedisValues} finds them.
 */

// ---------------------------------------------------------------------------------------------
// Provenance
// ---------------------------------------------------------------------------------------------

/** One file read to establish the facts in this module. */
export interface ChartSource {
  repo: string;
  path: string;
  commit: string;
  /** chart version of that tree (from its Chart.yaml or image tags) */
  chartVersion: string;
  checked: string;
}

/** The chart files the facts here were verified against (repo, path, commit). */
export const BITNAMI_REDIS_SOURCES: readonly ChartSource[] = [
  { repo: 'bitnami/charts', path: 'bitnami/redis/Chart.yaml', commit: '0086d7510e716784eed7cd60159a9d9a514f1c79', chartVersion: '12.7.4', checked: 'appVersion 6.0.10' },
  { repo: 'bitnami/charts', path: 'bitnami/redis/Chart.yaml', commit: 'bd27919aa0bdf6a7cdedc99ccadf14389436e775', chartVersion: '15.7.4', checked: 'appVersion 6.2.6' },
  { repo: 'bitnami/charts', path: 'bitnami/redis/values.yaml', commit: 'bd27919aa0bdf6a7cdedc99ccadf14389436e775', chartVersion: '15.7.4', checked: 'all defaults and top-level keys (no startupProbe, no master.count/kind, resources {limits:{},requests:{}}, sentinel.failoverTimeout 18000)' },
  { repo: 'bitnami/charts', path: 'bitnami/redis/templates/scripts-configmap.yaml', commit: '008dc48140ef99d6043a63116917a38da378f84e', chartVersion: '15.x', checked: 'sentinel start-node.sh: --include master.conf|replica.conf, then --include redis.conf, then replica.extraFlags' },
  { repo: 'bitnami/charts', path: 'bitnami/redis/README.md', commit: '4322d610bb1e1dfdb4194e7c113dc37f8e1a60dc', chartVersion: '17.7/17.8 (image 7.0.8)', checked: 'parameter tables: master/replica/sentinel probes, master.count, master.kind, sentinel.failoverTimeout 180000' },
  { repo: 'bitnami/charts', path: 'bitnami/redis/templates/master/application.yaml', commit: 'bfcc3d9d13ee0acbe469e922e5f267b374181d3a', chartVersion: '17.x', checked: 'master not rendered when sentinel.enabled; resources only from master.resources (pre-preset); probe timeoutSeconds rendered +1' },
  { repo: 'bitnami/charts', path: 'bitnami/redis/Chart.yaml', commit: '768d762b4686b15b7c92ef299da4976a569df933', chartVersion: '18.3.0', checked: 'appVersion 7.2.3' },
  { repo: 'bitnami/charts', path: 'bitnami/redis/values.yaml', commit: '768d762b4686b15b7c92ef299da4976a569df933', chartVersion: '18.3.0', checked: 'all defaults and top-level keys (runAsGroup 0, runAsNonRoot true, networkPolicy.enabled false, sentinel probes 20/10/5/6)' },
  { repo: 'bitnami/charts', path: 'bitnami/redis/Chart.yaml', commit: '5fad2307b22f2332b509585c4708851739449613', chartVersion: '19.3.0', checked: 'appVersion 7.2.4' },
  { repo: 'ahilesus/bitnami', path: 'bitnami/redis/values.yaml', commit: 'ed8c7aea8bfffe3f161b0522a711aae0a4454f89', chartVersion: '19.6.0', checked: 'resourcesPreset nano, resources {}, runAsGroup 1001, readOnlyRootFilesystem true, usePasswordFiles false, pdb {} deprecated' },
  { repo: 'dustinkirkland/charts', path: 'bitnami/redis/values.yaml', commit: '7f9c58bd606465a00076dac56db08efca2f97b9f', chartVersion: '20.x (image 7.4.1)', checked: 'master defaults as 19.6.0, usePasswordFiles false' },
  { repo: 'powerkits/Bitnami-charts', path: 'bitnami/redis/Chart.yaml', commit: 'da6fa1a548e3ae0ffac4b73bca608f1fa2bc06bd', chartVersion: '20.6.2', checked: 'appVersion 7.4.2' },
  { repo: 'nicolas-laduguie/bitnami-charts', path: 'bitnami/redis/Chart.yaml', commit: 'dfd2c58f33648688e57cf1392d01185b8e2a2edc', chartVersion: '21.1.5', checked: 'appVersion 8.0.1' },
  { repo: 'nicolas-laduguie/bitnami-charts', path: 'bitnami/redis/templates/scripts-configmap.yaml', commit: '9de9b13416f0de4eda99509d4a2b306aae91e12a', chartVersion: '21.x', checked: 'include order of start-master.sh, start-replica.sh, start-node.sh (sentinel)' },
  { repo: 'ryandis44/bitnami-helm-charts', path: 'bitnami/redis/Chart.yaml', commit: '70590c1e1c595a3bde13f83bae9d4c18988f85a5', chartVersion: '21.2.12', checked: 'appVersion 8.0.3' },
  { repo: 'ryandis44/bitnami-helm-charts', path: 'bitnami/redis/values.yaml', commit: '1a9a5f42a7a076f59f2eeeb95ea1c9d91868721a', chartVersion: '21.x (image 8.0.2)', checked: 'usePasswordFiles true, configmap/secret checksum keys, master defaults as 23.1.1' },
  { repo: 'cloudcops/charts', path: 'bitnami/redis/Chart.yaml', commit: '2940f99e96ee1fd6c10220970831898655368913', chartVersion: '21.2.18', checked: 'appVersion 8.2.0 (fork mirror)' },
  { repo: 'jascott1/charts', path: 'bitnami/redis/Chart.yaml', commit: 'e40f772a1f8dfd47585dd0356914b5b84ce111c5', chartVersion: '22.0.5', checked: 'appVersion 8.2.1' },
  { repo: 'C4tWithShell/bitnami-charts', path: 'bitnami/redis/Chart.yaml', commit: '5535157eade5291b850286c98cb2bfdd021e5727', chartVersion: '23.1.1', checked: 'appVersion 8.2.1' },
  { repo: 'bitnami/charts', path: 'bitnami/redis/values.yaml', commit: '5165628ae06697f8f68a670bef7739d93c4b7f44', chartVersion: '23.1.1', checked: 'all defaults and keys (local corpus copy)' },
  { repo: 'bitnami/charts', path: 'bitnami/redis/templates/configmap.yaml', commit: '06a7f9aef170014ad00b078a09a4fc100016c0bd', chartVersion: '18.x', checked: 'redis.conf/master.conf/replica.conf contents; only rendered when existingConfigmap is empty' },
  { repo: 'bitnami/charts', path: 'bitnami/redis/templates/_helpers.tpl', commit: '5c0f77d4a023db3e9baac3de7b5389112456c133', chartVersion: '19.x+', checked: 'redis.createConfigmap = empty existingConfigmap; sentinel needs architecture=replication' },
  { repo: 'bitnami/charts', path: 'bitnami/redis/templates/replicas/application.yaml', commit: '5205f78db524050fe1c3922c1d13bee321a05c0a', chartVersion: '19.x+', checked: 'resources: replica.resources if non-empty, else preset unless "none"' },
  { repo: 'bitnami/charts', path: 'bitnami/redis/templates/sentinel/statefulset.yaml', commit: '5205f78db524050fe1c3922c1d13bee321a05c0a', chartVersion: '19.x+', checked: 'node StatefulSet: replicas=replica.replicaCount, redis container uses replica.*, terminationGracePeriodSeconds=sentinel.*' },
  { repo: 'bitnami/charts', path: 'bitnami/common/templates/_resources.tpl', commit: '01e4f0ea6c289931c7399962f37aed263f391442', chartVersion: 'common 2.x (VMware era)', checked: 'preset table' },
  { repo: 'bitnami/charts', path: 'bitnami/common/templates/_resources.tpl', commit: '9d8af7c163296ed87022e8fdb2dff74643af1d0e', chartVersion: 'common 2.x (Broadcom era)', checked: 'preset table (identical)' },
];

// ---------------------------------------------------------------------------------------------
// Chart versions
// ---------------------------------------------------------------------------------------------

/** A chart version; for a range, the lowest version it mentions. */
export interface ChartVersion {
  major: number;
  minor: number;
  patch: number;
  /** false when minor/patch were wildcards or missing (`17.x`, `~18`, `>=17.0.0 <18` is exact) */
  exact: boolean;
}

/** Highest chart major with verified facts; newer majors fall back to it. */
export const LATEST_KNOWN_MAJOR = 23;
/** Lowest chart major with verified defaults (chart 14.0.0 introduced the architecture/auth/replica layout). */
export const OLDEST_KNOWN_MAJOR = 15;

/**
 * Parse a chart version or semver range: `19.5.1`, `17.x`, `15.5.x`, `~18`, `^19.0.0`,
 * `>=17.0.0 <18`, `v17.3.5`, `18.19.4-legacy`, `a || b`. Returns the lowest version mentioned by
 * a comparator that is not an upper bound (`<`, `<=`); undefined for `*`, `latest`, empty, or a
 * range with upper bounds only.
 */
export function parseChartVersion(spec: string | number | undefined): ChartVersion | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec === 'number') {
    if (!Number.isFinite(spec) || spec < 0) return undefined;
    return { major: Math.floor(spec), minor: 0, patch: 0, exact: false };
  }
  let best: ChartVersion | undefined;
  for (const alt of spec.split('||')) {
    const tokens = alt.trim().replace(/([<>=^~]+)\s+/g, '$1').split(/\s+/).filter(Boolean);
    // hyphen range "1.2.3 - 2.3.4": the first token is the lower bound
    for (const token of tokens) {
      if (token === '-') continue;
      const m = /^(<=|>=|<|>|=|\^|~>|~)?v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:[-+].*)?$/.exec(token);
      if (!m) continue;
      const op = m[1] ?? '';
      if (op === '<' || op === '<=') continue;
      if (!/^\d+$/.test(m[2])) continue;
      const minorWild = m[3] === undefined || !/^\d+$/.test(m[3]);
      const patchWild = minorWild || m[4] === undefined || !/^\d+$/.test(m[4]);
      const v: ChartVersion = {
        major: Number(m[2]),
        minor: minorWild ? 0 : Number(m[3]),
        patch: patchWild ? 0 : Number(m[4]),
        exact: !patchWild,
      };
      if (!best || compare(v, best) < 0) best = v;
    }
  }
  return best;
}

function compare(a: { major: number; minor: number; patch: number }, b: { major: number; minor: number; patch: number }): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** a >= "M.m.p" */
function atLeast(v: ChartVersion, ref: string): boolean {
  const [major, minor, patch] = ref.split('.').map(Number);
  return compare(v, { major, minor: minor ?? 0, patch: patch ?? 0 }) >= 0;
}

/** Chart version from a number (a major) or a version string; undefined when not understood. */
function toVersion(chart: number | string | ChartVersion | undefined): ChartVersion | undefined {
  if (chart !== undefined && typeof chart === 'object') return chart;
  return parseChartVersion(chart);
}

// ---------------------------------------------------------------------------------------------
// Redis version per chart version
// ---------------------------------------------------------------------------------------------

export interface RedisVersion {
  major: number;
  minor: number;
  /** `major.minor` */
  label: string;
}

/** Result of {@link redisVersionForChart}. `known` is false when the chart version is not understood or not in the table. */
export interface RedisVersionForChart {
  known: boolean;
  /** chart major of the (lowest) version mentioned; undefined when the version string is not understood */
  chartMajor: number | undefined;
  chartVersion: ChartVersion | undefined;
  /** Redis major.minor of the chart's default image; null when unknown */
  redis: RedisVersion | null;
  major: number | undefined;
  minor: number | undefined;
  /** `7.2`, or `unknown` */
  label: string;
  /** caveat, e.g. the version changes within the chart major */
  note?: string;
  /** for chart majors newer than the table: the Redis version of the latest verified major */
  atLeast?: RedisVersion;
}

function rv(major: number, minor: number): RedisVersion {
  return { major, minor, label: `${major}.${minor}` };
}

/**
 * Redis version (Chart.yaml appVersion) per chart major, with the in-major switches observed:
 *
 * | chart | Redis | evidence |
 * |---|---|---|
 * | 12 | 6.0 | bitnami/charts@0086d75 Chart.yaml 12.7.4 appVersion 6.0.10 |
 * | 13–14 | 6.2 | README "To 13.0.0" (6.0 -> 6.2); gwvandesteeg/charts-1 Chart.yaml 14.8.4 appVersion 6.2.5 |
 * | 15 | 6.2 | bitnami/charts@bd27919 Chart.yaml 15.7.4 appVersion 6.2.6 |
 * | 16 | 6.2 | README "To 17.0.0" (6.2 -> 7.0); axioscode fork Chart.yaml 16.11.1 appVersion 6.2.7 |
 * | 17 | 7.0, **7.2 from 17.15.4** | ChrisNoSim fork 17.9.0 / Nickmman fork 17.9.5 appVersion 7.0.x; README "To 18.0.0": "versions higher or equal than 17.15.4 already use 7.2" |
 * | 18 | 7.2 | bitnami/charts@768d762 Chart.yaml 18.3.0 appVersion 7.2.3 |
 * | 19 | 7.2 | bitnami/charts@5fad230 Chart.yaml 19.3.0 appVersion 7.2.4 |
 * | 20 | 7.4 | README "To 20.0.0" (7.2 -> 7.4); powerkits fork Chart.yaml 20.6.2 appVersion 7.4.2 |
 * | 21 | 8.0, **8.2 from 21.2.18** | nicolas-laduguie fork 21.1.5 (8.0.1), ryandis44 fork 21.2.12 (8.0.3); cloudcops fork 21.2.18 appVersion 8.2.0 |
 * | 22 | 8.2 | jascott1 fork Chart.yaml 22.0.5 appVersion 8.2.1 |
 * | 23 | 8.2 | forks at 23.0.3, 23.0.5, 23.0.7, 23.1.1: appVersion 8.2.1 |
 */
const REDIS_BY_MAJOR: Readonly<Record<number, { redis: RedisVersion; from?: { version: string; redis: RedisVersion } }>> = {
  12: { redis: rv(6, 0) },
  13: { redis: rv(6, 2) },
  14: { redis: rv(6, 2) },
  15: { redis: rv(6, 2) },
  16: { redis: rv(6, 2) },
  17: { redis: rv(7, 0), from: { version: '17.15.4', redis: rv(7, 2) } },
  18: { redis: rv(7, 2) },
  19: { redis: rv(7, 2) },
  20: { redis: rv(7, 4) },
  21: { redis: rv(8, 0), from: { version: '21.2.18', redis: rv(8, 2) } },
  22: { redis: rv(8, 2) },
  23: { redis: rv(8, 2) },
};

/**
 * Redis version shipped by a Bitnami redis chart version (its Chart.yaml `appVersion` / default
 * `image.tag`). Accepts exact versions and ranges (`17.x`, `>=17.0.0 <18`, `^19.0.0`, `15.5.x`,
 * `~18`): a range is resolved to the lowest version it mentions.
 *
 * Corrections to the commonly assumed mapping (chart Chart.yaml, see table on REDIS_BY_MAJOR):
 * chart 17.15.4+ already ships 7.2; chart 21.2.18+ ships 8.2; chart 22 and 23 ship 8.2 (not 8.0).
 * Chart majors above {@link LATEST_KNOWN_MAJOR} give `known: false` with `atLeast` 8.2.
 */
export function redisVersionForChart(chartVersion: string | number | undefined): RedisVersionForChart {
  const v = parseChartVersion(chartVersion);
  const unknown = (reason: string, extra: Partial<RedisVersionForChart> = {}): RedisVersionForChart => ({
    known: false,
    chartMajor: v?.major,
    chartVersion: v,
    redis: null,
    major: undefined,
    minor: undefined,
    label: 'unknown',
    note: reason,
    ...extra,
  });
  if (!v) return unknown(chartVersion === undefined ? 'no chart version' : `chart version "${chartVersion}" not understood`);
  const row = REDIS_BY_MAJOR[v.major];
  if (!row) {
    if (v.major > LATEST_KNOWN_MAJOR) {
      return unknown(`chart ${v.major}.x is newer than the verified table (chart ${LATEST_KNOWN_MAJOR} ships Redis 8.2)`, { atLeast: rv(8, 2) });
    }
    return unknown(`chart ${v.major}.x predates the verified table (chart 12+)`);
  }
  let redis = row.redis;
  let note: string | undefined;
  if (row.from) {
    if (atLeast(v, row.from.version)) redis = row.from.redis;
    else if (!v.exact) note = `chart ${row.from.version}+ ships Redis ${row.from.redis.label}`;
  }
  return { known: true, chartMajor: v.major, chartVersion: v, redis, major: redis.major, minor: redis.minor, label: redis.label, ...(note ? { note } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Resource presets (bitnami/common templates/_resources.tpl)
// ---------------------------------------------------------------------------------------------

export type ResourcesPresetName = 'none' | 'nano' | 'micro' | 'small' | 'medium' | 'large' | 'xlarge' | '2xlarge';

export interface PresetResources {
  requests: { cpu: string; memory: string; 'ephemeral-storage': string };
  limits: { cpu: string; memory: string; 'ephemeral-storage': string };
}

/**
 * `common.resources.preset` table, bitnami/common templates/_resources.tpl (identical at
 * bitnami/charts@01e4f0e and @9d8af7c). Note 2xlarge requests equal xlarge's (1.5 CPU, 4096Mi).
 */
export const RESOURCES_PRESETS: Readonly<Record<Exclude<ResourcesPresetName, 'none'>, PresetResources>> = {
  nano: { requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '50Mi' }, limits: { cpu: '150m', memory: '192Mi', 'ephemeral-storage': '1024Mi' } },
  micro: { requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '50Mi' }, limits: { cpu: '375m', memory: '384Mi', 'ephemeral-storage': '1024Mi' } },
  small: { requests: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '50Mi' }, limits: { cpu: '750m', memory: '768Mi', 'ephemeral-storage': '1024Mi' } },
  medium: { requests: { cpu: '500m', memory: '1024Mi', 'ephemeral-storage': '50Mi' }, limits: { cpu: '750m', memory: '1536Mi', 'ephemeral-storage': '1024Mi' } },
  large: { requests: { cpu: '1.0', memory: '2048Mi', 'ephemeral-storage': '50Mi' }, limits: { cpu: '1.5', memory: '3072Mi', 'ephemeral-storage': '1024Mi' } },
  xlarge: { requests: { cpu: '1.5', memory: '4096Mi', 'ephemeral-storage': '50Mi' }, limits: { cpu: '3.0', memory: '6144Mi', 'ephemeral-storage': '1024Mi' } },
  '2xlarge': { requests: { cpu: '1.5', memory: '4096Mi', 'ephemeral-storage': '50Mi' }, limits: { cpu: '6.0', memory: '12288Mi', 'ephemeral-storage': '1024Mi' } },
};

const MI = 1024 * 1024;

/**
 * True when the chart version reads `<role>.resourcesPreset`: added in chart 18.14.0 (CHANGELOG
 * "Add resource preset support (#23516)"; templates/replicas/application.yaml @5205f78:
 * `if .Values.replica.resources` ... `else if ne .Values.replica.resourcesPreset "none"`).
 * A bare major counts as supporting presets from 18 (18.14+); pass a full version for 18.x.
 */
export function resourcesPresetSupported(chart: number | string): boolean {
  const v = toVersion(chart);
  if (!v) return false;
  return typeof chart === 'number' ? v.major >= 18 : atLeast(v, '18.14.0');
}

function presetEntry(preset: string, chart: number | string): PresetResources | null {
  if (!resourcesPresetSupported(chart)) return null;
  if (!Object.prototype.hasOwnProperty.call(RESOURCES_PRESETS, preset)) return null;
  return RESOURCES_PRESETS[preset as Exclude<ResourcesPresetName, 'none'>];
}

/**
 * Memory limit in bytes a `resourcesPreset` renders (bitnami/common _resources.tpl): nano 192Mi,
 * micro 384Mi, small 768Mi, medium 1536Mi, large 3072Mi, xlarge 6144Mi, 2xlarge 12288Mi.
 * null for `none`, for names the template rejects (helm template fails on them), and for chart
 * versions without preset support (before 18.14.0, the key is ignored). The preset applies only
 * when the role's `resources` map is empty (see {@link effectiveResources}).
 */
export function resourcesPresetMemoryLimit(preset: string, chartMajor: number | string): number | null {
  const e = presetEntry(preset, chartMajor);
  return e ? Number.parseInt(e.limits.memory, 10) * MI : null;
}

/** Memory request in bytes a `resourcesPreset` renders (nano 128Mi ... xlarge/2xlarge 4096Mi); null as for the limit. */
export function resourcesPresetMemoryRequest(preset: string, chartMajor: number | string): number | null {
  const e = presetEntry(preset, chartMajor);
  return e ? Number.parseInt(e.requests.memory, 10) * MI : null;
}

// ---------------------------------------------------------------------------------------------
// Defaults per chart version
// ---------------------------------------------------------------------------------------------

export interface ProbeDefaults {
  enabled: boolean;
  initialDelaySeconds: number;
  periodSeconds: number;
  /**
   * As written in values. The master/replica templates render `timeoutSeconds: add1 value`
   * (templates/master/application.yaml @bfcc3d9, replicas/application.yaml @5205f78): 5 becomes 6.
   * The sentinel-mode redis container renders the value as is (sentinel/statefulset.yaml @5205f78).
   */
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export interface ResourcesValue {
  limits?: Record<string, string>;
  requests?: Record<string, string>;
}

export interface PersistenceDefaults {
  enabled: boolean;
  path: string;
  size: string;
  medium: string;
  /** emptyDir sizeLimit (used when persistence is disabled), since 16.5.3 */
  sizeLimit?: string;
  /** replica.persistence.existingClaim since 16.11.0; master always */
  existingClaim?: string;
  storageClass: string;
  accessModes: string[];
}

export interface PodSecurityContextDefaults {
  enabled: boolean;
  fsGroup: number;
}

export interface ContainerSecurityContextDefaults {
  enabled: boolean;
  runAsUser: number;
  /** 0 from 17.14.0, 1001 from 19.0.0 */
  runAsGroup?: number;
  /** true from 17.14.0 */
  runAsNonRoot?: boolean;
  /** true from 19.0.0 */
  readOnlyRootFilesystem?: boolean;
}

export interface RoleDefaults {
  configuration: string;
  extraFlags: string[];
  disableCommands: string[];
  /** `{limits: {}, requests: {}}` before 18.14.0, `{}` after */
  resources: ResourcesValue;
  /** absent before 18.14.0; `none` 18.14.0–18.x; `nano` from 19.0.0 */
  resourcesPreset?: ResourcesPresetName;
  podSecurityContext: PodSecurityContextDefaults;
  containerSecurityContext: ContainerSecurityContextDefaults;
  /** absent in 15.x */
  startupProbe?: ProbeDefaults;
  livenessProbe: ProbeDefaults;
  readinessProbe: ProbeDefaults;
  terminationGracePeriodSeconds: number;
  persistence: PersistenceDefaults;
}

export interface MasterDefaults extends RoleDefaults {
  /** since 16.12.0 */
  count?: number;
  /** since 16.4.0 (StatefulSet | Deployment; DaemonSet since 18.4.0) */
  kind?: string;
}

export interface ReplicaDefaults extends RoleDefaults {
  replicaCount: number;
  /** since 18.3.0 (StatefulSet | DaemonSet) */
  kind?: string;
}

export interface SentinelDefaults {
  enabled: boolean;
  masterSet: string;
  quorum: number;
  downAfterMilliseconds: number;
  failoverTimeout: number;
  parallelSyncs: number;
  configuration: string;
  resources: ResourcesValue;
  resourcesPreset?: ResourcesPresetName;
  containerSecurityContext: ContainerSecurityContextDefaults;
  startupProbe?: ProbeDefaults;
  livenessProbe: ProbeDefaults;
  readinessProbe: ProbeDefaults;
  /** also the grace period of the whole node pod in sentinel mode (sentinel/statefulset.yaml) */
  terminationGracePeriodSeconds: number;
  /** sentinel.persistence (experimental), since 16.5.0 */
  persistence?: { enabled: boolean; size: string };
}

/** The subset of the chart's default values that redis-lint evaluates. */
export interface BitnamiValues {
  architecture: 'standalone' | 'replication';
  auth: { enabled: boolean; sentinel: boolean; password: string; existingSecret: string; usePasswordFiles: boolean };
  /** text of redis.conf (every node), see {@link configLayers} */
  commonConfiguration: string;
  existingConfigmap: string;
  master: MasterDefaults;
  replica: ReplicaDefaults;
  sentinel: SentinelDefaults;
  networkPolicy: { enabled: boolean };
  volumePermissions: { enabled: boolean };
  metrics: { enabled: boolean };
}

/**
 * Default `commonConfiguration` (identical in every verified version: values.yaml 15.7.4, 18.3.0,
 * 19.6.0, 20.x, 21.x, 23.1.1; rendered 16.x configmap in the corpus): AOF on, RDB off.
 */
export const DEFAULT_COMMON_CONFIGURATION =
  '# Enable AOF https://redis.io/topics/persistence#append-only-file\nappendonly yes\n# Disable RDB persistence, AOF persistence already enabled.\nsave ""';

function probe(enabled: boolean, initialDelaySeconds: number, periodSeconds: number, timeoutSeconds: number, failureThreshold: number): ProbeDefaults {
  return { enabled, initialDelaySeconds, periodSeconds, timeoutSeconds, successThreshold: 1, failureThreshold };
}

/**
 * A chart-version boundary inside a major that changes a default this module models.
 * `source` says how it was established.
 */
export interface DefaultChange {
  since: string;
  path: string;
  change: string;
  source: string;
}

/** In-major default changes (chart versions where a value differs from the major's x.0.0). */
export const DEFAULT_CHANGES: readonly DefaultChange[] = [
  { since: '16.0.0', path: 'master/replica/sentinel.startupProbe', change: 'startupProbe values added (master disabled 20/5/5/5, replica+sentinel enabled 10/10/5/22)', source: 'absent in 15.7.4 values; present in 17.x README; exact 16.x version not verified' },
  { since: '16.4.0', path: 'master.kind', change: 'added (StatefulSet)', source: 'CHANGELOG 16.4.0 (#8846); 17.x README' },
  { since: '16.5.0', path: 'sentinel.persistence', change: 'added (enabled false, 100Mi)', source: 'CHANGELOG 16.5.0 (#9282); 17.x README, 18.3.0 values' },
  { since: '16.5.3', path: 'master/replica.persistence.sizeLimit', change: 'added ("")', source: 'CHANGELOG 16.5.3 (#9418); 17.x README' },
  { since: '16.11.0', path: 'replica.persistence.existingClaim', change: 'added ("")', source: 'CHANGELOG 16.11.0 (#10507); 17.x README' },
  { since: '16.12.0', path: 'master.count', change: 'added (1)', source: 'CHANGELOG 16.12.0 (#10047); 17.x README' },
  { since: '17.0.0', path: 'sentinel.failoverTimeout', change: '18000 -> 180000', source: '15.7.4 values 18000, 17.7/17.8 README 180000; exact version not verified' },
  { since: '17.11.4', path: 'sentinel.livenessProbe/readinessProbe', change: 'liveness 20/5/5/5 -> 20/10/5/6, readiness failureThreshold 5 -> 6', source: 'CHANGELOG 17.11.4 (#17103); values 18.3.0' },
  { since: '17.14.0', path: '*.containerSecurityContext', change: 'runAsGroup 0, runAsNonRoot true, allowPrivilegeEscalation false, seccomp RuntimeDefault, drop ALL added', source: 'CHANGELOG 17.14.0 (#17237); values 18.3.0' },
  { since: '17.15.4', path: 'image.tag', change: 'Redis 7.0 -> 7.2', source: 'README "To 18.0.0" note' },
  { since: '18.3.0', path: 'replica.kind', change: 'added (StatefulSet)', source: 'CHANGELOG 18.3.0 (#20003); values 18.3.0' },
  { since: '18.11.0', path: 'networkPolicy.enabled', change: 'false -> true', source: 'CHANGELOG 18.11.0 (#22738); values 18.3.0 false, 23.1.1 true' },
  { since: '18.14.0', path: '*.resourcesPreset, *.resources', change: 'resourcesPreset "none" added, resources {limits:{},requests:{}} -> {}', source: 'CHANGELOG 18.14.0 (#23516); README "To 19.0.0" (preset "none" before 19)' },
  { since: '19.0.0', path: '*.resourcesPreset', change: '"none" -> "nano" (192Mi memory limit)', source: 'README "To 19.0.0"; values 19.6.0' },
  { since: '19.0.0', path: '*.containerSecurityContext', change: 'runAsGroup 0 -> 1001, readOnlyRootFilesystem true', source: 'README "To 19.0.0"; values 19.6.0' },
  { since: '19.5.0', path: 'master/replica.pdb', change: 'PodDisruptionBudgets created by default (top-level pdb deprecated)', source: 'CHANGELOG 19.5.0 (#26355); values 19.6.0 `pdb: {}`' },
  { since: '20.10.0', path: 'auth.usePasswordFiles', change: 'false -> true', source: 'CHANGELOG 20.10.0 (#32117); values 20.x false, 21.x true' },
  { since: '21.2.18', path: 'image.tag', change: 'Redis 8.0 -> 8.2', source: 'cloudcops fork Chart.yaml 21.2.18' },
];

/**
 * Default values (the lint-relevant subset) of the Bitnami redis chart. A number means the
 * major's x.0.0; pass a full version (`"18.14.0"`) for in-major changes ({@link DEFAULT_CHANGES}).
 * Verified against values.yaml of 15.7.4, 18.3.0, 19.6.0, 20.x, 21.x, 23.1.1 and the README
 * parameter tables of 17.7/17.8 (see {@link BITNAMI_REDIS_SOURCES}); 16.x is 15.7.4 plus the
 * CHANGELOG additions. Majors below 15 get 15.0.0 defaults (13/14 share the layout, not verified),
 * majors above {@link LATEST_KNOWN_MAJOR} get that major's defaults; unparsable input gets the latest.
 *
 * Defaults stable in all verified versions: architecture replication, auth.enabled true,
 * commonConfiguration {@link DEFAULT_COMMON_CONFIGURATION}, master/replica persistence enabled 8Gi
 * at /data, replica.replicaCount 3, podSecurityContext fsGroup 1001, runAsUser 1001, liveness
 * 20/5/5/5 and readiness 20/5/1/5 (initialDelay/period/timeout/failureThreshold) on master and
 * replica, terminationGracePeriodSeconds 30, sentinel.enabled false with quorum 2,
 * volumePermissions.enabled false.
 */
export function bitnamiDefaults(chart: number | string | ChartVersion): BitnamiValues {
  let v = toVersion(chart) ?? { major: LATEST_KNOWN_MAJOR, minor: 0, patch: 0, exact: false };
  if (v.major < OLDEST_KNOWN_MAJOR) v = { major: OLDEST_KNOWN_MAJOR, minor: 0, patch: 0, exact: false };
  if (v.major > LATEST_KNOWN_MAJOR) v = { major: LATEST_KNOWN_MAJOR, minor: 0, patch: 0, exact: false };
  const at = (ref: string): boolean => atLeast(v, ref);

  const resources = (): ResourcesValue => (at('18.14.0') ? {} : { limits: {}, requests: {} });
  const preset: ResourcesPresetName | undefined = at('19.0.0') ? 'nano' : at('18.14.0') ? 'none' : undefined;
  const csc = (): ContainerSecurityContextDefaults => ({
    enabled: true,
    runAsUser: 1001,
    ...(at('17.14.0') ? { runAsGroup: at('19.0.0') ? 1001 : 0, runAsNonRoot: true } : {}),
    ...(at('19.0.0') ? { readOnlyRootFilesystem: true } : {}),
  });
  const persistence = (existingClaim: boolean): PersistenceDefaults => ({
    enabled: true,
    path: '/data',
    size: '8Gi',
    medium: '',
    ...(at('16.5.3') ? { sizeLimit: '' } : {}),
    ...(existingClaim ? { existingClaim: '' } : {}),
    storageClass: '',
    accessModes: ['ReadWriteOnce'],
  });
  const role = (startup: ProbeDefaults, existingClaim: boolean): RoleDefaults => ({
    configuration: '',
    extraFlags: [],
    disableCommands: ['FLUSHDB', 'FLUSHALL'],
    resources: resources(),
    ...(preset ? { resourcesPreset: preset } : {}),
    podSecurityContext: { enabled: true, fsGroup: 1001 },
    containerSecurityContext: csc(),
    ...(at('16.0.0') ? { startupProbe: startup } : {}),
    livenessProbe: probe(true, 20, 5, 5, 5),
    readinessProbe: probe(true, 20, 5, 1, 5),
    terminationGracePeriodSeconds: 30,
    persistence: persistence(existingClaim),
  });

  const master: MasterDefaults = {
    ...(at('16.12.0') ? { count: 1 } : {}),
    ...(at('16.4.0') ? { kind: 'StatefulSet' } : {}),
    ...role(probe(false, 20, 5, 5, 5), true),
  };
  const replica: ReplicaDefaults = {
    replicaCount: 3,
    ...(at('18.3.0') ? { kind: 'StatefulSet' } : {}),
    ...role(probe(true, 10, 10, 5, 22), at('16.11.0')),
  };
  const newSentinelProbes = at('17.11.4');
  const sentinel: SentinelDefaults = {
    enabled: false,
    masterSet: 'mymaster',
    quorum: 2,
    downAfterMilliseconds: 60000,
    failoverTimeout: at('17.0.0') ? 180000 : 18000,
    parallelSyncs: 1,
    configuration: '',
    resources: resources(),
    ...(preset ? { resourcesPreset: preset } : {}),
    containerSecurityContext: csc(),
    ...(at('16.0.0') ? { startupProbe: probe(true, 10, 10, 5, 22) } : {}),
    livenessProbe: newSentinelProbes ? probe(true, 20, 10, 5, 6) : probe(true, 20, 5, 5, 5),
    readinessProbe: newSentinelProbes ? probe(true, 20, 5, 1, 6) : probe(true, 20, 5, 1, 5),
    terminationGracePeriodSeconds: 30,
    ...(at('16.5.0') ? { persistence: { enabled: false, size: '100Mi' } } : {}),
  };
  return {
    architecture: 'replication',
    auth: { enabled: true, sentinel: true, password: '', existingSecret: '', usePasswordFiles: at('20.10.0') },
    commonConfiguration: DEFAULT_COMMON_CONFIGURATION,
    existingConfigmap: '',
    master,
    replica,
    sentinel,
    networkPolicy: { enabled: at('18.11.0') },
    volumePermissions: { enabled: false },
    metrics: { enabled: false },
  };
}

// ---------------------------------------------------------------------------------------------
// Effective resources
// ---------------------------------------------------------------------------------------------

export interface EffectiveResources {
  /**
   * where the container's resources come from: the role's `resources` map, the preset, or
   * nothing (also when the map is `{limits: {}, requests: {}}`, which suppresses the preset)
   */
  source: 'resources' | 'preset' | 'none';
  /** resourcesPreset in effect when source is 'preset' */
  preset?: string;
  memoryLimitBytes: number | null;
  memoryRequestBytes: number | null;
}

/**
 * What `resources:` a master/replica/sentinel container renders, given the user's role values
 * (e.g. `values.master`; missing keys take the chart defaults for `chart`).
 * Templates (master/application.yaml, replicas/application.yaml, sentinel/statefulset.yaml):
 * `if .Values.<role>.resources` -> that map as is; else (18.14.0+) `if ne resourcesPreset "none"`
 * -> the preset. Go templates treat an empty map as false and `{limits: {}, requests: {}}` as
 * true, so the latter suppresses the preset and renders no limit. Before 18.14.0 there is no
 * preset branch. Memory quantities are parsed as Kubernetes quantities; unparsable ones give null.
 */
export function effectiveResources(role: unknown, chart: number | string | undefined): EffectiveResources {
  const r = isPlainObject(role) ? role : {};
  const defaults = bitnamiDefaults(chart ?? LATEST_KNOWN_MAJOR).master;
  const resources = 'resources' in r ? r.resources : defaults.resources;
  if (isPlainObject(resources) && Object.keys(resources).length > 0) {
    const limits = isPlainObject(resources.limits) ? resources.limits : {};
    const requests = isPlainObject(resources.requests) ? resources.requests : {};
    // rendered as is; `{limits: {}, requests: {}}` renders no resources at all
    const empty = Object.keys(limits).length === 0 && Object.keys(requests).length === 0;
    // a limit of 0 is no limit (the kubelet sets none; see memoryLimitValue in common.ts)
    return { source: empty ? 'none' : 'resources', memoryLimitBytes: quantityBytes(limits.memory) || null, memoryRequestBytes: quantityBytes(requests.memory) };
  }
  const presetValue = 'resourcesPreset' in r ? r.resourcesPreset : defaults.resourcesPreset;
  const preset = typeof presetValue === 'string' ? presetValue : undefined;
  const version = chart ?? LATEST_KNOWN_MAJOR;
  if (preset !== undefined && preset !== 'none' && resourcesPresetSupported(version)) {
    return {
      source: 'preset',
      preset,
      memoryLimitBytes: resourcesPresetMemoryLimit(preset, version),
      memoryRequestBytes: resourcesPresetMemoryRequest(preset, version),
    };
  }
  return { source: 'none', memoryLimitBytes: null, memoryRequestBytes: null };
}

/** A memory quantity from values (`192Mi`, `1219M`, a bare number), exact (model/units.ts parseQuantity); null when not one. */
function quantityBytes(q: unknown): number | null {
  if (typeof q !== 'number' && typeof q !== 'string') return null;
  try {
    // a negative limit is not a limit (the API server refuses it); it reached the model, which refused the whole deployment
    const n = parseQuantity(q);
    return n >= 0 ? n : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// redis.conf assembly
// ---------------------------------------------------------------------------------------------

/**
 * A config layer. Dot paths are values keys holding redis.conf text; `extraFlags` means
 * `<role>.extraFlags` (command-line flags), except in sentinel mode where it is always
 * `replica.extraFlags` (start-node.sh reads only replica.extraFlags).
 */
export type ConfigLayer = 'commonConfiguration' | 'master.configuration' | 'replica.configuration' | 'extraFlags';

/**
 * The values that make up a redis-server's configuration, lowest precedence first: later layers
 * win for single-valued directives (redis-server processes `--include` files inline, in argv
 * order, and command-line flags after them); multi-valued directives (`save`, `rename-command`,
 * `loadmodule`) accumulate in that order, and `save ""` clears the save points before it.
 *
 * templates/configmap.yaml (@06a7f9a): `redis.conf` = commonConfiguration; `master.conf` =
 * `dir <master.persistence.path>` + master.configuration + `rename-command X ""` per
 * master.disableCommands; `replica.conf` = the same for replica (start scripts append
 * `replica-announce-port/ip`). Not rendered when `existingConfigmap` is set (_helpers.tpl
 * `redis.createConfigmap`): the user's ConfigMap then supplies redis.conf/master.conf/replica.conf
 * and commonConfiguration / *.configuration are ignored.
 *
 * templates/scripts-configmap.yaml (nicolas-laduguie fork @9de9b13, chart 21.x; same order in
 * bitnami/charts @008dc48, chart 15.x, for the non-sentinel scripts):
 * - start-master.sh: `ARGS=(--port ...)`, `--requirepass/--masterauth` or `--protected-mode no`,
 *   then `--include redis.conf`, `--include master.conf`, then each master.extraFlags entry.
 *   -> commonConfiguration < master.configuration < master.extraFlags.
 * - start-replica.sh: `--port`, `--replicaof host port`, auth args, `--include redis.conf`,
 *   `--include replica.conf`, replica.extraFlags -> commonConfiguration < replica.configuration
 *   < replica.extraFlags.
 * - sentinel mode (start-node.sh, every node, master or replica): auth/port/`--replicaof` args,
 *   `--include replica.conf`, **then** `--include redis.conf`, then replica.extraFlags ->
 *   replica.configuration < commonConfiguration < replica.extraFlags. So in sentinel mode
 *   commonConfiguration DOES win over replica.configuration, and master.configuration /
 *   master.extraFlags are not used at all (since 16.2.1, CHANGELOG "Eliminate role-specific
 *   config in sentinel deployment (#8781)"). Before 16.2.1 a node that starts as master
 *   included master.conf instead of replica.conf, still before redis.conf (@008dc48).
 *
 * The chart's own arguments (`--port`, `--requirepass`, `--masterauth`, `--protected-mode no`,
 * `--replicaof`) come before the includes, so directives in these layers override them.
 */
export function configLayers(
  role: 'master' | 'replica',
  sentinelEnabled: boolean,
  chart?: number | string,
): ConfigLayer[] {
  if (!sentinelEnabled) {
    return role === 'master'
      ? ['commonConfiguration', 'master.configuration', 'extraFlags']
      : ['commonConfiguration', 'replica.configuration', 'extraFlags'];
  }
  // a bare major means its x.0.0 (so 15 and 16 are role-specific); unknown versions get the current scripts
  const v = toVersion(chart);
  const roleSpecific = v !== undefined && !atLeast(v, '16.2.1');
  const roleConf: ConfigLayer = roleSpecific && role === 'master' ? 'master.configuration' : 'replica.configuration';
  return [roleConf, 'commonConfiguration', 'extraFlags'];
}

/**
 * Which workloads the chart renders and which values feed the Redis container
 * (templates/master/application.yaml, replicas/application.yaml, sentinel/statefulset.yaml):
 * standalone -> master only; replication -> master (1 pod, `master.count`) + replicas
 * (`replica.replicaCount`); replication + sentinel -> one `<fullname>-node` StatefulSet with
 * `replica.replicaCount` pods whose redis container uses replica.* (resources, probes,
 * persistence, configuration, extraFlags) and whose pod uses `sentinel.terminationGracePeriodSeconds`;
 * master.* is ignored. Sentinel with `architecture: standalone` fails `helm template`
 * (_helpers.tpl `redis.validateValues.architecture`).
 */
export function valuesRoles(architecture: string | undefined, sentinelEnabled: boolean): Array<'master' | 'replica'> {
  if (architecture === 'standalone') return ['master'];
  return sentinelEnabled ? ['replica'] : ['master', 'replica'];
}

// ---------------------------------------------------------------------------------------------
// Known keys
// ---------------------------------------------------------------------------------------------

interface KeySpan {
  since?: number;
  until?: number;
}

/**
 * Top-level keys of values.yaml. Keys with no span are in 15.7.4 and 23.1.1. `since` is the first
 * major the key appears in (minor in the comment, from the CHANGELOG or the values read).
 */
const TOP_LEVEL_KEYS: Readonly<Record<string, KeySpan>> = {
  global: {},
  kubeVersion: {},
  nameOverride: {},
  fullnameOverride: {},
  namespaceOverride: { since: 18 }, // 18.5.0 (#21479); in 19.6.0
  commonLabels: {},
  commonAnnotations: {},
  configmapChecksumAnnotations: { since: 20 }, // 20.8.0 (#31948); in 21.x
  secretChecksumAnnotations: { since: 20 }, // 20.8.0
  secretAnnotations: { since: 16 }, // 16.7.0 (#9363); in 17.x README
  clusterDomain: {},
  extraDeploy: {},
  useHostnames: { since: 17 }, // 17.7.0 (#14599); in 17.x README
  nameResolutionThreshold: { since: 17 }, // late 17.x; in 18.3.0, not in 17.7/17.8 README
  nameResolutionTimeout: { since: 17 },
  diagnosticMode: {},
  image: {},
  architecture: {},
  auth: {},
  commonConfiguration: {},
  existingConfigmap: {},
  master: {},
  replica: {},
  sentinel: {},
  serviceBindings: { since: 17 }, // 17.8.0 (#14906); in 18.3.0
  networkPolicy: {},
  podSecurityPolicy: {},
  rbac: {},
  serviceAccount: {},
  pdb: {}, // deprecated since 19.5.0 (`pdb: {}`), use master.pdb / replica.pdb
  tls: {},
  metrics: {},
  volumePermissions: {},
  kubectl: { since: 18 }, // 18.19.0 (#21913); in 23.1.1
  sysctl: {},
  useExternalDNS: { since: 16 }, // 16.1.0 (#8570); in 18.3.0
};

/**
 * The top-level keys of the chart's values.yaml for a chart major (15.7.4 and 18.3.0 values read
 * in full, 23.1.1 from the corpus copy; additions dated from the CHANGELOG). Keys added in a later
 * minor of the same major are included. Keys outside this set (a top-level `resources:`,
 * `persistence:`, `sentinal:`) are ignored by the chart. In an umbrella chart these keys sit under
 * `redis:`, next to the parent's condition key `enabled` (`umbrella: true` adds it).
 * Unknown or unparsable majors give the latest set.
 */
export function knownTopLevelKeys(chartMajor?: number, opts: { umbrella?: boolean } = {}): ReadonlySet<string> {
  const major = chartMajor === undefined || !Number.isFinite(chartMajor) ? LATEST_KNOWN_MAJOR : Math.max(chartMajor, OLDEST_KNOWN_MAJOR);
  const keys = new Set<string>();
  for (const [key, span] of Object.entries(TOP_LEVEL_KEYS)) if (inSpan(span, major)) keys.add(key);
  if (opts.umbrella) keys.add('enabled');
  return keys;
}

function inSpan(span: KeySpan, major: number): boolean {
  return (span.since === undefined || major >= span.since) && (span.until === undefined || major <= span.until);
}

/** Keys of master/replica (23.1.1 values) with the majors they are valid for, where that is known. */
const ROLE_KEYS: Readonly<Record<string, KeySpan>> = {
  count: { since: 16 }, // master only, 16.12.0
  kind: { since: 16 }, // master 16.4.0, replica 18.3.0
  replicaCount: {}, // replica only
  revisionHistoryLimit: { since: 19 }, // in 19.6.0, not in 18.3.0
  configuration: {},
  disableCommands: {},
  command: {},
  args: {},
  enableServiceLinks: { since: 17 }, // 17.17.0
  preExecCmds: {},
  extraFlags: {},
  extraEnvVars: {},
  extraEnvVarsCM: {},
  extraEnvVarsSecret: {},
  externalMaster: { since: 16 }, // replica only, 16.4.1
  containerPort: { until: 15 }, // renamed containerPorts.redis in 16.0.0
  containerPorts: { since: 16 },
  startupProbe: { since: 16 },
  livenessProbe: {},
  readinessProbe: {},
  customStartupProbe: { since: 16 },
  customLivenessProbe: {},
  customReadinessProbe: {},
  resourcesPreset: { since: 18 }, // 18.14.0
  resources: {},
  podSecurityContext: {},
  containerSecurityContext: {},
  schedulerName: {},
  updateStrategy: {},
  minReadySeconds: { since: 17 }, // 17.3.12
  priorityClassName: {},
  podManagementPolicy: { since: 17 }, // replica only
  automountServiceAccountToken: { since: 18 }, // 18.8.0
  hostAliases: {},
  podLabels: {},
  podAnnotations: {},
  shareProcessNamespace: {},
  podAffinityPreset: {},
  podAntiAffinityPreset: {},
  nodeAffinityPreset: {},
  affinity: {},
  nodeSelector: {},
  tolerations: {},
  spreadConstraints: { until: 15 }, // renamed topologySpreadConstraints in 16.0.0
  topologySpreadConstraints: { since: 16 },
  dnsPolicy: { since: 16 }, // 16.8.0
  dnsConfig: { since: 16 },
  lifecycleHooks: {},
  extraVolumes: {},
  extraVolumeMounts: {},
  sidecars: {},
  initContainers: {},
  persistence: {},
  persistentVolumeClaimRetentionPolicy: { since: 18 }, // 18.1.4
  service: {},
  terminationGracePeriodSeconds: {},
  autoscaling: {}, // replica only
  serviceAccount: { since: 17 }, // 17.1.5
  pdb: { since: 19 }, // 19.5.0
  extraPodSpec: { since: 20 }, // 20.2.0
  annotations: { since: 20 }, // 20.6.0
};

const MASTER_ONLY = new Set(['count']);
const REPLICA_ONLY = new Set(['replicaCount', 'externalMaster', 'podManagementPolicy', 'autoscaling']);

/** Keys of sentinel (23.1.1 values), with the majors they are valid for where known. */
const SENTINEL_KEYS: Readonly<Record<string, KeySpan>> = {
  enabled: {},
  image: {},
  annotations: { since: 17 }, // 17.9.1
  masterSet: {},
  quorum: {},
  getMasterTimeout: { since: 16 },
  automateClusterRecovery: {},
  redisShutdownWaitFailover: { since: 16 },
  downAfterMilliseconds: {},
  failoverTimeout: {},
  parallelSyncs: {},
  replicaSyncCheck: { since: 20 },
  configuration: {},
  command: {},
  args: {},
  enableServiceLinks: { since: 17 },
  preExecCmds: {},
  extraEnvVars: {},
  extraEnvVarsCM: {},
  extraEnvVarsSecret: {},
  externalMaster: { since: 16 },
  containerPort: { until: 15 },
  containerPorts: { since: 16 },
  startupProbe: { since: 16 },
  livenessProbe: {},
  readinessProbe: {},
  customStartupProbe: { since: 16 },
  customLivenessProbe: {},
  customReadinessProbe: {},
  persistence: { since: 16 }, // 16.5.0
  persistentVolumeClaimRetentionPolicy: { since: 18 },
  resourcesPreset: { since: 18 },
  resources: {},
  containerSecurityContext: {},
  lifecycleHooks: {},
  extraVolumes: {},
  extraVolumeMounts: {},
  service: {},
  masterService: { since: 19 }, // 19.2.0
  terminationGracePeriodSeconds: {},
  extraPodSpec: { since: 20 },
  externalAccess: { since: 20 }, // 20.11.0
};

/**
 * Keys the chart reads under `master:`, `replica:` or `sentinel:` (23.1.1 values, older names
 * `containerPort` / `spreadConstraints` for 15.x). With `chartMajor`, keys introduced in a later
 * major (per the CHANGELOG / values read) are left out; without it, the union over 15–23.
 * Note `sentinel.staticID` was removed in 15.0.0 (README "To 15.0.0").
 */
export function knownRoleKeys(role: 'master' | 'replica' | 'sentinel', chartMajor?: number): ReadonlySet<string> {
  const out = new Set<string>();
  const table = role === 'sentinel' ? SENTINEL_KEYS : ROLE_KEYS;
  for (const [key, span] of Object.entries(table)) {
    if (role === 'master' && REPLICA_ONLY.has(key)) continue;
    if (role === 'replica' && MASTER_ONLY.has(key)) continue;
    if (chartMajor !== undefined && !inSpan(span, chartMajor)) continue;
    out.add(key);
  }
  return out;
}

/**
 * Where the chart reads keys users often put at the top level (where the chart ignores them).
 * `strategy`/`updateStrategy` -> `<role>.updateStrategy`; the rest -> `master.X` / `replica.X`
 * (`sentinel.X` for the sentinel container).
 */
export const MISPLACED_TOP_LEVEL_KEYS: Readonly<Record<string, readonly string[]>> = {
  resources: ['master.resources', 'replica.resources', 'sentinel.resources'],
  resourcesPreset: ['master.resourcesPreset', 'replica.resourcesPreset', 'sentinel.resourcesPreset'],
  persistence: ['master.persistence', 'replica.persistence'],
  replicaCount: ['replica.replicaCount'],
  replicas: ['replica.replicaCount'],
  strategy: ['master.updateStrategy', 'replica.updateStrategy'],
  updateStrategy: ['master.updateStrategy', 'replica.updateStrategy'],
  service: ['master.service', 'replica.service', 'sentinel.service'],
  configuration: ['commonConfiguration', 'master.configuration', 'replica.configuration'],
  extraFlags: ['master.extraFlags', 'replica.extraFlags'],
  podSecurityContext: ['master.podSecurityContext', 'replica.podSecurityContext'],
  containerSecurityContext: ['master.containerSecurityContext', 'replica.containerSecurityContext'],
  securityContext: ['master.podSecurityContext', 'replica.podSecurityContext'],
  affinity: ['master.affinity', 'replica.affinity'],
  nodeSelector: ['master.nodeSelector', 'replica.nodeSelector'],
  tolerations: ['master.tolerations', 'replica.tolerations'],
  livenessProbe: ['master.livenessProbe', 'replica.livenessProbe'],
  readinessProbe: ['master.readinessProbe', 'replica.readinessProbe'],
  startupProbe: ['master.startupProbe', 'replica.startupProbe'],
  podAnnotations: ['master.podAnnotations', 'replica.podAnnotations'],
  podLabels: ['master.podLabels', 'replica.podLabels'],
  terminationGracePeriodSeconds: ['master.terminationGracePeriodSeconds', 'replica.terminationGracePeriodSeconds'],
};

/**
 * Chart < 14 value names and their 14+ replacements (README "To 14.0.0": slave -> replica,
 * credentials under auth, cluster.enabled -> architecture, securityContext -> <role>.podSecurityContext;
 * the old names are in ci/production-sentinel-values.yaml @71da09b). Old names are ignored by 14+.
 */
export const LEGACY_KEY_RENAMES: Readonly<Record<string, string>> = {
  'cluster.enabled': 'architecture (replication|standalone)',
  'cluster.slaveCount': 'replica.replicaCount',
  slave: 'replica',
  usePassword: 'auth.enabled',
  password: 'auth.password',
  existingSecret: 'auth.existingSecret',
  existingSecretPasswordKey: 'auth.existingSecretPasswordKey',
  usePasswordFile: 'auth.usePasswordFiles',
  configmap: 'commonConfiguration',
  'master.configmap': 'master.configuration',
  securityContext: 'master.podSecurityContext / replica.podSecurityContext',
  'persistence.existingClaim': 'master.persistence.existingClaim',
  redisPort: 'master.containerPorts.redis',
  'sentinel.usePassword': 'auth.sentinel',
};

// ---------------------------------------------------------------------------------------------
// Recognising Bitnami redis values
// ---------------------------------------------------------------------------------------------

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return isPlainObject(v) ? v : undefined;
}

/** Evidence for and against a values object being the Bitnami redis chart's. */
export interface BitnamiRedisEvidence {
  verdict: boolean;
  score: number;
  positive: string[];
  /** signs of another chart's schema; any one makes the verdict false */
  negative: string[];
}

/** master/replica keys specific to the Bitnami redis chart (redis.conf text, redis flags). */
const REDIS_ROLE_KEYS = ['configuration', 'extraFlags', 'disableCommands', 'count', 'preExecCmds'];

/**
 * Score a values object (the chart's root, not an umbrella's) for the Bitnami redis chart.
 * Vetoes: bjw-s app-template (`controllers`, `controller.type`, `service.main`, `persistence.*`
 * entries with `type`/`globalMounts`/`mountPath`), OT-Container-Kit redis-operator charts
 * (`redisStandalone`, `redisCluster`, `redisReplication`, `redisSentinel`, `kubernetesConfig`,
 * `redisExporter`), dandydev redis-ha (`persistentVolume`, `haproxy`, `hardAntiAffinity`,
 * `redis.config`, `redis.masterGroupName`, `sentinel.config`), Bitnami redis-cluster
 * (`cluster.nodes|init|replicas|update|externalAccess`), other Bitnami charts with the same layout
 * (`primary`, `secondary`, `readReplicas`, `auth.postgresPassword`, `auth.rootPassword`: postgresql,
 * mysql, mariadb, mongodb, valkey) and valkey-io/valkey-helm (`dataStorage`, `valkeyConfig`, `auth.aclUsers`). Strong (2) and medium (1) signals must
 * sum to 2: `architecture`, `commonConfiguration`, redis-specific master/replica keys,
 * `sentinel.masterSet`-style keys, `auth.sentinel`, `global.redis`, and the chart < 14 layout
 * (`cluster.slaveCount`, `slave`, `usePassword`).
 */
export function bitnamiRedisEvidence(values: unknown): BitnamiRedisEvidence {
  const positive: string[] = [];
  const negative: string[] = [];
  let score = 0;
  const add = (points: number, why: string): void => {
    score += points;
    positive.push(why);
  };
  const v = obj(values);
  if (!v) return { verdict: false, score: 0, positive, negative: ['not a mapping'] };

  // --- other charts' schemas
  if ('controllers' in v) negative.push('controllers (bjw-s app-template)');
  if (obj(v.controller)?.type !== undefined) negative.push('controller.type (bjw-s app-template)');
  if (obj(obj(v.service)?.main)) negative.push('service.main (bjw-s app-template)');
  const persistence = obj(v.persistence);
  if (persistence) {
    for (const [name, entry] of Object.entries(persistence)) {
      const e = obj(entry);
      if (e && ('type' in e || 'globalMounts' in e || 'mountPath' in e || 'advancedMounts' in e)) {
        negative.push(`persistence.${name} mount entry (bjw-s app-template)`);
        break;
      }
    }
  }
  for (const k of ['redisStandalone', 'redisCluster', 'redisReplication', 'redisSentinel', 'kubernetesConfig', 'redisExporter', 'storageSpec']) {
    if (k in v) negative.push(`${k} (OT-Container-Kit redis-operator)`);
  }
  for (const k of ['persistentVolume', 'haproxy', 'hardAntiAffinity', 'splitBrainDetection']) {
    if (k in v) negative.push(`${k} (dandydev redis-ha)`);
  }
  const redis = obj(v.redis);
  if (redis && ('config' in redis || 'masterGroupName' in redis)) negative.push('redis.config/masterGroupName (dandydev redis-ha)');
  const sentinel = obj(v.sentinel);
  if (sentinel && obj(sentinel.config)) negative.push('sentinel.config map (dandydev redis-ha)');
  // Other Bitnami charts share the architecture/auth/resources layout but name their roles
  // `primary`/`secondary`/`readReplicas` (postgresql 11+, mysql 9+, mariadb, valkey 1.x-3.x) where
  // redis says `master`/`replica`; their auth keys name their server (values.yaml of bitnami/charts
  // main: postgresql auth.postgresPassword, mysql/mariadb auth.rootPassword, mongodb
  // auth.rootPassword/replicaSetKey, `architecture: replicaset`).
  if (obj(v.primary)) negative.push('primary (another Bitnami chart: postgresql, mysql, mariadb or valkey; redis says master)');
  for (const k of ['secondary', 'readReplicas', 'arbiter', 'hidden']) if (k in v) negative.push(`${k} (another Bitnami chart: postgresql, mysql or mongodb)`);
  if (v.architecture === 'replicaset') negative.push('architecture: replicaset (Bitnami mongodb)');
  const authOther = obj(v.auth);
  if (authOther) {
    for (const k of ['postgresPassword', 'rootPassword', 'replicaSetKey', 'rootUser', 'replicationPassword', 'aclUsers', 'usersExistingSecret']) {
      if (k in authOther) negative.push(`auth.${k} (${k === 'postgresPassword' ? 'Bitnami postgresql' : k === 'aclUsers' || k === 'usersExistingSecret' ? 'valkey-io/valkey-helm' : 'another chart (mysql, mariadb, mongodb, postgresql)'})`);
    }
  }
  for (const k of ['dataStorage', 'valkeyConfig']) if (k in v) negative.push(`${k} (valkey-io/valkey-helm)`);
  const imageRepo = obj(v.image)?.repository;
  if (typeof imageRepo === 'string' && /(^|\/)(valkey|postgresql|postgres|mongodb|mysql|mariadb|redis-cluster|valkey-cluster)$/.test(imageRepo)) negative.push(`image.repository ${imageRepo} (another chart)`);
  const cluster = obj(v.cluster);
  if (cluster && ['nodes', 'init', 'replicas', 'update', 'externalAccess'].some((k) => k in cluster)) {
    negative.push('cluster.nodes/init/replicas (Bitnami redis-cluster chart)');
  }

  // --- Bitnami redis signals
  if (v.architecture === 'standalone' || v.architecture === 'replication') add(2, `architecture: ${String(v.architecture)}`);
  if (typeof v.commonConfiguration === 'string') add(2, 'commonConfiguration');
  for (const roleName of ['master', 'replica'] as const) {
    const role = obj(v[roleName]);
    if (!role) continue;
    const keys = Object.keys(role);
    const specific = keys.filter((k) => REDIS_ROLE_KEYS.includes(k) || (roleName === 'replica' && k === 'replicaCount'));
    const known = knownRoleKeys(roleName);
    if (specific.length > 0) add(2, `${roleName}.${specific[0]}`);
    else if (keys.some((k) => known.has(k))) add(1, `${roleName} with chart role keys`);
  }
  if (sentinel) {
    const specific = ['masterSet', 'getMasterTimeout', 'downAfterMilliseconds', 'automateClusterRecovery', 'redisShutdownWaitFailover', 'failoverTimeout', 'parallelSyncs'].find((k) => k in sentinel);
    if (specific) add(2, `sentinel.${specific}`);
    else if (typeof sentinel.enabled === 'boolean') add(1, 'sentinel.enabled');
  }
  const auth = obj(v.auth);
  if (auth) {
    if ('sentinel' in auth) add(2, 'auth.sentinel');
    else if (['enabled', 'password', 'existingSecret', 'existingSecretPasswordKey', 'usePasswordFiles', 'acl'].some((k) => k in auth)) add(1, 'auth');
  }
  if (obj(obj(v.global)?.redis)) add(2, 'global.redis');
  if (obj(obj(v.metrics)?.sentinel)) add(1, 'metrics.sentinel');
  if (obj(v.useExternalDNS)) add(1, 'useExternalDNS');
  // chart < 14 layout
  if (cluster && ('slaveCount' in cluster || (typeof cluster.enabled === 'boolean' && Object.keys(cluster).length <= 2))) add(2, 'cluster.enabled/slaveCount (chart < 14)');
  if (obj(v.slave)) add(1, 'slave (chart < 14)');
  if (typeof v.usePassword === 'boolean') add(1, 'usePassword (chart < 14)');

  return { verdict: negative.length === 0 && score >= 2, score, positive, negative };
}

/**
 * Heuristic: is this plain object the values of the Bitnami `redis` chart (its root, not an
 * umbrella chart's values: use {@link findBitnamiRedisValues} for those)? See
 * {@link bitnamiRedisEvidence} for the signals. Checked against the values and HelmRelease files
 * of the shared corpus (test/sources/bitnami-chart.test.ts).
 */
export function isBitnamiRedisValues(values: unknown): boolean {
  return bitnamiRedisEvidence(values).verdict;
}

/**
 * The Bitnami redis values inside a values object: the object itself, or its `redis:` key
 * (umbrella charts: mastodon, oauth2-proxy, wrapper charts). Undefined when neither matches.
 */
export function findBitnamiRedisValues(values: unknown): { values: Record<string, unknown>; path: string[] } | undefined {
  const v = obj(values);
  if (!v) return undefined;
  if (isBitnamiRedisValues(v)) return { values: v, path: [] };
  const nested = obj(v.redis);
  if (nested && isBitnamiRedisValues(nested)) return { values: nested, path: ['redis'] };
  return undefined;
}
