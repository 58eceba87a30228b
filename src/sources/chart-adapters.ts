import semver from 'semver';
import { LayeredVNode, ObjectVNode, asBool, asNumber, asString, type VNode } from '../load/vnode.js';
import type { ConfigDirective, DataVolume, Origin, RedisConfig, RedisDeployment, RedisRole, Setting, SourcePosition } from '../types.js';
import { bitnamiDeployments, confDirectives, type BitnamiInput } from './bitnami.js';
import { chartData, type ChartData } from './chart-data.js';
import type { ChartKind } from './chart-kinds.js';
import { resolveChartVersion } from './chart-versions.js';
import { findingObject, probeTiming, quantityNotice, quantityValue, type SourceFinding, type SourceResult } from './common.js';
import { applyDirectives, parseRedisConf } from './redis-conf.js';
import { versionFromTag } from './workload.js';
import { parseQuantity } from '../model/units.js';

/**
 * Adapters for the Redis-family charts other than Bitnami `redis` (chart-kinds.ts), each turning
 * the chart's values into the same RedisDeployment roles the Bitnami redis adapter makes (every
 * value with its origin: the user's node, or the chart default from data/charts/<kind>/chart.json
 * anchored where the user would override it), so every rule and the model apply unchanged:
 * - `bitnami/valkey`: the Bitnami redis layout with `primary` (bitnami.ts with the valkey data);
 * - `bitnami/redis-cluster`, `bitnami/valkey-cluster`: one StatefulSet of `cluster.nodes` cluster
 *   nodes (templates/redis-statefulset.yaml `replicas: {{ .Values.cluster.nodes }}`), each a master
 *   or a replica (`cluster.replicas` per master), failover by the cluster;
 * - `valkey-io/valkey` (valkey-io/valkey-helm, chart `valkey`): a Deployment (`dataStorage`) or,
 *   with `replica.enabled`, a StatefulSet of 1 + `replica.replicas` pods (`replica.persistence`);
 * - `dandydeveloper/redis-ha`: a StatefulSet of `replicas` Redis + Sentinel pods (`persistentVolume`, `redis.config`).
 * Valkey versions keep their numbers, labelled `valkey X.Y`: Valkey 7.2 forked Redis 7.2.4 and 8.x/9.x
 * keep its multi-part AOF, so the model reads them as Redis 7+ (model/aof.ts aofLayoutFor).
 */

/** Input of the chart adapters: the user's values layers and where they came from (BitnamiInput without its chart). */
export type ChartValuesInput = Omit<BitnamiInput, 'chart'>;

/** Evaluate the values of a chart of {@link ChartKind}. */
export function chartKindDeployments(kind: ChartKind, input: ChartValuesInput): SourceResult {
  if (kind === 'bitnami/valkey') return bitnamiDeployments({ ...input, chart: 'bitnami/valkey' });
  const c = prepare(kind, input);
  const deployments = kind === 'valkey-io/valkey' ? valkeyIo(c) : kind === 'dandydeveloper/redis-ha' ? redisHa(c) : bitnamiCluster(c, kind === 'bitnami/valkey-cluster' ? 'valkey' : 'redis');
  return { deployments, findings: c.findings };
}

/** What every adapter here starts from: the chart's data, the version judged, the values with the defaults of that version under the user layers. */
interface Prepared {
  kind: ChartKind;
  input: ChartValuesInput;
  data: ChartData;
  /** the exact version whose defaults apply */
  version: string;
  values: VNode;
  findings: SourceFinding[];
  chart: RedisDeployment['chart'];
  server: RedisDeployment['redisVersion'];
  label: string;
}

/** Where each chart sets what the rules advise (memory-limit-missing, replicas-failover), from its values.yaml. */
const ADVICE: Readonly<Record<ChartKind, { memoryLimit: string; failover: string }>> = {
  'bitnami/valkey': { memoryLimit: 'set primary/replica resources.limits.memory, or a resourcesPreset other than none', failover: 'enable Sentinel (sentinel.enabled) with at least 2 replicas' }, // bitnami.ts LAYOUT_CHARTS
  'bitnami/redis-cluster': { memoryLimit: 'set redis.resources.limits.memory, or a redis.resourcesPreset other than none', failover: 'set cluster.replicas to at least 1' },
  'bitnami/valkey-cluster': { memoryLimit: 'set valkey.resources.limits.memory, or a valkey.resourcesPreset other than none', failover: 'set cluster.replicas to at least 1' },
  'valkey-io/valkey': {
    memoryLimit: 'set resources.limits.memory',
    failover: 'the valkey-io/valkey-helm chart has no Sentinel or Cluster (replica.enabled adds replicas without failover): use a chart or operator with failover where an outage matters',
  },
  'dandydeveloper/redis-ha': { memoryLimit: 'set redis.resources.limits.memory', failover: 'set replicas to at least 3' },
};

