import type { Reporter, TestModule } from 'vitest/node';
import { HAS_CORPUS, NEEDS_CORPUS } from '../shared-dir.js';

/**
 * A vitest reporter that, when `../shared/corpus/` is absent, says in one line how many tests were
 * skipped for it: the tests under a suite whose name carries {@link NEEDS_CORPUS}. With CI set the
 * unit project's global setup (test/setup/shared.ts) has already failed the run instead.
 */
export default class CorpusSkipReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (HAS_CORPUS) return;
    let skipped = 0;
    for (const m of testModules) {
      for (const t of m.children.allTests()) if (t.fullName.includes(NEEDS_CORPUS) && t.result().state === 'skipped') skipped++;
    }
    process.stderr.write(`../shared/corpus not found: ${skipped} corpus tests skipped\n`);
  }
}
