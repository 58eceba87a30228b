import semver from 'semver';
import { resolveChartVersion } from './chart-versions.js';
import { chartData } from './chart-data.js';
import { embeddedContext, isStringScalar, type DocContext } from '../load/documents.js';
import { LayeredVNode, ObjectVNode, YamlVNode, asBool, asNumber, asString, at, type VNode } from '../load/vnode.js';
import type { ConfigDirective, DataVolume, ObjectRef, Origin, RedisConfig, RedisDeployment, RedisRole, Setting, SourcePosition, WorkloadInput } from '../types.js';
import { findingObject, probeTiming, quantityNotice, quantityValue, type SourceFinding, type SourceResult } from './common.js';
import { applyDirectives, parseRedisConf, parseServerArgs } from './redis-conf.js';
import { confProblemFindings } from './configmap.js';
import { parseRedisMemory } from '../model/units.js';
import { versionFromTag } from './workload.js';
import {
  MISPLACED_TOP_LEVEL_KEYS,
  latestMajor,
  type BitnamiChartDir,
  bitnamiDefaults,
  effectiveResources,
  configLayers,
  knownTopLevelKeys,
  openshiftAdaptSupported,
  redisVersionForChart,
} from './bitnami-chart.js';

/** Input to the Bitnami `redis` chart adapter: the user's values layers and where they came from. */
export interface BitnamiInput {
  /** user values, lowest precedence first (values files, then inline values, then parameters); roots of the chart's values */
  layers: VNode[];
  object: ObjectRef;
  /** chart version as written (`19.5.1`, `17.x`, `>=18 <19`); undefined when unknown */
  chartVersion?: string;
  /** where the chart version is stated (for the unresolved notice) */
  chartVersionPos?: SourcePosition;
  /** why the version is unknown, when the input says it cannot be read offline (an OCI digest pin): replaces "version unknown" in the notice */
  versionUnknownWhy?: string;
  /** adapter name for RedisDeployment.source */
  source: string;
  /** anchor for defaults when no user layer has a closer node (e.g. `spec.values` or the object) */
  anchor: SourcePosition;
  workload: WorkloadInput;
  /** which chart of the Bitnami redis layout: `bitnami/redis` (default) or `bitnami/valkey` */
  chart?: BitnamiChartDir;
}

/** The role keys of the chart and the RedisDeployment role they become. */
interface RoleSpec {
  /** `master` (redis; valkey before 2.0.0), `primary` (valkey 2.0.0+) or `replica` */
  key: string;
  role: RedisRole;
}

/** What differs between the charts of the Bitnami redis layout. */
interface LayoutChart {
  dir: BitnamiChartDir;
  /** chart name, for RedisDeployment.chart */
  name: string;
  /** in messages: `Bitnami redis chart` */
  label: string;
  /** the server, in messages (`Redis 8.2.1`, `Valkey 8.1.3`) */
  server: string;
  image: string;
  /** rule advice naming this chart's keys (RedisDeployment.chart.advice); the redis chart's keys are the rules' own */
  advice?: { memoryLimit: string; failover: string };
}

const LAYOUT_CHARTS: Readonly<Record<BitnamiChartDir, LayoutChart>> = {
  'bitnami/redis': { dir: 'bitnami/redis', name: 'redis', label: 'Bitnami redis chart', server: 'Redis', image: 'bitnami/redis' },
  'bitnami/valkey': {
    dir: 'bitnami/valkey',
    name: 'valkey',
    label: 'Bitnami valkey chart',
    server: 'Valkey',
    image: 'bitnami/valkey',
    advice: { memoryLimit: 'set primary/replica resources.limits.memory, or a resourcesPreset other than none', failover: 'enable Sentinel (sentinel.enabled) with at least 2 replicas' },
  },
};

/**
 * The key of the primary role at a chart version: `master` for redis; for valkey `primary` from
 * the first release whose values have it (chart.json `keys`: 2.0.0), `master` before.
 */
function primaryKeyOf(chart: LayoutChart, version: string | undefined): string {
  if (chart.dir === 'bitnami/redis') return 'master';
  const since = chartData(chart.dir).keySince('primary');
  const v = version && semver.valid(semver.coerce(version)?.version ?? '');
  return since && (!v || semver.gte(v, since)) ? 'primary' : 'master';
}

