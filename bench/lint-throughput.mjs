#!/usr/bin/env node
// Benchmark: lint throughput on the shared corpus, and the CLI's cold start.
//
//   npm run bench            (builds, then runs this file)
//   node bench/lint-throughput.mjs
//
// The corpus (../shared/corpus, read-only) is read in place, never copied into the project.
// Its texts are replicated in memory until there are at least MIN_DOCS YAML documents.
//
// 1. throughput: (a) `yaml` alone: YAML.parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter })
//    per text; (b) the full lint: parseText per text, then one lintDocuments per copy of the
//    corpus (each copy is its own run, as ConfigMap lookups are per run). One warm-up pass,
//    then the median of RUNS passes. Goal: lint/parse <= 2x.
// 2. cold start: `node bin/redis-lint.js --format json <one HelmRelease>` (the bundle) spawned COLD_RUNS
//    times sequentially; median and p90 wall time. Goals: median < 250 ms, <= 2.5x `node -e 0` (the floor).
//
// Exits 0 whatever the numbers (goals are informative); non-zero only if the lint crashes.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import jsyaml from 'js-yaml';
import YAML, { LineCounter } from 'yaml';

const MIN_DOCS = 5000;
const RUNS = 5;
const COLD_RUNS = 15;
const RATIO_GOAL = 2;
const COLD_GOAL_MS = 250;
/** Cold start over `node -e 0` (issue 17: at most 2.5x on this machine kind). */
const COLD_RATIO_GOAL = 2.5;
const EXTENSIONS = ['.yaml', '.yml', '.tpl'];
/** Bitnami redis 18.14.0 standalone, 100Mi PVC: goes through chart defaults, projection and every rule. */
const COLD_FILE = 'helmrelease/Vikaspogu__k8s-gitops__kubernetes__apps__database__redis__app__helmrelease.yaml';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CORPUS = fileURLToPath(new URL('../../shared/corpus/', import.meta.url));
const CLI = path.join(ROOT, 'dist/cli/main.js');
/** What users run: the bin, which loads the esbuild bundle (dist/bundle/). */
const BIN = path.join(ROOT, 'bin/redis-lint.js');

if (!existsSync(CLI)) {
  console.error('dist/ is missing: run `npm run build` first (or `npm run bench`).');
  process.exit(2);
}
if (!existsSync(CORPUS)) {
  console.error(`corpus not found at ${CORPUS}`);
  process.exit(2);
}

const { lintDocuments } = await import(pathToFileURL(path.join(ROOT, 'dist/engine.js')).href);
const { loadPolicy } = await import(pathToFileURL(path.join(ROOT, 'dist/policy/policy.js')).href);
const { parseText, PARSE_OPTIONS } = await import(pathToFileURL(path.join(ROOT, 'dist/load/documents.js')).href);

// ---------------------------------------------------------------- helpers

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile. */
function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

function walk(dir, out = []) {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (EXTENSIONS.some((ext) => e.name.toLowerCase().endsWith(ext))) out.push(p);
  }
  return out;
}

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map(String));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

// ---------------------------------------------------------------- corpus

const files = walk(CORPUS).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
if (files.length === 0) {
  console.error(`no .yaml/.yml/.tpl files under ${CORPUS}`);
  process.exit(2);
}
let docsPerCopy = 0;
for (const f of files) docsPerCopy += YAML.parseAllDocuments(f.text, { ...PARSE_OPTIONS, lineCounter: new LineCounter() }).length;
const bytesPerCopy = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
const copies = Math.ceil(MIN_DOCS / docsPerCopy);
const totalDocs = docsPerCopy * copies;
// strings are immutable and nothing is cached per text, so a copy can share the original strings
const copiesTexts = Array.from({ length: copies }, () => files.map((f) => ({ file: f.file, text: f.text })));

const policy = loadPolicy();

console.log('redis-lint benchmark');
console.log(`node ${process.version} on ${os.cpus()[0]?.model ?? os.arch()} (${os.cpus().length} CPUs), ${os.platform()}`);
console.log(
  `corpus ${path.relative(ROOT, CORPUS)}: ${files.length} files, ${fmt(docsPerCopy)} documents, ${fmt(bytesPerCopy / 1024, 1)} KiB; ` +
    `replicated x${copies} = ${fmt(totalDocs)} documents, ${fmt((bytesPerCopy * copies) / 1024 / 1024, 1)} MiB`,
);
console.log();

// ---------------------------------------------------------------- 1. throughput

function parseOnlyPass() {
  let n = 0;
  for (const copy of copiesTexts) {
    for (const { text } of copy) n += YAML.parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter: new LineCounter() }).length;
  }
  return n;
}

function lintPass() {
  let findings = 0;
  let deployments = 0;
  for (const copy of copiesTexts) {
    const docs = [];
    for (const { file, text } of copy) {
      const r = parseText(text, file);
      for (const d of r.documents) docs.push(d);
    }
    const result = lintDocuments(docs, policy);
    findings += result.findings.length;
    deployments += result.deployments.length;
  }
  return { findings, deployments };
}

function timeRuns(fn) {
  const warm = fn(); // warm-up
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = nowMs();
    fn();
    times.push(nowMs() - t0);
  }
  return { warm, times, median: median(times) };
}

