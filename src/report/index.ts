import { formatCodeQuality } from './codequality.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatPolicyReport } from './policyreport.js';
import { formatRdjson } from './rdjson.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';
import { redactText } from '../core/redact.js';
import type { Finding } from '../types.js';
import type { ReportInput } from './types.js';

export { githubStepSummary } from './github.js';
export type { FileEdit, ReportInput } from './types.js';

/** Names accepted by `--format` for lint reports. */
export type ReportFormat = 'stylish' | 'json' | 'sarif' | 'github' | 'junit' | 'rdjson' | 'codequality' | 'policyreport';

/** Options every format accepts; only stylish uses `color` (ANSI colours). */
export interface ReportOptions {
  color?: boolean;
}

/** A report format: a pure function of the run's report input to the text printed on stdout. */
export type ReportFormatter = (input: ReportInput, opts?: ReportOptions) => string;

/**
 * The stylish report of {@link formatStylish}, or, when there are no findings, the line
 * `✔ no problems in N file(s), M Redis deployment role(s)` (what the CLI printed for a clean run).
 */
export function formatStylishReport(input: ReportInput, opts: ReportOptions = {}): string {
  const text = formatStylish(input.findings, { color: opts.color ?? false });
  return text || `✔ no problems in ${input.files} file(s), ${input.deployments} Redis deployment role(s)\n`;
}

/**
 * Every lint report format by `--format` name, each `(input: ReportInput, opts?: {color?}) => string`:
 * - `stylish`: ESLint-style text ({@link formatStylishReport});
 * - `json`: redis-lint's own document ({@link formatJson}: `{findings, summary}`);
 * - `sarif`: SARIF 2.1.0 for GitHub code scanning ({@link formatSarif});
 * - `github`: GitHub Actions workflow commands (annotations, {@link formatGithub}); pair it with
 *   {@link githubStepSummary} for `$GITHUB_STEP_SUMMARY`;
 * - `junit`: JUnit XML, one suite per object and one case per rule ({@link formatJunit});
 * - `rdjson`: reviewdog's rdjson ({@link formatRdjson});
 * - `codequality`: GitLab Code Quality JSON ({@link formatCodeQuality});
 * - `policyreport`: wgpolicyk8s.io/v1alpha2 PolicyReports, one per namespace, for `kubectl apply -f -`
 *   ({@link formatPolicyReport}); `redis-lint audit` offers it (`redis-lint lint` does not list it).
 */
const FORMATTERS: Record<ReportFormat, ReportFormatter> = {
  stylish: formatStylishReport,
  json: (input) => formatJson(input.findings, { files: input.files, deployments: input.deployments }),
  sarif: (input) => formatSarif(input),
  github: (input) => formatGithub(input),
  junit: (input) => formatJunit(input),
  rdjson: (input) => formatRdjson(input),
  codequality: (input) => formatCodeQuality(input),
  policyreport: (input) => formatPolicyReport(input),
};

/**
 * The report input with every finding's message through {@link redactText} (a message may quote
 * input: a redis.conf line, a key, a URL). Findings whose message is unchanged stay the same
 * objects, and `fixes` follows the ones that change (it is keyed by finding). A fix whose
 * inserted text holds a secret (a startupProbe copied from a livenessProbe that runs
 * `REDISCLI_AUTH=... redis-cli`) is left out of the reports: masked, a suggestion applied from
 * rdjson or SARIF would write `<redacted>` into the file; `--fix` itself writes the real text.
 */
function redacted(input: ReportInput): ReportInput {
  const changed = new Map<Finding, Finding>();
  const findings = input.findings.map((f) => {
    const message = redactText(f.message);
    if (message === f.message) return f;
    const g = { ...f, message };
    changed.set(f, g);
    return g;
  });
  const leaky = input.fixes ? [...input.fixes].some(([, edits]) => edits.some((e) => redactText(e.text) !== e.text)) : false;
  if (!changed.size && !leaky) return input;
  const fixes = input.fixes
    ? new Map([...input.fixes].filter(([, edits]) => edits.every((e) => redactText(e.text) === e.text)).map(([f, edits]) => [changed.get(f) ?? f, edits] as const))
    : undefined;
  return { ...input, findings, ...(fixes ? { fixes } : {}) };
}

/** Every format, each given the redacted input: no format can print a secret a message quotes. */
export const REPORT_FORMATS: Record<ReportFormat, ReportFormatter> = Object.fromEntries(
  Object.entries(FORMATTERS).map(([name, format]) => [name, (input: ReportInput, opts?: ReportOptions) => format(redacted(input), opts)]),
) as Record<ReportFormat, ReportFormatter>;

/** Whether a string names a report format (for `--format` validation). */
export function isReportFormat(name: string): name is ReportFormat {
  return Object.prototype.hasOwnProperty.call(REPORT_FORMATS, name);
}
