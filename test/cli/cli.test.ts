import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = path.join(root, 'dist/cli/main.js');

/** Run the built CLI (npm test builds first) as a user would. */
function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
}

function json(args: string[], input?: string) {
  const r = run(['--format', 'json', ...args], input);
  return { ...r, report: JSON.parse(r.stdout) as { findings: JsonFinding[]; summary: Record<string, number> } };
}

const KLAMM = 'examples/incidents/klamm-helmrelease-50mi.yaml';

describe('redis-lint examples/', () => {
  it('exits 1 with findings on the incident files only', () => {
    const r = json(['examples/']);
    expect(r.code).toBe(1);
    const files = new Set(r.report.findings.map((f) => f.file));
    // outside incidents/ only the fixed OT-Container-Kit chart values, named (info) and not passed in silence (issue 15)
    const others = r.report.findings.filter((f) => !f.file.startsWith('examples/incidents/'));
    expect(others.map((f) => `${f.file} ${f.severity}`)).toEqual(['examples/fixed/runbook-prevention-values.yaml info']);
    // every incident file is flagged
    for (const f of readdirSync(path.join(root, 'examples/incidents'))) {
      if (/\.ya?ml$/.test(f) && f !== 'Chart.yaml') expect(files, f).toContain(`examples/incidents/${f}`);
    }
  });

  it('the fixed examples pass; at --fail-level info only the OT-Container-Kit values are named as not evaluated', () => {
    expect(run(['examples/fixed/']).code).toBe(0);
    const r = json(['--fail-level', 'info', 'examples/fixed/']);
    expect(r.report.findings.map((f) => `${f.file} ${f.ruleId} ${f.message.slice(0, 40)}`)).toEqual(['examples/fixed/runbook-prevention-values.yaml unresolved-values OT-Container-Kit redis-operator chart va']);
  });
});

describe('the 50Mi HelmRelease', () => {
  const text = readFileSync(path.join(root, KLAMM), 'utf8');
  const sizeLine = text.split('\n').findIndex((l) => /size: 50Mi/.test(l)) + 1;

  it('gets aof-rewrite-unreachable at the size: 50Mi line', () => {
    const f = json([KLAMM]).report.findings.find((x) => x.ruleId === 'aof-rewrite-unreachable');
    expect(f).toBeDefined();
    expect(f!.line).toBe(sizeLine);
    expect(f!.message).toMatch(/50Mi .*64mb/);
  });

  it('grown to 100Mi, is still flagged by aof-disk-headroom with the recommended size', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-cli-'));
    const file = path.join(dir, 'hr.yaml');
    writeFileSync(file, text.replace('size: 50Mi', 'size: 100Mi'));
    const findings = json([file]).report.findings;
    expect(findings.map((f) => f.ruleId)).not.toContain('aof-rewrite-unreachable');
    const f = findings.find((x) => x.ruleId === 'aof-disk-headroom');
    expect(f?.line).toBe(sizeLine);
    // nano preset 192Mi bounds the dataset: trigger 2 x 192Mi = 384Mi, + new BASE 192Mi = 576Mi peak; /0.8 = 720Mi
    expect(f?.message).toMatch(/projected peak disk use 576Mi .*recommended volume 720Mi/);
  });
});

