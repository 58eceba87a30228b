import { mentionsRedis } from '../load/documents.js';
import { bitnamiRedisEvidence } from './bitnami-chart.js';

/**
 * Names what a values object is when it configures a Redis, Valkey or KeyDB chart that redis-lint
 * does not evaluate (yet), so that such input is named in one `unresolved-values` notice instead of
 * passing in silence (issue 15). The shapes are read from each chart's values.yaml:
 * - valkey-io/valkey-helm 0.x: `dataStorage`, `valkeyConfig`, `auth.aclUsers`, `auth.usersExistingSecret`;
 * - Bitnami valkey 1.x-3.x: `primary:` role (where redis says `master:`), `sentinel.primarySet`;
 * - Bitnami redis-cluster / valkey-cluster: `cluster.nodes|replicas|init|update`, `redis.useAOFPersistence` / `valkey.useAOFPersistence`;
 * - dandydeveloper redis-ha (and stable/redis-ha): `persistentVolume`, `haproxy`, `hardAntiAffinity`, `redis.config`, `sentinel.config`;
 * - OT-Container-Kit redis-operator charts: `redisStandalone`, `redisCluster`, `redisReplication`, `redisSentinel`;
 * - bjw-s app-template: `controllers.*.containers.*.image.repository` naming redis/valkey.
 */

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A values object (or part of one) that configures a Redis-family chart redis-lint does not evaluate. */
export interface OtherRedisValues {
  /** what it is, e.g. `Bitnami valkey chart values` */
  what: string;
  /** the key path it sits under in the document ([] for the root) */
  path: string[];
  /** true when it is switched off (`enabled: false`, `deploy: false`): nothing runs */
  disabled?: boolean;
}

const IMAGE_NAMES = /(^|\/)(redis|valkey|keydb|redis-stack|redis-stack-server)(:|$)/i;

/** The redis/valkey image an app-template values object runs (`controllers.*.containers.*.image.repository`), if any. */
export function appTemplateRedisImage(v: Record<string, unknown>): string | undefined {
  for (const c of Object.values(obj(v.controllers) ?? {})) {
    for (const ct of Object.values(obj(obj(c)?.containers) ?? {})) {
      const repo = obj(obj(ct)?.image)?.repository;
      if (typeof repo === 'string' && IMAGE_NAMES.test(repo)) return repo;
    }
  }
  return undefined;
}

/**
 * What the values object at the root is, when it is the values of a Redis-family chart other
 * than Bitnami redis. `hint` is text that may name the chart (the file path, its header comment):
 * Bitnami valkey values (`primary:`) are told from postgresql/mysql ones only by it.
 */
export function describeRootValues(values: unknown, hint: string): OtherRedisValues | undefined {
  const v = obj(values);
  if (!v) return undefined;
  const auth = obj(v.auth);
  if ('dataStorage' in v || 'valkeyConfig' in v || (auth && ('aclUsers' in auth || 'usersExistingSecret' in auth))) return { what: 'valkey-io/valkey-helm chart values', path: [] };
  const cluster = obj(v.cluster);
  if (cluster && ['nodes', 'replicas', 'init', 'update'].some((k) => k in cluster)) {
    return { what: obj(v.valkey) || /valkey/i.test(hint) ? 'Bitnami valkey-cluster chart values (Valkey Cluster)' : 'Bitnami redis-cluster chart values (Redis Cluster)', path: [] };
  }
  if (obj(v.valkey) && 'useAOFPersistence' in (obj(v.valkey) ?? {})) return { what: 'Bitnami valkey-cluster chart values (Valkey Cluster)', path: [] };
  if (obj(v.redis) && 'useAOFPersistence' in (obj(v.redis) ?? {})) return { what: 'Bitnami redis-cluster chart values (Redis Cluster)', path: [] };
  const redis = obj(v.redis);
  if (['persistentVolume', 'haproxy', 'hardAntiAffinity', 'splitBrainDetection'].some((k) => k in v) || (redis && ('config' in redis || 'masterGroupName' in redis))) {
    return { what: 'redis-ha chart values (dandydeveloper/stable redis-ha)', path: [] };
  }
  if (['redisStandalone', 'redisCluster', 'redisReplication', 'redisSentinel'].some((k) => k in v)) return { what: 'OT-Container-Kit redis-operator chart values', path: [] };
  const image = appTemplateRedisImage(v);
  if ('controllers' in v && image) return { what: `bjw-s app-template values running ${image}`, path: [] };
  if (obj(v.primary) && /valkey/i.test(hint) && !(auth && ('postgresPassword' in auth || 'rootPassword' in auth)) && !('secondary' in v || 'readReplicas' in v)) {
    return { what: 'Bitnami valkey chart values', path: [] };
  }
  return undefined;
}

/** Umbrella keys under which apps bring a Redis-family sub-chart (with `alias:` spellings seen in the corpus). */
const SUBCHART_KEYS = ['redis', 'valkey', 'redis-ha', 'redisHA', 'redis-cluster', 'redisCluster', 'valkey-cluster', 'keydb', 'dragonfly'];

/**
 * What a values object configures that is Redis-family but not evaluated: the root itself
 * ({@link describeRootValues}), or an umbrella chart's sub-chart key (`redis-ha:`, `valkey:`,
 * `redisHA:` alias, a `redis:` block that is not Bitnami redis values). Bitnami redis values
 * (at the root or under `redis:`) are not reported here: they are evaluated.
 */
