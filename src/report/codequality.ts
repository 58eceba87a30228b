import { createHash } from 'node:crypto';
import type { Severity } from '../types.js';
import { displayPath, findingSubject, objectName } from './sarif.js';
import type { ReportInput } from './types.js';

/** GitLab Code Quality severities (the Code Climate spec's, plus `info`). */
export type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

/**
 * redis-lint severity -> Code Quality severity. An error is `critical`: it is what fails the
 * pipeline at the default `--fail-level` and stands for an outage or lost data (a full disk, an
 * OOM-killed fork, a Redis that cannot start), which is more than the "major" of a code smell;
 * `blocker` is left for nothing we report. warning -> `minor`, info -> `info`.
 */
export const CODEQUALITY_SEVERITY: Record<Severity, CodeQualitySeverity> = { error: 'critical', warning: 'minor', info: 'info' };

/**
 * The `--format codequality` report: a GitLab Code Quality report (GitLab Docs, "Code Quality",
 * "Implement a custom tool": `artifacts:reports:codequality`; a subset of the Code Climate
 * engine issue spec): a JSON array of
 * `{type: "issue", check_name, description, categories, fingerprint, severity, location: {path, lines: {begin, end}}}`.
 * - `description`: `Kind/namespace/name (role): <message>`; `check_name`: the rule id;
 * - `fingerprint`: sha256 hex of rule id, path, object and role, YAML path and message, so that it
 *   is stable while the finding stays and unique per finding (a repeated key gets `#2`, `#3` mixed in);
 * - `severity`: see {@link CODEQUALITY_SEVERITY};
 * - `location.path` is relative to `baseDir` (the repository root in a GitLab job).
 * @returns the array as pretty-printed JSON and a newline (`[]` when there are no findings)
 */
export function formatCodeQuality(input: ReportInput): string {
  const used = new Set<string>();
  const issues = input.findings.map((f) => {
    const file = displayPath(f.pos.file, input.baseDir);
    const object = f.object ? `${objectName(f.object)}|${f.role ?? ''}` : '';
    const base = [f.ruleId, file, object, f.pos.yamlPath, f.message].join('\0');
    let keyText = base;
    for (let n = 2; used.has(keyText); n++) keyText = `${base}\0#${n}`;
    used.add(keyText);
    const begin = Math.max(1, f.pos.line);
    return {
      type: 'issue',
      check_name: f.ruleId,
      description: `${findingSubject(f)}${f.message}`,
      categories: ['Bug Risk'],
      fingerprint: createHash('sha256').update(keyText).digest('hex'),
      severity: CODEQUALITY_SEVERITY[f.severity],
      location: { path: file, lines: { begin, end: Math.max(begin, f.pos.endLine || begin) } },
    };
  });
  return JSON.stringify(issues, null, 2) + '\n';
}