const LABELS: Readonly<Record<ChartKind, string>> = {
  'bitnami/valkey': 'Bitnami valkey chart',
  'bitnami/redis-cluster': 'Bitnami redis-cluster chart',
  'bitnami/valkey-cluster': 'Bitnami valkey-cluster chart',
  'valkey-io/valkey': 'valkey-io/valkey-helm chart',
  'dandydeveloper/redis-ha': 'redis-ha chart (dandydeveloper)',
};

function prepare(kind: ChartKind, input: ChartValuesInput): Prepared {
  const data = chartData(kind);
  const findings: SourceFinding[] = [];
  const obj = findingObject(input.object);
  const where = input.chartVersionPos ?? input.anchor;
  const label = LABELS[kind];
  const latest = data.latest;
  const serverName = data.file.server === 'valkey' ? 'Valkey' : 'Redis';
  const resolved = resolveChartVersion(kind, input.chartVersion);
  let version: string;
  if (resolved && semver.major(resolved.version) <= semver.major(latest.version)) {
    version = resolved.version;
    if (resolved.how === 'range') findings.push({ ruleId: 'unresolved-values', message: resolved.note ?? '', pos: where, object: obj });
  } else {
    version = latest.version;
    findings.push({
      ruleId: 'unresolved-values',
      message: input.chartVersion
        ? resolved
          ? `${label} ${input.chartVersion} is newer than the versions redis-lint knows (up to ${latest.version}): assumed ${latest.version} defaults`
          : `chart version "${input.chartVersion}" not understood: assumed ${label} ${latest.version} defaults (${serverName} ${latest.appVersion})`
        : `${input.versionUnknownWhy ?? `${label} version unknown`}: assumed ${latest.version} defaults (${serverName} ${latest.appVersion}), the newest release`,
      pos: where,
      object: obj,
    });
  }
  const defaults = new ObjectVNode(data.defaultsAt(version), { source: 'chart default', anchor: input.anchor });
  const values = new LayeredVNode([defaults, ...input.layers]);
  const release = data.release(version) ?? data.highest(`<=${version}`) ?? latest;
  const imageTag = values.get('image').get('tag');
  const tag = versionFromTag(asString(imageTag.value()));
  const app = versionFromTag(release.appVersion);
  const valkey = data.file.server === 'valkey';
  const labelled = (v: { major: number; minor: number; label: string } | null) => (v && valkey ? { ...v, label: `valkey ${v.label}` } : v);
  const server: RedisDeployment['redisVersion'] = tag
    ? { value: labelled(tag), origin: imageTag.origin() }
    : { value: labelled(app), origin: { kind: 'default', source: 'chart default', key: 'image.tag', anchor: where } };
  return { kind, input, data, version, values, findings, chart: { name: data.file.chart, version, major: semver.major(version), advice: ADVICE[kind] }, server, label };
}

/** Fields of a RedisDeployment every adapter here fills the same way. */
function deployment(c: Prepared, role: RedisRole, fields: Omit<RedisDeployment, 'object' | 'role' | 'source' | 'chart' | 'redisVersion' | 'workload' | 'volumePermissionsInit'> & { volumePermissionsInit?: boolean }): RedisDeployment {
  return {
    object: c.input.object,
    role,
    source: c.input.source,
    chart: c.chart,
    redisVersion: c.server,
    workload: c.input.workload,
    volumePermissionsInit: fields.volumePermissionsInit ?? false,
    ...fields,
  };
}

/** A notice for a quantity that is no quantity (common.ts quantityNotice), at the value. */
function checkQuantity(c: Prepared, node: VNode, what: string, role: RedisRole): void {
  const n = quantityNotice(node, what);
  if (n) c.findings.push({ ruleId: 'unresolved-values', message: n.message, pos: n.pos, object: findingObject(c.input.object), role });
}