/**
 * Turn Bitnami `redis` chart values into one RedisDeployment per role the chart deploys
 * (templates/master/application.yaml, templates/replicas/statefulset.yaml; with
 * `sentinel.enabled` the replicas StatefulSet runs redis + sentinel nodes and no master one).
 * Chart defaults for the chart's major version sit under the user layers (Helm's coalescing).
 * Also reports keys the chart ignores (`values-key-ignored`) and what it had to assume (`unresolved-values`).
 */
export function bitnamiDeployments(input: BitnamiInput): SourceResult {
  const findings: SourceFinding[] = [];
  const obj = findingObject(input.object);
  const chart = LAYOUT_CHARTS[input.chart ?? 'bitnami/redis'];
  const LATEST_KNOWN_MAJOR = latestMajor(chart.dir);
  // a range installs its highest released match (Helm, Flux, Argo CD): judge that version
  const resolved = resolveChartVersion(chart.dir, input.chartVersion);
  if (resolved?.how === 'range') {
    findings.push({ ruleId: 'unresolved-values', message: resolved.note ?? '', pos: input.chartVersionPos ?? input.anchor, object: obj });
    input = { ...input, chartVersion: resolved.version };
  }
  const parsedVersion = redisVersionForChart(input.chartVersion, chart.dir);
  const major = parsedVersion.chartMajor ?? LATEST_KNOWN_MAJOR;
  const where = input.chartVersionPos ?? input.anchor;
  if (parsedVersion.chartMajor === undefined) {
    findings.push({
      ruleId: 'unresolved-values',
      message: input.chartVersion
        ? `chart version "${input.chartVersion}" not understood: assumed ${chart.label} ${major}.x defaults`
        : `${input.versionUnknownWhy ?? `${chart.label} version unknown`}: assumed chart ${major}.x defaults (${chart.server} ${redisVersionForChart(String(major), chart.dir).label})` +
          (input.source === 'bitnami-values' ? '; a Chart.yaml beside the values file with the redis version pins it' : ''),
      pos: where,
      object: obj,
    });
  } else if (major > LATEST_KNOWN_MAJOR) {
    findings.push({
      ruleId: 'unresolved-values',
      message: `${chart.label} ${input.chartVersion} is newer than the versions redis-lint knows (up to ${LATEST_KNOWN_MAJOR}.x): assumed chart ${LATEST_KNOWN_MAJOR}.x defaults`,
      pos: where,
      object: obj,
    });
  }
  if (chart.dir === 'bitnami/redis' && (major < 13 || input.layers.some(isLegacyLayout))) {
    findings.splice(0); // the version notice says less than this one
    findings.push({
      ruleId: 'unresolved-values',
      message: `values use the Bitnami redis chart layout before 14.0 (cluster/slave/usePassword${input.chartVersion ? `, chart ${input.chartVersion}` : ''}): redis-lint reads the master/replica layout only, settings not evaluated`,
      pos: where,
      object: obj,
    });
    return { deployments: [], findings };
  }
  // the defaults of the exact version when known (18.14.0 switched resources {limits: {}, requests: {}} to resourcesPreset)
  const defaults = new ObjectVNode(bitnamiDefaults(parsedVersion.chartVersion && major <= LATEST_KNOWN_MAJOR ? parsedVersion.chartVersion : major, chart.dir), { source: 'chart default', anchor: input.anchor });
  const values = new LayeredVNode([defaults, ...input.layers]);
  findings.push(...ignoredKeys(input.layers, major, obj, chart));
  const primary = primaryKeyOf(chart, parsedVersion.chartMajor === undefined || major > LATEST_KNOWN_MAJOR ? undefined : input.chartVersion);

  const architecture = asString(values.get('architecture').value()) ?? 'replication';
  const sentinel = asBool(values.get('sentinel').get('enabled').value()) === true;
  const roles: RoleSpec[] =
    architecture === 'standalone'
      ? [{ key: primary, role: 'standalone' }]
      : sentinel
        ? [{ key: 'replica', role: 'sentinel-node' }]
        : [
            { key: primary, role: 'master' },
            { key: 'replica', role: 'replica' },
          ];

  const imageTag = values.get('image').get('tag');
  const chartRedis = redisVersionForChart(input.chartVersion ?? String(major), chart.dir);
  const tag = versionFromTag(asString(imageTag.value()));
  // Valkey versions keep their numbers (7.2 forked Redis 7.2.4; 8.x/9.x keep its multi-part AOF), labelled as Valkey
  const tagVersion = tag && chart.dir === 'bitnami/valkey' ? { ...tag, label: `valkey ${tag.label}` } : tag;
  const redisVersion: Setting<{ major: number; minor: number; label: string } | null> = tagVersion
    ? { value: tagVersion, origin: imageTag.origin() }
    : {
        value: chartRedis.redis && chart.dir === 'bitnami/valkey' ? { ...chartRedis.redis, label: `valkey ${chartRedis.redis.label}` } : chartRedis.redis,
        origin: { kind: 'default', source: 'chart default', key: 'image.tag', anchor: input.chartVersionPos ?? input.anchor },
      };

  const replicaCountNode = values.get('replica').get('replicaCount');
  const replicaCount = asNumber(replicaCountNode.value()) ?? 0;
  const deployments = roles
    .map((r) => roleDeployment(values, r, input, major, sentinel, redisVersion, findings, chart))
    .filter((d) => d.role !== 'replica' || d.replicas.value > 0);
  const master = deployments.find((d) => d.role === 'master');
  for (const d of deployments) {
    if (d.role === 'master') d.replicaCount = { value: replicaCount, origin: replicaCountNode.origin() };
    if (d.role === 'sentinel-node') d.replicaCount = { value: Math.max(0, d.replicas.value - 1), origin: d.replicas.origin };
    if (d.role === 'replica' && master) {
      d.masterPersistent = master.volume.kind === 'pvc' && persists(master.config);
      const mm = master.config.get('maxmemory');
      const bytes = mm ? redisMemoryOrNull(mm.args[0]) : null;
      if (mm && bytes) d.masterMaxmemory = { value: bytes, origin: mm.origin };
    }
  }
  return { deployments, findings };
}

