#!/usr/bin/env node
// Benchmark: the admission webhook (`redis-lint serve`) against a bare fastify HTTPS floor.
//
//   npm run bench                       (builds, runs bench/lint-throughput.mjs, then this file)
//   node bench/webhook.mjs [--seconds 60] [--connections 50]
//
// Three servers, each in its own process (so its RSS is its own), on a self-signed P-256
// certificate made with openssl, loaded by autocannon from this process over HTTPS with
// keep-alive connections, as the API server does:
//   1. floor: a bare fastify HTTPS route that parses the AdmissionReview and answers `allowed`
//      with its uid (no logger);
//   2. webhook: `node dist/cli/main.js serve` with its defaults (JSON logs at info to a file,
//      decision cache on): the same review over and over, as GitOps re-syncs send it;
//   3. webhook --cache-size 0: every review runs the engine (the cost of a new or changed object).
// The review: the StatefulSet of examples/fixed/permission-denied-statefulset.yaml (allowed: no
// finding) as the API server sends it on CREATE (defaulted fields, managedFields), about 3 KB.
// All three start first and get 3 s of warm-up; then the --seconds of load per server are split
// into rounds (up to 4, at least 5 s each) that take turns (floor, webhook, uncached, floor, ...),
// so that a noisy machine slows all three alike. Per server: requests/s over its load time,
// latency p50/p99 from every response time autocannon reports (sub-millisecond; autocannon's own
// histogram rounds to whole milliseconds), and its RSS sampled every second while it is loaded
// (/proc/<pid>/status). Goals, for the webhook with its defaults against the floor: >= 60% of
// the floor's requests/s, p99 <= 2x the floor's, and RSS flat: growth over the run (mean of the
// last quarter of the samples against the first quarter) within 10%. The RSS gap to the floor
// (the engine, ajv and yaml loaded) and the uncached webhook are shown for information.
//
// Exits 0 whatever the numbers; non-zero only when a server does not start, answers wrongly, or
// requests fail (errors, timeouts, non-2xx).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeCertificate, ROOT, rssBytes, startServer } from './webhook-common.mjs';

const CLI = path.join(ROOT, 'dist/cli/main.js');
const WARMUP_SECONDS = 3;
const GOALS = { throughput: 0.6, p99: 2, rss: 0.1 };

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '50' },
    'floor-server': { type: 'boolean' },
    cert: { type: 'string' },
    key: { type: 'string' },
  },
});

// ---------------------------------------------------------------- helpers

function fmt(n, digits = 0) {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map(String));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

const verdict = (ok) => (ok ? 'PASS' : 'FAIL');


/** The StatefulSet of the fixed fork-OOM example as the API server sends it on CREATE. */
async function reviewBody() {
  const { default: YAML } = await import('yaml');
  const docs = YAML.parseAllDocuments(readFileSync(path.join(ROOT, 'examples/fixed/permission-denied-statefulset.yaml'), 'utf8')).map((d) => d.toJS());
  const sts = docs.find((d) => d.kind === 'StatefulSet');
  const tpl = sts.spec.template.spec;
  Object.assign(tpl, { dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30 });
  for (const c of tpl.containers) {
    Object.assign(c, { imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' });
    for (const p of [c.startupProbe, c.livenessProbe, c.readinessProbe]) if (p) Object.assign(p, { successThreshold: 1, failureThreshold: p.failureThreshold ?? 3 });
    for (const port of c.ports ?? []) port.protocol = 'TCP';
  }
  for (const v of tpl.volumes ?? []) if (v.configMap) v.configMap.defaultMode = 420;
  Object.assign(sts.spec, {
    podManagementPolicy: 'OrderedReady',
    revisionHistoryLimit: 10,
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
  });
  for (const vct of sts.spec.volumeClaimTemplates) Object.assign(vct, { apiVersion: 'v1', kind: 'PersistentVolumeClaim' }, { spec: { ...vct.spec, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
  Object.assign(sts.metadata, {
    namespace: 'cache',
    uid: '0b8f3a52-5a4e-4d51-9f0c-2a4d0f3c1e77',
    generation: 1,
    creationTimestamp: '2025-07-09T10:21:33Z',
    managedFields: [
      {
        manager: 'kustomize-controller',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2025-07-09T10:21:33Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:annotations': { 'f:ignore-check.redis-lint.io/replicas-failover': {} }, 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:serviceName': {},
            'f:template': { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"redis"}': { '.': {}, 'f:args': {}, 'f:image': {}, 'f:name': {}, 'f:ports': {}, 'f:resources': {}, 'f:volumeMounts': {} } }, 'f:securityContext': {} } },
            'f:volumeClaimTemplates': {},
          },
        },
      },
    ],
  });
  sts.status = { replicas: 0, availableReplicas: 0 };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind: { group: 'apps', version: 'v1', kind: 'StatefulSet' },
      resource: { group: 'apps', version: 'v1', resource: 'statefulsets' },
      requestKind: { group: 'apps', version: 'v1', kind: 'StatefulSet' },
      requestResource: { group: 'apps', version: 'v1', resource: 'statefulsets' },
      name: 'redis',
      namespace: 'cache',
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:flux-system:kustomize-controller', uid: 'e3a1', groups: ['system:serviceaccounts', 'system:serviceaccounts:flux-system', 'system:authenticated'] },
      object: sts,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions', fieldManager: 'kustomize-controller' },
    },
  });
}