/** A PVC of `size` (bytes when a quantity) declared at `origin`. */
function pvc(size: VNode, origin: Origin, mountPath?: string): DataVolume {
  const bytes = quantityValue(size.value());
  return { kind: 'pvc', origin, ...(mountPath ? { mountPath } : {}), ...(bytes !== undefined ? { size: { value: bytes, origin: size.origin() } } : {}) };
}

/** A setting of a number at a node, with a fallback when unset. */
function num(node: VNode, fallback: number): Setting<number> {
  return { value: asNumber(node.value()) ?? fallback, origin: node.origin() };
}

/** Memory limit from a `resources` map (`limits.memory`); null when none. */
function memoryOf(resources: VNode): Setting<number | null> {
  const limit = resources.get('limits').get('memory');
  const v = limit.value();
  let bytes: number | null = null;
  try {
    bytes = v === undefined || v === null ? null : parseQuantity(typeof v === 'number' ? v : String(v));
  } catch {
    bytes = null;
  }
  return { value: bytes && bytes > 0 ? bytes : null, origin: limit.exists ? limit.origin() : resources.origin() };
}

/**
 * Memory limit of a Bitnami container: its `resources` map when not empty, else its
 * `resourcesPreset` (the bitnami/common preset table of the release, chart.json `presets.tables`)
 * unless `none` (templates: `if .Values.<x>.resources` … `else if ne .Values.<x>.resourcesPreset "none"`).
 */
function bitnamiMemory(c: Prepared, resources: VNode, preset: VNode): Setting<number | null> {
  const r = resources.value();
  if (r && typeof r === 'object' && Object.keys(r).length > 0) return memoryOf(resources);
  const name = asString(preset.value());
  const table = c.data.presetTable(c.version)?.table;
  if (name && name !== 'none' && table && Object.hasOwn(table, name)) {
    return { value: parseQuantity(table[name].limits.memory), origin: preset.origin() };
  }
  const o = preset.origin();
  return { value: null, origin: o.kind === 'file' ? o : resources.origin() };
}

/** A probe with an `enabled` flag (Bitnami, valkey-helm): its timing, or null when disabled. */
function flaggedProbe(p: VNode, acceptsLoading: boolean, timeoutAdd = 0): RedisDeployment['livenessProbe'] {
  if (asBool(p.get('enabled').value()) !== true) return { value: null, origin: p.get('enabled').origin() };
  const t = probeTiming(p);
  return { value: { ...t, timeoutSeconds: t.timeoutSeconds + timeoutAdd, acceptsLoading }, origin: p.origin() };
}

/** Directives of a redis.conf text in values (positions inside the text when it is in a file). */
function confText(c: Prepared, node: VNode): ConfigDirective[] {
  return asString(node.value()) ? confDirectives(node, c.findings, c.input.object) : [];
}

/** One directive standing for a chart default or a value (its origin: the value's node). */
function directive(name: string, args: string[], origin: Origin): ConfigDirective {
  return { name, args, origin };
}

/** fsGroup of a Bitnami pod: `podSecurityContext.fsGroup` when enabled; none under OpenShift `adaptSecurityContext: force` (bitnami/common _compatibility.tpl). */
function bitnamiFsGroup(c: Prepared, psc: VNode): Setting<number | null> {
  if (asBool(psc.get('enabled').value()) === false) return { value: null, origin: psc.get('enabled').origin() };
  const adapt = c.values.get('global').get('compatibility').get('openshift').get('adaptSecurityContext');
  const since = c.data.defaultSince('global.compatibility.openshift.adaptSecurityContext');
  if (asString(adapt.value()) === 'force' && since && semver.gte(c.version, since)) return { value: null, origin: adapt.origin() };
  const fsGroup = psc.get('fsGroup');
  return { value: asNumber(fsGroup.value()) ?? null, origin: fsGroup.origin() };
}

// ---------------------------------------------------------------------------------------------
// Bitnami redis-cluster / valkey-cluster
// ---------------------------------------------------------------------------------------------

/**
 * The redis.conf of a cluster node (bitnami/charts redis-cluster 13.0.5 @5165628):
 * templates/configmap.yaml renders `redis-default.conf` = `<block>.defaultConfigOverride`, or the
 * chart's full default redis.conf (`save 900 1 300 10 60 10000`, `appendonly no`) followed by
 * `<block>.configmap`; the container's setup then sets `appendonly` to `<block>.useAOFPersistence`
 * (env REDIS_AOF_ENABLED, templates/redis-statefulset.yaml; the image's `redis_conf_set appendonly`
 * rewrites the line), so that value wins.
 */
