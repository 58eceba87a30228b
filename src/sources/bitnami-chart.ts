import semver from 'semver';
import { parseQuantity } from '../model/units.js';
import { chartData } from './chart-data.js';

/**
 * Facts about the Bitnami `redis` Helm chart (github.com/bitnami/charts, path `bitnami/redis`)
 * that redis-lint needs, per chart version, read from its data: data/charts/bitnami/redis/chart.json
 * (default values per version as the 15.0.0 defaults plus one dated change per release, the
 * first/last release of every key, the resourcesPreset tables) and versions.json (every release
 * and the Redis version it ships), both generated from the bitnami/charts history by
 * scripts/gen-bitnami-redis-versions.mjs; each fact there names its chart version and commit.
 *
 * Umbrella charts (mastodon, oauth2-proxy, wrapper charts) nest all of these values under their
 * `redis:` key; {@link findBitnamiRedisValues} finds them.
 */

/** The Bitnami charts of the redis layout (architecture, master|primary/replica/sentinel, commonConfiguration) whose data the functions here read. */
export type BitnamiChartDir = 'bitnami/redis' | 'bitnami/valkey';

const DATA = (dir: BitnamiChartDir = 'bitnami/redis'): ReturnType<typeof chartData> => chartData(dir);

/** Highest chart major in a chart's data. */
export function latestMajor(dir: BitnamiChartDir = 'bitnami/redis'): number {
  return semver.major(DATA(dir).latest.version);
}

/** Lowest chart major with defaults in a chart's data (its base version). */
export function oldestMajor(dir: BitnamiChartDir = 'bitnami/redis'): number {
  return semver.major(DATA(dir).file.defaults.base.version);
}

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

/** Highest chart major in the data (the newest release's); newer majors fall back to it. */
export const LATEST_KNOWN_MAJOR = latestMajor();
/** Lowest chart major with defaults in the data (its base version, 15.0.0); older majors get the base. */
export const OLDEST_KNOWN_MAJOR = oldestMajor();

/**
 * Parse a chart version or semver range: `19.5.1`, `17.x`, `15.5.x`, `~18`, `^19.0.0`,
 * `>=17.0.0 <18`, `v17.3.5`, `18.19.4-legacy`, `a || b`. Returns the lowest version mentioned by
 * a comparator that is not an upper bound (`<`, `<=`); undefined for `*`, `latest`, empty, or a
 * range with upper bounds only.
 */
