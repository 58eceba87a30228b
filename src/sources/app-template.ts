import { asBool, asNumber, asString, LayeredVNode, YamlVNode, type VNode } from '../load/vnode.js';
import type { DataVolume, ObjectRef, Origin, RedisDeployment, RedisRole, Setting, SourcePosition } from '../types.js';
import { findingObject, memoryLimitValue, probeTiming, quantityNotice, quantityValue, workloadFromAnnotations, type SourceResult } from './common.js';
import { confProblemFindings } from './configmap.js';
import { applyDirectives, parseServerArgs } from './redis-conf.js';
import { analyzeLaunch, dataDirOf, parseImage, versionFromImage, workingDirOf } from './workload.js';

/**
 * bjw-s app-template releases (the `common` library chart, v3+ layout: `controllers.<c>.containers.<n>`)
 * running `redis-server` or `valkey-server`. Read as the library renders them, from
 * bjw-s-labs/helm-charts charts/library/common 4.1.1 (commit dfaf83d12a36):
 * - a container's `image.repository`/`tag`, `command`/`args` (strings or lists, as a pod's);
 * - `persistence.<id>` items are enabled unless `enabled: false`, of `type` persistentVolumeClaim
 *   (the default: `existingClaim`, or a PVC of `size`), emptyDir (`sizeLimit`), hostPath, nfs,
 *   configMap, secret; mounted at `globalMounts[].path`, `advancedMounts.<controller>.<container>[].path`,
 *   else at `/<id>` in every container (templates/lib/container/fields/_volumeMounts.tpl,
 *   templates/lib/pod/fields/_volumes.tpl); a StatefulSet controller's
 *   `statefulset.volumeClaimTemplates[]` (`name`, `size`, mounts) likewise;
 * - probes are off unless `probes.<p>.enabled`; `custom: true` takes `spec` as written, else a TCP
 *   probe (which passes while Redis loads) with `spec` timings over 0/10/1/3 (_probes.tpl);
 * - `controllers.<c>.pod.*` over `defaultPodOptions.*` (securityContext, terminationGracePeriodSeconds);
 *   `controllers.<c>.replicas` (default 1).
 * The v1/v2 layout (`controller:`, top-level `image:`) is not read.
 */

/** True when app-template values (a VNode over the merged values) run a Redis/Valkey server in some container. */
export function appTemplateRunsRedis(values: VNode): boolean {
  for (const c of values.get('controllers').keys()) {
    for (const n of values.get('controllers').get(c).get('containers').keys()) {
      const ct = topYaml(values.get('controllers').get(c).get('containers').get(n));
      if (ct && analyzeLaunch(ct, imageOf(ct)).role === 'server') return true;
    }
  }
  return false;
}

function imageOf(ct: VNode): ReturnType<typeof parseImage> | undefined {
  const repo = asString(ct.get('image').get('repository').value());
  const tag = asString(ct.get('image').get('tag').value());
  return repo ? parseImage(`${repo}${tag ? ':' + tag : ''}`) : undefined;
}

/**
 * RedisDeployments of an app-template release: one per container that runs a Redis/Valkey server.
 * @param layers the release's values, lowest precedence first; containers are read from the top
 *   layer that has them (their command lines need a YAML node for positions)
 */