function clusterConfig(c: Prepared, block: VNode): RedisConfig {
  const config: RedisConfig = new Map();
  const override = block.get('defaultConfigOverride');
  const anchor = block.origin();
  const at: SourcePosition = anchor.kind === 'file' ? anchor.pos : anchor.anchor;
  if (asString(override.value())) applyDirectives(config, confText(c, override));
  else {
    const def: Origin = { kind: 'default', source: 'chart default', key: 'redis-default.conf', anchor: at };
    applyDirectives(config, parseRedisConf(DEFAULT_CLUSTER_CONF, { file: at.file, text: DEFAULT_CLUSTER_CONF, locate: () => ({ line: at.line, col: at.column }), pathPrefix: [] }).directives.map((d) => ({ ...d, origin: { ...def, key: `redis-default.conf (${d.name})` } })));
    applyDirectives(config, confText(c, block.get('configmap')));
  }
  const aof = block.get('useAOFPersistence');
  const v = aof.value();
  const yes = typeof v === 'boolean' ? (v ? 'yes' : 'no') : asString(v);
  if (yes) applyDirectives(config, [directive('appendonly', [yes], aof.origin())]);
  return config;
}

/** The persistence lines of the chart's default redis-default.conf (redis-cluster 13.0.5 templates/configmap.yaml lines 454, 1399). */
const DEFAULT_CLUSTER_CONF = 'save 900 1 300 10 60 10000\nappendonly no';

