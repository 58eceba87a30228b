/**
 * The "done when": the Lint step of action.yml, run by bash exactly as GitHub runs a
 * composite step (its `run:` script, the inputs of examples/github/redis-lint.yml in its `env:`,
 * GITHUB_ACTION_PATH at this checkout, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), on
 * examples/incidents. The SARIF it writes must have zero errors against the official schema and
 * zero errors from GitHub's ingestion rules (sarif-multitool --rule-kind Gh), and the workflow
 * annotations must sit at the lines of the findings.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, runMultitool, sarifSchemaErrors, tempDir } from '../report/helpers.js';

interface Step {
  id?: string;
  run?: string;
  env?: Record<string, string>;
}

const action = parse(readFileSync(path.join(projectRoot, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { steps: Step[] } };
const workflow = parse(readFileSync(path.join(projectRoot, 'examples/github/redis-lint.yml'), 'utf8')) as { jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }> };

/** The inputs the example workflow gives the action, over the action's defaults. */
function inputs(): Record<string, string> {
  const step = Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.uses?.startsWith('redis-lint/redis-lint'))!;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(action.inputs)) if (v.default !== undefined) out[k] = String(v.default);
  for (const [k, v] of Object.entries(step.with ?? {})) out[k] = String(v);
  return out;
}

/** Evaluate a step's env the way GitHub does for the `${{ inputs.x }}` expressions it uses. */
function stepEnv(step: Step, given: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env ?? {})) {
    env[k] = v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => given[name] ?? '');
    expect(env[k], `${k} uses an expression this test does not evaluate`).not.toMatch(/\$\{\{/);
  }
  return env;
}

describe('action.yml Lint step on examples/incidents, as examples/github/redis-lint.yml runs it', () => {
  const work = tempDir('redis-lint-action-');
  let run: { status: number | null; stdout: string; stderr: string };
  let outputs: string;
  let summary: string;
  let sarif: { runs: Array<{ results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }> }> }> };
  let json: { findings: Array<{ ruleId: string; severity: string; file: string; line: number; column: number; endLine: number; endColumn: number }> };

  beforeAll(() => {
    // the repository checkout the action runs in: the examples at the same relative paths
    cpSync(path.join(projectRoot, 'examples'), path.join(work, 'examples'), { recursive: true });
    const lint = action.runs.steps.find((s) => s.id === 'lint')!;
    const outputFile = path.join(work, 'github_output');
    const summaryFile = path.join(work, 'step_summary.md');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', lint.run!], {
      cwd: work,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_ACTION_PATH: projectRoot, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_ACTIONS: 'true', ...stepEnv(lint, inputs()) },
    });
    run = { status: r.status, stdout: r.stdout, stderr: r.stderr };
    outputs = readFileSync(outputFile, 'utf8');
    summary = readFileSync(summaryFile, 'utf8');
    sarif = JSON.parse(readFileSync(path.join(work, inputs()['sarif-file']), 'utf8'));
    // the same run's findings, for the positions
    const j = spawnSync(process.execPath, [path.join(projectRoot, 'dist/cli/main.js'), '--format', 'json', 'examples/incidents'], { cwd: work, encoding: 'utf8' });
    json = JSON.parse(j.stdout);
  }, 120_000);

  it('the step succeeds and records the lint exit code (1: the incidents have errors) and the SARIF', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(outputs).toMatch(/^exit-code=1$/m);
    expect(outputs).toMatch(/^sarif=true$/m);
    expect(json.findings.length).toBeGreaterThan(10);
  });

  it('the SARIF has zero errors against the official SARIF 2.1.0 schema', () => {
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].results.length).toBe(json.findings.length);
  });

  it("the SARIF has zero errors under GitHub's ingestion rules (sarif-multitool validate --rule-kind Gh)", () => {
    const { results } = runMultitool([path.join(work, inputs()['sarif-file'])], 'Gh');
    expect(results.filter((r) => r.level === 'error')).toEqual([]);
  });

  it('every SARIF result sits at its finding: repo-relative URI and the full region', () => {
    const key = (file: string, l: number, c: number, el: number, ec: number) => `${file}:${l}:${c}-${el}:${ec}`;
    const want = json.findings.map((f) => `${f.ruleId} ${key(f.file, f.line, f.column, f.endLine, f.endColumn)}`).sort();
    const got = sarif.runs[0].results
      .map((r) => {
        const p = r.locations[0].physicalLocation;
        return `${r.ruleId} ${key(decodeURIComponent(p.artifactLocation.uri), p.region.startLine, p.region.startColumn, p.region.endLine, p.region.endColumn)}`;
      })
      .sort();
    expect(got).toEqual(want);
    // the incident that started it all: the 50Mi PVC, at the size line, not line 1
    const klamm = readFileSync(path.join(work, 'examples/incidents/klamm-helmrelease-50mi.yaml'), 'utf8').split('\n');
    const unreachable = json.findings.find((f) => f.ruleId === 'aof-rewrite-unreachable' && f.file.endsWith('klamm-helmrelease-50mi.yaml'))!;
    expect(klamm[unreachable.line - 1]).toMatch(/size: 50Mi/);
  });

  it('the workflow annotations are at the findings’ lines, most severe first, at most 10 per severity, the rest summed up', () => {
    const lines = run.stdout.split('\n').filter((l) => l.startsWith('::'));
    // columns only on one-line spans (GitHub ignores them across lines)
    const annotations = lines.map((l) => /^::(error|warning|notice) file=([^,]+),line=(\d+),endLine=(\d+)(?:,col=(\d+),endColumn=(\d+))?,title=([^:]+)::(.*)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
    expect(annotations.length).toBeGreaterThan(10);
    for (const m of annotations) {
      const [, level, file, line, endLine, col, endColumn] = m;
      const sev = level === 'notice' ? 'info' : level;
      const rule = /\[([a-z0-9-]+)\]$/.exec(m[8])?.[1];
      const match = json.findings.some(
        (f) => f.file === file && f.line === Number(line) && f.endLine === Number(endLine) && (col === undefined ? f.line !== f.endLine : f.column === Number(col) && f.endColumn === Number(endColumn)) && f.severity === sev && f.ruleId === rule,
      );
      expect(match, m[0]).toBe(true);
    }
    const order = annotations.map((m) => ['error', 'warning', 'notice'].indexOf(m[1]));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const level of ['error', 'warning', 'notice']) expect(annotations.filter((m) => m[1] === level).length).toBeLessThanOrEqual(10);
    if (annotations.length < json.findings.length) expect(lines[lines.length - 1]).toMatch(/^::notice /);
    // the step summary lists every finding
    for (const f of json.findings) expect(summary).toContain(f.ruleId);
    expect(summary.split('\n').filter((l) => /^\| \S+ (error|warning|info) \|/.test(l)).length).toBe(json.findings.length);
  });
});
