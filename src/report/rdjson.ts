import type { Finding, Severity } from '../types.js';
import { displayPath, findingSubject, HOMEPAGE, ruleHelpUri } from './sarif.js';
import type { ReportInput } from './types.js';

type RdSeverity = 'ERROR' | 'WARNING' | 'INFO';
const SEVERITY: Record<Severity, RdSeverity> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** A position in reviewdog's terms: 1-based line, 1-based column counted in UTF-8 bytes. */
interface RdPosition {
  line: number;
  column: number;
}

/**
 * Convert a 1-based column counted in UTF-16 code units (our positions) to a 1-based column
 * counted in UTF-8 bytes, given the line's text. Columns past the end of the line (an exclusive
 * end after the last character) count one byte per missing character.
 * @param lineText the line without its line break; undefined keeps the column as is
 */
export function utf8Column(lineText: string | undefined, column: number): number {
  if (lineText === undefined || column <= 1) return Math.max(1, column);
  const units = column - 1;
  const before = lineText.slice(0, Math.min(units, lineText.length));
  return Buffer.byteLength(before, 'utf8') + Math.max(0, units - lineText.length) + 1;
}

/** Lines of each file (split at LF; a CR before it is part of no column we convert), read once per file. */
function lineReader(input: ReportInput): (file: string, line: number) => string | undefined {
  const cache = new Map<string, string[] | undefined>();
  return (file, line) => {
    if (!cache.has(file)) {
      let text: string | undefined;
      try {
        text = input.sourceText?.(file);
      } catch {
        text = undefined;
      }
      cache.set(file, text === undefined ? undefined : text.split('\n'));
    }
    return cache.get(file)?.[line - 1];
  };
}

/**
 * The `--format rdjson` report: reviewdog's Diagnostic Format, rdjson wire format (the
 * `DiagnosticResult` message of reviewdog proto/rdf/reviewdog.proto, JSON Schema
 * proto/rdf/jsonschema/DiagnosticResult.jsonschema), for `reviewdog -f=rdjson`.
 *
 * Shape: `{source: {name: "redis-lint", url}, severity?, diagnostics: [{message, location: {path,
 * range: {start: {line, column}, end: {line, column}}}, severity: ERROR|WARNING|INFO, source,
 * code: {value: <rule-id>, url: <rule docs>}, suggestions?: [{range, text}]}]}`.
 * - lines are 1-based; columns are 1-based UTF-8 byte counts (converted from our UTF-16 columns with
 *   the file's text from `input.sourceText`; kept as they are when the text is unavailable, e.g. stdin);
 *   the range end is exclusive, as ours is;
 * - `path` is relative to `baseDir` (absolute outside it, `<stdin>` for stdin);
 * - the top-level `severity` is the worst severity among the findings (absent when there are none);
 * - `suggestions` are the finding's `input.fixes` edits in the same file (a suggestion has no path
 *   of its own).
 * @returns the document as pretty-printed JSON and a newline
 */
export function formatRdjson(input: ReportInput): string {
  const lineOf = lineReader(input);
  const pos = (file: string, p: { line: number; column: number }): RdPosition => {
    const line = Math.max(1, p.line);
    return { line, column: utf8Column(lineOf(file, line), p.column) };
  };
  const source = { name: 'redis-lint', url: HOMEPAGE };
  const diagnostics = input.findings.map((f: Finding) => {
    const start = pos(f.pos.file, f.pos);
    let end = pos(f.pos.file, { line: f.pos.endLine || f.pos.line, column: f.pos.endColumn || f.pos.column });
    if (end.line < start.line || (end.line === start.line && end.column < start.column)) end = start;
    const d: Record<string, unknown> = {
      message: `${findingSubject(f)}${f.message}`,
      location: { path: displayPath(f.pos.file, input.baseDir), range: { start, end } },
      severity: SEVERITY[f.severity],
      source,
      code: { value: f.ruleId, url: ruleHelpUri(f.ruleId) },
    };
    const edits = (input.fixes?.get(f) ?? []).filter((e) => e.file === f.pos.file);
    if (edits.length) {
      d.suggestions = edits.map((e) => ({ range: { start: pos(e.file, e.start), end: pos(e.file, e.end) }, text: e.text }));
    }
    return d;
  });
  const doc: Record<string, unknown> = { source };
  if (input.findings.length) {
    const worst = input.findings.reduce<Severity>((w, f) => (RANK[f.severity] < RANK[w] ? f.severity : w), 'info');
    doc.severity = SEVERITY[worst];
  }
  doc.diagnostics = diagnostics;
  return JSON.stringify(doc, null, 2) + '\n';
}