describe('input handling', () => {
  it('reads stdin with -', () => {
    const r = json(['-'], readFileSync(path.join(root, KLAMM), 'utf8'));
    expect(r.report.findings.some((f) => f.ruleId === 'aof-rewrite-unreachable' && f.file === '<stdin>')).toBe(true);
  });

  it('unparseable YAML about Redis: a finding at its line, exit 2, no stack trace', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-cli-'));
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: redis-config\ndata:\n  a: [1, 2\n  b: 3\n');
    const r = run([file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/invalid-yaml/);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  });

  it('a missing path is an input error (exit 2)', () => {
    const r = run(['does-not-exist.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/cannot read does-not-exist.yaml: ENOENT/);
  });

  it('usage errors exit 2', () => {
    expect(run([]).code).toBe(2);
    expect(run(['--format', 'xml', 'examples/']).code).toBe(2);
    expect(run(['--bogus']).code).toBe(2);
  });

  it('merges --values files in order (later wins)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-cli-'));
    writeFileSync(path.join(dir, 'a.yaml'), 'architecture: standalone\nmaster:\n  persistence:\n    size: 50Mi\n');
    writeFileSync(path.join(dir, 'b.yaml'), 'master:\n  persistence:\n    size: 20Gi\n');
    const ab = json(['--values', path.join(dir, 'a.yaml'), '--values', path.join(dir, 'b.yaml')]).report.findings;
    expect(ab.map((f) => f.ruleId)).not.toContain('aof-rewrite-unreachable');
    const ba = json(['--values', path.join(dir, 'b.yaml'), '--values', path.join(dir, 'a.yaml')]).report.findings;
    const f = ba.find((x) => x.ruleId === 'aof-rewrite-unreachable');
    expect(f?.file).toBe(path.join(dir, 'a.yaml'));
    expect(f?.line).toBe(4);
  });

  it('never prints secret values found in inputs', () => {
    const secret = 'S3cr3t-planted-value-42';
    const values = `architecture: standalone\nauth:\n  password: ${secret}\nmaster:\n  persistence:\n    size: 50Mi\n  configuration: |\n    requirepass ${secret}\n    masterauth ${secret}\n`;
    for (const format of ['stylish', 'json']) {
      const r = run(['--format', format, '-'], values);
      expect(r.stdout + r.stderr).not.toContain(secret);
      expect(r.code).toBe(1);
    }
  });

  it('rules lists every rule with its severity', () => {
    const r = run(['rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^aof-rewrite-unreachable\s+error\s+yes\s+docs\/rules\/aof-rewrite-unreachable\.md\s+The data volume/m);
    expect(r.stdout).toMatch(/^replicas-failover\s+warning\s+docs\/rules\/replicas-failover\.md/m);
    expect(r.stdout).toMatch(/^unused-suppression\s+warning/m);
    expect(r.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(19);
  });
});

describe('several --format/--output pairs', () => {
  it('writes each report to its file and one to stdout, in a single run', () => {
    const d = mkdtempSync(path.join(tmpdir(), 'redis-lint-out-'));
    const sarif = path.join(d, 'out.sarif');
    const junit = path.join(d, 'out.xml');
    const r = run(['--format', 'sarif', '--output', sarif, '--format', 'json', '--format', 'junit', '-o', junit, KLAMM]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    expect(report.findings.length).toBeGreaterThan(0);
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as { version: string; runs: Array<{ results: unknown[] }> };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results.length).toBe(report.findings.length);
    expect(readFileSync(junit, 'utf8')).toMatch(/^<\?xml[\s\S]*<testsuites[\s\S]*aof-rewrite-unreachable/);
  });

  it.each([
    [['--output', 'x.sarif', '--format', 'sarif'], /--output x\.sarif comes before any --format/],
    [['--format', 'json', '--format', 'stylish'], /only one --format can go to standard output/],
    [['--format', 'sarif', '-o', 'a', '-o', 'b'], /--format sarif has two --output files/],
    [['--format', 'xml'], /--format must be one of stylish, json, sarif, github, junit, rdjson, codequality, not "xml"/],
    [['--fix', '--fix-dry-run'], /--fix and --fix-dry-run exclude each other/],
  ])('%j is a usage error (exit 2)', (args, message) => {
    const r = run([...args, KLAMM]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('an output file that cannot be written is exit 2 with its name', () => {
    const r = run(['--format', 'sarif', '--output', '/nonexistent-dir/out.sarif', KLAMM]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write \/nonexistent-dir\/out\.sarif: ENOENT/);
  });
});

describe('config exemptions on the command line', () => {
  it('an expired exemption no longer applies and says so on stderr', () => {
    const d = mkdtempSync(path.join(tmpdir(), 'redis-lint-exempt-'));
    const cfg = path.join(d, 'config.yaml');
    const entry = (expires: string) => `exemptions:\n  - {kind: HelmRelease, namespace: klamm-prod, name: redis, rules: [aof-rewrite-unreachable], reason: "migrating", expires: "${expires}"}\n`;
    writeFileSync(cfg, entry('2099-01-01'));
    expect(json(['--config', cfg, KLAMM]).report.findings.map((f) => f.ruleId)).not.toContain('aof-rewrite-unreachable');
    writeFileSync(cfg, entry('2020-01-01'));
    const r = json(['--config', cfg, KLAMM]);
    expect(r.report.findings.map((f) => f.ruleId)).toContain('aof-rewrite-unreachable');
    expect(r.stderr).toMatch(/exemption for HelmRelease\/klamm-prod\/redis \(aof-rewrite-unreachable\) expired on 2020-01-01: it no longer applies/);
  });
});
