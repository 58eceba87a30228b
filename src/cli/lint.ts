import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lintPaths, type LintResult } from '../engine.js';
import type { Policy } from '../policy/policy.js';
import { githubStepSummary, REPORT_FORMATS } from '../report/index.js';
import type { ReportInput } from '../report/types.js';
import type { WorkloadFlags } from '../sources/common.js';
import type { Severity } from '../types.js';

/** The report formats of `redis-lint lint`. */
export const LINT_FORMATS = ['stylish', 'json', 'sarif', 'github', 'junit', 'rdjson', 'codequality'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

/** One `--format X [--output FILE]` pair; no `file`: standard output (standard error with `stderr`). */
export interface ReportTarget {
  format: LintFormat;
  file?: string;
  /** write to standard error: the default report of `--fix-dry-run`, whose standard output is the diff */
  stderr?: boolean;
}

/** What `redis-lint lint` was asked to do (flags already parsed and checked by main). */
export interface LintRunOptions {
  paths: string[];
  valuesFiles?: string[];
  policy: Policy;
  workloadFlags: WorkloadFlags;
  /** at least one; at most one without a file */
  targets: ReportTarget[];
  failLevel: Severity;
  /** exit 1 when there are more warnings than this */
  maxWarnings?: number;
  /** `--fix`: write the fixes into the files; `--fix-dry-run`: print them as a unified diff */
  fix?: 'write' | 'dry-run';
  color: boolean;
  toolVersion: string;
  env?: NodeJS.ProcessEnv;
}

const LEVELS: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/**
 * `redis-lint lint`: lint, optionally fix, then write each report to its target. Standard output
 * carries only a report (or, with --fix-dry-run and no stdout report, the diff); notices go to `err`.
 * With `--fix`, the reports describe the files after fixing (the run lints again).
 * @returns exit code: 0 clean, 1 findings at or above the fail level or more warnings than
 *   allowed, 2 input errors, an output file that cannot be written, or a fix that cannot be written
 */
export async function runLint(opts: LintRunOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const lint = () => lintPaths(opts.paths, { policy: opts.policy, valuesFiles: opts.valuesFiles, workloadFlags: opts.workloadFlags });
  let result = await lint();
  let fixFailed = false;
  let fixes: ReportInput['fixes'];
  if (opts.fix) {
    const { planFileFixes, applyFilePlans } = await import('../fix/files.js');
    const plans = planFileFixes(result);
    const outcome = applyFilePlans(plans, result.texts, opts.fix, err);
    fixFailed = outcome.failed;
    if (opts.fix === 'dry-run') {
      fixes = outcome.editsByFinding;
      // the diff owns standard output unless a report was asked for there
      if (!opts.targets.some((t) => t.file === undefined && !t.stderr)) out.write(outcome.diff);
      else err.write(outcome.diff);
    } else if (outcome.written > 0) {
      result = await lint();
    }
  }
  if (!opts.fix && opts.targets.some((t) => t.format === 'rdjson' || t.format === 'sarif')) {
    // reviewdog suggestions and SARIF fixes: what --fix would change, computed quietly
    const { planFileFixes, applyFilePlans } = await import('../fix/files.js');
    const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
    fixes = applyFilePlans(planFileFixes(result), result.texts, 'dry-run', quiet).editsByFinding;
  }
  const input = reportInput(result, opts, fixes);
  for (const t of opts.targets) {
    const text = REPORT_FORMATS[t.format](input, { color: opts.color && t.file === undefined && !t.stderr });
    if (t.stderr) err.write(text);
    else if (t.file === undefined) out.write(text);
    else {
      try {
        writeFileSync(t.file, text);
      } catch (e) {
        err.write(`redis-lint: cannot write ${t.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
        return 2;
      }
    }
    const summaryFile = (opts.env ?? process.env).GITHUB_STEP_SUMMARY;
    if (t.format === 'github' && summaryFile) {
      try {
        appendFileSync(summaryFile, githubStepSummary(input));
      } catch (e) {
        err.write(`redis-lint: cannot append to GITHUB_STEP_SUMMARY ${summaryFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      }
    }
  }
  for (const x of result.expiredExemptions) {
    const o = x.object;
    err.write(`redis-lint: exemption for ${o.kind}/${o.namespace ? o.namespace + '/' : ''}${o.name} (${x.entry.rules.join(', ')}) expired on ${x.entry.expires}: it no longer applies\n`);
  }
  if (result.inputErrors.length || fixFailed) return 2;
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  if (opts.maxWarnings !== undefined && warnings > opts.maxWarnings) {
    err.write(`redis-lint: ${warnings} warnings, more than the ${opts.maxWarnings} allowed (max warnings)\n`);
    return 1;
  }
  return result.findings.some((f) => LEVELS[f.severity] >= LEVELS[opts.failLevel]) ? 1 : 0;
}

/** The report formats' input from a lint result. */
function reportInput(result: LintResult, opts: LintRunOptions, fixes: ReportInput['fixes']): ReportInput {
  const seen = new Set<string>();
  const objects: Array<ReportInput['objects'][number]> = [];
  for (const d of result.deployments) {
    const o = d.object;
    const key = `${o.file}\0${o.kind}\0${o.namespace ?? ''}\0${o.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    objects.push({ kind: o.kind, ...(o.namespace ? { namespace: o.namespace } : {}), name: o.name, file: o.file, line: o.pos.line });
  }
  return {
    findings: result.findings,
    files: result.files.length,
    deployments: result.deployments.length,
    objects,
    rules: opts.policy.rules,
    toolVersion: opts.toolVersion,
    baseDir: process.cwd(),
    sourceText: (file) => result.texts.get(file) ?? readText(file),
    fixes,
    env: opts.env ?? process.env,
  };
}

function readText(file: string): string | undefined {
  if (file === '<stdin>') return undefined;
  try {
    return readFileSync(path.resolve(file), 'utf8');
  } catch {
    return undefined;
  }
}