export function parseChartVersion(spec: string | number | undefined): ChartVersion | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec === 'number') {
    // semver (and a real chart) has no version part above 2^53 - 1: such a number is no version
    if (!Number.isFinite(spec) || spec < 0 || !Number.isSafeInteger(Math.floor(spec))) return undefined;
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
      if (!Number.isSafeInteger(v.major) || !Number.isSafeInteger(v.minor) || !Number.isSafeInteger(v.patch)) continue;
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

/** `M.m.p` of a parsed version. */
function versionText(v: ChartVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
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

/** `8.0.3` → 8.0; null for an appVersion that is no version. */
function redisOf(appVersion: string): RedisVersion | null {
  const m = /^(\d+)\.(\d+)/.exec(appVersion);
  return m ? rv(Number(m[1]), Number(m[2])) : null;
}

/**
 * Redis version shipped by a Bitnami redis chart version: the `appVersion` of its release in
 * data/charts/bitnami/redis/versions.json (every Chart.yaml of bitnami/charts, e.g. 17.17.1 went
 * back to Redis 7.0.12, 21.2.18 ships 8.0.3, 8.2 from 22.0.0). An exact version that was never
 * released takes the highest release below it in its major. A wildcard (`17.x`, `15.5.x`, a bare
 * major) takes the highest release it matches, as Helm, Flux and Argo CD install it; `note` says
 * when its releases ship different Redis versions. Chart majors newer than the data give
 * `known: false` with `atLeast` the newest release's Redis.
 */
export function redisVersionForChart(chartVersion: string | number | undefined, dir: BitnamiChartDir = 'bitnami/redis'): RedisVersionForChart {
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
  const data = DATA(dir);
  const latest = data.latest;
  if (v.major > latestMajor(dir)) {
    return unknown(`chart ${v.major}.x is newer than the released versions redis-lint knows (up to ${latest.version}, Redis ${latest.appVersion})`, { atLeast: redisOf(latest.appVersion) ?? undefined });
  }
  const text = `${v.major}.${v.minor}.${v.patch}`;
  const range = v.exact ? `>=${v.major}.0.0 <=${text}` : v.minor === 0 ? `${v.major}.x` : `${v.major}.${v.minor}.x`;
  const release = (v.exact ? data.release(text) : undefined) ?? data.highest(range);
  if (!release) return unknown(`chart ${text} predates the released versions redis-lint knows (${data.releases[0].version} to ${latest.version})`);
  const redis = redisOf(release.appVersion);
  if (!redis) return unknown(`chart ${release.version} appVersion "${release.appVersion}" is not a Redis version`);
  let note: string | undefined;
  if (!v.exact) {
    const labels = [...new Set(data.releases.filter((r) => semver.satisfies(r.version, range)).map((r) => redisOf(r.appVersion)?.label))];
    if (labels.length > 1) note = `chart ${range} ships Redis ${labels.join(', ')}; judged as ${release.version} (Redis ${release.appVersion}), its newest release`;
  }
  return { known: true, chartMajor: v.major, chartVersion: v, redis, major: redis.major, minor: redis.minor, label: redis.label, ...(note ? { note } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Resource presets (bitnami/common templates/_resources.tpl)
// ---------------------------------------------------------------------------------------------

export type ResourcesPresetName = 'none' | 'nano' | 'micro' | 'small' | 'medium' | 'large' | 'xlarge' | '2xlarge';

export interface PresetResources {
  requests: { cpu: string; memory: string; 'ephemeral-storage'?: string };
  limits: { cpu: string; memory: string; 'ephemeral-storage'?: string };
}

/**
 * The `common.resources.preset` table (bitnami/common templates/_resources.tpl) the release of a
 * chart version renders: the table of the common version its Chart.lock names (chart.json
 * `presets.tables`, generated; xlarge/2xlarge requests 1.0 CPU / 3072Mi since common 2.20.3
 * (bitnami/charts@6ca69f6, 2024-06, chart 19.5.5), ephemeral-storage limit 2Gi since common 2.20.5
 * (2024-07, chart 19.6.2)). A bare major means its newest release. Undefined before presets (18.14.0).
 */
export function resourcesPresetTable(chart: number | string, dir: BitnamiChartDir = 'bitnami/redis'): Readonly<Record<string, PresetResources>> | undefined {
  const version = presetVersion(chart, dir);
  return version ? (DATA(dir).presetTable(version)?.table as Record<string, PresetResources> | undefined) : undefined;
}

/** The exact chart version whose preset table applies: a bare major (number) means its newest release. */
function presetVersion(chart: number | string, dir: BitnamiChartDir): string | undefined {
  if (typeof chart === 'number') return Number.isFinite(chart) ? (DATA(dir).highest(`${Math.floor(chart)}.x`)?.version ?? (chart > latestMajor(dir) ? DATA(dir).latest.version : undefined)) : undefined;
  const v = toVersion(chart);
  return v ? versionText(v) : undefined;
}

/** The preset table of the newest release (names and values as bitnami/common renders them today). */
export const RESOURCES_PRESETS: Readonly<Record<Exclude<ResourcesPresetName, 'none'>, PresetResources>> = resourcesPresetTable(DATA().latest.version) as Record<
  Exclude<ResourcesPresetName, 'none'>,
  PresetResources
>;

/**
 * True when the chart version reads `<role>.resourcesPreset`: from the first release whose values
 * have `master.resourcesPreset` (chart.json `keys`: 18.14.0, bitnami/charts "Add resource preset
 * support (#23516)"; templates/replicas/application.yaml `if .Values.replica.resources` ... `else if
 * ne .Values.replica.resourcesPreset "none"`). A bare major counts when its newest release has it.
 */
export function resourcesPresetSupported(chart: number | string, dir: BitnamiChartDir = 'bitnami/redis'): boolean {
  const version = presetVersion(chart, dir);
  const since = DATA(dir).keySince('replica.resourcesPreset');
  return version !== undefined && since !== undefined && semver.gte(version, since);
}

function presetEntry(preset: string, chart: number | string, dir: BitnamiChartDir): PresetResources | null {
  if (!resourcesPresetSupported(chart, dir)) return null;
  const table = resourcesPresetTable(chart, dir);
  if (!table || !Object.prototype.hasOwnProperty.call(table, preset)) return null;
  return table[preset];
}

/**
 * Memory limit in bytes a `resourcesPreset` renders (bitnami/common _resources.tpl, see
 * {@link resourcesPresetTable}): nano 192Mi, micro 384Mi, small 768Mi, medium 1536Mi, large 3072Mi,
 * xlarge 6144Mi, 2xlarge 12288Mi.
 * null for `none`, for names the template rejects (helm template fails on them), and for chart
 * versions without preset support (before 18.14.0, the key is ignored). The preset applies only
 * when the role's `resources` map is empty (see {@link effectiveResources}).
 */
export function resourcesPresetMemoryLimit(preset: string, chartMajor: number | string, dir: BitnamiChartDir = 'bitnami/redis'): number | null {
  const e = presetEntry(preset, chartMajor, dir);
  return e ? quantityBytes(e.limits.memory) : null;
}

/** Memory request in bytes a `resourcesPreset` renders (nano 128Mi ... xlarge/2xlarge 3072Mi since 2024-06); null as for the limit. */
export function resourcesPresetMemoryRequest(preset: string, chartMajor: number | string, dir: BitnamiChartDir = 'bitnami/redis'): number | null {
  const e = presetEntry(preset, chartMajor, dir);
  return e ? quantityBytes(e.requests.memory) : null;
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
 * Default values (the lint-relevant subset: chart.json `tracked`) of the Bitnami redis chart at
 * a chart version, from data/charts/bitnami/redis/chart.json: the values.yaml of 15.0.0 plus every
 * dated change released up to that version (generated from each release's values.yaml; e.g.
 * sentinel.failoverTimeout 18000 → 180000 at 17.1.2, replica/sentinel startupProbe enabled
 * 10/10/5/22 at 16.5.4, resourcesPreset `none` at 18.14.0 and `nano` at 19.0.0). A number means
 * the major's x.0.0; pass a full version (`"18.14.0"`) for in-major changes. Majors below
 * {@link OLDEST_KNOWN_MAJOR} get its x.0.0 defaults, majors above {@link LATEST_KNOWN_MAJOR} the
 * newest release's; unparsable input gets the newest. {@link bitnamiDefaultSource} names the
 * release and commit behind a default.
 */
export function bitnamiDefaults(chart: number | string | ChartVersion, dir: BitnamiChartDir = 'bitnami/redis'): BitnamiValues {
  return DATA(dir).defaultsAt(defaultsVersion(chart, dir)) as unknown as BitnamiValues;
}

/** The exact version whose defaults apply to a chart version (see {@link bitnamiDefaults}). */
function defaultsVersion(chart: number | string | ChartVersion, dir: BitnamiChartDir = 'bitnami/redis'): string {
  const v = toVersion(chart);
  if (!v || v.major > latestMajor(dir)) return DATA(dir).latest.version;
  if (v.major < oldestMajor(dir)) return DATA(dir).file.defaults.base.version;
  return versionText(v);
}

/** The release (version, date, commit) that last set a default value (dot path, `sentinel.failoverTimeout`) at or before a chart version. */
export function bitnamiDefaultSource(path: string, chart: number | string | ChartVersion): { version: string; date: string; commit: string } {
  return DATA().defaultSource(path, defaultsVersion(chart));
}

/**
 * True when a chart version renders security contexts through bitnami/common
 * `common.compatibility.renderSecurityContext`, where `global.compatibility.openshift.adaptSecurityContext:
 * force` omits `fsGroup`, `runAsUser` and `runAsGroup` (bitnami/common templates/_compatibility.tpl,
 * bitnami/charts@5165628; `auto` does so only on a cluster serving `security.openshift.io/v1`):
 * from the first release whose values have the key (18.18.0, bitnami/charts@063463f).
 */
export function openshiftAdaptSupported(chart: number | string | ChartVersion, dir: BitnamiChartDir = 'bitnami/redis'): boolean {
  const since = DATA(dir).defaultSince('global.compatibility.openshift.adaptSecurityContext');
  return since !== undefined && semver.gte(defaultsVersion(chart, dir), since);
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
export function effectiveResources(role: unknown, chart: number | string | undefined, dir: BitnamiChartDir = 'bitnami/redis'): EffectiveResources {
  const r = isPlainObject(role) ? role : {};
  const defaults = bitnamiDefaults(chart ?? latestMajor(dir), dir).replica;
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
  const version = chart ?? latestMajor(dir);
  if (preset !== undefined && preset !== 'none' && resourcesPresetSupported(version, dir)) {
    return {
      source: 'preset',
      preset,
      memoryLimitBytes: resourcesPresetMemoryLimit(preset, version, dir),
      memoryRequestBytes: resourcesPresetMemoryRequest(preset, version, dir),
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

/**
 * The top-level keys of the chart's values.yaml in any release of a chart major (chart.json
 * `keys`, generated from every release's values.yaml from 15.0.0; e.g. `kubectl` since 18.19.0).
 * Keys outside this set (a top-level `resources:`, `persistence:`, `sentinal:`) are ignored by the
 * chart. In an umbrella chart these keys sit under `redis:`, next to the parent's condition key
 * `enabled` (`umbrella: true` adds it). Unknown or unparsable majors give the newest major's set.
 */
export function knownTopLevelKeys(chartMajor?: number, opts: { umbrella?: boolean; dir?: BitnamiChartDir } = {}): ReadonlySet<string> {
  const keys = DATA(opts.dir).keysOf('', keysMajor(chartMajor, opts.dir));
  if (opts.umbrella) keys.add('enabled');
  return keys;
}

function keysMajor(chartMajor: number | undefined, dir: BitnamiChartDir = 'bitnami/redis'): number {
  if (chartMajor === undefined || !Number.isFinite(chartMajor)) return latestMajor(dir);
  return Math.min(latestMajor(dir), Math.max(chartMajor, oldestMajor(dir)));
}

/**
 * Keys the chart reads under `master:`, `replica:` or `sentinel:` in any release of a chart major
 * (chart.json `keys`: e.g. `replica.podManagementPolicy` since 16.0.0,
 * `sentinel.redisShutdownWaitFailover` since 17.4.2, `sentinel.replicaSyncCheck` since 23.1.0);
 * without a major, the union over all releases from 15.0.0.
 */
export function knownRoleKeys(role: 'master' | 'replica' | 'sentinel', chartMajor?: number): ReadonlySet<string> {
  return DATA().keysOf(role, chartMajor === undefined ? undefined : keysMajor(chartMajor));
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
