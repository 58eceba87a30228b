#!/usr/bin/env node
// Benchmark (issue 13): hostile sizes are linear, next to the bare parse floor.
//
//   npm run bench            (builds, then runs this file after the others)
//   node bench/hostile.mjs
//
// 1. lint of files of keys: 1 MB and 5 MB of `keyN: vN` lines under one key of a Bitnami values
//    file (56k / 270k keys). (a) the floor: `yaml` alone, YAML.parseAllDocuments with the loader's
//    options (PARSE_OPTIONS) and a LineCounter; (b) the whole lint in process: parseText, then
//    lintDocuments. Median of RUNS after one warm-up. Goal: lint/parse at most 2x, and the 5 MB
//    time at most 7x the 1 MB time (linear is 5x; quadratic would be 25x).
// 2. webhook review of a HelmRelease whose spec.values has 50,000 and 100,000 keys (0.55 / 1.1 MB
//    of JSON): `admitText` in process (what a review worker runs for a body over 256 KiB, without
//    HTTP), next to the floor of JSON.parse of the body. Goals: the 100k review well under 1 s, at
//    most 2.5x the 50k one.
// 3. the same 100k review served: `redis-lint serve` (the built CLI, two review workers) over
//    HTTPS, while /healthz is probed back to back, each probe on a new TLS connection (as the
//    kubelet probes). Goals: the review answered well under 1 s; no probe over 100 ms. Needs
//    openssl (for the certificate); skipped without it.
//
// Exits 0 whatever the numbers (goals are informative); non-zero only if something throws.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import YAML, { LineCounter } from 'yaml';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { median, medianMs } from './timing.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const dist = (f) => import(pathToFileURL(path.join(ROOT, 'dist', f)).href);
const { parseText, PARSE_OPTIONS } = await dist('load/documents.js');
const { lintDocuments } = await dist('engine.js');
const { loadPolicy } = await dist('policy/policy.js');
const { admitText } = await dist('webhook/admission.js');
const RUNS = 5;
const policy = loadPolicy();

function keysFile(bytes) {
  const lines = ['architecture: standalone', 'master:', '  persistence:', '    size: 50Mi', 'extra:'];
  let n = lines.join('\n').length;
  for (let i = 0; n < bytes; i++) {
    const l = `  key${i}: v${i}`;
    lines.push(l);
    n += l.length + 1;
  }
  return { text: lines.join('\n') + '\n', keys: lines.length - 5 };
}

const pass = (ok) => (ok ? 'PASS' : 'FAIL');
const f0 = (x) => x.toFixed(0);

console.log('\n## Hostile sizes: lint of files of keys (in process)\n');
console.log('| file | keys | yaml parse (floor) ms | lint ms | lint/parse |');
console.log('|---|---:|---:|---:|---:|');
const lintMs = {};
for (const mb of [1, 5]) {
  const { text, keys } = keysFile(mb * 1024 * 1024);
  const parse = await medianMs(RUNS, () => YAML.parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter: new LineCounter() }));
  const lint = await medianMs(RUNS, () => {
    const r = parseText(text, 'keys.yaml');
    if (r.errors.length) throw new Error(r.errors[0].message);
    lintDocuments(r.documents, policy);
  });
  lintMs[mb] = lint;
  console.log(`| ${mb} MB | ${keys} | ${f0(parse)} | ${f0(lint)} | ${(lint / parse).toFixed(2)}x ${pass(lint / parse <= 2)} |`);
}
console.log(`\n5 MB / 1 MB lint time: ${(lintMs[5] / lintMs[1]).toFixed(1)}x (linear: 5x; goal <= 7x) ${pass(lintMs[5] / lintMs[1] <= 7)}`);

