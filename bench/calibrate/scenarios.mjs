// The calibration grid (`npm run calibrate`) and the reduced set the CI test runs.
// Sizes are chosen so that one serverCron period (100 ms at hz 10) of writes is small next to the
// BASE: the trigger check's overshoot is then at most ~2% of the trigger.

const MB = 1024 * 1024; // Redis "mb"

/** @type {import('./harness.mjs').Scenario[]} */
export const GRID = [
  // auto-aof-rewrite-percentage 100, large values (1000 B), low and high write rate
  { id: 'p100-large-low', description: 'percentage 100, 1000 B values, ~0.5 MB/s', keys: 4000, valueSize: 1000, opsPerSec: 500, percentage: 100, minSize: 1 * MB, save: '', mode: 'cycles' },
  { id: 'p100-large-high', description: 'percentage 100, 1000 B values, ~4 MB/s', keys: 16000, valueSize: 1000, opsPerSec: 4000, percentage: 100, minSize: 1 * MB, save: '', mode: 'cycles' },
  // percentage 50 and 200
  { id: 'p50-large', description: 'percentage 50, 1000 B values, ~2 MB/s', keys: 8000, valueSize: 1000, opsPerSec: 2000, percentage: 50, minSize: 1 * MB, save: '', mode: 'cycles' },
  { id: 'p200-large', description: 'percentage 200, 1000 B values, ~2 MB/s', keys: 4000, valueSize: 1000, opsPerSec: 2000, percentage: 200, minSize: 1 * MB, save: '', mode: 'cycles' },
  // small values (64 B): many keys, per-key overhead, ~100 B per SET in the AOF
  { id: 'p100-small-low', description: 'percentage 100, 64 B values, ~0.5 MB/s', keys: 60000, valueSize: 64, opsPerSec: 5000, percentage: 100, minSize: 1 * MB, save: '', mode: 'cycles' },
  { id: 'p100-small-high', description: 'percentage 100, 64 B values, ~2 MB/s', keys: 120000, valueSize: 64, opsPerSec: 20000, percentage: 100, minSize: 1 * MB, save: '', mode: 'cycles' },
  { id: 'p50-small', description: 'percentage 50, 64 B values, ~1 MB/s', keys: 100000, valueSize: 64, opsPerSec: 10000, percentage: 50, minSize: 1 * MB, save: '', mode: 'cycles' },
  { id: 'p200-small', description: 'percentage 200, 64 B values, ~1 MB/s', keys: 60000, valueSize: 64, opsPerSec: 10000, percentage: 200, minSize: 1 * MB, save: '', mode: 'cycles' },
  // min-size bound: auto-aof-rewrite-min-size above base × (1 + percentage)
  { id: 'minsize-large', description: 'min-size 32mb bound (base ~4 MB), 1000 B values, ~4 MB/s', keys: 4000, valueSize: 1000, opsPerSec: 4000, percentage: 100, minSize: 32 * MB, save: '', mode: 'cycles' },
  { id: 'minsize-small', description: 'min-size 24mb bound, 64 B values, ~2 MB/s', keys: 40000, valueSize: 64, opsPerSec: 20000, percentage: 100, minSize: 24 * MB, save: '', mode: 'cycles' },
  // RDB save points on: dump.rdb beside the AOF, BGSAVE children delay rewrites
  { id: 'save-p100-large', description: 'save "1 1", percentage 100, 1000 B values, ~1 MB/s', keys: 6000, valueSize: 1000, opsPerSec: 1000, percentage: 100, minSize: 1 * MB, save: '1 1', mode: 'cycles' },
  { id: 'save-p200-small', description: 'save "1 1", percentage 200, 64 B values, ~1 MB/s', keys: 60000, valueSize: 64, opsPerSec: 10000, percentage: 200, minSize: 1 * MB, save: '1 1', mode: 'cycles' },
  { id: 'save-minsize-large', description: 'save "2 1", min-size 16mb bound, 1000 B values, ~2 MB/s', keys: 3000, valueSize: 1000, opsPerSec: 2000, percentage: 100, minSize: 16 * MB, save: '2 1', mode: 'cycles' },
  // a replica's full sync during a rewrite (master side): disk-based leaves dump.rdb next to the AOF
  { id: 'replica-disk', description: 'replica attached during a rewrite, repl-diskless-sync no: dump.rdb on the master, percentage 100, 1000 B values, ~1 MB/s', keys: 6000, valueSize: 1000, opsPerSec: 1000, percentage: 100, minSize: 1 * MB, save: '', mode: 'cycles', replica: 'disk' },
  { id: 'replica-diskless', description: 'replica attached during a rewrite, repl-diskless-sync yes: no file, percentage 100, 1000 B values, ~1 MB/s', keys: 6000, valueSize: 1000, opsPerSec: 1000, percentage: 100, minSize: 1 * MB, save: '', mode: 'cycles', replica: 'diskless' },
  // disk full on a size-limited tmpfs
  { id: 'full-minsize-unreachable', description: '16Mi volume under min-size 64mb, from an empty AOF (the Klamm incident): never rewritten, ~1 MB/s', populate: false, keys: 1500, valueSize: 1000, opsPerSec: 1000, percentage: 100, minSize: 64 * MB, save: '', mode: 'fill', volumeBytes: 16 * MB },
  { id: 'full-save', populate: false, description: '24Mi volume under min-size 64mb, save "1 1": dump.rdb next to the AOF, from an empty AOF, a BGSAVE temp file must fit, ~0.4 MB/s (BGSAVE every ~2 s: the model takes the earliest failure)', keys: 4000, valueSize: 1000, opsPerSec: 400, percentage: 100, minSize: 64 * MB, save: '1 1', mode: 'fill', volumeBytes: 24 * MB },
  { id: 'full-fork-fails', description: '24Mi volume, min-size 4mb, fork() fails (pids cgroup): rewrites never succeed, ~1 MB/s', keys: 2000, valueSize: 1000, opsPerSec: 1000, percentage: 100, minSize: 4 * MB, save: '', mode: 'fill', volumeBytes: 24 * MB, forkBlocked: true },
];

