// Start and stop a real redis-server (Debian package `redis-server`) for the model calibration
// bench and the tests. Plain Node ESM so both `node bench/...` and vitest can import it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A redis-server (or valkey-server) binary and its version, or null when it cannot be run.
 * `redis-server --version` prints `Redis server v=7.0.15 ...`; Valkey prints `Valkey server v=8.0.1 ...`
 * (its INFO still says redis_version:7.2.4 for compatibility, and valkey_version:8.0.1).
 * @param {string} [path] the binary; default `redis-server` on PATH
 * @returns {{ path: string, version: string, product: 'redis' | 'valkey' } | null}
 */
export function findRedisServer(path = 'redis-server') {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const m = /v=(\d+\.\d+\.\d+)/.exec(r.stdout);
  return { path, version: m ? m[1] : 'unknown', product: /^valkey/i.test(r.stdout) ? 'valkey' : 'redis' };
}

/**
 * A free TCP port on 127.0.0.1 (bind to port 0, read it, close).
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

function waitForPort(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`redis-server exited with code ${child.exitCode} before listening`));
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.end();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 20);
      });
    };
    attempt();
  });
}

/**
 * Starts redis-server on a free loopback port with a temporary (or given) `dir`.
 *
 * @param {object} [options]
 * @param {Record<string, string | number>} [options.config] redis.conf directives passed as
 *   `--name value` arguments, e.g. `{ appendonly: 'yes', save: '' }`. Defaults: `save ""`,
 *   `appendonly no`, logfile to stdout (collected in `log()`).
 * @param {string} [options.dir] data directory; a new temp directory when omitted (removed by stop())
 * @param {number} [options.startTimeoutMs] default 10000
 * @param {string} [options.server] the server binary (default `redis-server` on PATH)
 * @param {string[]} [options.prefix] a command to run it under, e.g. `['taskset', '-c', '0']`
 * @returns {Promise<{ port: number, dir: string, pid: number, url: string, log: () => string,
 *   stop: (signal?: NodeJS.Signals) => Promise<number | null> }>}
 *   `url` is `redis://127.0.0.1:<port>`; stop() sends SIGTERM (or the signal), SIGKILL after 5 s,
 *   waits for the exit and returns the exit code.
 * @throws Error when redis-server is missing or does not start listening in time
 */
export async function startRedisServer(options = {}) {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'redis-lint-redis-'));
  const port = await freePort();
  const config = { save: '', appendonly: 'no', ...options.config, port, bind: '127.0.0.1', dir, daemonize: 'no', logfile: '' };
  const args = [];
  for (const [name, value] of Object.entries(config)) args.push(`--${name}`, String(value));
  const [cmd, ...pre] = [...(options.prefix ?? []), options.server ?? 'redis-server'];
  const child = spawn(cmd, [...pre, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log = (log + d).slice(-200_000)));
  child.stderr.on('data', (d) => (log = (log + d).slice(-200_000)));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', () => {});
  try {
    await waitForPort(port, child, options.startTimeoutMs ?? 10_000);
  } catch (e) {
    child.kill('SIGKILL');
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw new Error(`${e.message}\n${log.slice(-2000)}`);
  }
  return {
    port,
    dir,
    pid: /** @type {number} */ (child.pid),
    url: `redis://127.0.0.1:${port}`,
    log: () => log,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      // SIGTERM can be refused (a failing shutdown SAVE on a full disk keeps Redis running)
      const timer = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      // a fork child killed with its parent may still be unlinking its temp file: retry
      if (ownDir) rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
      return code;
    },
  };
}
