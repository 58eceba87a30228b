import { isScalar } from 'yaml';
import { embeddedContext, type LoadedDocument } from '../load/documents.js';
import { asString, type YamlVNode } from '../load/vnode.js';
import type { ConfigDirective, Origin } from '../types.js';
import { findingObject, objectRefOf, rootOf, workloadFromAnnotations, type ConfigMapEntry, type RunContext, type SourceFinding, type SourceResult } from './common.js';
import { applyDirectives, parseRedisConf, type ConfProblem } from './redis-conf.js';

/**
 * ConfigMaps that hold a redis.conf.
 *
 * Two uses: a workload adapter (workload.ts) reads the redis.conf a container mounts from a
 * ConfigMap, and {@link configMapDeployments} turns a ConfigMap that no Redis workload of the run
 * mounts into a config-only RedisDeployment (`source: 'configmap'`), so that config-only rules
 * still see its directives.
 */

/** Rule id of the notice for a redis.conf line Redis would refuse (unbalanced quotes). */
export const CONF_SYNTAX_RULE = 'redis-conf-syntax';

/** True for a core/v1 ConfigMap (apiVersion `v1` or missing). */
export function isConfigMap(root: YamlVNode): boolean {
  const apiVersion = asString(root.get('apiVersion').value());
  return root.get('kind').value() === 'ConfigMap' && (apiVersion === undefined || apiVersion === 'v1');
}

/** The ConfigMapEntry (name, namespace, `data` node) of a ConfigMap document; undefined for anything else. */
export function configMapEntry(doc: LoadedDocument): ConfigMapEntry | undefined {
  const root = rootOf(doc);
  if (!isConfigMap(root)) return undefined;
  const meta = root.child('metadata');
  return {
    name: asString(meta.get('name').value()) ?? '(unnamed)',
    namespace: asString(meta.get('namespace').value()),
    data: root.child('data'),
    doc,
  };
}

/** The string value of `data.<key>`, undefined when the key is missing or not a string. */
export function configMapText(entry: ConfigMapEntry, key: string): string | undefined {
  const v = entry.data.child(key).value();
  return typeof v === 'string' ? v : undefined;
}

/**
 * Parse `data.<key>` of a ConfigMap as redis.conf. Each directive's origin is its own line in
 * the file: exact for literal block scalars (`redis.conf: |`), the first matching source line for
 * other styles (see embeddedContext).
 * @returns directives in file order (empty when the key is missing or not a string) and lines Redis would refuse
 */
export function redisConfOf(entry: ConfigMapEntry, key: string): { directives: ConfigDirective[]; problems: ConfProblem[] } {
  const node = entry.data.child(key);
  if (!isScalar(node.node) || typeof node.node.value !== 'string') return { directives: [], problems: [] };
  const ctx = embeddedContext(node.node, entry.doc.ctx, node.path);
  return parseRedisConf(node.node.value, ctx);
}

/**
 * Directive names that only a redis.conf has (persistence, memory, replication). `port`, `bind`,
 * `timeout` are not enough on their own: haproxy.cfg and sentinel.conf use them too.
 */
const REDIS_ONLY_DIRECTIVES = new Set([
  'appendonly', 'appendfsync', 'appendfilename', 'appenddirname', 'auto-aof-rewrite-percentage', 'auto-aof-rewrite-min-size',
  'aof-load-truncated', 'aof-use-rdb-preamble', 'no-appendfsync-on-rewrite', 'save', 'dbfilename', 'dir', 'rdbcompression',
  'rdbchecksum', 'maxmemory', 'maxmemory-policy', 'maxmemory-samples', 'replicaof', 'slaveof', 'masterauth', 'requirepass',
  'cluster-enabled', 'cluster-config-file', 'rename-command', 'protected-mode', 'databases', 'notify-keyspace-events',
  'repl-diskless-sync', 'min-replicas-to-write', 'lazyfree-lazy-eviction', 'io-threads', 'loadmodule', 'aclfile', 'user',
]);

