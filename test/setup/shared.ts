import { CORPUS_DIR, HAS_CORPUS } from '../shared-dir.js';

/**
 * vitest global setup of the unit project: checks for `../shared/corpus/` once per run. Absent and
 * `CI` unset: one line on stderr, and the corpus tests skip (`describe.skipIf(!HAS_CORPUS)`). Absent
 * and `CI` set: the run fails, because in CI the corpus is there and its tests must run.
 * @throws Error when the corpus is missing and `CI` is set.
 */
export default function setup(): void {
  if (HAS_CORPUS) return;
  const ci = process.env.CI;
  if (ci && ci !== 'false' && ci !== '0') {
    throw new Error(`${CORPUS_DIR} not found, and CI=${ci}: the corpus tests must run in CI`);
  }
  process.stderr.write(`../shared/corpus not found: the corpus tests are skipped (they show as skipped below; in CI they must run)\n`);
}
