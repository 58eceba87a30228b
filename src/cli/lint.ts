import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lintPaths } from '../engine.js';
import type { InputLimits } from '../load/documents.js';
import type { Policy } from '../policy/policy.js';
import { reportObjects } from '../report/objects.js';
import type { ReportInput } from '../report/types.js';
import type { WorkloadFlags } from '../sources/common.js';
import type { Severity } from '../types.js';
import { findingsExitCode, reportExpiredExemptions, writeReports, type ReportTarget } from './shared.js';

/** The report formats of `redis-lint lint`. */
export const LINT_FORMATS = ['stylish', 'json', 'sarif', 'github', 'junit', 'rdjson', 'codequality'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

export type { ReportTarget } from './shared.js';

/** What `redis-lint lint` was asked to do (flags already parsed and checked by main). */
export interface LintRunOptions {
  paths: string[];
  /** globs of paths not to read (`--exclude`, the config's `ignorePaths:`) */
  exclude?: readonly string[];
  valuesFiles?: string[];
  policy: Policy;
  workloadFlags: WorkloadFlags;
  /** caps on each input (`--max-file-size`, `--max-documents`) */
  limits?: InputLimits;
  /** at least one; at most one without a file */
  targets: Array<ReportTarget<LintFormat>>;
  failLevel: Severity;
  /** exit 1 when there are more warnings than this */
  maxWarnings?: number;
  /** `--fix`: write the fixes into the files; `--fix-dry-run`: print them as a unified diff */
  fix?: 'write' | 'dry-run';
  color: boolean;
  toolVersion: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * `redis-lint lint`: lint, optionally fix, then write each report to its target. Standard output
 * carries only a report (or, with --fix-dry-run and no stdout report, the diff); notices go to `err`.
 * With `--fix`, the reports describe the files after fixing (the run lints again). Without it,
 * rdjson and SARIF still carry what --fix would change (suggestions, fixes), computed quietly.
 * @returns exit code: 0 clean, 1 findings at or above the fail level or more warnings than
 *   allowed, 2 input errors, an output file that cannot be written, or a fix that cannot be written
 */
export async function runLint(opts: LintRunOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const lint = () => lintPaths(opts.paths, { policy: opts.policy, valuesFiles: opts.valuesFiles, workloadFlags: opts.workloadFlags, exclude: opts.exclude, limits: opts.limits });
  let result = await lint();
  for (const n of result.notices) err.write(`redis-lint: ${n}\n`);
  let fixFailed = false;
  let fixes: ReportInput['fixes'];
  const suggest = opts.targets.some((t) => t.format === 'rdjson' || t.format === 'sarif');
  if (opts.fix || suggest) {
    const { planFileFixes, applyFilePlans } = await import('../fix/files.js');
    const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
    const outcome = applyFilePlans(planFileFixes(result), result.texts, opts.fix ?? 'dry-run', opts.fix ? err : quiet);
    fixFailed = outcome.failed;
    if (opts.fix === 'write') {
      if (outcome.written > 0) result = await lint();
    } else {
      fixes = outcome.editsByFinding;
      // the dry run's diff owns standard output unless a report was asked for there
      if (opts.fix === 'dry-run') (opts.targets.some((t) => t.file === undefined && !t.stderr) ? err : out).write(outcome.diff);
    }
  }
  const input: ReportInput = {
    findings: result.findings,
    files: result.files.length,
    deployments: result.deployments.length,
    objects: reportObjects(result.deployments),
    rules: opts.policy.rules,
    toolVersion: opts.toolVersion,
    baseDir: process.cwd(),
    sourceText: (file) => result.texts.get(file) ?? readText(file),
    fixes,
    env: opts.env ?? process.env,
  };
  if (!writeReports(opts.targets, input, opts.color, 'redis-lint', out, err)) return 2;
  reportExpiredExemptions(result.expiredExemptions, 'redis-lint', err);
  if (result.inputErrors.length || fixFailed) return 2;
  return findingsExitCode(result.findings, opts.failLevel, opts.maxWarnings, 'redis-lint', err);
}

function readText(file: string): string | undefined {
  if (file === '<stdin>') return undefined;
  try {
    return readFileSync(path.resolve(file), 'utf8');
  } catch {
    return undefined;
  }
}