/**
 * Whether a ConfigMap key holds a redis.conf (Redis, Valkey), judged by its name and its text:
 * - text whose lines are all `name args` (no `{ } ;` nginx/haproxy syntax, no shell) with at least
 *   one directive only redis.conf has (appendonly, maxmemory, save, dir, ...) is redis.conf, whatever the key
 *   (`redis-config` in the Kubernetes docs example);
 * - a key named `redis.conf` / `valkey.conf` is redis.conf even when empty (a template);
 * - Sentinel configs (`sentinel.conf`, any `sentinel ...` line) are not.
 * @param key the data key, e.g. `redis.conf`
 * @param text its value
 */
export function looksLikeRedisConf(key: string, text: string): boolean {
  if (/sentinel/i.test(key)) return false;
  const names: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const name = line.split(/\s+/)[0];
    // redis.conf names are [a-z-] words; anything else is another format (shell, nginx, haproxy, env)
    if (!/^[a-z][a-z0-9-]*$/i.test(name) || /[{};]$/.test(line)) return false;
    names.push(name.toLowerCase());
  }
  if (names.includes('sentinel')) return false;
  if (names.some((n) => REDIS_ONLY_DIRECTIVES.has(n))) return true;
  return names.length === 0 && /^(redis|valkey)\.conf$/i.test(key);
}

/** The keys of a ConfigMap that hold a redis.conf (see {@link looksLikeRedisConf}), in file order. */
export function redisConfKeys(entry: ConfigMapEntry): string[] {
  return entry.data.keys().filter((k) => {
    const text = configMapText(entry, k);
    return text !== undefined && looksLikeRedisConf(k, text);
  });
}

/** SourceFindings for redis.conf lines Redis would refuse. */
export function confProblemFindings(problems: readonly ConfProblem[], object?: SourceFinding['object']): SourceFinding[] {
  return problems.map((p) => ({
    ruleId: CONF_SYNTAX_RULE,
    message: p.message,
    pos: p.origin.kind === 'file' ? p.origin.pos : p.origin.anchor,
    ...(object ? { object } : {}),
  }));
}

/**
 * Replace `include <path>` directives by the directives of the file they name, in place, as Redis
 * does while loading (config.c `loadServerConfigFromString`: an include line loads the file there).
 * Includes that `resolve` cannot find stay as `include` directives; recursion (an included file's
 * own includes) stops at depth 8, which also ends include cycles.
 * @param resolve returns the parsed (unexpanded) file an include line names, undefined when unknown
 */
export function expandIncludes(
  directives: readonly ConfigDirective[],
  resolve: (path: string, include: ConfigDirective) => { directives: ConfigDirective[]; problems: ConfProblem[] } | undefined,
  depth = 0,
): { directives: ConfigDirective[]; problems: ConfProblem[]; unresolved: ConfigDirective[] } {
  const out: ConfigDirective[] = [];
  const problems: ConfProblem[] = [];
  const unresolved: ConfigDirective[] = [];
  for (const d of directives) {
    const found = d.name === 'include' && d.args.length === 1 && depth < 8 ? resolve(d.args[0], d) : undefined;
    if (!found) {
      if (d.name === 'include') unresolved.push(d);
      out.push(d);
      continue;
    }
    const inner = expandIncludes(found.directives, resolve, depth + 1);
    // a loop, not push(...items): a 50 MB redis.conf has more lines than a call has room for arguments (RangeError, test/hardening)
    for (const e of inner.directives) out.push(e);
    for (const e of found.problems) problems.push(e);
    for (const e of inner.problems) problems.push(e);
    for (const e of inner.unresolved) unresolved.push(e);
  }
  return { directives: out, problems, unresolved };
}

