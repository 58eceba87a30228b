#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { lintPaths } from '../engine.js';
import { loadPolicy } from '../policy/policy.js';
import { formatJson } from '../report/json.js';
import { formatStylish } from '../report/stylish.js';
import { RULES, SOURCE_RULE_IDS } from '../rules/index.js';
import { WORKLOAD_FIELDS, WORKLOAD_INPUT_NAMES, parseWorkloadValue, type WorkloadFlags } from '../sources/common.js';
import { InputError, type Severity } from '../types.js';
import { UnitError } from '../model/units.js';

const USAGE = `Usage: redis-lint [lint] [options] <path...>
       redis-lint project [options] <path...>
       redis-lint calibrate --url redis://host:port [--seconds 60]
       redis-lint serve --tls-cert-file FILE --tls-private-key-file FILE [--port 8443] [--config FILE]
       redis-lint rules

Lint Redis deployments on Kubernetes: Bitnami redis values, Flux HelmReleases,
Argo CD Applications, StatefulSets/Deployments/Pods and redis.conf ConfigMaps.
Paths are files, directories (recursive: .yaml .yml .json) or - for stdin.

  lint       report problems, each at the line to change (the default command)
  project    per deployment role: rewrite trigger, peak disk, recommended volume,
             headroom, time to a full disk, fork memory, load time, and a chart
  calibrate  read a live Redis for a while and print its workload annotations
  serve      run the Kubernetes admission webhook (validate, mutate) over HTTPS;
             redis-lint serve --help lists its options
  rules      list the rules and their severities

Options:
  -f, --values FILE        Bitnami redis values file; repeat to merge in Helm's order
      --format FORMAT      lint: stylish (default) | json; project: text (default) | json
      --fail-level LEVEL   error (default) | warning | info: exit 1 at or above it (lint)
      --policy FILE        policy overrides, laid over the bundled policies/default.yaml
      --dataset-size SIZE  in-memory dataset of every deployment, e.g. 2Gi, 1.5G, 2gb
      --rdb-size SIZE      size of dump.rdb, e.g. 1.4Gi
      --write-rate RATE    bytes appended to the AOF per second, e.g. 5MiB/s
      --plot FILE          project: also write an SVG chart of the disk curves
      --no-color           plain text
  -h, --help               this help
  -v, --version            print the version

Sizes: Kubernetes quantities (2Gi, 1G), Redis units (64mb = 64 MiB, 64m = 64,000,000 bytes)
or bytes. The three workload flags win over redis-lint.io/dataset-size, rdb-size and
write-rate annotations, which win over the policy's workloads: entries.

Exit codes: 0 clean, 1 findings at or above the fail level, 2 usage or input errors.`;

