#!/usr/bin/env node
// Soak benchmark: `redis-lint serve` under a sustained MIX of requests, for leaks and failures.
//
//   npm run build && node bench/soak.mjs [--seconds 60] [--connections 32] [--warmup 10]
//
// Starts the built CLI (`node dist/cli/main.js serve`, real HTTPS, a self-signed P-256 certificate
// made with openssl, JSON logs at info to a temp file, decision cache on with its default 1000
// entries) and drives it with autocannon over keep-alive HTTPS connections on 127.0.0.1. Every
// connection cycles through seven request classes (autocannon's `requests` array):
//
//   pass-sts     StatefulSet of examples/fixed/permission-denied-statefulset.yaml  -> 200 allowed
//   pass-hr      HelmRelease of examples/fixed/klamm-helmrelease-50mi.yaml         -> 200 allowed
//   deny-sts     StatefulSet of examples/incidents/permission-denied-statefulset.yaml -> 200 denied
//   deny-hr      HelmRelease of examples/incidents/klamm-helmrelease-50mi.yaml     -> 200 denied
//   non-redis    an nginx Deployment                                               -> 200 allowed (skipped)
//   malformed    a truncated JSON body                                             -> 400
//   wrong-type   the pass-sts review sent as text/plain                            -> 415
//
// Each review gets a new uid, and its object one of 4000 names (setupRequest), so the decision
// cache (1000 entries) keeps evicting: the run exercises the engine, the cache and the error
// paths, not one cached answer. Every answer is checked against its class (status; `allowed` for
// reviews; the uid echoed).
//
// Measured over --seconds after --warmup seconds (not counted): requests/s, latency p50/p99 (every
// response time autocannon reports), answers by class and status, unexpected answers, failed
// requests (connection errors + timeouts: must be ZERO), the server's RSS every second
// (/proc/<pid>/status VmRSS) and the growth of the mean of the last 10 s over the first 10 s
// (goal: within 10%); error-level lines in the server's log; the exit code after SIGTERM (0).
// The last line of output is a JSON summary. Exit 1 when a goal is missed, 2 when the server
// does not start.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeCertificate, ROOT, rssBytes, startServer } from './webhook-common.mjs';

const CLI = path.join(ROOT, 'dist/cli/main.js');
const RSS_GOAL = 0.1;
const NAMES = 4000;

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '32' },
    // V8 grows its heap during the first seconds of load and trims it later: a short warm-up
    // puts that peak into the first RSS window
    warmup: { type: 'string', default: '10' },
  },
});

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];


async function objects() {
  const { default: YAML } = await import('yaml');
  const one = (file, kind) => {
    const o = YAML.parseAllDocuments(readFileSync(path.join(ROOT, file), 'utf8'))
      .map((d) => d.toJS())
      .find((d) => d.kind === kind);
    if (!o) throw new Error(`${file} has no ${kind}`);
    return o;
  };
  return {
    'pass-sts': one('examples/fixed/permission-denied-statefulset.yaml', 'StatefulSet'),
    'pass-hr': one('examples/fixed/klamm-helmrelease-50mi.yaml', 'HelmRelease'),
    'deny-sts': one('examples/incidents/permission-denied-statefulset.yaml', 'StatefulSet'),
    'deny-hr': one('examples/incidents/klamm-helmrelease-50mi.yaml', 'HelmRelease'),
    'non-redis': {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', resources: { limits: { memory: '128Mi' } } }] } } },
    },
  };
}

/** An AdmissionReview of an object, as the API server sends it on CREATE. */
function review(object, uid, name) {
  const apiVersion = String(object.apiVersion);
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const resource = object.kind.toLowerCase() + 's';
  const o = { ...object, metadata: { ...object.metadata, name, namespace: 'soak' } };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group, version, kind: object.kind },
      resource: { group, version, resource },
      requestKind: { group, version, kind: object.kind },
      requestResource: { group, version, resource },
      name,
      namespace: 'soak',
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:flux-system:kustomize-controller', groups: ['system:serviceaccounts'] },
      object: o,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  });
}