/**
 * Config-only deployments of a ConfigMap that no Redis workload of the run mounts.
 *
 * One RedisDeployment per redis.conf key that no other key includes, `source: 'configmap'`, role `standalone`. Bitnami's
 * layout (`redis.conf` + `master.conf` + `replica.conf`, rendered by the chart) gives one
 * deployment: `redis.conf` followed by `master.conf`, as the chart's start-master.sh includes
 * them; `replica.conf` is left out.
 *
 * Everything that is not redis.conf is unknown here: `volume.kind` is 'other' without size,
 * `memoryLimit`/`fsGroup`/`runAsUser`/probes are null, replicas 1, failover 'none', all with
 * `absent` origins. **Rules must skip volume, memory, security and probe checks for
 * `source === 'configmap'`**; only config checks (appendfsync-policy, aof-load-truncated-off, ...)
 * apply. `include` lines that name another key of the same ConfigMap (by file name) are expanded.
 *
 * @param referenced ConfigMaps mounted by a Redis workload of the run (workload.ts
 *   `configMapsReferencedBy`); for those this returns nothing, the workload reads them.
 */
export function configMapDeployments(doc: LoadedDocument, run: RunContext, referenced: ReadonlySet<ConfigMapEntry>): SourceResult {
  const entry = run.configMaps.find((c) => c.doc === doc) ?? configMapEntry(doc);
  const result: SourceResult = { deployments: [], findings: [] };
  if (!entry || [...referenced].some((r) => r.doc === doc)) return result;
  const confKeys = redisConfKeys(entry);
  const sameMap = (path: string) => {
    const key = path.split('/').pop() ?? path;
    return configMapText(entry, key) !== undefined ? key : undefined;
  };
  // keys another key includes, and Bitnami's master.conf/replica.conf next to redis.conf, are not deployments of their own
  const included = new Set(confKeys.flatMap((k) => redisConfOf(entry, k).directives.filter((d) => d.name === 'include').map((d) => sameMap(d.args[0] ?? ''))));
  if (confKeys.includes('redis.conf')) ['master.conf', 'replica.conf'].forEach((k) => included.add(k));
  const object = objectRefOf(rootOf(doc), 'ConfigMap');
  for (const key of confKeys.filter((k) => !included.has(k))) {
    const layers = key === 'redis.conf' && confKeys.includes('master.conf') ? [key, 'master.conf'] : [key];
    const directives: ConfigDirective[] = [];
    const problems: ConfProblem[] = [];
    for (const k of layers) {
      const parsed = redisConfOf(entry, k);
      const expanded = expandIncludes(parsed.directives, (p) => {
        const inc = sameMap(p);
        return inc === undefined ? undefined : redisConfOf(entry, inc);
      });
      for (const e of expanded.directives) directives.push(e);
      for (const e of parsed.problems) problems.push(e);
      for (const e of expanded.problems) problems.push(e);
    }
    for (const e of confProblemFindings(problems, findingObject(object))) result.findings.push(e);
    const keyPos = entry.data.child(key).pos();
    const unknown = (k: string): Origin => ({ kind: 'absent', key: k, anchor: keyPos });
    result.deployments.push({
      object,
      role: 'standalone',
      source: 'configmap',
      redisVersion: { value: null, origin: unknown('redisVersion') },
      config: applyDirectives(new Map(), directives),
      configAnchor: keyPos,
      replicas: { value: 1, origin: unknown('replicas') },
      failover: { value: 'none', origin: unknown('failover') },
      replicaCount: { value: 0, origin: unknown('replicaCount') },
      volume: { kind: 'other', origin: unknown('volume') },
      memoryLimit: { value: null, origin: unknown('resources.limits.memory') },
      fsGroup: { value: null, origin: unknown('securityContext.fsGroup') },
      runAsUser: { value: null, origin: unknown('securityContext.runAsUser') },
      volumePermissionsInit: false,
      livenessProbe: { value: null, origin: unknown('livenessProbe') },
      startupProbe: { value: null, origin: unknown('startupProbe') },
      terminationGracePeriodSeconds: { value: 30, origin: unknown('terminationGracePeriodSeconds') },
      workload: workloadFromAnnotations(object),
    });
  }
  return result;
}