function post(port, body, ca) {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, method: 'POST', path: '/validate', ca, servername: 'localhost', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}


async function stopServer(child) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

/**
 * One autocannon run against a server: its result, every response time (ms, as autocannon
 * measures it, before its histogram rounds it), and RSS samples of the server process.
 */
async function load(autocannon, port, body, seconds, connections, pid) {
  const rss = [];
  const sampler = pid ? setInterval(() => rss.push(rssBytes(pid)), 1000) : undefined;
  const times = [];
  const instance = autocannon({
    url: `https://127.0.0.1:${port}/validate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: seconds,
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) times.push(ms);
  });
  const result = await instance;
  if (sampler) clearInterval(sampler);
  return { result, rss, times };
}

/** Nearest-rank percentile of a sorted array. */
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// ---------------------------------------------------------------- the run

async function main() {
  const seconds = Number(opts.seconds);
  const connections = Number(opts.connections);
  if (!(seconds >= 1) || !(connections >= 1)) {
    console.error('--seconds and --connections must be positive numbers');
    process.exit(2);
  }
  if (!existsSync(CLI)) {
    console.error('dist/ is missing: run `npm run build` first (or `npm run bench`).');
    process.exit(2);
  }
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    console.error('openssl is needed to make the benchmark certificate');
    process.exit(2);
  }
  const { default: autocannon } = await import('autocannon');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'redis-lint-bench-'));
  const { certFile, keyFile, ca } = makeCertificate(dir, 'redis-lint-bench');
  const body = await reviewBody();

  console.log('redis-lint webhook benchmark');
  console.log(`node ${process.version} on ${os.cpus()[0]?.model ?? os.arch()} (${os.cpus().length} CPUs), ${os.platform()}`);
  console.log(`review: StatefulSet cache/redis (examples/fixed/permission-denied-statefulset.yaml as the API server sends it), ${fmt(Buffer.byteLength(body))} bytes`);
  console.log(`load: autocannon, ${connections} keep-alive HTTPS connections, ${WARMUP_SECONDS} s warm-up + ${seconds} s per server, each server in its own process`);
  console.log();

  const servers = [
    { name: 'floor: bare fastify HTTPS route', args: [fileURLToPath(import.meta.url), '--floor-server', '--cert', certFile, '--key', keyFile] },
    { name: 'webhook (defaults: cache on, logs)', args: [CLI, 'serve', '--tls-cert-file', certFile, '--tls-private-key-file', keyFile, '--port', '0', '--host', '127.0.0.1'] },
    { name: 'webhook --cache-size 0', args: [CLI, 'serve', '--tls-cert-file', certFile, '--tls-private-key-file', keyFile, '--port', '0', '--host', '127.0.0.1', '--cache-size', '0'] },
  ];
  const rounds = Math.max(1, Math.min(4, Math.floor(seconds / 5)));
  const slice = seconds / rounds;
  console.log(`${rounds} round(s) of ${fmt(slice, 1)} s per server`);
  const running = [];
  let failed = false;
  try {
    for (const [i, s] of servers.entries()) {
      const { child, port } = await startServer(s.name, s.args, path.join(dir, `server-${i}.log`), ['floor listening', 'redis-lint webhook listening']);
      running.push({ ...s, child, port, seconds: 0, requests: 0, bad: 0, rss: [], times: [] });
      const check = await post(port, body, ca);
      if (check.status !== 200 || check.json.response?.uid !== '705ab4f5-6393-11e8-b7cc-42010a800002' || check.json.response.allowed !== true) {
        throw new Error(`${s.name} answered ${check.status} ${JSON.stringify(check.json).slice(0, 300)}`);
      }
      if (i === 1) console.log(`webhook answer: allowed ${check.json.response.allowed}, warnings ${JSON.stringify(check.json.response.warnings ?? [])}`);
      await load(autocannon, port, body, WARMUP_SECONDS, connections);
    }
    console.log();
    for (let r = 0; r < rounds; r++) {
      for (const s of running) {
        const { result, rss, times } = await load(autocannon, s.port, body, slice, connections, s.child.pid);
        s.seconds += result.duration;
        s.requests += result.requests.total;
        s.bad += result.errors + result.timeouts + result.non2xx;
        s.rss.push(...rss);
        for (const t of times) s.times.push(t);
      }
    }
  } finally {
    await Promise.all(running.map((s) => stopServer(s.child)));
  }
  const rows = running.map((s) => {
    if (s.bad) {
      failed = true;
      console.error(`${s.name}: ${s.bad} failed requests (errors, timeouts, non-2xx)`);
    }
    const sorted = Float64Array.from(s.times).sort();
    const q = Math.max(1, Math.floor(s.rss.length / 4));
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
      name: s.name,
      rps: s.requests / s.seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      total: s.requests,
      bad: s.bad,
      rssMean: mean(s.rss),
      rssMax: Math.max(...s.rss),
      rssGrowth: mean(s.rss.slice(-q)) / mean(s.rss.slice(0, q)) - 1,
    };
  });
  rmSync(dir, { recursive: true, force: true });

  const MiB = 1024 * 1024;
  table(
    ['server', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'failed', 'RSS mean MiB', 'RSS max MiB', 'RSS growth'],
    rows.map((r) => [r.name, fmt(r.rps), fmt(r.p50, 2), fmt(r.p99, 2), fmt(r.total), fmt(r.bad), fmt(r.rssMean / MiB, 1), fmt(r.rssMax / MiB, 1), `${r.rssGrowth >= 0 ? '+' : ''}${fmt(r.rssGrowth * 100, 1)}%`]),
  );
  console.log();
  const [floor, ...webhooks] = rows;
  console.log('Goals (webhook against the floor)');
  const goalRows = [];
  for (const [i, w] of webhooks.entries()) {
    const label = i === 0 ? 'webhook' : 'webhook --cache-size 0 (information)';
    const tp = w.rps / floor.rps;
    const p99 = w.p99 / floor.p99;
    const rss = w.rssMean / floor.rssMean - 1;
    goalRows.push([`${label}: throughput`, `${fmt(tp * 100, 1)}% of the floor`, `>= ${GOALS.throughput * 100}%`, verdict(tp >= GOALS.throughput)]);
    goalRows.push([`${label}: p99`, `${fmt(p99, 2)}x the floor`, `<= ${GOALS.p99}x`, verdict(p99 <= GOALS.p99)]);
    // the RSS goal is flatness over the run; the gap to the bare floor is shown for information
    goalRows.push([`${label}: RSS vs the floor (information)`, `${rss >= 0 ? '+' : ''}${fmt(rss * 100, 1)}%`, '-', '-']);
    goalRows.push([`${label}: RSS growth over the run`, `${w.rssGrowth >= 0 ? '+' : ''}${fmt(w.rssGrowth * 100, 1)}%`, `within ${GOALS.rss * 100}%`, verdict(Math.abs(w.rssGrowth) <= GOALS.rss)]);
  }
  table(['goal', 'measured', 'target', 'result'], goalRows);
  process.exit(failed ? 1 : 0);
}

// ---------------------------------------------------------------- the floor server (child mode)

async function floorServer() {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ https: { cert: readFileSync(opts.cert), key: readFileSync(opts.key), minVersion: 'TLSv1.2' }, bodyLimit: 3 * 1024 * 1024 });
  app.post('/validate', async (req) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: req.body.request.uid, allowed: true } }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(JSON.stringify({ msg: 'floor listening', port: app.server.address().port }) + '\n');
  process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
}

if (opts['floor-server']) await floorServer();
else await main();