const LEVELS: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Run the CLI; returns the exit code. Output goes to the given streams (stdout: the report only). */
export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  // calibrate parses its own flags (--url, --seconds): hand it everything after the command word
  if (argv[0] === 'calibrate') {
    const { runCalibrate } = await import('./calibrate.js');
    return runCalibrate(argv.slice(1), out, err);
  }
  // serve too; it loads fastify and the webhook only now, so lint's start-up does not pay for them
  if (argv[0] === 'serve') {
    const { runServe } = await import('./serve.js');
    return runServe(argv.slice(1), out, err);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        values: { type: 'string', short: 'f', multiple: true },
        format: { type: 'string' },
        'fail-level': { type: 'string', default: 'error' },
        policy: { type: 'string' },
        'dataset-size': { type: 'string' },
        'rdb-size': { type: 'string' },
        'write-rate': { type: 'string' },
        plot: { type: 'string' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    err.write(`redis-lint: ${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values: opts, positionals } = parsed;
  if (opts.help) {
    out.write(USAGE + '\n');
    return 0;
  }
  if (opts.version) {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    out.write(pkg.version + '\n');
    return 0;
  }
  let args = positionals;
  const command = args[0] === 'lint' || args[0] === 'rules' || args[0] === 'project' ? args[0] : 'lint';
  if (args[0] === command) args = args.slice(1);
  const failLevel = opts['fail-level'] as Severity;
  if (!(failLevel in LEVELS)) return usage(err, `--fail-level must be error, warning or info, not "${failLevel}"`);
  const format = opts.format ?? (command === 'project' ? 'text' : 'stylish');
  if (command === 'project' ? format !== 'text' && format !== 'json' : format !== 'stylish' && format !== 'json') {
    return usage(err, `--format must be ${command === 'project' ? 'text' : 'stylish'} or json, not "${format}"`);
  }
  if (opts.plot !== undefined && command !== 'project') return usage(err, '--plot is an option of redis-lint project');
  if (opts.plot === '') return oneLine(err, '--plot needs a file name');

  // workload flags: bad values are one-line errors (exit 2), like a bad policy value
  const workloadFlags: WorkloadFlags = {};
  for (const field of WORKLOAD_FIELDS) {
    const flag = `--${WORKLOAD_INPUT_NAMES[field]}`;
    const raw = opts[WORKLOAD_INPUT_NAMES[field]];
    if (raw === undefined) continue;
    try {
      workloadFlags[field] = { value: parseWorkloadValue(field, raw), flag };
    } catch (e) {
      if (!(e instanceof UnitError)) throw e;
      const [what, expected] =
        field === 'writeRateBytesPerSec'
          ? ['rate', 'expected a size per second, e.g. 5MiB/s, 500k/s or 1048576 (bytes per second)']
          : ['size', 'expected a Kubernetes quantity (2Gi, 1.5G), a Redis unit (64mb, 64m) or bytes'];
      return oneLine(err, `${flag} "${raw}" is not a ${what}: ${/^not a /.test(e.message) ? expected : e.message}`);
    }
  }

  let policy;
  try {
    policy = loadPolicy(opts.policy);
  } catch (e) {
    if (e instanceof InputError) {
      err.write(`redis-lint: ${e.pos.file}:${e.pos.line}:${e.pos.column}: ${e.message}\n`);
      return 2;
    }
    err.write(`redis-lint: cannot read policy: ${(e as Error).message}\n`);
    return 2;
  }

  if (command === 'rules') {
    for (const id of [...RULES.map((r) => r.id), ...SOURCE_RULE_IDS]) {
      const p = policy.rules[id];
      out.write(`${id.padEnd(26)} ${(p?.severity ?? 'off').padEnd(8)} ${p?.description ?? ''}\n`);
    }
    return 0;
  }
  if (!args.length && !opts.values?.length) return usage(err, 'no input: give files, directories or - for stdin');

  const color = !opts['no-color'] && !process.env.NO_COLOR && (out as NodeJS.WriteStream).isTTY === true;
  if (command === 'project') {
    const { runProject } = await import('./project.js');
    const columns = (out as NodeJS.WriteStream).isTTY ? (out as NodeJS.WriteStream).columns : undefined;
    return runProject({ paths: args, valuesFiles: opts.values, policy, workloadFlags, format: format as 'text' | 'json', plot: opts.plot, color, columns }, out, err);
  }

  const result = await lintPaths(args, { policy, valuesFiles: opts.values, workloadFlags });
  if (format === 'json') out.write(formatJson(result.findings, { files: result.files.length, deployments: result.deployments.length }));
  else {
    const text = formatStylish(result.findings, { color });
    out.write(text || `✔ no problems in ${result.files.length} file(s), ${result.deployments.length} Redis deployment role(s)\n`);
  }
  if (result.inputErrors.length) return 2;
  return result.findings.some((f) => LEVELS[f.severity] >= LEVELS[failLevel]) ? 1 : 0;
}

function usage(err: NodeJS.WritableStream, message: string): number {
  err.write(`redis-lint: ${message}\n\n${USAGE}\n`);
  return 2;
}

/** A bad value: one line on stderr, exit 2 (no usage text). */
function oneLine(err: NodeJS.WritableStream, message: string): number {
  err.write(`redis-lint: ${message}\n`);
  return 2;
}

// Run when executed as the bin (not when imported by tests).
const invokedAs = process.argv[1] ?? '';
if (/redis-lint$|main\.js$/.test(invokedAs)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      // a bug, not bad input: one line, no stack trace, exit 2
      process.stderr.write(`redis-lint: internal error: ${(e as Error)?.message ?? String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
