import { describe, expect, it } from 'vitest';
import { formatSarif } from '../../src/report/sarif.js';
import { githubStepSummary, isReportFormat, REPORT_FORMATS } from '../../src/report/index.js';
import { formatJson } from '../../src/report/json.js';
import { formatStylish } from '../../src/report/stylish.js';
import { CLEAN_EXAMPLES, lint, reportInput, syntheticInput } from './helpers.js';

describe('REPORT_FORMATS', () => {
  it('has every format', () => {
    expect(Object.keys(REPORT_FORMATS).sort()).toEqual(['codequality', 'github', 'json', 'junit', 'policyreport', 'rdjson', 'sarif', 'stylish']);
    expect(isReportFormat('sarif')).toBe(true);
    expect(isReportFormat('toString')).toBe(false);
    expect(typeof githubStepSummary).toBe('function');
  });

  it('stylish and json are the existing reports', async () => {
    const result = await lint(['examples/incidents']);
    const input = reportInput(result);
    expect(REPORT_FORMATS.stylish(input)).toBe(formatStylish(result.findings, { color: false }));
    expect(REPORT_FORMATS.stylish(input, { color: true })).toBe(formatStylish(result.findings, { color: true }));
    expect(REPORT_FORMATS.json(input)).toBe(formatJson(result.findings, { files: result.files.length, deployments: result.deployments.length }));
    expect(REPORT_FORMATS.sarif(input)).toBe(formatSarif(input));
  });

  it('stylish without findings: the clean-run line', async () => {
    const result = await lint(CLEAN_EXAMPLES);
    expect(result.findings).toEqual([]);
    expect(REPORT_FORMATS.stylish(reportInput(result))).toBe(`✔ no problems in ${result.files.length} file(s), ${result.deployments.length} Redis deployment role(s)\n`);
    expect(REPORT_FORMATS.stylish(syntheticInput([], { files: 2, deployments: 3 }))).toBe('✔ no problems in 2 file(s), 3 Redis deployment role(s)\n');
  });

  it('every format is a pure function of its input (same input, same text)', async () => {
    const input = reportInput(await lint(['examples/incidents']));
    for (const [name, format] of Object.entries(REPORT_FORMATS)) {
      const text = format(input);
      expect(text.length, name).toBeGreaterThan(0);
      expect(format(input), name).toBe(text);
      expect(text.endsWith('\n'), name).toBe(true);
    }
  });
});
