#!/usr/bin/env node
// Benchmark: linting whole GitOps repositories (issue 17), where almost no file is about Redis.
//
//   npm run bench        (builds, then runs this after bench/lint-throughput.mjs)
//   node bench/whole-repo.mjs
//
// For each repository of ../shared/bench-repos (read in place, never copied), and for both as one
// run, in one process: (a) reading every .yaml/.yml/.json file and parsing it with `yaml` and a
// LineCounter (the positional parse the lint used to run on every file), (b) the same with js-yaml
// (no positions), (c) the lint: lintPaths on the directory, as `redis-lint <dir>` runs it (walk, read,
// the cheap first pass, the positional parse of what concerns Redis, the rules). One warm-up, then
// the median of RUNS. Goal: lint <= 0.5x the yaml parse (beyond: <= 0.33x). The findings must be the
// same with and without the first pass (checked here too, and in test/engine/prefilter.test.ts).
// Then the CLI itself on both repositories: wall time and max RSS (goal < 150 MB).
//
// Exits 0 whatever the numbers; non-zero only when the lint crashes or the findings differ.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import jsyaml from 'js-yaml';
import YAML, { LineCounter } from 'yaml';
import { medianMs } from './timing.mjs';

const RUNS = 5;
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const REPOS = fileURLToPath(new URL('../../shared/bench-repos/', import.meta.url));
const BIN = path.join(ROOT, 'bin/redis-lint.js');
if (!existsSync(path.join(ROOT, 'dist/engine.js'))) {
  console.error('dist/ is missing: run `npm run build` first (or `npm run bench`).');
  process.exit(2);
}
if (!existsSync(REPOS)) {
  console.error(`bench repositories not found at ${REPOS}`);
  process.exit(2);
}
const { lintPaths } = await import(pathToFileURL(path.join(ROOT, 'dist/engine.js')).href);
const { loadPolicy } = await import(pathToFileURL(path.join(ROOT, 'dist/policy/policy.js')).href);
const { PARSE_OPTIONS } = await import(pathToFileURL(path.join(ROOT, 'dist/load/documents.js')).href);
const policy = loadPolicy();

const fmt = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== '.git' && e.name !== 'node_modules') walk(p, out);
    } else if (/\.(ya?ml|json)$/i.test(e.name)) out.push(p);
  }
  return out;
}

const key = (r) => r.findings.map((f) => `${f.pos.file}:${f.pos.line}:${f.pos.column} ${f.ruleId} ${f.message}`).join('\n');

const repos = readdirSync(REPOS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(REPOS, d.name));
const targets = [...repos.map((r) => [path.basename(r), [r]]), ['both', repos]];
console.log(`Whole repositories (${path.relative(ROOT, REPOS)}): median of ${RUNS} after a warm-up, in one process`);
const rows = [];
let identical = true;
for (const [name, dirs] of targets) {
  const files = dirs.flatMap((d) => walk(d));
  const bytes = files.reduce((n, f) => n + readFileSync(f).length, 0);
  const yamlMs = await medianMs(RUNS, () => {
    for (const f of files) YAML.parseAllDocuments(readFileSync(f, 'utf8'), { ...PARSE_OPTIONS, lineCounter: new LineCounter() });
  });
  const jsyamlMs = await medianMs(RUNS, () => {
    for (const f of files) {
      try {
        jsyaml.loadAll(readFileSync(f, 'utf8'));
      } catch {
        // a file js-yaml refuses costs its time all the same
      }
    }
  });
  let result;
  const lintMs = await medianMs(RUNS, async () => {
    result = await lintPaths(dirs, { policy });
  });
  const full = await lintPaths(dirs, { policy, prefilter: false });
  if (key(full) !== key(result)) identical = false;
  rows.push([name, fmt(files.length), fmt(bytes / 1024 / 1024, 1), fmt(yamlMs, 1), fmt(jsyamlMs, 1), fmt(lintMs, 1), `${(lintMs / yamlMs).toFixed(2)}x`, `${(lintMs / jsyamlMs).toFixed(2)}x`, fmt(result.findings.length), key(full) === key(result) ? 'same' : 'DIFFERENT']);
}
const headers = ['repository', 'files', 'MiB', 'yaml parse ms', 'js-yaml ms', 'lint ms', 'lint/yaml', 'lint/js-yaml', 'findings', 'vs no first pass'];
const cells = [headers, ...rows];
const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
for (const [i, r] of cells.entries()) {
  console.log(r.map((c, j) => (j === 0 ? String(c).padEnd(widths[j]) : String(c).padStart(widths[j]))).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
console.log('goal: lint/yaml <= 0.5x (beyond: <= 0.33x); findings the same with and without the first pass');
console.log();

// the CLI on both repositories, as a user runs it: wall time and max RSS (resourceUsage at exit, KiB)
const t0 = performance.now();
const r = spawnSync(process.execPath, ['--import', 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss="+process.resourceUsage().maxRSS+"\\n"))', BIN, '--no-config', '--format', 'json', ...repos], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
const wall = performance.now() - t0;
const rss = Number(/maxrss=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
console.log(`CLI on both repositories: exit ${r.status}, ${fmt(wall, 0)} ms wall, max RSS ${fmt(rss, 1)} MiB (goal < 150 MiB)`);
if (![0, 1].includes(r.status ?? -1)) {
  console.error(r.stderr);
  process.exit(1);
}
process.exit(identical ? 0 : 1);
