import { readFileSync } from 'node:fs';
import type { LoadedDocument } from '../load/documents.js';
import { asNumber, asString, type YamlVNode } from '../load/vnode.js';
import type { ConfigDirective, DataVolume, Origin, ProbeTiming, RedisConfig, RedisDeployment, RedisRole, Setting, SourcePosition } from '../types.js';
import { findConfigMap, findingObject, memoryLimitValue, objectRefOf, probeTiming, quantityNotice, quantityValue, rootOf, workloadFromAnnotations, type RunContext, type SourceResult } from './common.js';
import { redisConfOf } from './configmap.js';
import { applyDirectives, parseRedisConf } from './redis-conf.js';
import { parseImage, versionFromTag } from './workload.js';

/**
 * Operator custom resources that run Redis: OT-Container-Kit redis-operator (`Redis`,
 * `RedisReplication`, `RedisCluster`, `RedisSentinel`) and spotahome redis-operator
 * (`RedisFailover`). What each CRD's spec path means and what the operator renders by default
 * (redis.conf lines, data directory, probes, security context) is data, one file per CRD:
 * data/charts/<repo>/<operator>/<Kind>.json (schema data/charts/operator.schema.json), read at
 * the operator commit it names. This module turns a CR into the RedisDeployment roles the
 * operator's StatefulSets run, every value with its origin: the CR's node, or an
 * `operator default` anchored where the user would set it.
 */

/** One CRD's facts (see data/charts/operator.schema.json). */
export interface OperatorCrd {
  kind: string;
  group: string;
  apiVersions: string[];
  operator: { repository: string; version: string; commit: string };
  server: 'redis' | 'valkey';
  runsData?: boolean;
  paths: Partial<Record<OperatorPath, string[]>>;
  rendered: {
    image?: string;
    dataDir: string;
    baseConfig: string[];
    persistentConfig: string[];
    persistence?: 'claim-template' | 'claim-template-and-flag' | 'claim-or-emptydir';
    livenessProbe: ProbeTiming | null;
    startupProbe: ProbeTiming | null;
    terminationGracePeriodSeconds: number;
    replicas: number;
    runAsUser?: number | null;
    fsGroup?: number | null;
    additionalConfigKey?: string;
  };
  facts: Array<{ fact: string; file: string }>;
}

type OperatorPath =
  | 'image'
  | 'imageTag'
  | 'replicas'
  | 'resources'
  | 'storage'
  | 'storageSize'
  | 'emptyDirSizeLimit'
  | 'persistenceEnabled'
  | 'podSecurityContext'
  | 'securityContext'
  | 'livenessProbe'
  | 'startupProbe'
  | 'terminationGracePeriodSeconds'
  | 'additionalRedisConfig'
  | 'maxMemoryPercentOfLimit'
  | 'customConfig';

/** The CRD data files, by `apiVersion kind`. */
const CRD_FILES = ['ot-container-kit/redis-operator/Redis', 'ot-container-kit/redis-operator/RedisReplication', 'ot-container-kit/redis-operator/RedisCluster', 'ot-container-kit/redis-operator/RedisSentinel', 'spotahome/redis-operator/RedisFailover'];
let crds: Map<string, OperatorCrd> | undefined;

/**
 * Every operator CRD redis-lint reads, keyed `apiVersion kind` (read once).
 * @throws Error when a data file is missing (a broken install)
 */
export function operatorCrds(): Map<string, OperatorCrd> {
  if (!crds) {
    crds = new Map();
    for (const f of CRD_FILES) {
      const d = JSON.parse(readFileSync(new URL(`../../data/charts/${f}.json`, import.meta.url), 'utf8')) as OperatorCrd;
      for (const api of d.apiVersions) crds.set(`${api} ${d.kind}`, d);
    }
  }
  return crds;
}

/** The CRD facts of a document, when it is a custom resource of an operator redis-lint reads. */
export function operatorCrdOf(root: YamlVNode): OperatorCrd | undefined {
  return operatorCrds().get(`${asString(root.get('apiVersion').value()) ?? ''} ${asString(root.get('kind').value()) ?? ''}`);
}

/** The first node of a path list that exists (else the first, missing: its origin anchors at the closest parent). */
function pick(root: YamlVNode, paths: string[] | undefined): YamlVNode {
  const nodes = (paths ?? []).map((p) => p.split('.').reduce((n, k) => n.child(k), root));
  // none set: the one whose closest existing parent is deepest (a user adds `resources` under the `kubernetesConfig` they have)
  return nodes.find((n) => n.exists) ?? [...nodes].sort((a, b) => b.existingDepth() - a.existingDepth())[0] ?? root.child('spec').child('__none__');
}

