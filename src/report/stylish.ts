import { printable } from '../core/redact.js';
import type { Finding, Severity } from '../types.js';

/** Options of the stylish report. */
export interface StylishOptions {
  color: boolean;
}

const COLORS: Record<Severity | 'dim' | 'bold' | 'reset' | 'underline', string> = {
  error: '\x1b[31m',
  warning: '\x1b[33m',
  info: '\x1b[36m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  underline: '\x1b[4m',
  reset: '\x1b[0m',
};

/**
 * ESLint-style report: findings grouped by file, one line each
 * (`  line:col  severity  message  rule-id`), then a summary line.
 * @returns the whole report text (empty string when there is nothing to report)
 */
export function formatStylish(findings: readonly Finding[], opts: StylishOptions): string {
  const c = (k: keyof typeof COLORS, s: string) => (opts.color ? COLORS[k] + s + COLORS.reset : s);
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byFile.get(f.pos.file) ?? [];
    list.push(f);
    byFile.set(f.pos.file, list);
  }
  const out: string[] = [];
  for (const [file, list] of byFile) {
    out.push(c('underline', printable(file)));
    const rows = list.map((f) => {
      const who = f.object ? `${f.object.kind}/${f.object.namespace ? f.object.namespace + '/' : ''}${f.object.name}${f.role ? ` (${f.role})` : ''}: ` : '';
      // names and messages come from the input: no control characters reach the terminal or CI log
      return [`${f.pos.line}:${f.pos.column}`, f.severity, printable(who + f.message), f.ruleId] as const;
    });
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    for (const [loc, sev, msg, id] of rows) {
      out.push(`  ${c('dim', loc.padEnd(w0))}  ${c(sev as Severity, sev.padEnd(w1))}  ${msg}  ${c('dim', id)}`);
    }
    out.push('');
  }
  const n = countBySeverity(findings);
  const total = findings.length;
  if (total === 0) return '';
  const worst: Severity = n.error ? 'error' : n.warning ? 'warning' : 'info';
  const summary = `✖ ${total} problem${total === 1 ? '' : 's'} (${n.error} error${n.error === 1 ? '' : 's'}, ${n.warning} warning${n.warning === 1 ? '' : 's'}, ${n.info} info)`;
  out.push(c(worst, c('bold', summary)));
  return out.join('\n') + '\n';
}

/** Count findings per severity. */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const n: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) n[f.severity]++;
  return n;
}
