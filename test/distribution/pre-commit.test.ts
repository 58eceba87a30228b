/**
 * The hooks of .pre-commit-hooks.yaml, installed and run by the real pre-commit (Debian's
 * `pre-commit` package; .ci/run installs it) with `pre-commit try-repo` on a throwaway git repository
 * holding an incident file and a clean one. pre-commit installs a node hook by `npm install` in a
 * copy of this repository, `npm pack` (its stdout must be the tarball's name alone: .npmrc keeps the
 * prepare script's banner off it) and `npm install -g` of the tarball (pre-commit languages/node.py).
 * Without pre-commit on PATH the tests skip with one line, unless CI is set.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
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

  function tryRepo(hook: string, file: string) {
    const r = spawnSync('pre-commit', ['try-repo', hooksRepo, hook, '--files', file, '--color', 'never'], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, PRE_COMMIT_HOME: home },
      timeout: 600_000,
    });
    return { code: r.status, output: `${r.stdout}${r.stderr}` };
  }

  it('redis-lint fails on the incident with its finding, passes on the clean file', () => {
    const bad = tryRepo('redis-lint', 'incident.yaml');
    expect(bad.output).not.toMatch(/ENOENT|npm error/);
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/40:9\s+error\s+.*PVC 50Mi is below auto-aof-rewrite-min-size.*aof-rewrite-unreachable/);
    const good = tryRepo('redis-lint', 'clean.yaml');
    expect(good.code, good.output).toBe(0);
    expect(good.output).toMatch(/redis-lint\.+Passed/);
  }, 900_000);

  it('redis-lint-fix rewrites the incident (the commit stops), leaves the clean file alone', () => {
    const before = readFileSync(path.join(work, 'incident.yaml'), 'utf8');
    const bad = tryRepo('redis-lint-fix', 'incident.yaml');
    expect(bad.code).toBe(1);
    const after = readFileSync(path.join(work, 'incident.yaml'), 'utf8');
    expect(after).not.toBe(before);
    expect(after).not.toMatch(/size: 50Mi/);
    expect(bad.output).toMatch(/files were modified by this hook/);
    const clean = readFileSync(path.join(work, 'clean.yaml'), 'utf8');
    const good = tryRepo('redis-lint-fix', 'clean.yaml');
    expect(good.code, good.output).toBe(0);
    expect(readFileSync(path.join(work, 'clean.yaml'), 'utf8')).toBe(clean);
  }, 900_000);
});
