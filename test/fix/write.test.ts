import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FixWriteError, unifiedDiff, writeFileAtomic } from '../../src/fix/write.js';

const root = mkdtempSync(path.join(tmpdir(), 'redis-lint-write-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dir: string;
let n = 0;
beforeEach(() => {
  dir = path.join(root, String(n++));
  mkdirSync(dir);
});

/** Files in dir that look like our temporary files. */
const temps = (d: string) => readdirSync(d).filter((f) => f.includes('.redis-lint-') && f.endsWith('.tmp'));

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('values.yaml', 'a: 1\n', 'a: 1\n')).toBe('');
  });

  it('shows only the changed line with git-style names', () => {
    const before = 'a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\n';
    const after = before.replace('e: 5', 'e: 50');
    expect(unifiedDiff('deploy/values.yaml', before, after)).toBe(
      ['--- a/deploy/values.yaml', '+++ b/deploy/values.yaml', '@@ -2,7 +2,7 @@', ' b: 2', ' c: 3', ' d: 4', '-e: 5', '+e: 50', ' f: 6', ' g: 7', ' h: 8', ''].join('\n'),
    );
  });

  it('marks a missing final newline and normalizes ./ and backslashes', () => {
    expect(unifiedDiff('./x\\v.yaml', 'a: 1', 'a: 2')).toBe(['--- a/x/v.yaml', '+++ b/x/v.yaml', '@@ -1,1 +1,1 @@', '-a: 1', '\\ No newline at end of file', '+a: 2', '\\ No newline at end of file', ''].join('\n'));
  });
});

describe('writeFileAtomic', () => {
  it('replaces the content and keeps the mode', () => {
    const f = path.join(dir, 'values.yaml');
    writeFileSync(f, 'a: 1\n');
    chmodSync(f, 0o640);
    writeFileAtomic(f, 'a: 2\r\n\ufeff');
    expect(readFileSync(f, 'utf8')).toBe('a: 2\r\n\ufeff');
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect(temps(dir)).toEqual([]);
  });

  it('creates a file that does not exist', () => {
    const f = path.join(dir, 'new.yaml');
    writeFileAtomic(f, 'x: 1\n');
    expect(readFileSync(f, 'utf8')).toBe('x: 1\n');
  });

  it('writes through a symlink: the link stays a link, its target changes', () => {
    mkdirSync(path.join(dir, 'real'));
    const target = path.join(dir, 'real', 'values.yaml');
    writeFileSync(target, 'a: 1\n');
    const link = path.join(dir, 'link.yaml');
    symlinkSync(path.join('real', 'values.yaml'), link);
    writeFileAtomic(link, 'a: 2\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(path.join('real', 'values.yaml'));
    expect(readFileSync(target, 'utf8')).toBe('a: 2\n');
    expect(temps(dir)).toEqual([]);
    expect(temps(path.join(dir, 'real'))).toEqual([]);
  });

  it('refuses a read-only file and writes nothing', () => {
    const f = path.join(dir, 'ro.yaml');
    writeFileSync(f, 'a: 1\n');
    chmodSync(f, 0o444);
    const e = thrown(() => writeFileAtomic(f, 'a: 2\n'));
    expect(e).toBeInstanceOf(FixWriteError);
    expect(e.message).toBe(`cannot write ${f}: the file is read-only (EACCES)`);
    expect((e as FixWriteError).file).toBe(f);
    expect(readFileSync(f, 'utf8')).toBe('a: 1\n');
    expect(statSync(f).mode & 0o777).toBe(0o444);
    expect(temps(dir)).toEqual([]);
  });

  it('a failure just before the rename leaves the original intact and no temporary file', () => {
    const f = path.join(dir, 'values.yaml');
    writeFileSync(f, 'a: 1\n');
    let tempSeen: string[] = [];
    const e = thrown(() =>
      writeFileAtomic(f, 'a: 2\n', {
        beforeRename: () => {
          tempSeen = temps(dir);
          throw new Error('disk on fire');
        },
      }),
    );
    expect(tempSeen).toHaveLength(1);
    expect(tempSeen[0]).toMatch(new RegExp(`^\\.values\\.yaml\\.redis-lint-${process.pid}-[0-9a-f]+\\.tmp$`));
    expect(e).toBeInstanceOf(FixWriteError);
    expect(e.message).toBe(`cannot write ${f}: disk on fire`);
    expect(readFileSync(f, 'utf8')).toBe('a: 1\n');
    expect(temps(dir)).toEqual([]);
  });

  it('a directory is not a file', () => {
    const e = thrown(() => writeFileAtomic(dir, 'x'));
    expect(e).toBeInstanceOf(FixWriteError);
    expect(e.message).toMatch(/not a regular file/);
  });

  it('a missing directory fails with the reason', () => {
    const f = path.join(dir, 'nope', 'values.yaml');
    const e = thrown(() => writeFileAtomic(f, 'x'));
    expect(e).toBeInstanceOf(FixWriteError);
    expect(e.message).toMatch(new RegExp(`^cannot write ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOENT`));
    expect(e.message).not.toMatch(/\n\s+at /);
  });
});
