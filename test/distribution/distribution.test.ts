import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

/**
 * The files that ship redis-lint to CI: the GitHub Action (action.yml), the pre-commit hooks
 * (.pre-commit-hooks.yaml) and the example workflow (examples/github/redis-lint.yml). Their
 * shapes are checked here; the CLI flags they use are tested with the CLI.
 */

const root = new URL('../../', import.meta.url);
const read = (file: string): unknown => YAML.parse(readFileSync(fileURLToPath(new URL(file, root)), 'utf8'), { uniqueKeys: true });

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  'continue-on-error'?: boolean;
}

interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

describe('action.yml', () => {
  const action = read('action.yml') as Action;
  const steps = action.runs.steps;

  it('is a composite action with the documented inputs and defaults', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.name).toBe('redis-lint');
    expect(action.description).toBeTruthy();
    const defaults = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default]));
    expect(defaults).toEqual({ paths: '.', config: '', 'fail-level': 'error', 'sarif-file': 'redis-lint.sarif', 'upload-sarif': 'true', values: '' });
    for (const [k, v] of Object.entries(action.inputs)) {
      expect(v.description, k).toBeTruthy();
      // action inputs are strings: a YAML boolean default would compare unequal to 'true'
      expect(typeof v.default, k).toBe('string');
    }
    expect(action.outputs?.['exit-code'].value).toBe('${{ steps.lint.outputs.exit-code }}');
  });

  it('gives every run step a shell and never pastes an expression into a script', () => {
    const runs = steps.filter((s) => s.run !== undefined);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (const s of runs) {
      expect(s.shell, s.name).toBe('bash');
      expect(s.run, s.name).not.toContain('${{ inputs.');
      // nor any other expression: inputs reach scripts through env only (script injection)
      expect(s.run, s.name).not.toContain('${{');
    }
  });

  it('sets up Node 20 and installs redis-lint from its own checkout', () => {
    const node = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(node?.with?.['node-version']).toBe(20);
    const install = steps.find((s) => s.run?.includes('npm ci'));
    expect(install?.run).toContain('cd "$GITHUB_ACTION_PATH"');
    expect(install?.run).toContain('npm ci --no-audit --no-fund');
    expect(steps.indexOf(node!)).toBeLessThan(steps.indexOf(install!));
  });

  it('runs the lint with SARIF and GitHub reports, from env, recording the exit code', () => {
    const lint = steps.find((s) => s.id === 'lint')!;
    expect(lint.env).toEqual({
      PATHS: '${{ inputs.paths }}',
      CONFIG: '${{ inputs.config }}',
      FAIL_LEVEL: '${{ inputs.fail-level }}',
      SARIF_FILE: '${{ inputs.sarif-file }}',
      VALUES: '${{ inputs.values }}',
    });
    const run = lint.run!;
    expect(run).toContain('node "$GITHUB_ACTION_PATH/dist/cli/main.js"');
    expect(run).toContain('lint --format sarif --output "$SARIF_FILE" --format github');
    expect(run).toContain('--config "$CONFIG"');
    expect(run).toContain('--fail-level "$FAIL_LEVEL"');
    expect(run).toContain('-f "$v"');
    expect(run).toContain('set +e');
    expect(run).toMatch(/echo "exit-code=\$code" >> "\$GITHUB_OUTPUT"/);
  });

  it('uploads the SARIF report whatever was found, then fails with the recorded code', () => {
    const upload = steps.findIndex((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload).toBeGreaterThan(-1);
    const u = steps[upload];
    expect(u.uses).toBe('github/codeql-action/upload-sarif@v3');
    expect(u.if).toMatch(/^always\(\) && inputs\.upload-sarif == 'true'/);
    expect(u.with).toEqual({ sarif_file: '${{ inputs.sarif-file }}', category: 'redis-lint' });
    const last = steps[steps.length - 1];
    expect(steps.findIndex((s) => s.id === 'lint')).toBeLessThan(upload);
    expect(upload).toBeLessThan(steps.length - 1);
    expect(last.env?.EXIT_CODE).toBe('${{ steps.lint.outputs.exit-code }}');
    expect(last.run).toMatch(/exit 1/);
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = read('.pre-commit-hooks.yaml') as Array<Record<string, unknown>>;

  it('has a redis-lint hook run by node on YAML and JSON files', () => {
    const hook = hooks.find((h) => h.id === 'redis-lint')!;
    expect(hook).toBeDefined();
    expect(hook.entry).toBe('redis-lint');
    expect(hook.language).toBe('node');
    expect(hook.pass_filenames).toBe(true);
    expect(hook.args).toEqual([]);
    const files = new RegExp(hook.files as string);
    for (const f of ['values.yaml', 'deploy/redis.yml', 'app.json']) expect(files.test(f), f).toBe(true);
    expect(files.test('README.md')).toBe(false);
    const exclude = new RegExp(hook.exclude as string);
    expect(exclude.test('charts/redis/templates/statefulset.yaml')).toBe(true);
    expect(exclude.test('charts/redis/values.yaml')).toBe(false);
  });

  it('has a redis-lint-fix hook', () => {
    const hook = hooks.find((h) => h.id === 'redis-lint-fix')!;
    expect(hook.entry).toBe('redis-lint --fix');
    expect(hook.language).toBe('node');
  });

  it('names a bin the package has', () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('package.json', root)), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
    for (const h of hooks) expect(Object.keys(pkg.bin)).toContain(String(h.entry).split(' ')[0]);
    // pre-commit and the action install from a checkout, without dist/: prepare builds it
    expect(pkg.scripts.prepare).toMatch(/build/);
  });
});

describe('examples/github/redis-lint.yml', () => {
  const wf = read('examples/github/redis-lint.yml') as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
  };

  it('runs on pull requests and pushes to main, with the permissions the SARIF upload needs', () => {
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['pull_request', 'push']));
    expect((wf.on.push as { branches: string[] }).branches).toEqual(['main']);
    expect(wf.permissions['security-events']).toBe('write');
    expect(wf.permissions.contents).toBe('read');
  });

  it('checks out and uses the action', () => {
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
    const checkout = steps.findIndex((s) => s.uses?.startsWith('actions/checkout@'));
    const action = steps.findIndex((s) => s.uses === 'redis-lint/redis-lint@v1');
    expect(checkout).toBeGreaterThan(-1);
    expect(action).toBeGreaterThan(checkout);
    const w = steps[action].with!;
    expect(w.paths).toBe('examples/incidents');
    expect(w['fail-level']).toBe('error');
    expect(String(w['upload-sarif'])).toBe('true');
    // the action's inputs are the only keys given
    const action_ = read('action.yml') as Action;
    for (const k of Object.keys(w)) expect(Object.keys(action_.inputs)).toContain(k);
  });
});
