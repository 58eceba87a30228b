import { isBitnamiRepoUrl } from './chart-identity.js';

/**
 * The Redis-family charts other than Bitnami `redis` that redis-lint evaluates, each with its data
 * under data/charts/<kind>/ and identified like Helm, Flux and Argo CD know a chart: by the
 * repository URL it comes from, and, when that URL is not known, by the shape of its values.
 */
export type ChartKind = 'bitnami/valkey' | 'bitnami/redis-cluster' | 'bitnami/valkey-cluster' | 'dandydeveloper/redis-ha' | 'valkey-io/valkey';

/** Result of {@link identifyOtherChart}. */
export interface ChartKindVerdict {
  kind: ChartKind;
  /** why, for messages: `repository https://valkey.io/valkey-helm`, `values: dataStorage` */
  reason: string;
}

/** dandydeveloper/charts (`https://dandydeveloper.github.io/charts`, its Git repository) and the old stable repository redis-ha came from. */
const DANDY_URL = /dandydeveloper\.github\.io\/charts|github\.com[/:]dandydeveloper\/charts|kubernetes-charts\.storage\.googleapis\.com|charts\.helm\.sh\/stable/i;
/** valkey-io/valkey-helm (`https://valkey.io/valkey-helm`, its GitHub Pages and Git repository). */
const VALKEY_IO_URL = /valkey\.io\/valkey-helm|valkey-io\.github\.io\/valkey-helm|github\.com[/:]valkey-io\/valkey-helm/i;

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The chart kind a values object's shape shows (see not-evaluated.ts describeRootValues for the keys read in each chart's values.yaml), if any. */
export function kindOfValues(values: unknown, hint = ''): { kind: ChartKind; signal: string } | undefined {
  const v = obj(values);
  if (!v) return undefined;
  const auth = obj(v.auth);
  for (const k of ['dataStorage', 'valkeyConfig']) if (k in v) return { kind: 'valkey-io/valkey', signal: k };
  if (auth && ('aclUsers' in auth || 'usersExistingSecret' in auth)) return { kind: 'valkey-io/valkey', signal: 'auth.aclUsers' };
  const cluster = obj(v.cluster);
  const clusterShape = cluster && ['nodes', 'replicas', 'init', 'update'].find((k) => k in cluster);
  const valkeyBlock = obj(v.valkey);
  const redisBlock = obj(v.redis);
  if (clusterShape || (valkeyBlock && 'useAOFPersistence' in valkeyBlock) || (redisBlock && 'useAOFPersistence' in redisBlock)) {
    const valkey = valkeyBlock !== undefined || (!redisBlock && /valkey/i.test(hint));
    return { kind: valkey ? 'bitnami/valkey-cluster' : 'bitnami/redis-cluster', signal: clusterShape ? `cluster.${clusterShape}` : 'useAOFPersistence' };
  }
  const haKey = ['persistentVolume', 'haproxy', 'hardAntiAffinity', 'splitBrainDetection'].find((k) => k in v);
  if (haKey) return { kind: 'dandydeveloper/redis-ha', signal: haKey };
  if (redisBlock && ('config' in redisBlock || 'masterGroupName' in redisBlock)) return { kind: 'dandydeveloper/redis-ha', signal: 'redis.config' };
  const sentinel = obj(v.sentinel);
  if (sentinel && 'primarySet' in sentinel) return { kind: 'bitnami/valkey', signal: 'sentinel.primarySet' };
  const other = auth && ['postgresPassword', 'rootPassword', 'replicaSetKey'].some((k) => k in auth);
  if (obj(v.primary) && /valkey/i.test(hint) && !other && !('secondary' in v || 'readReplicas' in v)) return { kind: 'bitnami/valkey', signal: 'primary' };
  return undefined;
}