export function appTemplateDeployments(layers: VNode[], object: ObjectRef, source: string): SourceResult {
  const out: SourceResult = { deployments: [], findings: [] };
  if (!layers.length) return out;
  const values = new LayeredVNode(layers);
  const obj = findingObject(object);
  const controllers = values.get('controllers');
  for (const c of controllers.keys()) {
    const ctrl = controllers.get(c);
    if (asBool(ctrl.get('enabled').value()) === false) continue;
    for (const n of ctrl.get('containers').keys()) {
      const ct = topYaml(ctrl.get('containers').get(n));
      if (!ct) continue;
      const image = imageOf(ct);
      const launch = analyzeLaunch(ct, image);
      if (launch.role !== 'server') continue;
      const parsed = parseServerArgs(launch.serverArgs.map((t) => ({ text: t.text, origin: t.origin })));
      for (const f of confProblemFindings(parsed.problems, obj)) out.findings.push(f);
      const config = applyDirectives(new Map(), parsed.directives);
      if (parsed.configFile) {
        out.findings.push({ ruleId: 'unresolved-values', message: `redis.conf "${parsed.configFile.path}" is not read from app-template values (a configMap persistence item): its settings are unknown; the command-line flags are evaluated`, pos: originPos(parsed.configFile.origin), object: obj, redisConfUnknown: {} });
      }
      const dataDir = dataDirOf(config, workingDirOf(ct, image), image, launch);
      const volume = dataVolume(values, c, n, ctrl, dataDir.dir, ct);
      const limitNode = ct.get('resources').get('limits').get('memory');
      const limitNotice = quantityNotice(limitNode, 'memory limit');
      if (limitNotice) out.findings.push({ ruleId: 'unresolved-values', message: limitNotice.message, pos: limitNotice.pos, object: obj });
      const pod = (k: string) => (ctrl.get('pod').get(k).exists ? ctrl.get('pod').get(k) : values.get('defaultPodOptions').get(k));
      const psc = pod('securityContext');
      const uidNode = ct.get('securityContext').get('runAsUser').exists ? ct.get('securityContext').get('runAsUser') : psc.get('runAsUser');
      const uid = asNumber(uidNode.value());
      const runAsUser: Setting<number | null> = uid !== undefined && uid !== 0 ? { value: uid, origin: uidNode.origin() } : launch.entrypointServer ? { value: 999, origin: uidNode.origin() } : { value: image?.flavor === 'other' ? null : 0, origin: uidNode.origin() };
      const graceNode = pod('terminationGracePeriodSeconds');
      const replicasNode = ctrl.get('replicas');
      const replicas = asNumber(replicasNode.value()) ?? 1;
      const role: RedisRole = config.get('replicaof') || config.get('slaveof') ? 'replica' : replicas > 1 ? 'master' : 'standalone';
      const imageNode = ct.get('image');
      const version = image ? versionFromImage(image) : null;
      const anchor = ct.pos();
      out.deployments.push({
        object,
        role,
        source,
        redisVersion: { value: version, origin: version ? imageNode.get('tag').origin() : { kind: 'absent', key: 'image.tag (Redis version)', anchor } },
        config,
        configAnchor: launch.flagsNode ? launch.flagsNode.pos() : anchor,
        replicas: { value: replicas, origin: replicasNode.exists ? replicasNode.origin() : { kind: 'default', source: 'chart default', key: `controllers.${c}.replicas`, anchor: originPos(ctrl.origin()) } },
        failover: { value: 'none', origin: { kind: 'absent', key: 'failover', anchor } },
        replicaCount: { value: 0, origin: { kind: 'absent', key: 'replicaCount', anchor } },
        volume,
        memoryLimit: { value: limitNode.exists ? (memoryLimitValue(limitNode.value()) ?? null) : null, origin: limitNode.origin() },
        memoryRequest: { value: quantityValue(ct.get('resources').get('requests').get('memory').value()) ?? null, origin: ct.get('resources').get('requests').get('memory').origin() },
        fsGroup: { value: asNumber(psc.get('fsGroup').value()) ?? null, origin: psc.get('fsGroup').origin() },
        runAsUser,
        volumePermissionsInit: launch.entrypointServer && volume.mountPath === workingDirOf(ct, image),
        image: image ? { value: `${image.repository}${image.tag ? ':' + image.tag : ''}`, origin: imageNode.origin() } : undefined,
        livenessProbe: probe(ct, 'liveness'),
        startupProbe: probe(ct, 'startup'),
        terminationGracePeriodSeconds: asNumber(graceNode.value()) !== undefined ? { value: asNumber(graceNode.value())!, origin: graceNode.origin() } : { value: 30, origin: { kind: 'default', source: 'kubernetes default', key: 'terminationGracePeriodSeconds', anchor } },
        workload: workloadFromAnnotations(object),
      } satisfies RedisDeployment);
    }
  }
  return out;
}

