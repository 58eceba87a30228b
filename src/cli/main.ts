#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LINT_FORMATS, runLint } from './lint.js';
import type { Policy } from '../policy/policy.js';
import { failFlags, formatPairs, loadConfig, REPORT_ARG_OPTIONS, reportTargets, toolVersion } from './shared.js';
import { RULE_DEFINITIONS } from '../rules/index.js';
import { WORKLOAD_FIELDS, WORKLOAD_INPUT_NAMES, parseWorkloadValue, type WorkloadFlags } from '../sources/common.js';
import type { Severity } from '../types.js';
import { UnitError, positiveSize } from '../model/units.js';
import { DEFAULT_LIMITS, type InputLimits } from '../load/documents.js';

const USAGE = `Usage: redis-lint [lint] [options] <path...>
       redis-lint project [options] <path...>
       redis-lint calibrate --url redis://host:port [--seconds 60]
       redis-lint serve --tls-cert-file FILE --tls-private-key-file FILE [--port 8443] [--config FILE]
       redis-lint audit [-n NAMESPACE | -A] [--kubeconfig FILE] [--context NAME] [--format F [-o FILE]]...
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
  audit      lint what runs in a cluster (read-only; never Secrets); also
             --format policyreport; redis-lint audit --help lists its options
  rules      list the rules, their severities, fixes and docs

Options:
  -f, --values FILE        Bitnami redis values file; repeat to merge in Helm's order
      --format FORMAT      lint: stylish (default), json, sarif, github, junit, rdjson,
                           codequality; project: text (default), json. Repeatable.
  -o, --output FILE        write the report of the --format just before it to FILE
                           (e.g. --format sarif -o out.sarif --format github)
      --fail-level LEVEL   error (default) | warning | info: exit 1 at or above it (lint)
      --max-warnings N     exit 1 when there are more than N warnings (lint)
  -c, --config FILE        config (rules, exemptions, workloads, failLevel, maxWarnings)
                           laid over the bundled policy; default: the first .redis-lint.yaml
                           in the working directory or a parent. --policy is an old name.
      --no-config          ignore .redis-lint.yaml files
      --exclude GLOB       leave out paths matching GLOB (relative to the working directory;
                           ** spans directories); repeatable; adds to the config's ignorePaths
      --fix                write the fixes into the files (comments and layout kept)
      --fix-dry-run        print the fixes as a unified diff; change nothing
      --dataset-size SIZE  in-memory dataset of every deployment, e.g. 2Gi, 1.5G, 2gb
      --rdb-size SIZE      size of dump.rdb, e.g. 1.4Gi
      --write-rate RATE    bytes appended to the AOF per second, e.g. 5MiB/s
      --value-size SIZE    average value size of a write, e.g. 1Ki (copy-on-write; default 64)
      --plot FILE          project: also write an SVG chart of the disk curves
      --max-file-size SIZE largest file or stdin read (default 10Mi; config maxFileSize); larger: exit 2
      --max-documents N    most YAML documents read per file (default 10000; config maxDocuments); more: exit 2
      --no-color           plain text
  -h, --help               this help
  -v, --version            print the version

Sizes: Kubernetes quantities (2Gi, 1G), Redis units (64mb = 64 MiB, 64m = 64,000,000 bytes)
or bytes. The four workload flags win over redis-lint.io/dataset-size, rdb-size,
write-rate and value-size annotations, which win over the config's workloads: entries.

Suppress a finding in a file: # redis-lint-disable-next-line <rule-id> -- <reason>
on the line above it, or # redis-lint-disable <rule-id> -- <reason> for the whole file.

Exit codes: 0 clean, 1 findings at or above the fail level (or too many warnings),
2 usage or input errors.`;

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
  // audit too: it loads @kubernetes/client-node only now
  if (argv[0] === 'audit') {
    const { runAudit } = await import('./audit.js');
    return runAudit(argv.slice(1), out, err);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      tokens: true,
      options: {
        values: { type: 'string', short: 'f', multiple: true },
        ...REPORT_ARG_OPTIONS,
        policy: { type: 'string' },
        exclude: { type: 'string', multiple: true },
        fix: { type: 'boolean' },
        'fix-dry-run': { type: 'boolean' },
        'dataset-size': { type: 'string' },
        'rdb-size': { type: 'string' },
        'write-rate': { type: 'string' },
        'value-size': { type: 'string' },
        plot: { type: 'string' },
        'max-file-size': { type: 'string' },
        'max-documents': { type: 'string' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    err.write(`redis-lint: ${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values: opts, positionals, tokens } = parsed;
  if (opts.help) {
    out.write(USAGE + '\n');
    return 0;
  }
  if (opts.version) {
    out.write(toolVersion() + '\n');
    return 0;
  }
  let args = positionals;
  const command = args[0] === 'lint' || args[0] === 'rules' || args[0] === 'project' ? args[0] : 'lint';
  if (args[0] === command) args = args.slice(1);
  const fail = failFlags(opts['fail-level'], opts['max-warnings']);
  if ('error' in fail) return usage(err, fail.error);
  if (opts.fix && opts['fix-dry-run']) return usage(err, '--fix and --fix-dry-run exclude each other: --fix-dry-run shows what --fix would write');
  if (opts.config !== undefined && opts.policy !== undefined) return usage(err, '--policy is the old name of --config: give one of them');
  if (opts['no-config'] && (opts.config !== undefined || opts.policy !== undefined)) return usage(err, '--no-config and --config exclude each other');
  const pairs = formatPairs(tokens);
  if ('error' in pairs) return usage(err, pairs.error);
  if (command === 'project') {
    if (pairs.length > 1 || pairs[0]?.file !== undefined) return usage(err, 'redis-lint project takes one --format (text or json) and writes to standard output');
    if (opts.fix || opts['fix-dry-run'] || fail.maxWarnings !== undefined) return usage(err, '--fix, --fix-dry-run and --max-warnings are options of redis-lint lint');
  }
  const format = pairs[0]?.format ?? (command === 'project' ? 'text' : 'stylish');
  if (command === 'project' && format !== 'text' && format !== 'json') return usage(err, `--format must be text or json, not "${format}"`);
  const targets = command === 'project' ? [] : reportTargets(pairs, LINT_FORMATS);
  if ('error' in targets) return usage(err, targets.error);
  if (!targets.length) targets.push(opts['fix-dry-run'] ? { format: 'stylish', stderr: true } : { format: 'stylish' });
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

  const policy = loadConfig(opts.config ?? opts.policy, opts['no-config'] === true, 'redis-lint', err);
  if (!policy) return 2;
  const limits = inputLimits(opts['max-file-size'], opts['max-documents'], policy);
  if ('error' in limits) return oneLine(err, limits.error);
  const failLevel: Severity = fail.failLevel ?? policy.failLevel ?? 'error';
  const exclude = [...(policy.ignorePaths ?? []), ...(opts.exclude ?? [])];

  if (command === 'rules') {
    // id, severity in force, whether --fix fixes it, the docs page, the description
    out.write(`${'RULE'.padEnd(26)} ${'SEVERITY'.padEnd(8)} ${'FIX'.padEnd(3)} ${'DOCS'.padEnd(45)} DESCRIPTION\n`);
    for (const rule of RULE_DEFINITIONS) {
      const id = rule.id;
      const p = policy.rules[id];
      out.write(`${id.padEnd(26)} ${(p?.severity ?? 'off').padEnd(8)} ${(rule.fix ? 'yes' : '').padEnd(3)} ${`docs/rules/${id}.md`.padEnd(45)} ${rule.meta.description}\n`);
    }
    return 0;
  }
  if (!args.length && !opts.values?.length) return usage(err, 'no input: give files, directories or - for stdin');

  const color = !opts['no-color'] && !process.env.NO_COLOR && (out as NodeJS.WriteStream).isTTY === true;
  if (command === 'project') {
    const { runProject } = await import('./project.js');
    const columns = (out as NodeJS.WriteStream).isTTY ? (out as NodeJS.WriteStream).columns : undefined;
    return runProject({ paths: args, exclude, valuesFiles: opts.values, policy, workloadFlags, format: format as 'text' | 'json', plot: opts.plot, color, columns, limits }, out, err);
  }

  return runLint(
    {
      paths: args,
      exclude,
      valuesFiles: opts.values,
      policy,
      workloadFlags,
      limits,
      targets,
      failLevel,
      maxWarnings: fail.maxWarnings ?? policy.maxWarnings,
      fix: opts.fix ? 'write' : opts['fix-dry-run'] ? 'dry-run' : undefined,
      color,
      toolVersion: toolVersion(),
    },
    out,
    err,
  );
}


/** `--max-file-size` (a size: 20Mi, 50MB, bytes) and `--max-documents` (a whole number) over the config's `maxFileSize`/`maxDocuments`, over the defaults. */
function inputLimits(size: string | undefined, docs: string | undefined, config: Pick<Policy, 'maxFileBytes' | 'maxDocuments'>): InputLimits | { error: string } {
  const limits = { ...DEFAULT_LIMITS, ...(config.maxFileBytes !== undefined ? { maxFileBytes: config.maxFileBytes } : {}), ...(config.maxDocuments !== undefined ? { maxDocuments: config.maxDocuments } : {}) };
  if (size !== undefined) {
    const bytes = positiveSize(size);
    if (bytes === undefined) return { error: `--max-file-size "${size}" is not a size: expected e.g. 20Mi, 50MB or a number of bytes` };
    limits.maxFileBytes = bytes;
  }
  if (docs !== undefined) {
    if (!/^\d+$/.test(docs) || Number(docs) < 1) return { error: `--max-documents "${docs}" is not a whole number of 1 or more` };
    limits.maxDocuments = Number(docs);
  }
  return limits;
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

/**
 * Runs the CLI on `process.argv` and sets `process.exitCode`: the entry point of the `redis-lint`
 * bin (`bin/redis-lint.js`) and of `node dist/cli/main.js`. A thrown error is a bug, not bad input:
 * one line on stderr, no stack trace, exit 2.
 */
export function runCli(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`redis-lint: internal error: ${(e as Error)?.message ?? String(e)}\n`);
      process.exitCode = 2;
    },
  );
}

// Run when this file is the process's main module (`node dist/cli/main.js`), not when imported.
if (isMainModule(import.meta.url)) runCli();

function isMainModule(url: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(url));
  } catch {
    return false;
  }
}