/** The chart < 14 layout (README "To 14.0.0": cluster.slaveCount, slave.*, usePassword became architecture, replica.*, auth.*). */
function isLegacyLayout(layer: VNode): boolean {
  if (layer.get('architecture').exists) return false;
  return layer.get('slave').exists || layer.get('cluster').get('slaveCount').exists || layer.get('usePassword').exists;
}

function redisMemoryOrNull(v: string | undefined): number | null {
  try {
    return v === undefined ? null : parseRedisMemory(v);
  } catch {
    return null;
  }
}

/** AOF on, or RDB save points configured (an empty `save` means off; absent means Redis defaults, i.e. on). */
function persists(config: RedisConfig): boolean {
  const aof = config.get('appendonly')?.args[0]?.toLowerCase() === 'yes';
  const save = config.get('save');
  return aof || !save || save.args.length > 0;
}

function roleDeployment(
  values: VNode,
  spec: RoleSpec,
  input: BitnamiInput,
  major: number,
  sentinel: boolean,
  redisVersion: RedisDeployment['redisVersion'],
  findings: SourceFinding[],
  chart: LayoutChart,
): RedisDeployment {
  const r = values.get(spec.key);
  const configAnchor = anchorOf(r.get('configuration'));
  // quantities that are no quantity, negative or without a unit: say so at the value (common.ts quantityNotice)
  for (const [node, what] of [
    [r.get('persistence').get('size'), 'persistence.size'],
    [r.get('resources').get('limits').get('memory'), 'resources.limits.memory'],
  ] as const) {
    const n = quantityNotice(node, `${spec.key}.${what}`);
    if (n) findings.push({ ruleId: 'unresolved-values', message: n.message, pos: n.pos, object: findingObject(input.object), role: spec.role });
  }
  return {
    object: input.object,
    role: spec.role,
    source: input.source,
    chart: { name: chart.name, version: input.chartVersion, major, ...(chart.advice ? { advice: chart.advice } : {}) },
    redisVersion,
    config: roleConfig(values, spec, sentinel, findings, input.object),
    configAnchor,
    replicas: replicasOf(r, spec, chart),
    failover: { value: sentinel ? 'sentinel' : 'none', origin: values.get('sentinel').get('enabled').origin() },
    replicaCount: { value: 0, origin: r.origin() },
    volume: volumeOf(r),
    memoryLimit: memoryLimitOf(r, input.chartVersion ?? major, chart.dir),
    fsGroup: fsGroupOf(r, values, input.chartVersion ?? major, chart.dir),
    runAsUser: runAsUserOf(r),
    volumePermissionsInit: asBool(values.get('volumePermissions').get('enabled').value()) === true,
    image: { value: imageOf(values, chart.image), origin: values.get('image').origin() },
    livenessProbe: probeOf(r, 'livenessProbe'),
    startupProbe: probeOf(r, 'startupProbe'),
    terminationGracePeriodSeconds: graceOf(spec.role === 'sentinel-node' ? values.get('sentinel') : r),
    workload: input.workload,
  };
}

