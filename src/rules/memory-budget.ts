import type { Projection } from '../model/projection.js';
import { formatBytes } from '../model/units.js';
import { formatQuantity } from '../model/volume.js';
import { confBytes, confValue } from '../sources/redis-defaults.js';
import { roleKey, type RuleFix } from '../fix/operations.js';
import type { RedisDeployment } from '../types.js';
import { redisSizeWords } from './words.js';

/**
 * What a memory limit carries (maxmemory through a fork), shared by the memory rules and their fixes.
 * Arithmetic from the model (docs/model.md "Fork memory"): limit = overhead + maxmemory x (1 + copy-on-write fraction).
 */

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

/** A size in whole Redis `mb`, rounded down (a maxmemory to advise). */
export function mb(bytes: number): string {
  return `${Math.floor(bytes / MIB)}mb`;
}

/** "maxmemory 1gb", or "maxmemory 94371840 (90Mi)" when the value is not in whole Redis binary units. */
export function maxmemoryWords(dep: RedisDeployment): string {
  const raw = confValue(dep, 'maxmemory').value;
  const bytes = confBytes(dep, 'maxmemory').value;
  return `maxmemory ${redisSizeWords(raw, bytes)}`;
}

/**
 * The fix of the memory rules (fork-memory-headroom, maxmemory-unset, maxmemory-above-limit): make
 * maxmemory and the memory limit agree. maxmemory becomes what the limit carries through a fork
 * ({@link safeMaxmemory}); when a dataset size was given (workload inputs) that such a maxmemory
 * would not hold, the limit is raised to the model's fork peak instead (lowering maxmemory below
 * the real dataset would evict or refuse writes). Never `maxmemory 0` (no limit in Redis): a limit
 * too small for any maxmemory is not fixed automatically.
 */
export const maxmemoryFix: RuleFix = {
  safe: false,
  description: 'lower maxmemory to what the memory limit carries through a fork, or raise the limit when a dataset size is given that maxmemory must hold',
  propose({ dep, projection: p }) {
    const limit = dep.memoryLimit.value;
    if (!p || limit === null) return 'no memory limit to fit maxmemory to';
    const safe = safeMaxmemory(limit, p);
    const dataset = p.dataset.bytes;
    if (p.dataset.basis === 'workload' && dataset !== null && dataset > safe) {
      const peak = p.memory.forkPeakBytes;
      if (peak === null) return 'no projected fork peak';
      const needed = formatQuantity(Math.ceil(peak / MIB) * MIB);
      return {
        operations: [{ op: 'set-setting', origin: dep.memoryLimit.origin, value: needed, chartKey: [roleKey(dep), 'resources', 'limits', 'memory'], what: 'the memory limit' }],
        description: `set {where}: ${needed} (the model's fork peak for the ${formatBytes(dataset)} dataset you gave; maxmemory is not lowered below it)`,
      };
    }
    if (safe < MIN_MAXMEMORY) return `${limitTooSmallWords(limit, p, confBytes(dep, 'maxmemory').value)}: not fixed automatically`;
    const current = dep.config.get('maxmemory');
    return {
      operations: [{ op: 'set-directive', name: 'maxmemory', args: [mb(safe)] }],
      description: `set maxmemory ${mb(safe)}${current ? ` (was ${current.args[0]})` : ''} in {where}: what the ${formatBytes(limit)} memory limit carries${p.memory.forkHappens ? " through a fork (the model's copy-on-write)" : ''}`,
    };
  },
};