/** An `operator default` origin for `key`, anchored at the node a user would edit (or its closest parent). */
function operatorDefault(crd: OperatorCrd, key: string, at: YamlVNode): Origin {
  const o = at.origin();
  return { kind: 'default', source: 'operator default', key: `${key} (${crd.operator.repository.split('/').slice(-2).join('/')})`, anchor: o.kind === 'file' ? o.pos : o.anchor };
}

/** redis.conf lines the operator writes, as directives with one origin. */
function renderedDirectives(lines: string[], origin: Origin, file: string): ConfigDirective[] {
  const { directives } = parseRedisConf(lines.join('\n'), { file, text: lines.join('\n'), locate: () => ({ line: 1, col: 1 }), pathPrefix: [] });
  return directives.map((d) => ({ ...d, origin }));
}

/**
 * RedisDeployments of an operator custom resource (see the module comment). Roles:
 * OT `Redis` standalone (1 pod); OT `RedisReplication` a master and clusterSize-1 replicas
 * (Sentinel when `spec.sentinel` is set or a RedisSentinel of the run names it); OT `RedisCluster`
 * leaders (`master`, failover by the cluster) and followers (`replica`); spotahome `RedisFailover`
 * one StatefulSet of `sentinel-node` pods (Sentinel elects the master); OT `RedisSentinel` keeps
 * no dataset: nothing to evaluate.
 */
