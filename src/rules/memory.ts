import type { Projection } from '../model/projection.js';
import { formatBytes } from '../model/units.js';
import { formatQuantity } from '../model/volume.js';
import { confBytes, confValue } from '../sources/redis-defaults.js';
import { originLabel, originPosition, type RedisDeployment } from '../types.js';
import { datasetWords, namedByDatasetWords, redisSizeWords, workloadList } from './words.js';
import { numParam, type Rule } from './rule.js';

const MIB = 1024 * 1024;

/** What the model says Redis uses besides the dataset (baseline RSS, replication backlog), and the copy-on-write fraction of a fork. */
function memoryShape(projection: Projection): { overhead: number; cowFraction: number } {
  const m = projection.memory;
  const dataset = projection.dataset.bytes ?? 0;
  const overhead = m.usedBytes !== null ? m.usedBytes - dataset : 0;
  const cowFraction = m.forkHappens ? (m.cowBytes !== null && dataset > 0 ? m.cowBytes / dataset : 1) : 0;
  return { overhead, cowFraction };
}

/**
 * The largest maxmemory a memory limit carries, forks included: limit = overhead + maxmemory
 * x (1 + copy-on-write fraction). The fraction is the model's cow/dataset (1 without a write
 * rate: the "2x" rule), 0 when nothing forks.
 * @returns bytes, rounded down to a whole MiB (Redis `mb`), at least 0; below {@link MIN_MAXMEMORY}
 *   no maxmemory is safe (see {@link hasSafeMaxmemory}): never advise `maxmemory 0`, which is no limit
 */
export function safeMaxmemory(limit: number, projection: Projection): number {
  const { overhead, cowFraction } = memoryShape(projection);
  return Math.max(0, Math.floor((limit - overhead) / (1 + cowFraction) / MIB) * MIB);
}

/** The smallest maxmemory redis-lint advises: 1mb. `maxmemory 0` means no limit in Redis (evict.c), so it is never advice. */
export const MIN_MAXMEMORY = MIB;

/** Whether some maxmemory of at least {@link MIN_MAXMEMORY} fits the limit (through a fork when one happens). */
export function hasSafeMaxmemory(limit: number, projection: Projection): boolean {
  return safeMaxmemory(limit, projection) >= MIN_MAXMEMORY;
}

/**
 * The memory limit that carries a maxmemory (through a fork when one happens): overhead +
 * maxmemory x (1 + copy-on-write fraction), as a Kubernetes quantity rounded up (formatQuantity).
 */
export function limitFor(maxmemory: number, projection: Projection): string {
  const { overhead, cowFraction } = memoryShape(projection);
  return formatQuantity(Math.ceil(overhead + maxmemory * (1 + cowFraction)));
}

/** The maxmemory the "limit too small" advice sizes a limit for when the user gave none: 64mb, a small cache. */
const EXAMPLE_MAXMEMORY = 64 * MIB;

/**
 * Advice for a limit too small to carry any maxmemory: "the 10Mi memory limit is too small to
 * carry any maxmemory through a fork (Redis itself uses ~9Mi): raise it to at least 137Mi (for
 * maxmemory 64mb)". `maxmemory` is the one the user set, if any.
 */
export function limitTooSmallWords(limit: number, projection: Projection, maxmemory: number | null): string {
  const { overhead } = memoryShape(projection);
  const through = projection.memory.forkHappens ? ' through a fork' : '';
  const want = maxmemory && maxmemory > 0 ? maxmemory : EXAMPLE_MAXMEMORY;
  return `the ${formatBytes(limit)} memory limit is too small to carry any maxmemory${through} (Redis itself uses ~${formatBytes(overhead)}): raise it to at least ${limitFor(want, projection)} (for maxmemory ${mb(want)})`;
}

function mb(bytes: number): string {
  return `${Math.floor(bytes / MIB)}mb`;
}

