import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `../shared/` beside the project root: steering material read in place, never copied (corpus/ of real
 * public configs, bench-repos/). A clone with nothing beside it has none: the tests that need it are
 * skipped, and test/setup/shared.ts says so in one line, unless `CI` is set, where its absence fails
 * the run. Pure unit tests never read it.
 */
export const SHARED_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared');
/** `../shared/corpus/`: real configs by input kind (its SOURCES.tsv says where each came from). */
export const CORPUS_DIR = path.join(SHARED_DIR, 'corpus');
/** True when `../shared/corpus/` exists: use with `describe.skipIf(!HAS_CORPUS)`. */
export const HAS_CORPUS = existsSync(CORPUS_DIR);
/**
 * Part of the name of every suite that reads the corpus (`describe.skipIf(!HAS_CORPUS)(\`... ${NEEDS_CORPUS}\`)`):
 * test/setup/corpus-reporter.ts counts the skipped tests under such suites.
 */
export const NEEDS_CORPUS = '(../shared/corpus)';
