/**
 * `redis-lint serve` argument and start-up errors (the built CLI: npm test builds first), and
 * that `redis-lint lint` does not load the webhook.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPENSSL, makeCert, root } from './helpers.js';

const bin = path.join(root, 'dist/cli/main.js');

function serve(args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'serve', ...args], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!existsSync(bin))('redis-lint serve: start-up errors exit 2 with one clear line', () => {
  it('--help prints the options and exits 0', () => {
    const r = serve(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--tls-cert-file FILE/);
    expect(r.stdout).toMatch(/--disallow-annotation-exemptions/);
  });

  it('missing certificate flags, bad values', () => {
    expect(serve([])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^redis-lint serve: serve needs --tls-cert-file and --tls-private-key-file/) });
    expect(serve(['--tls-cert-file', 'a', '--tls-private-key-file', 'b', '--on-error', 'maybe'])).toMatchObject({ code: 2, stderr: 'redis-lint serve: --on-error must be allow or deny, not "maybe"\n' });
    expect(serve(['--tls-cert-file', 'a', '--tls-private-key-file', 'b', '--port', '70000'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--port must be a port number/) });
    expect(serve(['--tls-cert-file', 'a', '--tls-private-key-file', 'b', '--bogus'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown option '--bogus'/) });
  });

  it('an unreadable certificate', () => {
    expect(serve(['--tls-cert-file', '/nonexistent/tls.crt', '--tls-private-key-file', '/nonexistent/tls.key'])).toMatchObject({ code: 2, stderr: 'redis-lint serve: cannot read /nonexistent/tls.crt: ENOENT\n' });
  });

  it.skipIf(!OPENSSL)('a key that is not the certificate\'s, and an invalid --config with file:line:col', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-serve-cli-'));
    const a = makeCert(dir, 'a');
    const b = makeCert(dir, 'b');
    expect(serve(['--tls-cert-file', a.certFile, '--tls-private-key-file', b.keyFile])).toMatchObject({ code: 2, stderr: `redis-lint serve: ${b.keyFile} is not the private key of the certificate in ${a.certFile}\n` });
    const config = path.join(dir, 'config.yaml');
    writeFileSync(config, 'rules:\n  data-volume-fsgroup:\n    action: block\n');
    const r = serve(['--tls-cert-file', a.certFile, '--tls-private-key-file', a.keyFile, '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^redis-lint serve: ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:5: invalid config: rules\\.data-volume-fsgroup\\.action must be one of deny, warn, audit`));
  });
});

describe('redis-lint lint does not load the webhook', () => {
  it('main.js imports serve.js (and so fastify) only for the serve command', () => {
    const main = readFileSync(path.join(root, 'src/cli/main.ts'), 'utf8');
    const staticImports = [...main.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(staticImports.filter((s) => /serve|webhook|fastify|prom-client|close-with-grace|kubernetes/.test(s))).toEqual([]);
    expect(main).toMatch(/if \(argv\[0\] === 'serve'\) \{\n\s+const \{ runServe \} = await import\('\.\/serve\.js'\);/);
    // nor does anything main.js imports statically
    for (const dep of ['../engine.js', '../policy/policy.js', '../report/json.js', '../report/stylish.js']) {
      const src = readFileSync(path.join(root, 'src/cli', dep.replace(/\.js$/, '.ts')), 'utf8');
      expect(src, dep).not.toMatch(/from '(fastify|prom-client|close-with-grace|@kubernetes\/client-node)'|webhook\//);
    }
  });
});