/** The pod's grace period; in sentinel mode the node StatefulSet takes sentinel.terminationGracePeriodSeconds (templates/sentinel/statefulset.yaml). */
function graceOf(r: VNode): Setting<number> {
  const node = r.get('terminationGracePeriodSeconds');
  return { value: asNumber(node.value()) ?? 30, origin: node.origin() };
}

function anchorOf(node: VNode): SourcePosition {
  const o = node.origin();
  return o.kind === 'file' ? o.pos : o.anchor;
}

/** Pods of a role: redis `master.count`, valkey `primary.replicaCount` (valkey 0.x `master.replicaCount`), `replica.replicaCount`. */
function replicasOf(r: VNode, spec: RoleSpec, chart: LayoutChart): Setting<number> {
  const node = spec.key === 'master' && chart.dir === 'bitnami/redis' ? r.get('count') : r.get('replicaCount');
  return { value: asNumber(node.value()) ?? 1, origin: node.origin() };
}

/** master/replica.persistence: a PVC from volumeClaimTemplates (or existingClaim), else emptyDir (templates use emptyDir when disabled). */
function volumeOf(r: VNode): DataVolume {
  const p = r.get('persistence');
  const enabled = asBool(p.get('enabled').value()) !== false;
  if (!enabled) {
    const sizeLimit = p.get('sizeLimit');
    const bytes = quantityValue(sizeLimit.value());
    return {
      kind: 'emptyDir',
      origin: p.get('enabled').origin(),
      ...(bytes !== undefined ? { size: { value: bytes, origin: sizeLimit.origin() } } : {}),
    };
  }
  const existing = asString(p.get('existingClaim').value());
  if (existing) return { kind: 'pvc', origin: p.get('existingClaim').origin(), claimName: existing };
  const size = p.get('size');
  const bytes = quantityValue(size.value());
  return {
    kind: 'pvc',
    origin: p.origin(),
    mountPath: asString(p.get('path').value()),
    ...(bytes !== undefined ? { size: { value: bytes, origin: size.origin() } } : {}),
  };
}

/**
 * The Redis container's memory limit as the chart renders it (effectiveResources: the role's
 * `resources` when not empty, else `resourcesPreset` from chart 18.14, bitnami/common
 * _resources.tpl), with the origin of the node that decides it.
 */
function memoryLimitOf(r: VNode, chartVersion: string | number, dir: BitnamiChartDir): Setting<number | null> {
  const eff = effectiveResources(r.value(), chartVersion, dir);
  const resources = r.get('resources');
  const preset = r.get('resourcesPreset');
  if (eff.source === 'resources') {
    const limit = resources.get('limits').get('memory');
    return { value: eff.memoryLimitBytes, origin: limit.origin() };
  }
  if (eff.source === 'preset') return { value: eff.memoryLimitBytes, origin: preset.origin() };
  // point at what the user wrote (e.g. `resourcesPreset: none`), else at the resources default
  const presetOrigin = preset.origin();
  return { value: null, origin: presetOrigin.kind === 'file' ? presetOrigin : resources.origin() };
}

/**
 * The pod's fsGroup: `<role>.podSecurityContext.fsGroup` when the context is enabled, none when
 * `global.compatibility.openshift.adaptSecurityContext: force` omits it (chart 18.18.0+, see
 * openshiftAdaptSupported; `auto` depends on the cluster and is taken as not OpenShift).
 */
function fsGroupOf(r: VNode, values: VNode, chartVersion: string | number, dir: BitnamiChartDir): Setting<number | null> {
  const psc = r.get('podSecurityContext');
  const enabled = asBool(psc.get('enabled').value());
  const fsGroup = psc.get('fsGroup');
  if (enabled === false) return { value: null, origin: psc.get('enabled').origin() };
  const adapt = values.get('global').get('compatibility').get('openshift').get('adaptSecurityContext');
  if (asString(adapt.value()) === 'force' && openshiftAdaptSupported(chartVersion, dir)) return { value: null, origin: adapt.origin() };
  return { value: asNumber(fsGroup.value()) ?? null, origin: fsGroup.origin() };
}