/**
 * Which of the charts of {@link ChartKind} a release installs, from its chart name, repository URL
 * and values: the URL decides when it is known (a Bitnami URL with chart `valkey`,
 * `redis-cluster`, `valkey-cluster`; dandydeveloper's with `redis-ha`; valkey.io's with `valkey`);
 * else the values' shape, checked against the chart name (a `redis-ha` chart with redis-ha values);
 * else, for `valkey`, a repository named after Bitnami.
 * @param chart chart name (`valkey`, `bitnamicharts/valkey`, an OCI reference ending in it)
 * @param url repository URL when known
 * @param values the release's user values when any
 * @param repoName the repository's name when its URL is unknown
 * @returns undefined when it is none of them or it cannot tell
 */
export function identifyOtherChart(chart: string | undefined, url: string | undefined, values: unknown, repoName?: string): ChartKindVerdict | undefined {
  const name = (chart ?? '').replace(/\/+$/, '').split('/').pop() ?? '';
  if (!['valkey', 'redis-cluster', 'valkey-cluster', 'redis-ha'].includes(name)) return undefined;
  if (url) {
    if (isBitnamiRepoUrl(url) && name !== 'redis-ha') return { kind: `bitnami/${name}` as ChartKind, reason: `repository ${url}` };
    if (DANDY_URL.test(url) && name === 'redis-ha') return { kind: 'dandydeveloper/redis-ha', reason: `repository ${url}` };
    if (VALKEY_IO_URL.test(url) && name === 'valkey') return { kind: 'valkey-io/valkey', reason: `repository ${url}` };
  }
  const v = obj(values);
  // bjw-s app-template values (`controllers`) under a release or OCIRepository named after the server are not these charts
  if (v && ('controllers' in v || obj(v.controller)?.type !== undefined)) return undefined;
  const shape = kindOfValues(values, name);
  if (shape && shape.kind.endsWith(`/${name}`)) return { kind: shape.kind, reason: `its values are ${shape.kind} values (${shape.signal})` };
  if (shape) return undefined; // the values are another chart's of this list
  if (!url && repoName && /bitnami/i.test(repoName) && name !== 'redis-ha') return { kind: `bitnami/${name}` as ChartKind, reason: `repository named "${repoName}" (its URL is not in the input)` };
  if (!url && repoName && /dandy/i.test(repoName) && name === 'redis-ha') return { kind: 'dandydeveloper/redis-ha', reason: `repository named "${repoName}" (its URL is not in the input)` };
  return undefined;
}

/** Umbrella keys under which apps bring a sub-chart of {@link ChartKind} (with `alias:` spellings seen in the corpus), and the kinds each may hold. */
const SUBCHART_KINDS: ReadonlyArray<readonly [string, readonly ChartKind[]]> = [
  ['redis-ha', ['dandydeveloper/redis-ha']],
  ['redisHA', ['dandydeveloper/redis-ha']],
  ['valkey', ['bitnami/valkey', 'valkey-io/valkey']],
  ['redis-cluster', ['bitnami/redis-cluster']],
  ['redisCluster', ['bitnami/redis-cluster']],
  ['valkey-cluster', ['bitnami/valkey-cluster']],
];

/**
 * The sub-chart of {@link ChartKind} an umbrella chart's values configure under its key
 * (`redis-ha:`, `valkey:`, …): the first such key, not switched off (`enabled: false`), whose
 * values show that chart's shape ({@link kindOfValues}). Undefined when none does (a key holding
 * only `enabled: true` does not tell which chart it is).
 */
export function umbrellaSubchart(values: unknown): { key: string; kind: ChartKind } | undefined {
  const v = obj(values);
  if (!v) return undefined;
  for (const [key, kinds] of SUBCHART_KINDS) {
    const sub = obj(v[key]);
    if (!sub || sub.enabled === false) continue;
    const shape = kindOfValues(sub, key);
    if (shape && kinds.includes(shape.kind)) return { key, kind: shape.kind };
  }
  return undefined;
}
