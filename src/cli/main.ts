#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { lintPaths } from '../engine.js';
import { loadPolicy } from '../policy/policy.js';
import { formatJson } from '../report/json.js';
import { formatStylish } from '../report/stylish.js';
import { RULES, SOURCE_RULE_IDS } from '../rules/index.js';
import { InputError, type Severity } from '../types.js';

const USAGE = `Usage: redis-lint [lint] [options] <path...>
       redis-lint rules

Lint Redis deployments on Kubernetes: Bitnami redis values, Flux HelmReleases,
Argo CD Applications, StatefulSets/Deployments/Pods and redis.conf ConfigMaps.
Paths are files, directories (recursive: .yaml .yml .json) or - for stdin.

Options:
  -f, --values FILE        Bitnami redis values file; repeat to merge in Helm's order
      --format FORMAT      stylish (default) | json
      --fail-level LEVEL   error (default) | warning | info: exit 1 at or above it
      --policy FILE        policy overrides, laid over the bundled policies/default.yaml
      --no-color           plain text
  -h, --help               this help
  -v, --version            print the version

Exit codes: 0 clean, 1 findings at or above the fail level, 2 usage or input errors.`;

const LEVELS: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Run the CLI; returns the exit code. Output goes to the given streams (stdout: the report only). */
export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        values: { type: 'string', short: 'f', multiple: true },
        format: { type: 'string', default: 'stylish' },
        'fail-level': { type: 'string', default: 'error' },
        policy: { type: 'string' },
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
  const command = args[0] === 'lint' || args[0] === 'rules' ? args[0] : 'lint';
  if (args[0] === command) args = args.slice(1);
  const failLevel = opts['fail-level'] as Severity;
  if (!(failLevel in LEVELS)) return usage(err, `--fail-level must be error, warning or info, not "${failLevel}"`);
  if (opts.format !== 'stylish' && opts.format !== 'json') return usage(err, `--format must be stylish or json, not "${opts.format}"`);

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

  const result = await lintPaths(args, { policy, valuesFiles: opts.values });
  const color = !opts['no-color'] && !process.env.NO_COLOR && (out as NodeJS.WriteStream).isTTY === true;
  if (opts.format === 'json') out.write(formatJson(result.findings, { files: result.files.length, deployments: result.deployments.length }));
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
