import { redactText } from '../core/redact.js';
import type { Finding } from '../types.js';

/**
 * Texts of admission answers. `kubectl` prints each warning on its own line after `Warning: `
 * (the API server adds it, so warnings here carry no prefix) and the denial message after
 * `admission webhook "..." denied the request: `.
 */

/** Longest warning, in characters (the issue's limit; the API server itself truncates far longer ones). */
export const MAX_WARNING_LENGTH = 120;
/** Warnings in one answer before the rest are folded into one "and N more". */
export const MAX_WARNINGS = 10;
/** Findings quoted in full in a denial message; the rest are named by rule id. */
export const MAX_DENY_FINDINGS = 5;

/**
 * Split a rule message into its facts (the head) and the rest: the head ends at the first `: `
 * or `; ` outside parentheses and quotes. Rule messages read "<facts>: <consequence>; <advice>",
 * so the head keeps the numbers: `memory limit 4Gi without maxmemory`.
 */
export function messageHead(message: string): string {
  let depth = 0;
  let quote = false;
  for (let i = 0; i < message.length - 1; i++) {
    const c = message[i];
    if (c === '"') quote = !quote;
    else if (quote) continue;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (c === ':' || c === ';') && message[i + 1] === ' ') return message.slice(0, i);
  }
  return message;
}

/** Remove parenthesised parts outside quotes (`fork peak 8Gi (4Gi in use + ...) exceeds` -> `fork peak 8Gi exceeds`). */
function dropParentheses(s: string): string {
  let out = '';
  let depth = 0;
  let quote = false;
  for (const c of s) {
    if (c === '"' && depth === 0) quote = !quote;
    if (!quote && c === '(') depth++;
    if (depth === 0) out += c;
    if (!quote && c === ')' && depth > 0) depth--;
  }
  return out.replace(/ {2,}/g, ' ').replace(/ ([,.;:])/g, '$1').trim();
}

/**
 * Fit a text in `max` characters: as is when it fits, else without its parenthesised parts, else
 * cut with an ellipsis (`…`, one character).
 */
export function fit(text: string, max = MAX_WARNING_LENGTH): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const shorter = [...dropParentheses(text)];
  if (shorter.length <= max) return shorter.join('');
  return shorter.slice(0, max - 1).join('').trimEnd() + '…';
}

/** A finding as one warning: `<rule-id>: <message head>` (the numbers that failed), at most 120 characters. */
export function findingWarning(f: Finding): string {
  const role = f.role && f.role !== 'standalone' ? ` (${f.role})` : '';
  return fit(`${f.ruleId}${role}: ${messageHead(redactText(f.message))}`);
}

/**
 * Bound a list of warnings: duplicates dropped, at most MAX_WARNINGS kept, the rest folded
 * into one last `and N more: <what>` warning (so at most MAX_WARNINGS + 1, each ≤ 120 characters).
 * @param names a short name per warning (a rule id), for the fold; same index as `warnings`
 */
export function boundWarnings(warnings: string[], names: string[] = []): string[] {
  const seen = new Set<string>();
  const list: Array<{ text: string; name: string }> = [];
  warnings.forEach((w, i) => {
    const text = fit(w);
    if (seen.has(text)) return;
    seen.add(text);
    list.push({ text, name: names[i] ?? '' });
  });
  if (list.length <= MAX_WARNINGS) return list.map((w) => w.text);
  const rest = list.slice(MAX_WARNINGS);
  const what = [...new Set(rest.map((w) => w.name).filter(Boolean))].join(', ');
  return [...list.slice(0, MAX_WARNINGS).map((w) => w.text), fit(`and ${rest.length} more${what ? `: ${what}` : ''}`)];
}

/**
 * The one message of a denial: what was denied, then each denying finding as `[rule-id] message`
 * (the CLI's message, with its numbers) on its own line; beyond MAX_DENY_FINDINGS, their rule ids.
 * @param object `StatefulSet shop/redis`
 */
export function denyMessage(object: string, findings: readonly Finding[]): string {
  const n = findings.length;
  const lines = findings.slice(0, MAX_DENY_FINDINGS).map((f) => `[${f.ruleId}${f.role && f.role !== 'standalone' ? ` ${f.role}` : ''}] ${redactText(f.message)}`);
  const rest = findings.slice(MAX_DENY_FINDINGS);
  if (rest.length) lines.push(`and ${rest.length} more: ${[...new Set(rest.map((f) => f.ruleId))].join(', ')}`);
  return `redis-lint denied ${object}, ${n} ${n === 1 ? 'problem' : 'problems'}:\n${lines.join('\n')}`;
}
