import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * vitest global setup of the e2e project: builds `dist/` once (`npm run build`, i.e. tsc), so every
 * end-to-end test spawns the CLI built from this checkout's sources, not whatever was built last.
 * @throws Error (with tsc's output) when the build fails: no e2e test runs against a stale dist/.
 */
export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  try {
    execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '-s', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run build failed before the e2e tests:\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`);
  }
}
