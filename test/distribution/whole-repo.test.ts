/**
 * A whole GitOps repository linted the way a user adds `redis-lint .` to CI (issue 12): a Helm chart
 * source, a file that is not YAML and not about Redis, a Prometheus HelmRelease whose multi-line
 * quoted regex is indented as Kubernetes accepts it, and the 50Mi Redis incident. The only error is
 * the Redis one; the chart is said once; nothing else is printed on stderr.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = path.join(root, 'bin/redis-lint.js');

interface Finding {
  ruleId: string;
  severity: string;
  file: string;
  line: number;
}

function makeRepo(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'redis-lint-whole-'));
  mkdirSync(path.join(d, 'charts/web/templates'), { recursive: true });
  writeFileSync(path.join(d, 'charts/web/Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
  writeFileSync(path.join(d, 'charts/web/values.yaml'), 'replicaCount: 2\nimage:\n  repository: nginx\n');
  for (let i = 0; i < 5; i++) {
    writeFileSync(path.join(d, `charts/web/templates/t${i}.yaml`), `apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include "web.fullname" . }}-${i}\n  labels:\n    {{- include "web.labels" . | nindent 4 }}\n`);
  }
  mkdirSync(path.join(d, 'apps/monitoring'), { recursive: true });
  writeFileSync(path.join(d, 'apps/monitoring/broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: grafana\ndata:\n  a: [1, 2\n');
  writeFileSync(
    path.join(d, 'apps/monitoring/prometheus.yaml'),
    'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: prometheus\nspec:\n  values:\n    relabel:\n      regex: "(a|b\n      |c)"\n',
  );
  mkdirSync(path.join(d, 'apps/redis'));
  copyFileSync(path.join(root, 'examples/incidents/klamm-helmrelease-50mi.yaml'), path.join(d, 'apps/redis/helmrelease.yaml'));
  return d;
}

function lint(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [bin, '--no-config', '--format', 'json', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stderr: r.stderr, findings: (JSON.parse(r.stdout) as { findings: Finding[] }).findings };
}

describe('redis-lint . on a whole repository', () => {
  it('the only error is the Redis HelmRelease; the chart is said once; the broken unrelated file is a warning; exit 1', () => {
    const d = makeRepo();
    const r = lint(d, ['.']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const errors = r.findings.filter((f) => f.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors.map((f) => f.file))).toEqual(new Set(['apps/redis/helmrelease.yaml']));
    expect(errors.map((f) => f.ruleId)).toContain('aof-rewrite-unreachable');
    expect(r.findings.filter((f) => f.ruleId === 'helm-template-skipped').map((f) => f.file)).toEqual(['charts/web/Chart.yaml']);
    expect(r.findings.filter((f) => f.ruleId === 'invalid-yaml-skipped').map((f) => [f.file, f.line])).toEqual([['apps/monitoring/broken.yaml', 7]]);
    expect(r.findings.filter((f) => f.file.startsWith('apps/monitoring/prometheus'))).toEqual([]);
    expect(r.findings.filter((f) => f.ruleId === 'invalid-yaml')).toEqual([]);
  });

  it('--exclude and ignorePaths leave paths out; a symlinked directory is said once on stderr', () => {
    const d = makeRepo();
    symlinkSync(path.join(d, 'apps'), path.join(d, 'apps-again'));
    const r = lint(d, ['--exclude', 'charts/**', '--exclude', '**/broken.yaml', '.']);
    expect(r.findings.filter((f) => f.file.startsWith('charts/') || f.file.endsWith('broken.yaml'))).toEqual([]);
    expect(r.stderr.trim().split('\n')).toEqual(['redis-lint: 1 symlinked directory was not followed: apps-again (name a directory on the command line to lint it)']);
    writeFileSync(path.join(d, '.redis-lint.yaml'), "ignorePaths: ['apps/monitoring/**']\n");
    const c = spawnSync(process.execPath, [bin, '--format', 'json', 'apps'], { cwd: d, encoding: 'utf8' });
    expect((JSON.parse(c.stdout) as { findings: Finding[] }).findings.filter((f) => f.file.includes('monitoring'))).toEqual([]);
  });
});