export function operatorDeployments(d: LoadedDocument, run: RunContext, all: readonly LoadedDocument[]): SourceResult {
  const root = rootOf(d);
  const crd = operatorCrdOf(root);
  const out: SourceResult = { deployments: [], findings: [] };
  if (!crd || crd.runsData === false) return out;
  const ref = objectRefOf(root, crd.kind);
  const obj = findingObject(ref);
  const spec = root.child('spec');
  const r = crd.rendered;
  const node = (k: OperatorPath) => pick(root, crd.paths[k]);

  // image and version (`v7.0.15` of quay.io/opstree/redis, `redis:6.2.6-alpine`; legacy RedisFailover: image + version)
  const imageNode = node('image');
  const tagNode = node('imageTag');
  const imageText = asString(imageNode.value()) ?? r.image;
  const image = imageText ? (tagNode.exists && !imageText.includes(':') ? `${imageText}:${asString(tagNode.value())}` : imageText) : undefined;
  const tag = image ? parseImage(image).tag : undefined;
  const v = versionFromTag(tag?.replace(/^v/, ''));
  const versionNode = tagNode.exists ? tagNode : imageNode;
  const imageOrigin: Origin = imageNode.exists ? imageNode.origin() : operatorDefault(crd, 'image', imageNode);
  const redisVersion: RedisDeployment['redisVersion'] = { value: v, origin: v ? (versionNode.exists ? versionNode.origin() : imageOrigin) : { kind: 'absent', key: 'image tag (Redis version)', anchor: originPos(imageOrigin) } };

  // the data volume and whether the operator turns persistence on
  const storage = node('storage');
  const sizeNode = node('storageSize');
  const sizeNotice = quantityNotice(sizeNode, 'storage size');
  if (sizeNotice) out.findings.push({ ruleId: 'unresolved-values', message: sizeNotice.message, pos: sizeNotice.pos, object: obj });
  const size = sizeNode.exists ? quantityValue(sizeNode.value()) : undefined;
  const vct = storage.child('spec');
  let persistent = storage.exists && (r.persistence === 'claim-or-emptydir' || ['accessModes', 'resources', 'storageClassName', 'volumeName'].some((k) => vct.child(k).exists));
  const flag = node('persistenceEnabled');
  if (r.persistence === 'claim-template-and-flag') persistent = persistent && flag.value() === true;
  let volume: DataVolume;
  if (persistent) {
    volume = { kind: 'pvc', origin: storage.origin(), mountPath: r.dataDir, ...(size !== undefined ? { size: { value: size, origin: sizeNode.origin() } } : {}) };
  } else if (r.persistence === 'claim-or-emptydir') {
    const limit = node('emptyDirSizeLimit');
    const bytes = limit.exists ? quantityValue(limit.value()) : undefined;
    volume = { kind: 'emptyDir', origin: operatorDefault(crd, 'storage (emptyDir when no persistentVolumeClaim)', storage), mountPath: r.dataDir, ...(bytes !== undefined ? { size: { value: bytes, origin: limit.origin() } } : {}) };
  } else {
    volume = { kind: 'none', origin: { kind: 'absent', key: r.persistence === 'claim-template-and-flag' ? 'storage and persistenceEnabled: true' : 'storage.volumeClaimTemplate', anchor: originPos(storage.origin()) }, mountPath: r.dataDir };
  }

  // redis.conf: what the operator writes, the persistence lines, the user's additions
  const config: RedisConfig = new Map();
  applyDirectives(config, renderedDirectives(r.baseConfig, operatorDefault(crd, 'redis.conf', spec), d.file));
  if (persistent) applyDirectives(config, renderedDirectives(r.persistentConfig, operatorDefault(crd, 'redis.conf with storage set (PERSISTENCE_ENABLED)', storage), d.file));
  let configAnchor = spec.exists ? spec.pos() : ref.pos;
  const extra = node('additionalRedisConfig');
  const extraName = asString(extra.value());
  if (extraName && r.additionalConfigKey) {
    const cm = findConfigMap(run, extraName, ref.namespace, d.file);
    if (cm?.data.child(r.additionalConfigKey).exists) {
      const parsed = redisConfOf(cm, r.additionalConfigKey);
      applyDirectives(config, parsed.directives);
      configAnchor = cm.data.child(r.additionalConfigKey).pos();
    } else {
      out.findings.push({ ruleId: 'unresolved-values', message: `redis.conf additions from ConfigMap "${extraName}" (key ${r.additionalConfigKey}) are not among the inputs: its settings are unknown; lint the ConfigMap together with the ${crd.kind}`, pos: extra.pos(), object: obj, redisConfUnknown: { configMap: extraName } });
    }
  }
  const custom = node('customConfig');
  if (custom.exists) {
    // spotahome applies each line with CONFIG SET: one directive per item, at its own line
    for (const item of custom.items() as YamlVNode[]) {
      const text = asString(item.value()) ?? '';
      const { directives } = parseRedisConf(text, { file: d.file, text, locate: () => ({ line: item.pos().line, col: item.pos().column }), pathPrefix: item.path.map(String) });
      applyDirectives(config, directives.map((x) => ({ ...x, origin: item.origin() })));
    }
    configAnchor = custom.pos();
  }

  // memory: the container's limit; maxmemory from maxMemoryPercentOfLimit (OT)
  const resources = node('resources');
  const limitNode = resources.child('limits').child('memory');
  const limitNotice = quantityNotice(limitNode, 'memory limit');
  if (limitNotice) out.findings.push({ ruleId: 'unresolved-values', message: limitNotice.message, pos: limitNotice.pos, object: obj });
  const limit = limitNode.exists ? (memoryLimitValue(limitNode.value()) ?? null) : null;
  const pct = node('maxMemoryPercentOfLimit');
  const pctValue = asNumber(pct.value());
  if (limit !== null && pctValue !== undefined && pctValue > 0) {
    applyDirectives(config, [{ name: 'maxmemory', args: [String(Math.floor((limit * pctValue) / 100))], origin: pct.origin() }]);
  }

  // pod: security context, probes, grace period
  const psc = node('podSecurityContext');
  const csc = node('securityContext');
  const fsGroupNode = psc.child('fsGroup');
  const fsGroup: Setting<number | null> = psc.exists ? { value: asNumber(fsGroupNode.value()) ?? null, origin: fsGroupNode.origin() } : { value: r.fsGroup ?? null, origin: operatorDefault(crd, 'securityContext.fsGroup', psc) };
  const uidNode = csc.child('runAsUser').exists ? csc.child('runAsUser') : psc.child('runAsUser');
  const runAsUser: Setting<number | null> = uidNode.exists ? { value: asNumber(uidNode.value()) ?? null, origin: uidNode.origin() } : psc.exists ? { value: null, origin: uidNode.origin() } : { value: r.runAsUser ?? null, origin: operatorDefault(crd, 'securityContext.runAsUser', psc) };
  const probe = (k: 'livenessProbe' | 'startupProbe'): Setting<ProbeTiming | null> => {
    const n = node(k);
    if (n.exists) return { value: probeTiming(n), origin: n.origin() };
    return { value: r[k], origin: r[k] ? operatorDefault(crd, k, n) : { kind: 'absent', key: k, anchor: originPos(n.origin()) } };
  };
  const graceNode = node('terminationGracePeriodSeconds');
  const grace: Setting<number> = asNumber(graceNode.value()) !== undefined && asNumber(graceNode.value())! > 0 ? { value: asNumber(graceNode.value())!, origin: graceNode.origin() } : { value: r.terminationGracePeriodSeconds, origin: operatorDefault(crd, 'terminationGracePeriodSeconds', graceNode) };

  const replicasNode = node('replicas');
  const size0 = asNumber(replicasNode.value());
  const pods: Setting<number> = size0 !== undefined ? { value: size0, origin: replicasNode.origin() } : { value: r.replicas, origin: operatorDefault(crd, 'replicas', replicasNode) };
  const base = {
    object: ref,
    source: 'operator',
    redisVersion,
    config,
    configAnchor,
    volume,
    memoryLimit: { value: limit, origin: limitNode.origin() } as Setting<number | null>,
    memoryRequest: { value: quantityValue(resources.child('requests').child('memory').value()) ?? null, origin: resources.child('requests').child('memory').origin() } as Setting<number | null>,
    fsGroup,
    runAsUser,
    volumePermissionsInit: false,
    image: image ? { value: image, origin: imageOrigin } : undefined,
    livenessProbe: probe('livenessProbe'),
    startupProbe: probe('startupProbe'),
    terminationGracePeriodSeconds: grace,
    workload: workloadFromAnnotations(ref),
  };
  const none = (anchor: SourcePosition): Setting<number> => ({ value: 0, origin: { kind: 'absent', key: 'replicaCount', anchor } });
  const role = (role: RedisRole, replicas: Setting<number>, failover: RedisDeployment['failover'], replicaCount: Setting<number>, extraConfig?: RedisConfig): RedisDeployment => ({
    ...base,
    config: extraConfig ?? config,
    role,
    replicas,
    failover,
    replicaCount,
  });
  const noFailover: RedisDeployment['failover'] = { value: 'none', origin: { kind: 'absent', key: 'sentinel', anchor: originPos(spec.origin()) } };
  if (crd.kind === 'Redis') out.deployments.push(role('standalone', { value: 1, origin: operatorDefault(crd, 'replicas (1)', spec) }, noFailover, none(ref.pos)));
  else if (crd.kind === 'RedisReplication') {
    const sentinel = spec.child('sentinel').exists ? spec.child('sentinel') : sentinelFor(ref.name, ref.namespace, all);
    const failover: RedisDeployment['failover'] = sentinel ? { value: 'sentinel', origin: sentinel.origin() } : noFailover;
    const followers = Math.max(0, pods.value - 1);
    const master = role('master', { value: 1, origin: pods.origin }, failover, { value: followers, origin: pods.origin });
    out.deployments.push(master);
    if (followers > 0) {
      const replica = role('replica', { value: followers, origin: pods.origin }, failover, none(ref.pos));
      replica.masterPersistent = persistent;
      out.deployments.push(replica);
    }
  } else if (crd.kind === 'RedisCluster') {
    const leaderNode = spec.child('redisLeader').child('replicas');
    const followerNode = spec.child('redisFollower').child('replicas');
    const leaders: Setting<number> = asNumber(leaderNode.value()) !== undefined ? { value: asNumber(leaderNode.value())!, origin: leaderNode.origin() } : pods;
    const followers: Setting<number> = asNumber(followerNode.value()) !== undefined ? { value: asNumber(followerNode.value())!, origin: followerNode.origin() } : pods;
    const cluster: RedisDeployment['failover'] = { value: 'cluster', origin: operatorDefault(crd, 'cluster-enabled yes', spec) };
    // replicaCount: the followers of the whole cluster (a leader fails over to any follower the cluster assigns it)
    out.deployments.push(role('master', leaders, cluster, { value: followers.value, origin: followers.origin }));
    if (followers.value > 0) out.deployments.push(role('replica', followers, cluster, none(ref.pos)));
  } else if (crd.kind === 'RedisFailover') {
    out.deployments.push(role('sentinel-node', pods, { value: 'sentinel', origin: operatorDefault(crd, 'sentinel (RedisFailover)', spec.child('sentinel')) }, { value: Math.max(0, pods.value - 1), origin: pods.origin }));
  }
  return out;
}

/** A RedisSentinel CR of the run that watches the RedisReplication `name` (`redisReplicationConfig.redisReplicationName`). */
function sentinelFor(name: string, namespace: string | undefined, all: readonly LoadedDocument[]): YamlVNode | undefined {
  for (const d of all) {
    const root = rootOf(d);
    if (operatorCrdOf(root)?.kind !== 'RedisSentinel') continue;
    const ns = asString(root.get('metadata').get('namespace').value());
    if (namespace && ns && ns !== namespace) continue;
    const target = root.child('spec').child('redisSentinelConfig').child('redisReplicationName');
    if (asString(target.value()) === name) return target;
  }
  return undefined;
}

function originPos(o: Origin): SourcePosition {
  return o.kind === 'file' || o.kind === 'config' ? o.pos : o.anchor;
}