function runAsUserOf(r: VNode): Setting<number | null> {
  const csc = r.get('containerSecurityContext');
  const uid = csc.get('runAsUser');
  // the bitnami/redis image runs as uid 1001 (its Dockerfile USER 1001) when the context is disabled
  if (asBool(csc.get('enabled').value()) === false) return { value: 1001, origin: csc.get('enabled').origin() };
  return { value: asNumber(uid.value()) ?? 1001, origin: uid.origin() };
}

function probeOf(r: VNode, key: 'livenessProbe' | 'startupProbe'): RedisDeployment['livenessProbe'] {
  const custom = r.get(key === 'livenessProbe' ? 'customLivenessProbe' : 'customStartupProbe');
  if (custom.kind() === 'map' && custom.keys().length > 0) return { value: probeTiming(custom), origin: custom.origin() };
  const p = r.get(key);
  if (asBool(p.get('enabled').value()) !== true) return { value: null, origin: p.get('enabled').origin() };
  // the chart's own probes run /health/ping_liveness_local.sh, which accepts LOADING (templates/health-configmap.yaml)
  return { value: { ...probeTiming(p), acceptsLoading: true }, origin: p.origin() };
}

function imageOf(values: VNode, defaultRepository: string): string {
  const img = values.get('image');
  const registry = asString(img.get('registry').value());
  const repo = asString(img.get('repository').value()) ?? defaultRepository;
  const tag = asString(img.get('tag').value());
  return `${registry ? registry + '/' : ''}${repo}${tag ? ':' + tag : ''}`;
}

/**
 * The role's redis.conf: config layers in the chart's order (lowest first, see configLayers):
 * commonConfiguration, <role>.configuration, then <role>.extraFlags (command-line, wins).
 */
function roleConfig(values: VNode, spec: RoleSpec, sentinel: boolean, findings: SourceFinding[], object: ObjectRef): RedisConfig {
  const config: RedisConfig = new Map();
  for (const layer of configLayers(spec.key === 'replica' ? 'replica' : 'master', sentinel).map((l) => l.replace(/^master\./, `${spec.key}.`))) {
    if (layer === 'extraFlags') {
      const flags = values.get(spec.key).get('extraFlags');
      const args = flags.items().map((item) => ({ text: asString(item.value()) ?? '', origin: item.origin() }));
      const parsed = parseServerArgs(args);
      for (const f of confProblemFindings(parsed.problems, findingObject(object))) findings.push(f);
      applyDirectives(config, parsed.directives);
      continue;
    }
    const node = at(values, layer);
    applyDirectives(config, confDirectives(node, findings, object));
  }
  return config;
}

/** Parse a redis.conf string held in values; directives point at their own line when the string is in a file. */
export function confDirectives(node: VNode, findings: SourceFinding[], object: ObjectRef): ConfigDirective[] {
  const text = asString(node.value());
  if (!text) return [];
  const origin = node.origin();
  const yamlNode = winningYamlNode(node);
  const ctx: DocContext = yamlNode && isStringScalar(yamlNode.node) ? embeddedContext(yamlNode.node, yamlNode.ctx, yamlNode.path) : fixedContext(text, origin);
  const { directives, problems } = parseRedisConf(text, ctx);
  for (const f of confProblemFindings(problems, findingObject(object))) findings.push(f);
  if (origin.kind !== 'file') {
    // chart-default text: every directive carries the default origin, anchored where the user would override it
    return directives.map((d) => ({ ...d, origin: { ...origin, key: `${origin.key} (${d.name})` } as Origin }));
  }
  return directives;
}

/** The YAML node that supplies a layered value, when it is a node of a file. */
function winningYamlNode(node: VNode): YamlVNode | undefined {
  if (node instanceof YamlVNode) return node.exists ? node : undefined;
  if (node instanceof LayeredVNode) {
    for (let i = node.layers.length - 1; i >= 0; i--) {
      const l = node.layers[i];
      if (l.kind() === 'missing') continue;
      return winningYamlNode(l);
    }
  }
  return undefined;
}

