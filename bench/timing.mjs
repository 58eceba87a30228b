// Timing helpers the benchmarks share (bench/hostile.mjs, bench/whole-repo.mjs).

/** The median of a list of numbers (the upper middle one for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Run `fn` once to warm up, then `runs` times, and return the median wall time in milliseconds.
 * `fn` may be synchronous or return a promise (it is awaited).
 */
export async function medianMs(runs, fn) {
  await fn();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}
