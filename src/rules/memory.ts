import type { Projection } from '../model/projection.js';
import { formatBytes } from '../model/units.js';
import { formatQuantity } from '../model/volume.js';
import { confBytes, confValue } from '../sources/redis-defaults.js';
import { originLabel, originPosition, type RedisDeployment } from '../types.js';
import { datasetWords, namedByDatasetWords, workloadList } from './words.js';
import { numParam, type Rule } from './rule.js';

const MIB = 1024 * 1024;

/**
 * The largest maxmemory a memory limit carries, forks included: limit = overhead + maxmemory
 * x (1 + copy-on-write fraction). The fraction is the model's cow/dataset (1 without a write
 * rate: the "2x" rule), 0 when nothing forks.
 * @returns bytes, rounded down to a whole MiB (Redis `mb`), at least 0
 */
export function safeMaxmemory(limit: number, projection: Projection): number {
  const m = projection.memory;
  const dataset = projection.dataset.bytes ?? 0;
  const overhead = m.usedBytes !== null ? m.usedBytes - dataset : 0;
  const cowFraction = m.forkHappens ? (m.cowBytes !== null && dataset > 0 ? m.cowBytes / dataset : 1) : 0;
  return Math.max(0, Math.floor((limit - overhead) / (1 + cowFraction) / MIB) * MIB);
}

function mb(bytes: number): string {
  return `${Math.floor(bytes / MIB)}mb`;
}

/**
 * fork-memory-headroom: while a fork child runs (BGSAVE, BGREWRITEAOF, full sync), the memory
 * charged to the container is the parent's memory plus pages copied on write (the model's
 * forkPeakBytes); above the limit the kernel OOM-kills Redis or the child.
 */
export const forkMemoryHeadroom: Rule = {
  id: 'fork-memory-headroom',
  needsWorkload: true,
  check({ dep, projection, params }) {
    const m = projection.memory;
    const limit = dep.memoryLimit.value;
    if (!m.forkHappens || limit === null || m.forkPeakBytes === null) return [];
    const headroom = numParam(params, 'headroomPercent', 0) / 100;
    const usable = limit * (1 - headroom);
    if (m.forkPeakBytes <= usable) return [];
    const maxmemory = confBytes(dep, 'maxmemory');
    const safe = safeMaxmemory(usable, projection);
    const neededLimit = formatQuantity(Math.ceil(m.forkPeakBytes / (1 - headroom)));
    const inputs = workloadList(dep, namedByDatasetWords(projection));
    const why = `${datasetWords(dep, projection)}${inputs ? `; workload: ${inputs}` : ''}`;
    return [
      {
        message:
          `fork peak ${formatBytes(m.forkPeakBytes)} (${formatBytes(m.usedBytes ?? 0)} in use + up to ${formatBytes(m.cowBytes ?? 0)} copied on write; ${why}) ` +
          `exceeds the memory limit ${formatBytes(limit)}${originLabel(dep.memoryLimit.origin)}${headroom ? ` minus ${Math.round(headroom * 100)}%` : ''}: ` +
          `BGSAVE/BGREWRITEAOF is OOM-killed; set maxmemory to at most ${mb(safe)} or the limit to at least ${neededLimit}`,
        pos: originPosition(maxmemory.value ? maxmemory.origin : dep.memoryLimit.origin),
      },
    ];
  },
};

/**
 * maxmemory-unset: a memory limit with no maxmemory (Redis grows until OOMKilled instead of
 * evicting or refusing writes: evict.c performEvictions only acts with maxmemory set), or a
 * maxmemory above what the limit carries (through a fork when one happens).
 */
export const maxmemoryUnset: Rule = {
  id: 'maxmemory-unset',
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
      return [
        {
          message: `memory limit ${formatBytes(limit)}${originLabel(dep.memoryLimit.origin)} without maxmemory: Redis is OOMKilled instead of evicting or refusing writes; set maxmemory to at most ${mb(safe)} (what the limit carries${through}${used})`,
          pos: originPosition(maxmemory.origin),
        },
      ];
    }
    if (maxmemory.value > safe) {
      return [
        {
          message: `maxmemory ${confValue(dep, 'maxmemory').value} is above what the ${formatBytes(limit)} memory limit${originLabel(dep.memoryLimit.origin)} carries${through} (at most ${mb(safe)}${used})`,
          pos: originPosition(maxmemory.origin),
        },
      ];
    }
    return [];
  },
};

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

/** memory-limit-missing: no memory limit on the Redis container. */
export const memoryLimitMissing: Rule = {
  id: 'memory-limit-missing',
  needsWorkload: true,
  check({ dep }) {
    if (dep.memoryLimit.value !== null) return [];
    const where = dep.chart ? ' (set master/replica resources.limits.memory, or a resourcesPreset other than none)' : ' (set resources.limits.memory)';
    return [
      {
        message: `no memory limit on the Redis container${originLabel(dep.memoryLimit.origin)}: nothing bounds the dataset, the AOF or a fork${where}`,
        pos: originPosition(dep.memoryLimit.origin),
      },
    ];
  },
};