/** The reduced set the CI test runs (under 2 minutes): percentage, min-size, save points, disk full. */
export const CI_SET = ['p100-large-high', 'minsize-large', 'save-p100-large', 'full-minsize-unreachable'].map((id) => {
  const sc = GRID.find((s) => s.id === id);
  if (!sc) throw new Error(`unknown scenario ${id}`);
  return { ...sc, rewrites: 3, timeoutSec: 80 }; // gives up before the test's 90 s timeout, cleaning up
});

/**
 * Copy-on-write by pages (`npm run calibrate -- --cow`, bench/calibrate/cow.mjs): 64 B, 1 KiB and
 * 16 KiB values, ~25-50 MiB of them, random keys across the whole keyspace, at a low, a high and a
 * very high write rate (the higher ones rewrite more of the keyspace while the ~2-4 s child lives;
 * the very high one touches more pages than the dataset has).
 * @type {import('./cow.mjs').CowScenario[]}
 */
export const COW_GRID = [
  { id: 'cow-64-low', keys: 300000, valueSize: 64, opsPerSec: 150 },
  { id: 'cow-64-high', keys: 300000, valueSize: 64, opsPerSec: 600 },
  { id: 'cow-1k-low', keys: 20000, valueSize: 1024, opsPerSec: 150 },
  { id: 'cow-1k-high', keys: 20000, valueSize: 1024, opsPerSec: 600 },
  { id: 'cow-16k-low', keys: 1500, valueSize: 16384, opsPerSec: 150 },
  { id: 'cow-16k-high', keys: 1500, valueSize: 16384, opsPerSec: 600 },
  // deep saturation: the writes of one child touch more pages than the dataset has (n × t / P > 1),
  // as a long child under a steady write stream does in production (a 30 s child at 10,000 SETs/s)
  { id: 'cow-64-vhigh', keys: 300000, valueSize: 64, opsPerSec: 5000 },
  { id: 'cow-1k-vhigh', keys: 20000, valueSize: 1024, opsPerSec: 2000 },
  { id: 'cow-16k-vhigh', keys: 1500, valueSize: 16384, opsPerSec: 1000 },
];