async function main() {
  const seconds = Number(opts.seconds);
  const connections = Number(opts.connections);
  const warmup = Number(opts.warmup);
  if (!(seconds >= 20) || !(connections >= 1) || !(warmup >= 0)) {
    console.error('--seconds must be at least 20 (two 10 s RSS windows), --connections at least 1');
    process.exit(2);
  }
  if (!existsSync(CLI)) {
    console.error('dist/ is missing: run `npm run build` first');
    process.exit(2);
  }
  if (!existsSync('/proc/self/status')) {
    console.error('this benchmark reads /proc/<pid>/status (Linux)');
    process.exit(2);
  }
  const { default: autocannon } = await import('autocannon');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'redis-lint-soak-'));
  const { certFile, keyFile, ca } = makeCertificate(dir, 'redis-lint-soak');
  const logFile = path.join(dir, 'serve.log');
  const objs = await objects();

  // One request entry whose setupRequest rotates through the classes, and each answer classified
  // by its own content: the class is in the uid it echoes, or in the error. Malformed JSON goes
  // through its own small loop of node:https requests, a new connection each (agent: false):
  // fastify answers it with `Connection: close`, and autocannon does not cope with a server
  // closing a keep-alive connection (the request it already wrote is lost and the response times
  // of that connection are shifted; its reconnectRate option drops the answers uncounted).
  const CLASSES = ['pass-sts', 'pass-hr', 'deny-sts', 'deny-hr', 'non-redis', 'wrong-type'];
  const ALLOWED = { 'pass-sts': true, 'pass-hr': true, 'deny-sts': false, 'deny-hr': false, 'non-redis': true };
  const valid = review(objs['pass-sts'], 'soak-fixed', 'redis');
  let seq = 0;
  const counts = {};
  const unexpected = [];
  const requests = [
    {
      method: 'POST',
      path: '/validate',
      setupRequest(req) {
        const n = seq++;
        const cls = CLASSES[n % CLASSES.length];
        if (cls === 'wrong-type') return { ...req, headers: { 'content-type': 'text/plain' }, body: valid };
        return { ...req, headers: { 'content-type': 'application/json' }, body: review(objs[cls], `soak-${cls}-${n}`, `redis-${n % NAMES}`) };
      },
      onResponse(status, body) {
        let cls;
        let ok = false;
        if (status === 415 && body.includes('"unsupported-media-type"')) [cls, ok] = ['wrong-type', true];
        else if (status === 400 && body.includes('"malformed-json"')) [cls, ok] = ['malformed', true];
        else {
          cls = /"uid":"soak-([a-z-]+)-\d+"/.exec(body)?.[1] ?? 'unknown';
          ok = status === 200 && cls in ALLOWED && body.includes(`"allowed":${ALLOWED[cls]}`);
        }
        const c = (counts[cls] ??= {});
        c[status] = (c[status] ?? 0) + 1;
        if (!ok) {
          c.unexpected = (c.unexpected ?? 0) + 1;
          if (unexpected.length < 20) unexpected.push({ class: cls, status, body: body.slice(0, 200) });
        }
      },
    },
  ];
  const malformedBody = valid.slice(0, 300);
  const malformedLoop = async (port, ca, until, tally) => {
    while (Date.now() < until) {
      await new Promise((resolve) => {
        const req = https.request({ host: '127.0.0.1', port, method: 'POST', path: '/validate', ca, servername: 'localhost', agent: false, timeout: 10_000, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(malformedBody) } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => {
            tally.requests++;
            if (res.statusCode !== 200) tally.non2xx++;
            requests[0].onResponse(res.statusCode, text);
            resolve();
          });
          res.on('error', (e) => {
            tally.errors++;
            resolve();
          });
        });
        req.on('timeout', () => {
          tally.timeouts++;
          req.destroy(new Error('timeout'));
        });
        req.on('error', () => {
          tally.errors++;
          resolve();
        });
        req.end(malformedBody);
      });
    }
  };

  const { child, port } = await startServer('serve', [CLI, 'serve', '--tls-cert-file', certFile, '--tls-private-key-file', keyFile, '--port', '0', '--host', '127.0.0.1', '--configmap-lookup', 'off'], logFile);
  const malformedConnections = Math.max(1, Math.round(connections / 16));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  console.log('redis-lint webhook soak');
  console.log(`node ${process.version} on ${os.cpus()[0]?.model ?? os.arch()} (${os.cpus().length} CPUs), ${os.platform()}`);
  console.log(`load: autocannon, ${connections} keep-alive HTTPS connections (6 request classes in turn) + ${malformedConnections} sending malformed JSON over a new connection each, ${warmup} s warm-up + ${seconds} s, server pid ${child.pid}`);

  const run = async (duration, onTimes) => {
    const a = autocannon({ url: `https://127.0.0.1:${port}`, connections, duration, requests, timeout: 10 });
    if (onTimes) a.on('response', (_c, _status, _bytes, ms) => onTimes.push(ms));
    const rb = { requests: { total: 0 }, non2xx: 0, errors: 0, timeouts: 0 };
    const tally = { requests: 0, non2xx: 0, errors: 0, timeouts: 0 };
    const until = Date.now() + duration * 1000;
    const [ra] = await Promise.all([a, ...Array.from({ length: malformedConnections }, () => malformedLoop(port, ca, until, tally))]);
    Object.assign(rb, tally, { requests: { total: tally.requests } });
    return { ra, rb };
  };
  let result;
  let malformedResult;
  const rss = [];
  const times = [];
  try {
    if (warmup > 0) await run(warmup);
    for (const k of Object.keys(counts)) delete counts[k];
    unexpected.length = 0;
    const sampler = setInterval(() => rss.push(rssBytes(child.pid)), 1000);
    try {
      ({ ra: result, rb: malformedResult } = await run(seconds, times));
    } finally {
      clearInterval(sampler);
    }
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  const exitCode = await exited;
  clearTimeout(killer);

  const logLines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  const logErrors = logLines.filter((l) => JSON.parse(l).level >= 50).length;
  const logBytes = statSync(logFile).size;
  rmSync(dir, { recursive: true, force: true });

  const sorted = Float64Array.from(times).sort();
  const MiB = 1024 * 1024;
  const first = mean(rss.slice(0, 10));
  const last = mean(rss.slice(-10));
  const growth = last / first - 1;
  const failed = result.errors + result.timeouts + malformedResult.errors + malformedResult.timeouts;
  const total = result.requests.total + malformedResult.requests.total;
  const wrong = Object.values(counts).reduce((a, c) => a + (c.unexpected ?? 0), 0);
  const non2xx = {};
  for (const [cls, c] of Object.entries(counts)) for (const [status, n] of Object.entries(c)) if (status !== 'unexpected' && !status.startsWith('2')) non2xx[cls] = (non2xx[cls] ?? 0) + n;
  const summary = {
    bench: 'soak',
    node: process.version,
    cpus: os.cpus().length,
    seconds: result.duration,
    connections,
    malformedConnections,
    requests: total,
    rps: Math.round(total / result.duration),
    keepAliveRequests: result.requests.total,
    newConnectionRequests: malformedResult.requests.total,
    p50ms: Math.round(percentile(sorted, 50) * 100) / 100,
    p99ms: Math.round(percentile(sorted, 99) * 100) / 100,
    maxms: Math.round(sorted[sorted.length - 1] * 100) / 100,
    answeredByClass: counts,
    autocannonLatencyP50ms: result.latency.p50,
    autocannonLatencyP99ms: result.latency.p99,
    non2xxByClass: non2xx,
    non2xxTotal: result.non2xx + malformedResult.non2xx,
    unexpected: wrong,
    errors: result.errors + malformedResult.errors,
    timeouts: result.timeouts + malformedResult.timeouts,
    failed,
    rssFirst10sMiB: Math.round((first / MiB) * 10) / 10,
    rssLast10sMiB: Math.round((last / MiB) * 10) / 10,
    rssMaxMiB: Math.round((Math.max(...rss) / MiB) * 10) / 10,
    rssGrowth: Math.round(growth * 1000) / 1000,
    rssSamples: rss.length,
    rssMiB: rss.map((b) => Math.round((b / MiB) * 10) / 10),
    serverLogErrors: logErrors,
    serverLogMiB: Math.round((logBytes / MiB) * 10) / 10,
    exitCode,
  };
  summary.pass = failed === 0 && wrong === 0 && Math.abs(growth) <= RSS_GOAL && exitCode === 0 && logErrors === 0;
  console.log(`requests ${summary.requests} in ${summary.seconds} s: ${summary.rps} req/s; keep-alive connections: p50 ${summary.p50ms} ms, p99 ${summary.p99ms} ms`);
  for (const cls of [...CLASSES, 'malformed']) console.log(`  ${cls.padEnd(11)} answered ${JSON.stringify(counts[cls] ?? {})}`);
  console.log(`failed (errors + timeouts): ${failed} (goal 0); unexpected answers: ${wrong} (goal 0)`);
  console.log(`RSS first 10 s ${summary.rssFirst10sMiB} MiB, last 10 s ${summary.rssLast10sMiB} MiB: ${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}% (goal within ${RSS_GOAL * 100}%), max ${summary.rssMaxMiB} MiB`);
  console.log(`server: ${logErrors} error log lines, exit ${exitCode} after SIGTERM`);
  if (unexpected.length) console.log('unexpected answers (first 20):', JSON.stringify(unexpected));
  console.log(JSON.stringify(summary));
  process.exit(summary.pass ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