/** The YAML node that supplies a layered container (its top layer that has it). */
function topYaml(node: VNode): YamlVNode | undefined {
  if (node instanceof YamlVNode) return node.exists ? node : undefined;
  if (node instanceof LayeredVNode) {
    for (let i = node.layers.length - 1; i >= 0; i--) {
      const y = topYaml(node.layers[i]);
      if (y) return y;
    }
  }
  return undefined;
}

/** A container probe as the library renders it: off unless enabled; `custom` = the spec as written; else TCP (passes while loading) with spec timings. */
function probe(ct: VNode, name: 'liveness' | 'startup'): Setting<RedisDeployment['livenessProbe']['value']> {
  const p = ct.get('probes').get(name);
  if (asBool(p.get('enabled').value()) !== true) return { value: null, origin: p.get('enabled').origin() };
  const spec = p.get('spec');
  if (asBool(p.get('custom').value()) === true) return { value: probeTiming(spec), origin: spec.origin() };
  return { value: { ...probeTiming(spec), acceptsLoading: true }, origin: p.origin() };
}

/** Where each persistence item is mounted in container `n` of controller `c` (library defaults: `/<id>`). */
function mountPaths(item: VNode, id: string, c: string, n: string): string[] {
  const paths: string[] = [];
  for (const m of item.get('globalMounts').items()) paths.push(asString(m.get('path').value()) ?? `/${id}`);
  const adv = item.get('advancedMounts');
  for (const m of adv.get(c).get(n).items()) paths.push(asString(m.get('path').value()) ?? `/${id}`);
  if (!item.get('globalMounts').exists && !adv.exists) paths.push(asString(item.get('type').value()) === 'hostPath' ? (asString(item.get('hostPath').value()) ?? `/${id}`) : `/${id}`);
  return paths;
}

/** The persistence item (or StatefulSet volumeClaimTemplate) mounted where Redis keeps its data, as a DataVolume. */
function dataVolume(values: VNode, c: string, n: string, ctrl: VNode, dir: string, ct: VNode): DataVolume {
  const under = (p: string) => dir === p || dir.startsWith(p.replace(/\/+$/, '') + '/');
  const vcts = ctrl.get('statefulset').get('volumeClaimTemplates');
  for (const v of vcts.items()) {
    const id = asString(v.get('name').value()) ?? '';
    if (asBool(v.get('enabled').value()) === false || !mountPaths(v, id, c, n).some(under)) continue;
    const size = v.get('size');
    const bytes = quantityValue(size.value());
    return { kind: 'pvc', origin: v.origin(), claimName: id, mountPath: dir, ...(bytes !== undefined ? { size: { value: bytes, origin: size.origin() } } : {}) };
  }
  const persistence = values.get('persistence');
  for (const id of persistence.keys()) {
    const item = persistence.get(id);
    if (asBool(item.get('enabled').value()) === false || !mountPaths(item, id, c, n).some(under)) continue;
    const type = asString(item.get('type').value()) ?? 'persistentVolumeClaim';
    if (type === 'configMap' || type === 'secret') continue;
    if (type === 'persistentVolumeClaim') {
      const existing = asString(item.get('existingClaim').value());
      if (existing) return { kind: 'pvc', origin: item.get('existingClaim').origin(), claimName: existing, mountPath: dir };
      const size = item.get('size');
      const bytes = quantityValue(size.value());
      return { kind: 'pvc', origin: item.origin(), claimName: id, mountPath: dir, ...(bytes !== undefined ? { size: { value: bytes, origin: size.origin() } } : {}) };
    }
    if (type === 'emptyDir') {
      const limit = item.get('sizeLimit');
      const bytes = quantityValue(limit.value());
      return { kind: 'emptyDir', origin: item.origin(), mountPath: dir, ...(bytes !== undefined ? { size: { value: bytes, origin: limit.origin() } } : {}) };
    }
    return { kind: type === 'hostPath' ? 'hostPath' : 'other', origin: item.origin(), mountPath: dir };
  }
  return { kind: 'none', origin: { kind: 'absent', key: `persistence (${dir})`, anchor: originPos(persistence.exists ? persistence.origin() : ct.origin()) }, mountPath: dir };
}

function originPos(o: Origin): SourcePosition {
  return o.kind === 'file' || o.kind === 'config' ? o.pos : o.anchor;
}