/** "maxmemory 1gb", or "maxmemory 94371840 (90Mi)" when the value is not in whole Redis binary units. */
export function maxmemoryWords(dep: RedisDeployment): string {
  const raw = confValue(dep, 'maxmemory').value;
  const bytes = confBytes(dep, 'maxmemory').value;
  return `maxmemory ${redisSizeWords(raw, bytes)}`;
}

/**
 * fork-memory-headroom: while a fork child runs (BGSAVE, BGREWRITEAOF, full sync), the memory
 * charged to the container is the parent's memory plus pages copied on write (the model's
 * forkPeakBytes); above the limit the kernel OOM-kills Redis or the child. Supersedes
 * maxmemory-unset (same limit, same numbers): without maxmemory its message carries that advice too.
 */
export const forkMemoryHeadroom: Rule = {
  id: 'fork-memory-headroom',
  needsWorkload: true,
  supersedes: ['maxmemory-unset'],
  check({ dep, projection, params }) {
    const m = projection.memory;
    const limit = dep.memoryLimit.value;
    if (!m.forkHappens || limit === null || m.forkPeakBytes === null) return [];
    const headroom = numParam(params, 'headroomPercent', 0) / 100;
    const usable = limit * (1 - headroom);
    if (m.forkPeakBytes <= usable) return [];
    const maxmemory = confBytes(dep, 'maxmemory');
    const safe = safeMaxmemory(usable, projection);
    const inputs = workloadList(dep, namedByDatasetWords(projection));
    const why = `${datasetWords(dep, projection)}${inputs ? `; workload: ${inputs}` : ''}`;
    const unset = !maxmemory.value && !dep.masterMaxmemory;
    let advice: string;
    if (unset) {
      // maxmemory-unset's advice, folded in: one finding for the one root cause
      advice = `without maxmemory Redis is also OOM-killed instead of evicting or refusing writes; ${
        safe >= MIN_MAXMEMORY ? `set maxmemory to at most ${mb(safe)} (what the limit carries through a fork) and a maxmemory-policy` : limitTooSmallWords(usable, projection, null)
      }`;
    } else {
      const neededLimit = formatQuantity(Math.ceil(m.forkPeakBytes / (1 - headroom)));
      advice = safe >= MIN_MAXMEMORY ? `set maxmemory to at most ${mb(safe)} or the limit to at least ${neededLimit}` : `the limit is too small for any maxmemory: raise it to at least ${neededLimit}`;
    }
    return [
      {
        message:
          `fork peak ${formatBytes(m.forkPeakBytes)} (${formatBytes(m.usedBytes ?? 0)} in use + up to ${formatBytes(m.cowBytes ?? 0)} copied on write; ${why}) ` +
          `exceeds the memory limit ${formatBytes(limit)}${originLabel(dep.memoryLimit.origin)}${headroom ? ` minus ${Math.round(headroom * 100)}%` : ''}: ` +
          `BGSAVE/BGREWRITEAOF is OOM-killed; ${advice}`,
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
    if (dep.memoryLimit.origin.kind === 'file' && /(^|\.)limits\.memory$/.test(dep.memoryLimit.origin.pos.yamlPath)) {
      // resources.limits.memory: 0 (the kubelet sets no cgroup limit for 0, as for an absent limit)
      return [{ message: 'this memory limit sets no limit (0 means none to the kubelet): nothing bounds the dataset, the AOF or a fork (set resources.limits.memory to a size)', pos: originPosition(dep.memoryLimit.origin) }];
    }
    const where = dep.chart ? ' (set master/replica resources.limits.memory, or a resourcesPreset other than none)' : ' (set resources.limits.memory)';
    return [
      {
        message: `no memory limit on the Redis container${originLabel(dep.memoryLimit.origin)}: nothing bounds the dataset, the AOF or a fork${where}`,
        pos: originPosition(dep.memoryLimit.origin),
      },
    ];
  },
};
