import { formatBytes } from '../model/units.js';
import { confBytes } from '../sources/redis-defaults.js';
import { originLabel, originPosition, type RedisDeployment } from '../types.js';
import { workloadList } from './words.js';
import { defineRule } from './rule.js';
import { limitTooSmallWords, maxmemoryWords, mb, MIN_MAXMEMORY, safeMaxmemory } from './memory-budget.js';
import { maxmemoryFix } from './memory-budget.js';

/**
 * maxmemory-unset: a memory limit with no maxmemory (Redis grows until OOMKilled instead of
 * evicting or refusing writes: evict.c performEvictions only acts with maxmemory set), or a
 * maxmemory above what the limit carries (through a fork when one happens).
 */
export const maxmemoryUnset = defineRule({
  id: 'maxmemory-unset',
  meta: {
    description: "A memory limit without maxmemory (Redis grows until the kernel OOM-kills it instead of evicting or refusing writes), or maxmemory above what the limit can carry through a fork.",
    remediation: "Set maxmemory (and a maxmemory-policy) to at most the memory limit divided by 2, minus overhead.",
    incident: "Pods OOMKilled under load instead of answering OOM errors or evicting keys.",
    category: 'reliability',
    precision: 'high',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "values.yaml", bad: `# a cache: no AOF, no RDB snapshots, no replicas (nothing forks)
architecture: standalone
commonConfiguration: |-
  appendonly no
  save ""
master:
  persistence:
    enabled: false
  resources:
    limits: {memory: 1Gi}
`, good: `architecture: standalone
commonConfiguration: |-
  appendonly no
  save ""
  # the 1Gi limit minus Redis's own overhead (nothing forks)
  maxmemory 1000mb
  maxmemory-policy allkeys-lru
master:
  persistence:
    enabled: false
  resources:
    limits: {memory: 1Gi}
` }],
  },
  defaults: { severity: 'warning' },
  needsWorkload: true,
  check({ dep, projection }) {
    const limit = dep.memoryLimit.value;
    if (limit === null || replicaIgnoresMaxmemory(dep)) return [];
    const maxmemory = confBytes(dep, 'maxmemory');
    const safe = safeMaxmemory(limit, projection);
    const through = projection.memory.forkHappens ? ' through a fork' : '';
    // the copy-on-write fraction behind `safe` comes from the workload's write rate and dataset when given
    const inputs = projection.memory.forkHappens ? workloadList(dep) : '';
    const used = inputs ? `; workload: ${inputs}` : '';
    if (!maxmemory.value) {
      const advice = safe >= MIN_MAXMEMORY ? `set maxmemory to at most ${mb(safe)} (what the limit carries${through}${used})` : limitTooSmallWords(limit, projection, null);
      return [
        {
          message: `memory limit ${formatBytes(limit)}${originLabel(dep.memoryLimit.origin)} without maxmemory: Redis is OOMKilled instead of evicting or refusing writes; ${advice}`,
          pos: originPosition(maxmemory.origin),
        },
      ];
    }
    if (maxmemory.value > safe) {
      const advice = safe >= MIN_MAXMEMORY ? `at most ${mb(safe)}${used}` : limitTooSmallWords(limit, projection, maxmemory.value);
      return [
        {
          message: `${maxmemoryWords(dep)} is above what the ${formatBytes(limit)} memory limit${originLabel(dep.memoryLimit.origin)} carries${through} (${advice})`,
          pos: originPosition(maxmemory.origin),
        },
      ];
    }
    return [];
  },
  fix: maxmemoryFix,
});

/**
 * A replica that is never promoted (no failover) ignores its own maxmemory: performEvictions
 * (evict.c) returns early when `masterhost && repl_slave_ignore_maxmemory`, and
 * replica-ignore-maxmemory (alias slave-ignore-maxmemory) is yes by default since Redis 5. Its
 * dataset follows the master's, so maxmemory on the replica is moot; the master's finding applies.
 */
function replicaIgnoresMaxmemory(dep: RedisDeployment): boolean {
  if (dep.role !== 'replica' || dep.failover.value !== 'none') return false;
  const d = dep.config.get('replica-ignore-maxmemory') ?? dep.config.get('slave-ignore-maxmemory');
  return (d?.args[0] ?? 'yes').toLowerCase() !== 'no';
}
