/**
 * `redis-lint --fix` never loses data (issue 6, docs/reliability.md):
 *
 * (a) a failure just before the rename (writeFileAtomic's beforeRename hook): the original is
 *     intact and no temporary file is left;
 * (b) the real CLI killed with SIGKILL in the middle of a --fix run over many files: every file
 *     is either entirely the old content or entirely the new one and parses; leftover temporary
 *     files, if any, are named `.<name>.redis-lint-<pid>-<12 hex>.tmp` (and are the only litter);
 * (c) read-only files are reported and left unchanged; a symbolic link stays a link (its target
 *     is fixed); a directory symlink loop does not hang the loader.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { FixWriteError, writeFileAtomic } from '../../src/fix/write.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'dist/cli/main.js');
const EXAMPLE = path.join(root, 'examples/incidents/klamm-helmrelease-50mi.yaml');
const TEMP_NAME = /^\.(.+)\.redis-lint-\d+-[0-9a-f]{12}\.tmp$/;

const tmp = (name: string) => mkdtempSync(path.join(tmpdir(), `redis-lint-fixcrash-${name}-`));

function cli(args: string[], cwd: string, timeout = 20_000) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [bin, '--no-config', ...args], { cwd, encoding: 'utf8', timeout });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

/** The example as --fix leaves it (computed once, on a copy). */
function fixedExample(): string {
  const dir = tmp('expected');
  const f = path.join(dir, 'a.yaml');
  cpSync(EXAMPLE, f);
  const r = cli(['--fix', f], dir);
  const text = readFileSync(f, 'utf8');
  if (text === readFileSync(EXAMPLE, 'utf8')) throw new Error(`--fix changed nothing: ${r.stderr}`);
  return text;
}

const parses = (text: string) => parseAllDocuments(text).every((d) => d.errors.length === 0);

describe('writeFileAtomic: a failure before the rename', () => {
  it('leaves the original intact and no temporary file', () => {
    const dir = tmp('hook');
    const f = path.join(dir, 'values.yaml');
    writeFileSync(f, 'master:\n  persistence:\n    size: 50Mi\n', { mode: 0o640 });
    let tempSeen: string[] = [];
    expect(() =>
      writeFileAtomic(f, 'master:\n  persistence:\n    size: 720Mi\n', {
        beforeRename() {
          tempSeen = readdirSync(dir).filter((n) => TEMP_NAME.test(n));
          throw new Error('simulated crash before rename');
        },
      }),
    ).toThrow(FixWriteError);
    // the temporary file existed, complete, next to the target, under the documented name
    expect(tempSeen).toHaveLength(1);
    expect(TEMP_NAME.exec(tempSeen[0])?.[1]).toBe('values.yaml');
    expect(readFileSync(f, 'utf8')).toBe('master:\n  persistence:\n    size: 50Mi\n');
    expect(lstatSync(f).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['values.yaml']);
  });

  it('an edit saved between the read and the write is kept: the fix is not written, and the error says so (issue 13)', () => {
    const dir = tmp('concurrent');
    const f = path.join(dir, 'a.yaml');
    writeFileSync(f, 'a: 1\n');
    try {
      writeFileAtomic(
        f,
        'a: 2\n',
        {
          beforeRename() {
            writeFileSync(f, 'a: 1\nb: edited meanwhile\n');
          },
        },
        'a: 1\n',
      );
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe(`${f} changed since redis-lint read it: left as it is (run --fix again)`);
    }
    expect(readFileSync(f, 'utf8')).toBe('a: 1\nb: edited meanwhile\n');
    expect(readdirSync(dir)).toEqual(['a.yaml']);
    // unchanged: written
    writeFileAtomic(f, 'c: 3\n', {}, 'a: 1\nb: edited meanwhile\n');
    expect(readFileSync(f, 'utf8')).toBe('c: 3\n');
  });

  it('the error names the file and the reason', () => {
    const dir = tmp('hook2');
    const f = path.join(dir, 'a.yaml');
    writeFileSync(f, 'a: 1\n');
    try {
      writeFileAtomic(f, 'a: 2\n', {
        beforeRename() {
          throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        },
      });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe(`cannot write ${f}: ENOSPC: no space left on device`);
    }
    expect(readFileSync(f, 'utf8')).toBe('a: 1\n');
    expect(readdirSync(dir)).toEqual(['a.yaml']);
  });
});

