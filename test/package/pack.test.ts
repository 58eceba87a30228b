/**
 * The package as the image ships it: `npm pack` the project (what package.json `files` ships, from
 * the dist/ that `npm test` just built), `npm install` the tarball into an empty project with
 * production dependencies only, then run the installed `redis-lint`: --version, lint, and
 * `serve` over real HTTPS with a certificate made by openssl. The Dockerfile's runtime stage holds
 * the same set (dist/, policies/, package.json, production node_modules); no Docker engine runs
 * here to build the image itself.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/calibrate/redis-server.mjs';
import { admissionReview, makeCert, request } from '../webhook/helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
const KLAMM = path.join(root, 'examples/incidents/klamm-helmrelease-50mi.yaml');
const KLAMM_FIXED = path.join(root, 'examples/fixed/klamm-helmrelease-50mi.yaml');
/** The config the Deployment mounts (manifests/base/config.yaml): the real server must accept it. */
const WEBHOOK_CONFIG = path.join(root, 'manifests/base/config.yaml');

function skipReason(): string | undefined {
  if (!existsSync(path.join(root, 'dist/cli/main.js'))) return 'dist/ is not built (npm test builds it first)';
  // the server is written in parallel (src/cli/serve.ts); until it is built there is nothing to start
  if (!existsSync(path.join(root, 'dist/cli/serve.js'))) return 'dist/cli/serve.js is missing: `redis-lint serve` is not built yet';
  if (spawnSync('openssl', ['version']).status !== 0) return 'openssl is not installed (apt-get install openssl)';
  return undefined;
}
const skip = skipReason();
if (skip) console.warn(`test/package: skipped: ${skip}`);

function run(cmd: string, args: string[], cwd: string, timeout = 60_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

describe.skipIf(!!skip)('npm pack -> npm install into an empty project -> redis-lint', () => {
  let work: string;
  let app: string;
  let bin: string;
  let packed: string[] = [];

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'redis-lint-pack-'));
    // --ignore-scripts: pack the dist/ `npm test` built; `prepare` would rebuild it mid-run
    const p = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root, 120_000);
    if (p.code !== 0) throw new Error(`npm pack failed: ${p.stderr}`);
    const [info] = JSON.parse(p.stdout) as { filename: string; files: { path: string }[] }[];
    packed = info.files.map((f) => f.path);
    app = path.join(work, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'redis-lint-install-test', version: '0.0.0', private: true }));
    const i = run('npm', ['install', path.join(work, info.filename), '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], app, 540_000);
    if (i.code !== 0) throw new Error(`npm install of the packed tarball failed (${i.error?.message ?? `exit ${i.code}`}):\n${i.stderr}`);
    bin = path.join(app, 'node_modules/.bin/redis-lint');
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships what the runtime needs, and no sources or tests', () => {
    for (const f of ['package.json', 'dist/cli/main.js', 'dist/cli/serve.js', 'policies/default.yaml', 'policies/schema.json']) expect(packed).toContain(f);
    expect(packed.filter((f) => /^(src|test|bench|examples|manifests|node_modules)\//.test(f))).toEqual([]);
    // production dependencies only
    expect(existsSync(path.join(app, 'node_modules/vitest'))).toBe(false);
    expect(existsSync(path.join(app, 'node_modules/typescript'))).toBe(false);
    expect(existsSync(path.join(app, 'node_modules/fastify'))).toBe(true);
  });

  it('redis-lint --version prints the package version', () => {
    const r = run(bin, ['--version'], app);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(r.code).toBe(0);
  });

  it('redis-lint lint finds the incident and passes its fix, with the bundled policy', () => {
    const bad = run(bin, ['lint', KLAMM], app);
    expect(bad.stdout).toMatch(/aof-rewrite-unreachable/);
    expect(bad.code).toBe(1);
    const good = run(bin, ['lint', KLAMM_FIXED], app);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
  });

  describe('redis-lint serve', () => {
    let server: ChildProcess | undefined;
    let output = '';
    let port = 0;
    let ca = '';
    let exited: Promise<number | null>;

    beforeAll(async () => {
      const tls = path.join(work, 'tls');
      mkdirSync(tls);
      const cert = path.join(tls, 'tls.crt');
      const key = path.join(tls, 'tls.key');
      ca = makeCert(tls, 'localhost', { certFile: cert, keyFile: key }).cert;
      port = await freePort();
      // the flags the Deployment passes (manifests/base/deployment.yaml), from an empty project
      server = spawn(bin, ['serve', `--tls-cert-file=${cert}`, `--tls-private-key-file=${key}`, `--port=${port}`, `--config=${WEBHOOK_CONFIG}`], {
        cwd: app,
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server.stdout!.on('data', (c) => (output += c));
      server.stderr!.on('data', (c) => (output += c));
      exited = new Promise((resolve) => server!.on('exit', (code) => resolve(code)));
      // ready: GET /readyz answers 200 over HTTPS
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (server.exitCode !== null) throw new Error(`redis-lint serve exited ${server.exitCode}:\n${output}`);
        const r = await request(port, 'GET', '/readyz', ca).catch(() => undefined);
        if (r?.status === 200) break;
        if (Date.now() > deadline) throw new Error(`/readyz not 200 within 30s (last: ${r?.status ?? 'no answer'}):\n${output}`);
        await new Promise((res) => setTimeout(res, 200));
      }
    }, 60_000);

    afterAll(async () => {
      if (server && server.exitCode === null) {
        server.kill('SIGKILL');
        await exited;
      }
    });

    it('answers /healthz and /metrics on the HTTPS port', async () => {
      expect((await request(port, 'GET', '/healthz', ca)).status).toBe(200);
      const metrics = await request(port, 'GET', '/metrics', ca);
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/^# HELP /m);
    });

    it('denies the incident HelmRelease on /validate, with the rule id, as a v1 AdmissionReview', async () => {
      const uid = '0f6b1a8e-3c3e-4a36-9d7e-6d7c1f0a2b11';
      const helmRelease = {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: 'redis', namespace: 'klamm-prod' },
        spec: {
          chart: { spec: { chart: 'redis', version: '19.6.4', sourceRef: { kind: 'HelmRepository', name: 'bitnami' } } },
          values: { architecture: 'standalone', master: { persistence: { size: '50Mi' } } },
        },
      };
      const review = admissionReview(helmRelease, { uid, dryRun: true });
      const r = await request(port, 'POST', '/validate', ca, review);
      expect(r.status, r.text).toBe(200);
      const answer = r.json;
      expect(answer).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: false } });
      // the bundled policy and chart defaults, from the installed package: a 50Mi PVC never rewrites its AOF
      expect(answer.response.status.message).toMatch(/aof-rewrite-unreachable/);
    });

    it('stops on SIGTERM within the pod grace period', async () => {
      server!.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<string>((res) => setTimeout(() => res('timeout'), 10_000))]);
      expect(code, output).toBe(0);
    }, 15_000);
  });
});
