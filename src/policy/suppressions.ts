import { didYouMean } from '../core/did-you-mean.js';
import type { Finding, Severity, SourcePosition } from '../types.js';

/**
 * Inline suppressions, for files that have no metadata to annotate (Helm values files), in the
 * shape ESLint and yamllint users know:
 *
 *     # redis-lint-disable-next-line <rule-id>[, <rule-id>...] -- <reason>
 *     # redis-lint-disable <rule-id>[, <rule-id>...] -- <reason>
 *
 * `disable-next-line` covers findings that start on the next line that is neither blank nor a
 * comment (so several directives can stand above one key); `disable` covers the whole file. The
 * reason after `--` is required. The comment may be a YAML comment or a comment line inside a
 * redis.conf block scalar (`commonConfiguration: |`), which Redis ignores too: the file's lines
 * are scanned as text.
 *
 * A directive without a reason, without a rule id, or naming a rule the policy does not have is
 * an `invalid-suppression` finding and suppresses nothing; a valid one that suppressed no finding
 * is an `unused-suppression` finding (unless its rule is off, when it cannot be judged).
 */

/** One rule id of one directive comment. */
export interface SuppressionDirective {
  kind: 'disable-next-line' | 'disable';
  ruleId: string;
  reason: string;
  /** the comment, from its `#` to the end of the line */
  pos: SourcePosition;
  /** for disable-next-line: the 1-based line it covers; undefined when no content line follows */
  targetLine?: number;
}

/** What went wrong with a directive comment, for an `invalid-suppression` finding. */
export interface SuppressionProblem {
  message: string;
  pos: SourcePosition;
}

const DIRECTIVE = /#\s*redis-lint-(disable-next-line|disable)(?![\w-])(.*)$/;

/**
 * The directives of one file's text.
 * @param file the file name positions carry
 * @param text the file's text (a BOM, CRLF line ends allowed)
 * @param knownRules the rule ids of the policy; a directive naming another is a problem
 */
export function parseSuppressions(file: string, text: string, knownRules: ReadonlySet<string>): { directives: SuppressionDirective[]; problems: SuppressionProblem[] } {
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
  const directives: SuppressionDirective[] = [];
  const problems: SuppressionProblem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const m = DIRECTIVE.exec(line);
    if (!m) continue;
    const column = m.index + 1;
    const pos: SourcePosition = { file, line: i + 1, column, endLine: i + 1, endColumn: line.length + 1, yamlPath: '' };
    const kind = m[1] as SuppressionDirective['kind'];
    const rest = m[2];
    const sep = rest.search(/(^|\s)--(\s|$)/);
    const idsText = (sep < 0 ? rest : rest.slice(0, sep)).trim();
    const reason = sep < 0 ? '' : rest.slice(sep).replace(/^\s*--/, '').trim();
    const ids = idsText.split(/[\s,]+/).filter(Boolean);
    const example = `# redis-lint-${kind} <rule-id> -- <reason>`;
    if (!ids.length) {
      problems.push({ message: `redis-lint-${kind} names no rule: write ${example}`, pos });
      continue;
    }
    const unknown = ids.filter((id) => !knownRules.has(id));
    if (unknown.length) {
      problems.push({ message: `redis-lint-${kind} names ${unknown.map((u) => `"${u}"${didYouMean(u, knownRules)}`).join(', ')}, not ${unknown.length === 1 ? 'a rule' : 'rules'} of redis-lint (redis-lint rules lists them)`, pos });
      continue;
    }
    if (!reason) {
      problems.push({ message: `redis-lint-${kind} ${ids.join(', ')} has no reason: write ${example.replace('<rule-id>', ids.join(', '))}`, pos });
      continue;
    }
    let targetLine: number | undefined;
    if (kind === 'disable-next-line') {
      for (let j = i + 1; j < lines.length; j++) {
        const t = lines[j].trim();
        if (t === '' || t.startsWith('#')) continue;
        targetLine = j + 1;
        break;
      }
    }
    for (const ruleId of ids) directives.push({ kind, ruleId, reason, pos, targetLine });
  }
  return { directives, problems };
}

/** Rule ids a directive can never suppress: the suppression notices themselves. */
const UNSUPPRESSIBLE = new Set(['unused-suppression', 'invalid-suppression']);

/**
 * Apply the inline suppressions of the run's files to its findings.
 * @param findings every finding of the run
 * @param texts file name -> text, for the files whose comments count (files on disk and stdin)
 * @param severities the severity of each rule in force (`off` rules are absent); decides which
 *   rules exist, whether an unused directive is reported, and the severity of the two notices
 * @param knownRules every rule id of the policy, off ones included
 * @returns the findings left, plus `invalid-suppression` and `unused-suppression` findings (when
 *   those rules are on), in no particular order
 */
export function applySuppressions(
  findings: readonly Finding[],
  texts: ReadonlyMap<string, string>,
  severities: Readonly<Record<string, Severity | undefined>>,
  knownRules: ReadonlySet<string>,
): Finding[] {
  const out: Finding[] = [];
  const byFile = new Map<string, SuppressionDirective[]>();
  for (const [file, text] of texts) {
    if (!text.includes('redis-lint-disable')) continue;
    const { directives, problems } = parseSuppressions(file, text, knownRules);
    byFile.set(file, directives);
    const sev = severities['invalid-suppression'];
    if (sev) for (const p of problems) out.push({ ruleId: 'invalid-suppression', severity: sev, message: p.message, pos: p.pos });
  }
  const used = new Set<SuppressionDirective>();
  for (const f of findings) {
    const directives = UNSUPPRESSIBLE.has(f.ruleId) ? undefined : byFile.get(f.pos.file);
    const hit = directives?.filter((d) => d.ruleId === f.ruleId && (d.kind === 'disable' || d.targetLine === f.pos.line));
    if (hit?.length) {
      for (const d of hit) used.add(d);
      continue;
    }
    out.push(f);
  }
  const sev = severities['unused-suppression'];
  if (sev) {
    for (const directives of byFile.values()) {
      for (const d of directives) {
        if (used.has(d) || !severities[d.ruleId]) continue;
        const where = d.kind === 'disable' ? 'in this file' : d.targetLine ? `on line ${d.targetLine}` : 'after it (no line follows)';
        out.push({ ruleId: 'unused-suppression', severity: sev, message: `redis-lint-${d.kind} ${d.ruleId} suppresses nothing: no ${d.ruleId} finding ${where}`, pos: d.pos });
      }
    }
  }
  return out;
}