/** A context that maps every offset to one position (text from a default or a --set parameter). */
function fixedContext(text: string, origin: Origin): DocContext {
  const pos = origin.kind === 'file' ? origin.pos : origin.anchor;
  return { file: pos.file, text, locate: () => ({ line: pos.line, col: pos.column }), pathPrefix: pos.yamlPath.split('.') };
}

/** Edit distance, for "did you mean" on misspelt keys. */
function distance(a: string, b: string, max = Infinity): number {
  // two rows, reused across calls (this runs once per unknown key and candidate)
  if (ROWS[0].length <= b.length) ROWS = [new Uint32Array(b.length + 1), new Uint32Array(b.length + 1)];
  let [prev, cur] = ROWS;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      const v = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // every later row is at least this row's minimum: already too far
    if (rowMin > max) return rowMin;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length];
}
let ROWS = [new Uint32Array(64), new Uint32Array(64)];

/**
 * The characters of a string as a 32-bit set (char code mod 32). One edit adds or removes at most
 * two members of a string's character set, so the edit distance of two strings is at least half
 * the members their sets do not share; folding characters into 32 classes only merges members,
 * so the bound still holds on the masks.
 */
function charMask(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) m |= 1 << (s.charCodeAt(i) & 31);
  return m;
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
}

/** A known key, its lower-case form and that form's {@link charMask}. */
export type KnownKey = readonly [key: string, lower: string, mask: number];

/** Known keys in the form {@link closestKey} takes. */
export function knownKeyList(keys: Iterable<string>): KnownKey[] {
  return [...keys].map((k) => [k, k.toLowerCase(), charMask(k.toLowerCase())]);
}

/**
 * The known key closest to `key` within `max` edits (compared in lower case), or undefined. Keys
 * whose length differs by more than the best distance so far are skipped (the distance is at
 * least the length difference), and so are keys whose character sets differ too much
 * ({@link charMask}); a distance stops once a row exceeds it, so an unknown key costs O(known
 * keys) and a long one no more than a short one (100,000 unknown keys: issue 13).
 * @param known the known keys, with their lower-case forms and masks
 */
export function closestKey(key: string, known: ReadonlyArray<KnownKey>, max: number): string | undefined {
  const k = key.toLowerCase();
  const mask = charMask(k);
  let best: string | undefined;
  let bestD = max + 1;
  for (const [cand, lower, m] of known) {
    if (Math.abs(lower.length - k.length) >= bestD) continue;
    if (popcount(mask ^ m) > 2 * (bestD - 1)) continue;
    const d = distance(k, lower, bestD - 1);
    if (d < bestD) {
      best = cand;
      bestD = d;
    }
  }
  return best;
}

/** Top-level keys in user layers that the chart does not read: a misplaced key is silently ignored by Helm. */
function ignoredKeys(layers: VNode[], major: number, object: { kind: string; namespace?: string; name: string }, chart: LayoutChart): SourceFinding[] {
  const known = knownTopLevelKeys(major, { dir: chart.dir });
  const knownList = knownKeyList(known);
  const out: SourceFinding[] = [];
  for (const layer of layers) {
    if (layer.kind() !== 'map') continue;
    for (const key of layer.keys()) {
      if (known.has(key)) continue;
      let hint = '';
      const where = Object.hasOwn(MISPLACED_TOP_LEVEL_KEYS, key) ? MISPLACED_TOP_LEVEL_KEYS[key].map((w) => (chart.dir === 'bitnami/valkey' ? w.replace(/^master\./, 'primary.') : w)) : undefined;
      if (where) hint = `: the chart reads it only as ${where.join(' / ')}${key === 'resources' ? ' (this memory limit is not applied)' : ''}`;
      else {
        const close = closestKey(key, knownList, Math.max(1, Math.floor(key.length / 4)));
        if (close) hint = `: did you mean "${close}"?`;
      }
      // unknown keys without a hint may be for a wrapper chart's own templates: only report likely mistakes
      if (!hint) continue;
      // the origin only for the keys reported (a keyed lookup: O(1) per key, no walk of the layer)
      const o = layer.get(key).origin();
      if (o.kind !== 'file') continue;
      out.push({ ruleId: 'values-key-ignored', message: `key "${key}" is not a ${chart.label} ${major}.x value and is ignored${hint}`, pos: o.pos, object });
    }
  }
  return out;
}