function bitnamiCluster(c: Prepared, blockName: 'redis' | 'valkey'): RedisDeployment[] {
  const v = c.values;
  const block = v.get(blockName);
  const nodes = v.get('cluster').get('nodes');
  const perMaster = v.get('cluster').get('replicas');
  const p = v.get('persistence');
  checkQuantity(c, p.get('size'), 'persistence.size', 'master');
  checkQuantity(c, block.get('resources').get('limits').get('memory'), `${blockName}.resources.limits.memory`, 'master');
  const volume: DataVolume = asBool(p.get('enabled').value()) === false ? { kind: 'emptyDir', origin: p.get('enabled').origin() } : pvc(p.get('size'), p.origin(), asString(p.get('path').value()));
  const csc = v.get('containerSecurityContext');
  const config = clusterConfig(c, block);
  const configAnchor = (() => {
    const o = block.get('configmap').origin();
    return o.kind === 'file' ? o.pos : o.anchor;
  })();
  return [
    deployment(c, 'master', {
      config,
      configAnchor,
      replicas: num(nodes, 6),
      failover: { value: 'cluster', origin: nodes.origin() },
      replicaCount: num(perMaster, 1),
      volume,
      memoryLimit: bitnamiMemory(c, block.get('resources'), block.get('resourcesPreset')),
      fsGroup: bitnamiFsGroup(c, v.get('podSecurityContext')),
      runAsUser: asBool(csc.get('enabled').value()) === false ? { value: 1001, origin: csc.get('enabled').origin() } : num(csc.get('runAsUser'), 1001),
      volumePermissionsInit: asBool(v.get('volumePermissions').get('enabled').value()) === true,
      image: { value: asString(v.get('image').get('repository').value()) ?? `bitnami/${blockName}-cluster`, origin: v.get('image').origin() },
      // ping_liveness_local.sh (templates/scripts-configmap.yaml) passes on LOADING like the redis chart's; timeoutSeconds rendered +1
      livenessProbe: flaggedProbe(block.get('livenessProbe'), true, 1),
      startupProbe: flaggedProbe(block.get('startupProbe'), true),
      terminationGracePeriodSeconds: num(block.get('terminationGracePeriodSeconds'), 30),
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// valkey-io/valkey-helm
// ---------------------------------------------------------------------------------------------

/**
 * valkey-io/valkey-helm `valkey` (0.11.0 @bde1691): without `replica.enabled`, a Deployment
 * (templates/deploy_valkey.yaml) whose data volume is a PVC of `dataStorage.requestedSize` when
 * `dataStorage.enabled` (0.5.0-0.7.0: `dataStorage.enable`), the claim `persistentVolumeClaimName`,
 * else an emptyDir; with `replica.enabled` (0.9.0+) a StatefulSet of 1 + `replica.replicas` pods
 * (pod 0 the master, no failover) with volumeClaimTemplates of `replica.persistence.size`.
 * redis.conf: templates/init_config.yaml writes port/bind/`dir /data`, then appends `valkeyConfig`.
 * Probes run `valkey-cli ping` (\_helpers.tpl valkey.healthProbes), which fails on LOADING.
 */
function valkeyIo(c: Prepared): RedisDeployment[] {
  const v = c.values;
  const replica = v.get('replica');
  const replicated = asBool(replica.get('enabled').value()) === true;
  const cfgNode = v.get('valkeyConfig');
  const config = applyDirectives(new Map(), confText(c, cfgNode));
  const o = cfgNode.origin();
  const configAnchor = o.kind === 'file' ? o.pos : o.anchor;
  let volume: DataVolume;
  if (replicated) {
    const p = replica.get('persistence');
    checkQuantity(c, p.get('size'), 'replica.persistence.size', 'master');
    volume = pvc(p.get('size'), p.origin(), '/data');
  } else {
    const ds = v.get('dataStorage');
    const enabledNode = ds.get('enabled').exists ? ds.get('enabled') : ds.get('enable');
    const claim = asString(ds.get('persistentVolumeClaimName').value());
    const size = ds.get('requestedSize');
    if (asBool(enabledNode.value()) !== true) volume = { kind: 'emptyDir', origin: enabledNode.origin() };
    else if (claim) volume = { kind: 'pvc', origin: ds.get('persistentVolumeClaimName').origin(), claimName: claim };
    else if (asString(ds.get('hostPath').value())) volume = { kind: 'hostPath', origin: ds.get('hostPath').origin() };
    // templates/deploy_valkey.yaml: a PVC only with a requestedSize, else an emptyDir
    else if (!asString(size.value()) && typeof size.value() !== 'number') volume = { kind: 'emptyDir', origin: size.origin() };
    else {
      checkQuantity(c, size, 'dataStorage.requestedSize', 'standalone');
      volume = pvc(size, ds.origin(), '/data');
    }
  }
  const psc = v.get('podSecurityContext');
  const sc = v.get('securityContext');
  const uid = sc.get('runAsUser').exists ? sc.get('runAsUser') : psc.get('runAsUser');
  const fsGroup = psc.get('fsGroup');
  const common = {
    config,
    configAnchor,
    failover: { value: 'none' as const, origin: replica.get('enabled').origin() },
    volume,
    memoryLimit: memoryOf(v.get('resources')),
    fsGroup: { value: asNumber(fsGroup.value()) ?? null, origin: fsGroup.origin() },
    runAsUser: { value: asNumber(uid.value()) ?? null, origin: uid.origin() },
    image: { value: `${asString(v.get('image').get('repository').value()) ?? 'valkey/valkey'}`, origin: v.get('image').origin() },
    livenessProbe: flaggedProbe(v.get('livenessProbe'), false),
    startupProbe: flaggedProbe(v.get('startupProbe'), false),
    terminationGracePeriodSeconds: { value: 30, origin: { kind: 'default', source: 'kubernetes default', key: 'terminationGracePeriodSeconds', anchor: c.input.anchor } as Origin },
  };
  checkQuantity(c, v.get('resources').get('limits').get('memory'), 'resources.limits.memory', replicated ? 'master' : 'standalone');
  if (!replicated) return [deployment(c, 'standalone', { ...common, replicas: { value: 1, origin: replica.get('enabled').origin() }, replicaCount: { value: 0, origin: replica.get('enabled').origin() } })];
  const count = num(replica.get('replicas'), 2);
  const master = deployment(c, 'master', { ...common, replicas: { value: 1, origin: replica.get('enabled').origin() }, replicaCount: count });
  const out = [master];
  if (count.value > 0) out.push({ ...deployment(c, 'replica', { ...common, replicas: count, replicaCount: { value: 0, origin: count.origin } }), masterPersistent: true });
  return out;
}

// ---------------------------------------------------------------------------------------------
// dandydeveloper/redis-ha
// ---------------------------------------------------------------------------------------------

/**
 * dandydeveloper/redis-ha: one StatefulSet of `replicas` pods, each Redis + Sentinel
 * (templates/redis-ha-statefulset.yaml), data on `persistentVolume` (size, enabled; else
 * `hostPath.path` or an emptyDir). redis.conf (templates/_configs.tpl `config-redis.conf`):
 * `redis.customConfig` when set, else `dir "/data"`, the port, then one `key value` line per
 * `redis.config` entry (Go template `range` over the map, keys sorted). Probes: `redis.livenessProbe`
 * timing running redis_liveness.sh.
 */
function redisHa(c: Prepared): RedisDeployment[] {
  const v = c.values;
  const redis = v.get('redis');
  const config: RedisConfig = new Map();
  const custom = redis.get('customConfig');
  const cfg = redis.get('config');
  if (asString(custom.value())) applyDirectives(config, confText(c, custom));
  else {
    const keys = cfg.kind() === 'map' ? [...cfg.keys()].sort() : [];
    // each entry renders the line `key value`, which redis-server reads like any redis.conf line (quotes: `save: '""'` clears)
    for (const k of keys) {
      const n = cfg.get(k);
      const val = n.value();
      const line = `${k} ${val === null || val === undefined ? '' : String(val)}`;
      const o = n.origin();
      const at = o.kind === 'file' ? o.pos : o.kind === 'default' || o.kind === 'absent' ? o.anchor : c.input.anchor;
      const parsed = parseRedisConf(line, { file: at.file, text: line, locate: () => ({ line: at.line, col: at.column }), pathPrefix: [] });
      applyDirectives(config, parsed.directives.map((d) => ({ ...d, origin: o })));
    }
  }
  const pv = v.get('persistentVolume');
  checkQuantity(c, pv.get('size'), 'persistentVolume.size', 'sentinel-node');
  checkQuantity(c, redis.get('resources').get('limits').get('memory'), 'redis.resources.limits.memory', 'sentinel-node');
  let volume: DataVolume;
  if (asBool(pv.get('enabled').value()) !== false) volume = pvc(pv.get('size'), pv.origin(), '/data');
  else if (asString(v.get('hostPath').get('path').value())) volume = { kind: 'hostPath', origin: v.get('hostPath').get('path').origin() };
  else volume = { kind: 'emptyDir', origin: pv.get('enabled').origin() };
  const sc = v.get('securityContext');
  const csc = v.get('containerSecurityContext');
  const uid = csc.get('runAsUser').exists ? csc.get('runAsUser') : sc.get('runAsUser');
  const replicas = num(v.get('replicas'), 3);
  const o = cfg.origin();
  // redis_liveness.sh passes on `PONG|LOADING*` since DandyDeveloper/charts@fb330c1 (2021-01-26, templates/_configs.tpl)
  const release = c.data.release(c.version) ?? c.data.highest(`<=${c.version}`);
  const acceptsLoading = (release?.date ?? '9999') >= '2021-01-26';
  // `redis.livenessProbe.enabled` since 4.27.8 (chart.json); before it the probe was always rendered
  const probe = (p: VNode, always: boolean): RedisDeployment['livenessProbe'] => {
    const enabled = p.get('enabled');
    if (enabled.exists ? asBool(enabled.value()) !== true : !always || !p.exists) return { value: null, origin: enabled.exists ? enabled.origin() : p.origin() };
    return { value: { ...probeTiming(p), acceptsLoading }, origin: p.origin() };
  };
  return [
    {
      ...deployment(c, 'sentinel-node', {
        config,
        configAnchor: o.kind === 'file' ? o.pos : o.anchor,
        replicas,
        failover: { value: 'sentinel', origin: v.get('sentinel').origin() },
        replicaCount: { value: Math.max(0, replicas.value - 1), origin: replicas.origin },
        volume,
        memoryLimit: memoryOf(redis.get('resources')),
        fsGroup: { value: asNumber(sc.get('fsGroup').value()) ?? null, origin: sc.get('fsGroup').origin() },
        runAsUser: { value: asNumber(uid.value()) ?? null, origin: uid.origin() },
        // hostPath.chown: an init container chowns the hostPath to the security context's user
        volumePermissionsInit: volume.kind === 'hostPath' && asBool(v.get('hostPath').get('chown').value()) !== false,
        image: { value: asString(v.get('image').get('repository').value()) ?? 'redis', origin: v.get('image').origin() },
        livenessProbe: probe(redis.get('livenessProbe'), true),
        startupProbe: probe(redis.get('startupProbe'), false),
        terminationGracePeriodSeconds: num(redis.get('terminationGracePeriodSeconds'), 30),
      }),
    },
  ];
}