console.log('\n## Hostile sizes: webhook review of a HelmRelease with many keys (admitText in process: what a review worker runs)\n');
console.log('| keys | body | JSON.parse (floor) ms | review ms | decision |');
console.log('|---:|---:|---:|---:|---|');
const reviewMs = {};
const reviewBodies = {};
for (const n of [50_000, 100_000]) {
  const values = { architecture: 'standalone', master: { persistence: { size: '50Mi' } } };
  for (let i = 0; i < n; i++) values[`k${i}`] = 1;
  const object = {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'cache', namespace: 'shop' },
    spec: { chart: { spec: { chart: 'redis', version: '20.13.3', sourceRef: { kind: 'HelmRepository', name: 'bitnami' } } }, values },
  };
  const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u', operation: 'CREATE', namespace: 'shop', kind: { group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease' }, object } });
  reviewBodies[n] = body;
  const parse = await medianMs(RUNS, () => JSON.parse(body));
  let allowed;
  const review = await medianMs(RUNS, () => {
    const r = admitText({ type: 'review', webhook: 'validate', text: body, policy, onError: 'allow', allowAnnotationExemptions: true, now: new Date().toISOString(), configMapLookup: false });
    if (r.result?.info.outcome !== 'evaluated') throw new Error(`review ${JSON.stringify(r).slice(0, 200)}`);
    allowed = r.result.response.allowed;
  });
  reviewMs[n] = review;
  console.log(`| ${n} | ${(body.length / 1e6).toFixed(2)} MB | ${f0(parse)} | ${f0(review)} | ${allowed ? 'allowed' : 'denied'} |`);
}
console.log(`\n100k review: ${f0(reviewMs[100_000])} ms (goal < 1000) ${pass(reviewMs[100_000] < 1000)}; 100k / 50k: ${(reviewMs[100_000] / reviewMs[50_000]).toFixed(1)}x (linear: 2x; goal <= 2.5x) ${pass(reviewMs[100_000] / reviewMs[50_000] <= 2.5)}`);

console.log('\n## Hostile sizes: the 100k-key review served over HTTPS, /healthz probed meanwhile\n');
const served = await servedReview(reviewBodies[100_000]);
if (!served) console.log('skipped: openssl not found (it makes the test certificate)');
else {
  console.log('| run | review ms | /healthz probes | /healthz median ms | /healthz max ms |');
  console.log('|---:|---:|---:|---:|---:|');
  served.forEach((r, i) => console.log(`| ${i + 1} | ${f0(r.review)} | ${r.probes.length} | ${median(r.probes).toFixed(1)} | ${f0(Math.max(...r.probes))} |`));
  const rev = median(served.map((r) => r.review));
  const worst = median(served.map((r) => Math.max(...r.probes)));
  console.log(`\nmedian review ${f0(rev)} ms (goal < 1000) ${pass(rev < 1000)}; median of the slowest probe per run ${f0(worst)} ms (goal < 100) ${pass(worst < 100)}`);
}

/**
 * Serve with the built CLI and time RUNS reviews of `body`, each while /healthz is probed back to
 * back on new TLS connections. @returns per run the review's wall time and every probe's, in ms;
 * undefined without openssl
 */
async function servedReview(body) {
  const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-bench-'));
  const [certFile, keyFile] = [path.join(dir, 'tls.crt'), path.join(dir, 'tls.key')];
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=bench', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  if (made.status !== 0) return undefined;
  const ca = readFileSync(certFile);
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli/main.js'), 'serve', '--tls-cert-file', certFile, '--tls-private-key-file', keyFile, '--port', '0', '--host', '127.0.0.1', '--configmap-lookup', 'off', '--review-timeout', '30'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const rec = JSON.parse(line);
        if (rec.msg === 'redis-lint webhook listening') resolve(rec.port);
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const call = (method, urlPath, payload) =>
      new Promise((resolve, reject) => {
        const req = https.request({ host: '127.0.0.1', port, method, path: urlPath, ca, agent: false, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        });
        req.on('error', reject);
        req.end(payload);
      });
    await call('POST', '/validate', body); // warm-up
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      let done = false;
      const review = call('POST', '/validate', body).then(() => (done = true));
      const probes = [];
      while (!done) {
        const h0 = performance.now();
        await call('GET', '/healthz');
        probes.push(performance.now() - h0);
      }
      await review;
      runs.push({ review: performance.now() - t0, probes });
    }
    return runs;
  } finally {
    child.kill('SIGKILL');
  }
}