describe.skipIf(!existsSync(bin))('--fix killed with SIGKILL mid-run (needs a build)', () => {
  const N = 300;
  const original = readFileSync(EXAMPLE, 'utf8');

  /** Run --fix over N copies; SIGKILL it at the `killAfter`-th directory event of a temporary file (created, renamed away). */
  async function killedRun(killAfter: number) {
    const dir = tmp(`kill${killAfter}`);
    for (let i = 0; i < N; i++) writeFileSync(path.join(dir, `r${String(i).padStart(3, '0')}.yaml`), original);
    let temps = 0;
    let killedAt = -1;
    const child = spawn(process.execPath, [bin, '--no-config', '--fix', '--format', 'json', dir], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const watcher = watch(dir, (_event, name) => {
      if (!name || !TEMP_NAME.test(name)) return;
      temps++;
      if (temps >= killAfter && killedAt < 0) {
        killedAt = temps;
        child.kill('SIGKILL');
      }
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 25_000);
    const signal = await exited;
    clearTimeout(guard);
    watcher.close();
    return { dir, signal, killedAt };
  }

  it('every file is entirely old or entirely new, and parses; only documented temp files are left', async () => {
    const fixed = fixedExample();
    const summary: string[] = [];
    for (const killAfter of [1, 60]) {
      const { dir, signal, killedAt } = await killedRun(killAfter);
      const names = readdirSync(dir);
      const files = names.filter((n) => /^r\d{3}\.yaml$/.test(n));
      const litter = names.filter((n) => !files.includes(n));
      let old = 0;
      let fresh = 0;
      const torn: string[] = [];
      for (const n of files) {
        const text = readFileSync(path.join(dir, n), 'utf8');
        if (text === original) old++;
        else if (text === fixed) fresh++;
        else torn.push(n);
        expect(parses(text), n).toBe(true);
      }
      expect(files).toHaveLength(N);
      expect(torn).toEqual([]);
      for (const l of litter) expect(l).toMatch(TEMP_NAME);
      summary.push(`kill at temp-file event ${killAfter} (${signal ?? 'exited'} at ${killedAt}): ${fresh} new, ${old} old, ${litter.length} temp left`);
      if (signal === 'SIGKILL' && killedAt > 0) expect(old).toBeGreaterThan(0);
    }
    console.log(`[fix-crash] ${summary.join('; ')}`);
  }, 40_000);
});

describe.skipIf(!existsSync(bin))('--fix: read-only files, symlinks, loops (needs a build)', () => {
  it('a read-only file is reported and unchanged; the others are fixed; exit is not 0', () => {
    const dir = tmp('ro');
    const ro = path.join(dir, 'ro.yaml');
    const rw = path.join(dir, 'rw.yaml');
    cpSync(EXAMPLE, ro);
    cpSync(EXAMPLE, rw);
    chmodSync(ro, 0o444);
    const r = cli(['--fix', dir], dir);
    expect(r.stderr).toContain(`redis-lint: cannot write ${ro}: the file is read-only (EACCES)`);
    // only what happened: the read-only file's findings are "not fixed", never "fixed" (issue 13)
    expect(r.stderr).not.toMatch(new RegExp(`redis-lint: fixed ${ro.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`));
    expect(r.stderr).toMatch(new RegExp(`redis-lint: not fixed ${ro.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ \\S+: cannot write`));
    expect(readFileSync(ro, 'utf8')).toBe(readFileSync(EXAMPLE, 'utf8'));
    expect(lstatSync(ro).mode & 0o777).toBe(0o444);
    expect(readFileSync(rw, 'utf8')).not.toBe(readFileSync(EXAMPLE, 'utf8'));
    expect(r.status).not.toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['ro.yaml', 'rw.yaml']);
  });

  it('a symbolic link stays a link and its target is fixed', () => {
    const dir = tmp('link');
    mkdirSync(path.join(dir, 'real'));
    mkdirSync(path.join(dir, 'in'));
    const target = path.join(dir, 'real', 'target.yaml');
    cpSync(EXAMPLE, target);
    const link = path.join(dir, 'in', 'link.yaml');
    symlinkSync('../real/target.yaml', link);
    const r = cli(['--fix', 'in'], dir);
    expect(r.stderr).toMatch(/redis-lint: fixed in\/link\.yaml:/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('../real/target.yaml');
    expect(readFileSync(target, 'utf8')).toBe(fixedExample());
    expect(readdirSync(path.join(dir, 'real'))).toEqual(['target.yaml']);
    expect(readdirSync(path.join(dir, 'in'))).toEqual(['link.yaml']);
  });

  it('a directory symlink loop does not hang the loader (directory symlinks are not followed)', () => {
    const dir = tmp('loop');
    const input = path.join(dir, 'in');
    mkdirSync(path.join(input, 'sub'), { recursive: true });
    cpSync(EXAMPLE, path.join(input, 'sub', 'a.yaml'));
    symlinkSync('..', path.join(input, 'sub', 'up')); // in/sub/up -> in
    symlinkSync('.', path.join(input, 'self.yaml')); // a directory link with a YAML name
    symlinkSync('nowhere.yaml', path.join(input, 'dangling.yaml'));
    for (const args of [['in'], ['in/sub/up'], ['--fix-dry-run', 'in']]) {
      const r = cli(args, dir, 15_000);
      expect(r.signal, args.join(' ')).toBeNull();
      expect(r.ms).toBeLessThan(10_000);
      expect(r.status).toBe(2); // the dangling link is an input error
      expect(r.stdout + r.stderr).toMatch(/HelmRelease\/klamm-prod\/redis/);
      // symlinked directories (the loop, and the one named .yaml) are not followed, and said once
      if (args.at(-1) === 'in') expect(r.stderr).toMatch(/^redis-lint: 2 symlinked directories were not followed: in\/self\.yaml, in\/sub\/up /m);
    }
    const r = cli(['--format', 'json', 'in'], dir);
    const report = JSON.parse(r.stdout) as unknown;
    const text = JSON.stringify(report);
    expect(text).toMatch(/dangling\.yaml/);
    expect(text).not.toMatch(/self\.yaml/);
    // the file is read once, not once per trip around the loop
    expect(text.match(/sub\/a\.yaml/g)?.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/sub\/up\/sub/);
  });
});
