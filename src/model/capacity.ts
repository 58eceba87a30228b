/**
 * Capacity: the largest dataset a volume or a memory limit carries, for deployments whose
 * dataset nothing bounds (no maxmemory, no memory limit, no workload) and as a second number for
 * every other one. Pure functions over a projection function, so the search reuses every formula
 * of the model (docs/model.md) instead of inverting it by hand.
 */

/**
 * Largest integer `d` in [0, hi] with `fits(d)`, by binary search; `fits` must be monotone
 * (true up to some size, false above it).
 *
 * @param fits predicate on a dataset size in bytes
 * @param hi   upper end of the search, bytes (>= 0)
 * @returns the largest fitting size; -1 when not even 0 fits; `hi` when everything up to it fits
 * @throws never (whatever `fits` throws propagates)
 */
export function largestFitting(fits: (bytes: number) => boolean, hi: number): number {
  if (!fits(0)) return -1;
  let lo = 0; // fits
  let top = Math.floor(hi);
  if (fits(top)) return top;
  // invariant: fits(lo) && !fits(top)
  while (top - lo > 1) {
    const mid = lo + Math.floor((top - lo) / 2);
    if (fits(mid)) lo = mid;
    else top = mid;
  }
  return lo;
}

/** What the capacity search needs: the peaks the model projects for a dataset of `bytes`. */
export interface CapacityProbe {
  /** Steady-state disk peak (bytes) for a dataset of `bytes`; null when unbounded (no rewrite) or nothing bounds it. */
  diskPeak(bytes: number): number | null;
  /** Memory charged to the container at a fork (bytes) for a dataset of `bytes`. */
  forkPeak(bytes: number): number;
}

/** Result of {@link capacity}; bytes. */
export interface Capacity {
  /**
   * Largest dataset whose steady-state disk cycle (AOF rewrite + RDB files) stays within
   * volume × (1 − headroomFraction); 0 when none does (the AOF is never rewritten, or the files of
   * an empty dataset already exceed it); null without a volume or when the volume does not bound
   * the dataset (nothing is persisted on it).
   */
  diskMaxDatasetBytes: number | null;
  /** Largest dataset whose fork peak stays within the memory limit; 0 when none does; null without a limit. */
  memoryMaxDatasetBytes: number | null;
}

/**
 * Largest dataset the volume and the memory limit carry.
 *
 * Disk: the largest D with diskPeak(D) <= volume × (1 − headroomFraction), the same test as
 * recommendedVolumeBytes (volume.ts) turned around. diskPeak grows with D (the RDB, BASE, trigger
 * and rewrite window all grow with it), so a binary search over D finds it exactly, ceil() and cron
 * rounding included. A null peak for a positive D (auto-aof-rewrite-percentage 0, or a volume at or
 * under auto-aof-rewrite-min-size: the AOF is never rewritten) means no dataset fits: 0.
 *
 * Memory: the largest D with forkPeak(D) <= memory limit (fork-memory.ts: dataset + overhead +
 * copy-on-write, the whole dataset without a write rate).
 *
 * @param probe            the model's peaks as functions of the dataset size
 * @param volumeBytes      data volume, bytes; null when none or unknown
 * @param memoryLimitBytes container memory limit, bytes; null when none
 * @param headroomFraction fraction of the volume kept free at the peak, in [0, 1)
 * @param persistsToVolume false when nothing is written to the volume (AOF off and no dump.rdb)
 * @param diskSearchTopBytes a dataset size known not to fit (e.g. the one whose RDB alone is the volume)
 * @throws never
 */
export function capacity(
  probe: CapacityProbe,
  volumeBytes: number | null,
  memoryLimitBytes: number | null,
  headroomFraction: number,
  persistsToVolume: boolean,
  diskSearchTopBytes: number,
): Capacity {
  let disk: number | null = null;
  if (volumeBytes !== null && persistsToVolume) {
    const usable = volumeBytes * (1 - headroomFraction);
    const fits = (d: number): boolean => {
      const peak = probe.diskPeak(d);
      return peak !== null && peak <= usable;
    };
    disk = Math.max(0, largestFitting(fits, diskSearchTopBytes));
  }
  let memory: number | null = null;
  if (memoryLimitBytes !== null && memoryLimitBytes > 0) {
    memory = Math.max(0, largestFitting((d) => probe.forkPeak(d) <= memoryLimitBytes, memoryLimitBytes));
  }
  return { diskMaxDatasetBytes: disk, memoryMaxDatasetBytes: memory };
}