export function describeOtherRedisValues(values: unknown, hint: string): OtherRedisValues | undefined {
  const root = describeRootValues(values, hint);
  if (root) return root;
  const v = obj(values);
  if (!v) return undefined;
  const parts: OtherRedisValues[] = [];
  for (const key of SUBCHART_KEYS) {
    const sub = obj(v[key]);
    if (!sub || Object.keys(sub).length === 0) continue;
    if (key === 'redis' && bitnamiRedisEvidence(sub).verdict) continue;
    const inner = describeRootValues(sub, `${key} ${hint}`);
    const disabled = sub.enabled === false || sub.deploy === false;
    parts.push({ what: `"${key}:"${inner ? ` (shaped like ${inner.what})` : ''}${disabled ? ' switched off' : ''}`, path: [key], disabled });
  }
  if (parts.length === 0) return undefined;
  return {
    what: `an umbrella chart's Redis-family sub-chart values ${parts.map((p) => p.what).join(', ')}`,
    path: parts[0].path,
    disabled: parts.every((p) => p.disabled),
  };
}

/** The notice text for {@link OtherRedisValues}. */
export function otherValuesMessage(o: OtherRedisValues): string {
  if (o.disabled) return `${o.what}: nothing of it runs (enabled/deploy false); not evaluated`;
  return `${o.what}: not evaluated yet (redis-lint evaluates the Bitnami redis chart, StatefulSets/Deployments/Pods and redis.conf)`;
}

/** A `get(key)` reader over a YAML object, as the sources use (YamlVNode). */
interface Node {
  get(key: string): Node;
  value(): unknown;
  exists: boolean;
}

/**
 * What a Kubernetes object that runs Redis, Valkey or KeyDB is, when no adapter evaluates it:
 * - OT-Container-Kit redis-operator CRs: group `redis.redis.opstreelabs.in` (v1beta1, v1beta2),
 *   kinds Redis, RedisReplication, RedisCluster, RedisSentinel (OT-CONTAINER-KIT/redis-operator api/);
 * - spotahome redis-operator `RedisFailover` (`databases.spotahome.com/v1`, legacy `storage.spotahome.com/v1alpha2`);
 * - Argo CD ApplicationSets whose template's source is a Redis-family chart or path;
 * - kustomize `helmCharts:` entries naming a Redis-family chart (kustomize builtin HelmChartInflationGenerator);
 * - a KeyDB workload, and any object of another kind (an app platform's CR) with a container image
 *   named redis, valkey or keydb (workloads the workload adapter skipped run Sentinel or tools).
 * @returns the description, or undefined when the object is none of these
 */
export function describeOtherRedisObject(root: Node): string | undefined {
  const kind = String(root.get('kind').value() ?? '');
  const api = String(root.get('apiVersion').value() ?? '');
  if (/^redis\.redis\.opstreelabs\.in\//.test(api) && /^(Redis|RedisReplication|RedisCluster|RedisSentinel)$/.test(kind)) {
    return `OT-Container-Kit redis-operator ${kind} (${api})`;
  }
  if (kind === 'RedisFailover' && /spotahome\.com\//.test(api)) return `spotahome redis-operator RedisFailover (${api})`;
  if (kind === 'ApplicationSet' && /^argoproj\.io\//.test(api)) {
    const spec = root.get('spec').get('template').get('spec');
    const sources = [spec.get('source').value(), ...((spec.get('sources').value() as unknown[]) ?? [])];
    for (const s of sources) {
      const o = obj(s);
      const name = String(o?.chart ?? o?.path ?? '');
      if (mentionsRedis(`${name} ${String(o?.repoURL ?? '')}`)) return `Argo CD ApplicationSet of ${o?.chart ? 'chart' : 'path'} "${name}"${o?.repoURL ? ` from ${String(o.repoURL)}` : ''} (its Applications are generated by Argo CD)`;
    }
  }
  if (kind === 'Kustomization' || (kind === '' && root.get('helmCharts').exists)) {
    const charts = (root.get('helmCharts').value() as unknown[]) ?? [];
    for (const c of Array.isArray(charts) ? charts : []) {
      const o = obj(c);
      const name = String(o?.name ?? '');
      if (mentionsRedis(`${name} ${String(o?.repo ?? '')}`)) return `kustomize helmCharts entry "${name}"${o?.version ? ` ${String(o.version)}` : ''}${o?.repo ? ` from ${String(o.repo)}` : ''} (rendered by kustomize --enable-helm)`;
    }
  }
  // workloads with a redis/valkey image that the workload adapter did not take run Sentinel or a
  // tool beside an evaluated server: named only for KeyDB; other kinds (app platform CRs) always
  const image = findImage(root.value(), 0);
  const workload = /^(StatefulSet|Deployment|DaemonSet|ReplicaSet|Pod|Job|CronJob|ReplicationController)$/.test(kind);
  if (image && kind && (!workload || /keydb/i.test(image))) return `${kind} running ${image}`;
  return undefined;
}

/** The first container image (`image:` string or `image.repository`) naming redis/valkey/keydb, searched to a bounded depth. */
function findImage(v: unknown, depth: number): string | undefined {
  if (depth > 12) return undefined;
  if (Array.isArray(v)) {
    for (const x of v) {
      const r = findImage(x, depth + 1);
      if (r) return r;
    }
    return undefined;
  }
  const o = obj(v);
  if (!o) return undefined;
  if (typeof o.image === 'string' && /(^|\/)(redis|valkey|keydb|keydb-server|redis-stack|redis-stack-server)(:|@|$)/i.test(o.image)) return o.image;
  for (const x of Object.values(o)) {
    const r = findImage(x, depth + 1);
    if (r) return r;
  }
  return undefined;
}