function jsyamlPass() {
  let n = 0;
  for (const copy of copiesTexts) {
    for (const { text } of copy) {
      try {
        n += jsyaml.loadAll(text).length;
      } catch {
        // a text js-yaml refuses costs its time all the same
      }
    }
  }
  return n;
}

const parse = timeRuns(parseOnlyPass);
const jsParse = timeRuns(jsyamlPass);
let lint;
try {
  lint = timeRuns(lintPass);
} catch (e) {
  console.error('lint crashed:');
  console.error(e);
  process.exit(1);
}

const parseDps = totalDocs / (parse.median / 1000);
const lintDps = totalDocs / (lint.median / 1000);
const ratio = lint.median / parse.median;

console.log(`1. Throughput (warm-up + median of ${RUNS} passes over ${fmt(totalDocs)} documents)`);
table(
  ['step', 'median ms', 'min ms', 'max ms', 'docs/s', 'MiB/s'],
  [
    ['js-yaml loadAll (no positions)', fmt(jsParse.median, 1), fmt(Math.min(...jsParse.times), 1), fmt(Math.max(...jsParse.times), 1), fmt(totalDocs / (jsParse.median / 1000)), fmt((bytesPerCopy * copies) / 1024 / 1024 / (jsParse.median / 1000), 2)],
    ['yaml parseAllDocuments', fmt(parse.median, 1), fmt(Math.min(...parse.times), 1), fmt(Math.max(...parse.times), 1), fmt(parseDps), fmt((bytesPerCopy * copies) / 1024 / 1024 / (parse.median / 1000), 2)],
    ['parseText + lintDocuments', fmt(lint.median, 1), fmt(Math.min(...lint.times), 1), fmt(Math.max(...lint.times), 1), fmt(lintDps), fmt((bytesPerCopy * copies) / 1024 / 1024 / (lint.median / 1000), 2)],
  ],
);
console.log(`per copy of the corpus: ${fmt(lint.warm.deployments / copies)} deployments, ${fmt(lint.warm.findings / copies)} findings`);
console.log(`lint/parse ratio: ${ratio.toFixed(2)}x   goal <= ${RATIO_GOAL}x   ${verdict(ratio <= RATIO_GOAL)}`);
console.log();

// ---------------------------------------------------------------- 2. cold start

function coldRuns(args, check) {
  const times = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    check(r);
    times.push(ms);
  }
  return { times, median: median(times), p90: percentile(times, 90), min: Math.min(...times) };
}

const coldFile = path.join(CORPUS, COLD_FILE);
const coldTarget = existsSync(coldFile) ? coldFile : files.find((f) => f.file.includes(`${path.sep}helmrelease${path.sep}`))?.file ?? files[0].file;

const floor = coldRuns(['-e', '0'], (r) => {
  if (r.status !== 0) throw new Error(`node -e 0 exited ${r.status}`);
});
let cliStatus;
const cold = coldRuns([BIN, '--no-config', '--format', 'json', coldTarget], (r) => {
  cliStatus = r.status;
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    report = undefined;
  }
  // 0 clean, 1 findings, 2 input errors; anything else, a signal, or no JSON report is a crash
  if (r.error || r.signal || ![0, 1, 2].includes(r.status) || !report?.summary) {
    console.error(`CLI crashed on ${coldTarget} (status ${r.status}, signal ${r.signal}):`);
    console.error(r.error ?? r.stderr);
    process.exit(1);
  }
});

console.log(`2. Cold start (${COLD_RUNS} sequential spawns, wall time)`);
console.log(`file: ${path.relative(ROOT, coldTarget)} (CLI exit code ${cliStatus})`);
table(
  ['command', 'median ms', 'p90 ms', 'min ms'],
  [
    ['node -e 0 (floor)', fmt(floor.median, 1), fmt(floor.p90, 1), fmt(floor.min, 1)],
    ['node bin/redis-lint.js --format json (bundle)', fmt(cold.median, 1), fmt(cold.p90, 1), fmt(cold.min, 1)],
  ],
);
const coldRatio = cold.median / floor.median;
console.log(`cold start over node -e 0: ${coldRatio.toFixed(2)}x   goal <= ${COLD_RATIO_GOAL}x   ${verdict(coldRatio <= COLD_RATIO_GOAL)}`);
console.log(`CLI over floor: ${fmt(cold.median - floor.median, 1)} ms`);
console.log(`cold start median: ${fmt(cold.median, 1)} ms   goal < ${COLD_GOAL_MS} ms   ${verdict(cold.median < COLD_GOAL_MS)}`);
console.log();

console.log('Summary');
table(
  ['goal', 'measured', 'target', 'result'],
  [
    ['lint/parse ratio', `${ratio.toFixed(2)}x`, `<= ${RATIO_GOAL}x`, verdict(ratio <= RATIO_GOAL)],
    ['CLI cold start median', `${fmt(cold.median, 1)} ms`, `< ${COLD_GOAL_MS} ms`, verdict(cold.median < COLD_GOAL_MS)],
    ['CLI cold start / node -e 0', `${coldRatio.toFixed(2)}x`, `<= ${COLD_RATIO_GOAL}x`, verdict(coldRatio <= COLD_RATIO_GOAL)],
  ],
);
process.exit(0);
