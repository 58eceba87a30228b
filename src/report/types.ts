import type { RulePolicy } from '../policy/policy.js';
import type { FileEdit } from '../core/file-edit.js';
import type { Finding } from '../types.js';

export type { FileEdit } from '../core/file-edit.js';

/**
 * Everything a report format may use besides the findings. Formats that need nothing more
 * (stylish, json) ignore the rest.
 */
export interface ReportInput {
  /** sorted by file, line, column (engine.sortFindings) */
  findings: readonly Finding[];
  /** number of input files read */
  files: number;
  /** number of Redis deployment roles found */
  deployments: number;
  /**
   * every object checked that made a Redis deployment (kind, namespace, name, and the file and
   * position of the object), once each, for formats that list passing checks too (junit)
   */
  objects: ReadonlyArray<{ kind: string; namespace?: string; name: string; file: string; line: number }>;
  /** rule metadata and severities in force: the policy's `rules` (description, remediation, incident, severity) */
  rules: Readonly<Record<string, RulePolicy>>;
  /** redis-lint's version (package.json) */
  toolVersion: string;
  /** absolute directory that file URIs are made relative to (SARIF, codequality); the working directory by default */
  baseDir: string;
  /** the text of an input file, when it can be read (not for stdin); formats that need UTF-8 byte columns read lines from it */
  sourceText?: (file: string) => string | undefined;
  /** edits that would fix a finding (`--fix` would make them), for rdjson suggestions and SARIF fixes */
  fixes?: ReadonlyMap<Finding, readonly FileEdit[]>;
  /** process environment (GITHUB_STEP_SUMMARY etc.); process.env by default */
  env?: NodeJS.ProcessEnv;
}
