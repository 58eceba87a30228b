#!/usr/bin/env node
/**
 * The long fuzz run (issue 6): test/hardening/fuzz.test.ts with REDIS_LINT_FUZZ_RUNS runs per
 * property (default 20000) and a random seed, printed first so a failure can be replayed with
 * REDIS_LINT_FUZZ_SEED=<seed>. Usage: `npm run fuzz` or `node bench/fuzz.mjs [runs]`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const runs = process.argv[2] ?? process.env.REDIS_LINT_FUZZ_RUNS ?? '20000';
const seed = process.env.REDIS_LINT_FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
console.log(`fuzz: ${runs} runs per property, seed ${seed} (replay: REDIS_LINT_FUZZ_SEED=${seed} REDIS_LINT_FUZZ_RUNS=${runs} npx vitest run test/hardening/fuzz.test.ts)`);
const t0 = Date.now();
const r = spawnSync('npx', ['vitest', 'run', 'test/hardening/fuzz.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, REDIS_LINT_FUZZ_RUNS: runs, REDIS_LINT_FUZZ_SEED: seed },
});
console.log(`fuzz: ${r.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s (seed ${seed})`);
process.exit(r.status ?? 1);
