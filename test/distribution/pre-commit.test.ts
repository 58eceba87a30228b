/**
 * The hooks of .pre-commit-hooks.yaml, installed and run by the real pre-commit (Debian's
 * `pre-commit` package; .ci/run installs it) on a throwaway git repository holding an incident file
 * and a clean one: once with `pre-commit try-repo`, then with `pre-commit run` and a config naming the
 * hooks repository, as users install them (try-repo installs the hook environment anew on every call,
 * into a temporary store; `run` installs it once into PRE_COMMIT_HOME). pre-commit installs a node hook by `npm install` in a
 * copy of this repository, `npm pack` (its stdout must be the tarball's name alone: .npmrc keeps the
 * prepare script's banner off it) and `npm install -g` of the tarball (pre-commit languages/node.py).
 * Without pre-commit on PATH the tests skip with one line, unless CI is set.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const havePreCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;
const ci = !!process.env.CI && process.env.CI !== 'false';
if (!havePreCommit && !ci) process.stderr.write('pre-commit not found: the pre-commit hook tests are skipped (apt-get install pre-commit)\n');

describe.skipIf(!havePreCommit && !ci)('pre-commit hooks (pre-commit try-repo)', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'redis-lint-pre-commit-home-'));
  let work = '';
  let hooksRepo = '';

  beforeAll(() => {
    expect(havePreCommit, 'pre-commit must be installed in CI (.ci/run installs it)').toBe(true);
    // The hooks repository: this working tree (tracked and untracked, not ignored files) committed once
    // into a scratch repository. try-repo on a dirty checkout would commit it anew, and install the hook
    // environment anew, on every call; one commit means one install for all four runs.
    hooksRepo = mkdtempSync(path.join(tmpdir(), 'redis-lint-hooks-repo-'));
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const f of listed) {
      if (!existsSync(path.join(root, f))) continue; // deleted, not yet committed
      mkdirSync(path.dirname(path.join(hooksRepo, f)), { recursive: true });
      copyFileSync(path.join(root, f), path.join(hooksRepo, f));
    }
    const hgit = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: hooksRepo, stdio: 'pipe' });
    hgit('init', '-q');
    hgit('add', '.');
    hgit('commit', '-qm', 'redis-lint working tree');
    work = mkdtempSync(path.join(tmpdir(), 'redis-lint-pre-commit-'));
    copyFileSync(path.join(root, 'examples/incidents/klamm-helmrelease-50mi.yaml'), path.join(work, 'incident.yaml'));
    copyFileSync(path.join(root, 'examples/fixed/klamm-helmrelease-50mi.yaml'), path.join(work, 'clean.yaml'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: work, stdio: 'pipe' });
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'files');
  });

  const env = () => ({ ...process.env, PRE_COMMIT_HOME: home });

  /** `pre-commit try-repo`: a fresh hook environment (a temporary store) on every call. */
  function tryRepo(hook: string, ...args: string[]) {
    const r = spawnSync('pre-commit', ['try-repo', hooksRepo, hook, ...args, '--color', 'never'], { cwd: work, encoding: 'utf8', env: env(), timeout: 600_000 });
    return { code: r.status, output: `${r.stdout}${r.stderr}` };
  }

  /** `pre-commit run` with a .pre-commit-config.yaml naming the hooks repository: one cached environment (PRE_COMMIT_HOME). */
  function run(hook: string, file: string) {
    const r = spawnSync('pre-commit', ['run', hook, '--files', file, '--color', 'never'], { cwd: work, encoding: 'utf8', env: env(), timeout: 600_000 });
    return { code: r.status, output: `${r.stdout}${r.stderr}` };
  }

  it('pre-commit try-repo: redis-lint fails on the incident with its finding, says nothing of the clean file', () => {
    const r = tryRepo('redis-lint', '--all-files');
    expect(r.output).not.toMatch(/ENOENT|npm error/);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/incident\.yaml\n\s+[\s\S]*40:9\s+error\s+.*PVC 50Mi is below auto-aof-rewrite-min-size.*aof-rewrite-unreachable/);
    expect(r.output).not.toMatch(/clean\.yaml/);
  }, 900_000);

  it('pre-commit run (a config naming the repository): redis-lint passes on the clean file; redis-lint-fix rewrites the incident (the commit stops) and leaves the clean file alone', () => {
    const rev = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: hooksRepo, encoding: 'utf8' }).trim();
    writeFileSync(path.join(work, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hooksRepo}\n    rev: ${rev}\n    hooks:\n      - id: redis-lint\n      - id: redis-lint-fix\n`);
    const good = run('redis-lint', 'clean.yaml');
    expect(good.code, good.output).toBe(0);
    expect(good.output).toMatch(/redis-lint\.+Passed/);

    const before = readFileSync(path.join(work, 'incident.yaml'), 'utf8');
    const fixed = run('redis-lint-fix', 'incident.yaml');
    expect(fixed.code).toBe(1);
    const after = readFileSync(path.join(work, 'incident.yaml'), 'utf8');
    expect(after).not.toBe(before);
    expect(after).not.toMatch(/size: 50Mi/);
    expect(fixed.output).toMatch(/files were modified by this hook/);

    const clean = readFileSync(path.join(work, 'clean.yaml'), 'utf8');
    const untouched = run('redis-lint-fix', 'clean.yaml');
    expect(untouched.code, untouched.output).toBe(0);
    expect(readFileSync(path.join(work, 'clean.yaml'), 'utf8')).toBe(clean);
  }, 900_000);
});
