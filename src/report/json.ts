import type { Finding } from '../types.js';
import { countBySeverity } from './stylish.js';

/** Summary block of the JSON report. */
export interface JsonSummary {
  files: number;
  deployments: number;
  errors: number;
  warnings: number;
  infos: number;
}

/**
 * The `--format json` report: one document
 * `{"findings":[{ruleId,severity,message,file,line,column,endLine,endColumn,yamlPath,object,role}],"summary":{...}}`.
 * `object` and `role` are null for findings not tied to a Redis deployment (e.g. invalid YAML).
 */
export function formatJson(findings: readonly Finding[], counts: { files: number; deployments: number }): string {
  const n = countBySeverity(findings);
  const doc = {
    findings: findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: f.pos.file,
      line: f.pos.line,
      column: f.pos.column,
      endLine: f.pos.endLine,
      endColumn: f.pos.endColumn,
      yamlPath: f.pos.yamlPath,
      object: f.object ?? null,
      role: f.role ?? null,
    })),
    summary: { files: counts.files, deployments: counts.deployments, errors: n.error, warnings: n.warning, infos: n.info } satisfies JsonSummary,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
