import type { Finding, Severity } from '../types.js';
import { countBySeverity } from './stylish.js';
import { displayPath, findingSubject, STDIN_FILE } from './sarif.js';
import type { ReportInput } from './types.js';

/**
 * Escape the message of a workflow command as @actions/core does (`escapeData` in
 * packages/core/src/command.ts): `%` -> `%25`, CR -> `%0D`, LF -> `%0A`.
 */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * Escape a property value of a workflow command as @actions/core does (`escapeProperty`):
 * `escapeData`, and `:` -> `%3A`, `,` -> `%2C`.
 */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub shows at most this many annotations of each level (error, warning, notice) per step. */
export const ANNOTATIONS_PER_LEVEL = 10;

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** One workflow command line: `::<command> k=v,k=v::<message>` (properties in the given order, unset ones left out). */
function command(name: string, props: Array<[string, string | number | undefined]>, message: string): string {
  const p = props.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${escapeProperty(String(v))}`);
  return `::${name}${p.length ? ' ' + p.join(',') : ''}::${escapeData(message)}`;
}

/** The annotation of one finding. */
function annotation(f: Finding, baseDir: string): string {
  const title = `redis-lint: ${f.ruleId}`;
  const text = `${findingSubject(f)}${f.message} [${f.ruleId}]`;
  if (f.pos.file === STDIN_FILE) {
    // no file to point at: the position goes into the message
    return command(COMMAND[f.severity], [['title', title]], `${STDIN_FILE}:${f.pos.line}:${f.pos.column}: ${text}`);
  }
  const line = Math.max(1, f.pos.line);
  const endLine = Math.max(line, f.pos.endLine || line);
  // the runner drops col/endColumn (with a debug message) unless line == endLine
  // (actions/runner ActionCommandManager.cs, ValidateLinesAndColumns): give columns only then
  const sameLine = endLine === line;
  const col = Math.max(1, f.pos.column);
  const endColumn = Math.max(col, f.pos.endColumn || col);
  return command(
    COMMAND[f.severity],
    [
      ['file', displayPath(f.pos.file, baseDir)],
      ['line', line],
      ['endLine', endLine],
      ['col', sameLine ? col : undefined],
      ['endColumn', sameLine ? endColumn : undefined],
      ['title', title],
    ],
    text,
  );
}

function plural(n: number, word: string, words = word + 's'): string {
  return `${n} ${n === 1 ? word : words}`;
}

/**
 * The `--format github` report: GitHub Actions workflow commands, one per line (GitHub Docs,
 * "Workflow commands for GitHub Actions": `::error file=F,line=L,endLine=EL,col=C,endColumn=EC,title=T::message`),
 * escaped as @actions/core escapes them ({@link escapeData}, {@link escapeProperty}).
 *
 * - levels: error -> `::error`, warning -> `::warning`, info -> `::notice`;
 * - `file` is the path relative to `baseDir` (the checkout); `col`/`endColumn` only when the finding
 *   starts and ends on one line (the runner drops them otherwise); a finding on stdin has no `file`
 *   and says `<stdin>:line:col:` in its message;
 * - title `redis-lint: <rule-id>`; the message is `Kind/namespace/name (role): <message> [<rule-id>]`;
 * - GitHub shows only 10 annotations per level per step, so the most severe come first, at most
 *   10 errors and 10 warnings, and notices up to 10 in all; when findings are left out, the last
 *   notice is a summary of what was left out (counts by severity) that points at the step summary
 *   ({@link githubStepSummary}) and the SARIF report for the full list.
 * @returns the commands, each ending in a newline; '' when there are no findings
 */
export function formatGithub(input: ReportInput): string {
  const ordered = input.findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i)
    .map((x) => x.f);
  const total = countBySeverity(ordered);
  const notShown: Record<Severity, number> = {
    error: Math.max(0, total.error - ANNOTATIONS_PER_LEVEL),
    warning: Math.max(0, total.warning - ANNOTATIONS_PER_LEVEL),
    info: 0,
  };
  // the summary notice takes one of the 10 notice slots when anything is left out
  const errorsOrWarningsCut = notShown.error + notShown.warning > 0;
  let infoSlots = ANNOTATIONS_PER_LEVEL;
  if (errorsOrWarningsCut || total.info > ANNOTATIONS_PER_LEVEL) infoSlots = ANNOTATIONS_PER_LEVEL - 1;
  notShown.info = Math.max(0, total.info - infoSlots);
  const limit: Record<Severity, number> = { error: ANNOTATIONS_PER_LEVEL, warning: ANNOTATIONS_PER_LEVEL, info: infoSlots };

  const shown: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const lines: string[] = [];
  for (const f of ordered) {
    if (shown[f.severity] >= limit[f.severity]) continue;
    shown[f.severity]++;
    lines.push(annotation(f, input.baseDir));
  }
  const left = notShown.error + notShown.warning + notShown.info;
  if (left > 0) {
    const parts = [
      notShown.error && plural(notShown.error, 'error'),
      notShown.warning && plural(notShown.warning, 'warning'),
      notShown.info && plural(notShown.info, 'info', 'infos'),
    ].filter(Boolean);
    const message =
      `${plural(left, 'more finding')} not shown as annotations (${parts.join(', ')}): ` +
      `GitHub shows at most ${ANNOTATIONS_PER_LEVEL} annotations of each level per step. ` +
      `All ${plural(ordered.length, 'finding')} are listed in the step summary and in the SARIF report (--format sarif).`;
    lines.push(command('notice', [['title', 'redis-lint: more findings']], message));
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** A markdown table cell: HTML-significant characters as entities, markdown punctuation and `|` backslash-escaped, line breaks as `<br>`. */
export function markdownCell(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/\r\n|\r|\n/g, '<br>');
}

const ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };

/**
 * Markdown for GitHub's job summary ($GITHUB_STEP_SUMMARY, GitHub Docs "Adding a job summary",
 * GitHub Flavored Markdown tables): a heading with the summary line, then a table of ALL findings
 * (severity, `file:line:column`, rule, message), in report order. Cells are escaped with
 * {@link markdownCell}. The CLI appends it to the file `$GITHUB_STEP_SUMMARY` names.
 * @returns the markdown, ending in a newline
 */
export function githubStepSummary(input: ReportInput): string {
  const n = countBySeverity(input.findings);
  const total = input.findings.length;
  const scope = `${plural(input.files, 'file')}, ${plural(input.deployments, 'Redis deployment role')}`;
  if (total === 0) return `### redis-lint: ✔ no problems\n\nNo problems in ${scope}.\n`;
  const out = [
    `### redis-lint: ✖ ${plural(total, 'problem')} (${plural(n.error, 'error')}, ${plural(n.warning, 'warning')}, ${n.info} info)`,
    '',
    `In ${scope}.`,
    '',
    '| Severity | Location | Rule | Message |',
    '| --- | --- | --- | --- |',
  ];
  for (const f of input.findings) {
    const where = `${displayPath(f.pos.file, input.baseDir)}:${f.pos.line}:${f.pos.column}`;
    out.push(`| ${ICON[f.severity]} ${f.severity} | ${markdownCell(where)} | ${markdownCell(f.ruleId)} | ${markdownCell(findingSubject(f) + f.message)} |`);
  }
  return out.join('\n') + '\n';
}
