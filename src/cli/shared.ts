import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { findConfigFile, loadPolicy, type Policy } from '../policy/policy.js';
import { githubStepSummary, REPORT_FORMATS, type ReportFormat } from '../report/index.js';
import type { ReportInput } from '../report/types.js';
import { InputError, type Finding, type Severity } from '../types.js';

/**
 * What the commands that lint and report (`lint`, `audit`) share: the report flags
 * (`--format X [-o FILE]`..., `--fail-level`, `--max-warnings`), the config lookup, writing the
 * reports and the exit code. Each command keeps its own flags and input.
 */

const LEVELS: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** The parseArgs options of the report and config flags, the same for `lint` and `audit`. */
export const REPORT_ARG_OPTIONS = {
  format: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o', multiple: true },
  'fail-level': { type: 'string' },
  'max-warnings': { type: 'string' },
  config: { type: 'string', short: 'c' },
  'no-config': { type: 'boolean' },
} as const;

/** A token of node:util parseArgs (`tokens: true`). */
type ArgToken = { kind: string; name?: string; value?: string };

/** One `--format X [--output FILE]` pair; no `file`: standard output (standard error with `stderr`). */
export interface ReportTarget<F extends string = ReportFormat> {
  format: F;
  file?: string;
  /** write to standard error: the default report of `--fix-dry-run`, whose standard output is the diff */
  stderr?: boolean;
}

/**
 * The `--format`/`--output` pairs in command-line order: an `--output` names the file of the
 * `--format` just before it.
 * @returns the pairs (formats not checked yet), or the usage error
 */
export function formatPairs(tokens: readonly ArgToken[] | undefined): Array<{ format: string; file?: string }> | { error: string } {
  const pairs: Array<{ format: string; file?: string }> = [];
  for (const t of tokens ?? []) {
    if (t.kind !== 'option') continue;
    if (t.name === 'format') pairs.push({ format: t.value ?? '' });
    else if (t.name === 'output') {
      const last = pairs[pairs.length - 1];
      if (!last) return { error: `--output ${t.value ?? ''} comes before any --format: write --format FORMAT --output FILE` };
      if (last.file !== undefined) return { error: `--format ${last.format} has two --output files: give each --output its own --format` };
      if (!t.value) return { error: '--output needs a file name' };
      last.file = t.value;
    }
  }
  return pairs;
}

/**
 * Report targets from the `--format`/`--output` pairs: each format one of `allowed`, at most one
 * to standard output.
 * @returns the targets (empty when no --format was given), or the usage error
 */
export function reportTargets<F extends string>(pairs: ReadonlyArray<{ format: string; file?: string }>, allowed: readonly F[]): Array<ReportTarget<F>> | { error: string } {
  const targets: Array<ReportTarget<F>> = [];
  for (const p of pairs) {
    if (!(allowed as readonly string[]).includes(p.format)) return { error: `--format must be one of ${allowed.join(', ')}, not "${p.format}"` };
    targets.push({ format: p.format as F, ...(p.file !== undefined ? { file: p.file } : {}) });
  }
  if (targets.filter((t) => t.file === undefined).length > 1) return { error: 'only one --format can go to standard output: give the others an --output FILE' };
  return targets;
}

/**
 * `--fail-level` and `--max-warnings` checked.
 * @returns the values given (undefined when absent), or the usage error
 */
export function failFlags(failLevel: string | undefined, maxWarnings: string | undefined): { failLevel?: Severity; maxWarnings?: number } | { error: string } {
  if (failLevel !== undefined && !(failLevel in LEVELS)) return { error: `--fail-level must be error, warning or info, not "${failLevel}"` };
  if (maxWarnings !== undefined && !/^\d+$/.test(maxWarnings)) return { error: `--max-warnings must be a whole number (0 or more), not "${maxWarnings}"` };
  return { failLevel: failLevel as Severity | undefined, maxWarnings: maxWarnings === undefined ? undefined : Number(maxWarnings) };
}

/**
 * The policy in force: the given config file, else (unless `noConfig`) the first .redis-lint.yaml
 * upward from the working directory, laid over the bundled policy.
 * @param prefix the start of error lines (`redis-lint`, `redis-lint audit`)
 * @returns the policy, or undefined after writing one error line (the caller exits 2)
 */
export function loadConfig(file: string | undefined, noConfig: boolean, prefix: string, err: NodeJS.WritableStream): Policy | undefined {
  const configFile = noConfig ? undefined : (file ?? findConfigFile());
  try {
    return loadPolicy(configFile);
  } catch (e) {
    if (e instanceof InputError) err.write(`${prefix}: ${e.pos.file}:${e.pos.line}:${e.pos.column}: ${e.message}\n`);
    else err.write(`${prefix}: cannot read config ${configFile ?? ''}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return undefined;
  }
}

/**
 * Write each report to its target; with `--format github` and GITHUB_STEP_SUMMARY set, also
 * append the markdown summary there.
 * @returns false after writing an error line when an output file cannot be written (exit 2)
 */
export function writeReports(targets: ReadonlyArray<ReportTarget>, input: ReportInput, color: boolean, prefix: string, out: NodeJS.WritableStream, err: NodeJS.WritableStream): boolean {
  for (const t of targets) {
    const text = REPORT_FORMATS[t.format](input, { color: color && t.file === undefined && !t.stderr });
    if (t.stderr) err.write(text);
    else if (t.file === undefined) out.write(text);
    else {
      try {
        writeFileSync(t.file, text);
      } catch (e) {
        err.write(`${prefix}: cannot write ${t.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
        return false;
      }
    }
    const summaryFile = (input.env ?? process.env).GITHUB_STEP_SUMMARY;
    if (t.format === 'github' && summaryFile) {
      try {
        appendFileSync(summaryFile, githubStepSummary(input));
      } catch (e) {
        err.write(`${prefix}: cannot append to GITHUB_STEP_SUMMARY ${summaryFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      }
    }
  }
  return true;
}

/** One line per config exemption that names an object of the run but has expired. */
export function reportExpiredExemptions(expired: ReadonlyArray<{ object: { kind: string; namespace?: string; name: string }; entry: { rules: string[]; expires?: string } }>, prefix: string, err: NodeJS.WritableStream): void {
  for (const x of expired) {
    const o = x.object;
    err.write(`${prefix}: exemption for ${o.kind}/${o.namespace ? o.namespace + '/' : ''}${o.name} (${x.entry.rules.join(', ')}) expired on ${x.entry.expires}: it no longer applies\n`);
  }
}

/**
 * The exit code of a run whose input was read completely: 1 with more warnings than
 * `maxWarnings` (said on `err`) or a finding at or above `failLevel`, else 0.
 */
export function findingsExitCode(findings: readonly Finding[], failLevel: Severity, maxWarnings: number | undefined, prefix: string, err: NodeJS.WritableStream): 0 | 1 {
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    err.write(`${prefix}: ${warnings} warnings, more than the ${maxWarnings} allowed (max warnings)\n`);
    return 1;
  }
  return findings.some((f) => LEVELS[f.severity] >= LEVELS[failLevel]) ? 1 : 0;
}

/** redis-lint's version, from package.json. */
export function toolVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
