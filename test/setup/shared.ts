import { CORPUS_DIR, HAS_CORPUS } from '../shared-dir.js';

/**
 * vitest global setup of the unit project: checks for `../shared/corpus/` once per run. Absent and
 * `CI` unset: the corpus tests skip (`describe.skipIf(!HAS_CORPUS)`) and the corpus reporter says
 * how many in one line. Absent
 * and `CI` set: the run fails, because in CI the corpus is there and its tests must run.
 * @throws Error when the corpus is missing and `CI` is set.
 */
export default function setup(): void {
  if (HAS_CORPUS) return;
  const ci = process.env.CI;
  if (ci && ci !== 'false' && ci !== '0') {
    throw new Error(`${CORPUS_DIR} not found, and CI=${ci}: the corpus tests must run in CI`);
  }
  // test/setup/corpus-reporter.ts says how many tests were skipped, at the end of the run
}
