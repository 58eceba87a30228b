import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODEQUALITY_SEVERITY, formatCodeQuality } from '../../src/report/codequality.js';
import { finding, lint, projectRoot, reportInput, syntheticInput } from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('codequality (GitLab Code Quality)', () => {
  it('one issue per finding with the required fields (the incidents)', async () => {
    const input = reportInput(await lint(['examples/incidents']));
    const issues = JSON.parse(formatCodeQuality(input)) as any[];
    expect(Array.isArray(issues)).toBe(true);
    expect(issues).toHaveLength(input.findings.length);
    input.findings.forEach((f, i) => {
      const q = issues[i];
      expect(Object.keys(q).sort()).toEqual(['categories', 'check_name', 'description', 'fingerprint', 'location', 'severity', 'type']);
      expect(q.type).toBe('issue');
      expect(q.check_name).toBe(f.ruleId);
      expect(q.description.endsWith(f.message)).toBe(true);
      if (f.object) expect(q.description.startsWith(`${f.object.kind}/`)).toBe(true);
      expect(q.location).toEqual({ path: f.pos.file, lines: { begin: f.pos.line, end: f.pos.endLine } });
      expect(q.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    });
    const fingerprints = issues.map((q) => q.fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    // stable from run to run
    expect(JSON.parse(formatCodeQuality(input)).map((q: any) => q.fingerprint)).toEqual(fingerprints);
  });

  it('severities: error -> critical, warning -> minor, info -> info', () => {
    expect(CODEQUALITY_SEVERITY).toEqual({ error: 'critical', warning: 'minor', info: 'info' });
    const issues = JSON.parse(formatCodeQuality(syntheticInput([finding({ severity: 'error' }), finding({ severity: 'warning', pos: { line: 30 } }), finding({ severity: 'info', pos: { line: 31 } })]))) as any[];
    expect(issues.map((q) => q.severity)).toEqual(['critical', 'minor', 'info']);
    for (const q of issues) expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(q.severity);
  });

  it('fingerprints are unique even for identical findings, and differ per rule, place and object', () => {
    const same = finding();
    const issues = JSON.parse(
      formatCodeQuality(
        syntheticInput([same, { ...same }, { ...same }, finding({ ruleId: 'appendfsync-policy' }), finding({ pos: { yamlPath: 'other' } }), finding({ object: { kind: 'StatefulSet', name: 'other' } })]),
      ),
    ) as any[];
    const fps = issues.map((q) => q.fingerprint);
    expect(new Set(fps).size).toBe(6);
  });

  it('paths relative to baseDir; no findings: []', () => {
    const issues = JSON.parse(formatCodeQuality(syntheticInput([finding({ pos: { file: path.join(projectRoot, 'deploy', 'redis values.yaml'), line: 3, endLine: 1 } })]))) as any[];
    expect(issues[0].location).toEqual({ path: 'deploy/redis values.yaml', lines: { begin: 3, end: 3 } });
    expect(formatCodeQuality(syntheticInput([]))).toBe('[]\n');
  });
});
