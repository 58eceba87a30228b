import type { Projection } from '../model/projection.js';
import { formatBytes } from '../model/units.js';
import { formatQuantity } from '../model/volume.js';
import { confBytes, confValue } from '../sources/redis-defaults.js';
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
