import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIR_VAR = 'REDIS_LINT_TEST_TMPDIR';
const REFS_VAR = 'REDIS_LINT_TEST_TMPDIR_REFS';

/**
 * vitest global setup of both projects: one temporary directory for the whole run, set as `TMPDIR`
 * so every `os.tmpdir()` of the test workers (and of the CLIs, servers and redis-servers they spawn,
 * which inherit the environment) lands in it, and removed when the run ends. Tests make their
 * temp directories with mkdtemp and many leave them (9,023 had piled up under /tmp); this keeps a
 * machine that runs the suite all day clean. Both projects call it: the first creates the
 * directory, the last teardown removes it (a count in the environment).
 * @returns the teardown
 * @throws Error when the directory cannot be created
 */
export default function setup(): () => void {
  if (!process.env[DIR_VAR]) {
    process.env[DIR_VAR] = mkdtempSync(join(tmpdir(), 'redis-lint-test-'));
    process.env.TMPDIR = process.env[DIR_VAR];
  }
  process.env[REFS_VAR] = String(Number(process.env[REFS_VAR] ?? 0) + 1);
  return () => {
    const refs = Number(process.env[REFS_VAR]) - 1;
    process.env[REFS_VAR] = String(refs);
    if (refs > 0) return;
    const dir = process.env[DIR_VAR];
    delete process.env[DIR_VAR];
    // a redis-server killed at the end may still be unlinking its temp file: retry
    try {
      if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
    } catch (e) {
      // e.g. a tmpfs a crashed calibration test left mounted: say so, do not fail the run for it
      console.warn(`could not remove the tests' temp directory ${dir}: ${(e as Error).message}`);
    }
  };
}
