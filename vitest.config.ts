import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: they spawn the built CLI (`dist/cli/main.js`, `bin/redis-lint.js`), pack the
 * package, or run real tools around it (bash running action.yml, pre-commit). Their project builds
 * `dist/` once first (test/setup/build.ts). test/e2e-list.test.ts fails when a test file spawns the
 * built CLI and is missing here.
 */
export const E2E_FILES = [
  'test/audit/cli.test.ts',
  'test/calibrate/cli.test.ts',
  'test/cli/chart-kinds.test.ts',
  'test/cli/cli.test.ts',
  'test/cli/fix.test.ts',
  'test/cli/project.test.ts',
  'test/distribution/action-run.test.ts',
  'test/distribution/distribution.test.ts',
  'test/distribution/pre-commit.test.ts',
  'test/distribution/whole-repo.test.ts',
  'test/hardening/fix-crash.test.ts',
  'test/hardening/hostile.test.ts',
  'test/hardening/secrets.test.ts',
  'test/hardening/webhook-faults.test.ts',
  'test/hardening/webhook-hostile.test.ts',
  'test/package/pack.test.ts',
  'test/policy/config.test.ts',
  'test/sources/inputs.test.ts',
  'test/webhook/cli.test.ts',
  'test/webhook/large-body.test.ts',
  'test/webhook/sigterm.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30000,
    reporters: ['default', './test/setup/corpus-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: E2E_FILES, globalSetup: ['test/setup/tmpdir.ts', 'test/setup/shared.ts'] },
      },
      {
        extends: true,
        test: { name: 'e2e', include: E2E_FILES, globalSetup: ['test/setup/tmpdir.ts', 'test/setup/build.ts'] },
      },
    ],
  },
});
