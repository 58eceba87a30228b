/**
 * `redis-lint --fix` and `--fix-dry-run` end to end: the bin on copies of the examples and of
 * every corpus file in a temporary directory. A fix changes only the lines it must, keeps
 * comments, is idempotent, and never writes a file it cannot parse or may not write.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPatch, parsePatch } from 'diff';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, HAS_CORPUS, NEEDS_CORPUS } from '../shared-dir.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = path.join(root, 'dist/cli/main.js');
const corpus = CORPUS_DIR;

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'redis-lint-fix-'));
}

/** Every file under a directory, relative paths. */
function walk(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(dir, path.join(rel, d.name)) : [path.join(rel, d.name)]));
}

function comments(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => /^\s*#/.test(l)).map((l) => l.trim());
}

function parses(text: string): boolean {
  return parseAllDocuments(text.replace(/^\ufeff/, ''), { uniqueKeys: true }).every((d) => d.errors.length === 0);
}

describe('--fix on the incident examples', () => {
  const d = tmp();
  cpSync(path.join(root, 'examples/incidents'), path.join(d, 'incidents'), { recursive: true });
  const files = walk(d, 'incidents');
  const before = new Map(files.map((f) => [f, readFileSync(path.join(d, f), 'utf8')]));

  it('--fix-dry-run prints a unified diff on stdout and changes nothing', () => {
    const r = run(['--fix-dry-run', 'incidents'], d);
    expect(r.code).toBe(1); // the findings are still there
    expect(r.stdout).toMatch(/^--- a\/incidents\/klamm-helmrelease-50mi\.yaml$/m);
    expect(r.stdout).toMatch(/^\+\+\+ b\/incidents\/klamm-helmrelease-50mi\.yaml$/m);
    // the report goes to stderr, with what would be fixed and why each number
    expect(r.stderr).toMatch(/would fix incidents\/klamm-helmrelease-50mi\.yaml:\d+:\d+ aof-rewrite-unreachable: set spec\.values\.master\.persistence\.size: \S+ \(was 50Mi; recommended by projected peak disk/);
    for (const [f, text] of before) expect(readFileSync(path.join(d, f), 'utf8')).toBe(text);
  });

  it('--fix writes the fixes: the diff above, comments kept, fewer findings, and a second --fix changes nothing', () => {
    const dry = run(['--fix-dry-run', '--format', 'json', '--output', 'before.json', 'incidents'], d);
    const first = run(['--fix', '--format', 'json', 'incidents'], d);
    expect(first.code).not.toBe(2);
    expect(first.stderr).toMatch(/redis-lint: fixed /);
    const fixedFindings = (JSON.parse(first.stdout) as { findings: unknown[] }).findings.length;
    const beforeFindings = (JSON.parse(readFileSync(path.join(d, 'before.json'), 'utf8')) as { findings: unknown[] }).findings.length;
    expect(fixedFindings).toBeLessThan(beforeFindings);
    let changed = 0;
    for (const [f, text] of before) {
      const now = readFileSync(path.join(d, f), 'utf8');
      if (now !== text) changed++;
      expect(parses(now), f).toBe(true);
      for (const c of comments(text)) expect(now, `${f} lost comment ${c}`).toContain(c);
    }
    expect(changed).toBeGreaterThanOrEqual(3);
    // the dry run's diff is exactly what --fix wrote: applied to the originals (jsdiff), it gives the fixed files
    const patches = parsePatch(dry.stdout);
    expect(patches.length).toBe(changed);
    for (const patch of patches) {
      const f = patch.oldFileName!.replace(/^a\//, '');
      expect(applyPatch(before.get(f)!, patch), f).toBe(readFileSync(path.join(d, f), 'utf8'));
    }
    const snapshot = new Map(files.map((f) => [f, readFileSync(path.join(d, f), 'utf8')]));
    const second = run(['--fix', 'incidents'], d);
    expect(second.stderr).not.toMatch(/redis-lint: fixed /);
    for (const [f, text] of snapshot) expect(readFileSync(path.join(d, f), 'utf8'), f).toBe(text);
  });
});

describe('--fix edits only the lines it must', () => {
  it('appendfsync and aof-load-truncated inside a block scalar: one line each; the volume size keeps its comment', () => {
    const d = tmp();
    const text = [
      '# values for the cache',
      'architecture: standalone',
      'master:',
      '    persistence:',
      '        enabled: true',
      '        size: 50Mi # too small, see INC-42',
      '    resources:',
      '        limits:',
      '            memory: 256Mi',
      'commonConfiguration: |-',
      '    # durability',
      '    appendonly yes',
      '    appendfsync always',
      '    aof-load-truncated no',
      '    maxmemory 100mb',
      '',
    ].join('\n');
    writeFileSync(path.join(d, 'values.yaml'), text);
    const r = run(['--fix', 'values.yaml'], d);
    expect(r.code).not.toBe(2);
    const now = readFileSync(path.join(d, 'values.yaml'), 'utf8').split('\n');
    const was = text.split('\n');
    expect(now.length).toBe(was.length);
    const diff = was.map((l, i) => [l, now[i]]).filter(([a, b]) => a !== b);
    expect(diff).toEqual([
      ['        size: 50Mi # too small, see INC-42', expect.stringMatching(/^ {8}size: \d+(\.\d+)?[MG]i # too small, see INC-42$/)],
      ['    appendfsync always', '    appendfsync everysec'],
      ['    aof-load-truncated no', '    aof-load-truncated yes'],
    ]);
    expect(r.stderr).toMatch(/fixed values\.yaml:13:\d+ appendfsync-policy: set appendfsync everysec \(was always\) in commonConfiguration/);
  });

  it('a StatefulSet without fsGroup gets one; the ConfigMap in the same file gets maxmemory appended', () => {
    const d = tmp();
    cpSync(path.join(root, 'examples/incidents/permission-denied-statefulset.yaml'), path.join(d, 'sts.yaml'));
    const r = run(['--fix', 'sts.yaml'], d);
    expect(r.code).not.toBe(2);
    const after = readFileSync(path.join(d, 'sts.yaml'), 'utf8');
    expect(after).toMatch(/fsGroup: 999|fsGroup: 1001/);
    expect(run(['sts.yaml'], d).stdout).not.toMatch(/data-volume-fsgroup/);
  });
});

describe('--fix never loses data', () => {
  it('a file that cannot be parsed is never written', () => {
    const d = tmp();
    const text = '# Bitnami redis values\nmaster:\n  persistence: {size: 50Mi\ncommonConfiguration: |-\n  appendfsync always\n';
    writeFileSync(path.join(d, 'broken.yaml'), text);
    const r = run(['--fix', 'broken.yaml'], d);
    expect(r.code).toBe(2);
    expect(readFileSync(path.join(d, 'broken.yaml'), 'utf8')).toBe(text);
  });

  it('a read-only file is reported and left alone (exit 2); its permissions are kept elsewhere', () => {
    const d = tmp();
    const text = 'architecture: standalone\nmaster:\n  persistence:\n    size: 50Mi\ncommonConfiguration: |-\n  appendonly yes\n  appendfsync always\n';
    writeFileSync(path.join(d, 'ro.yaml'), text);
    writeFileSync(path.join(d, 'rw.yaml'), text);
    chmodSync(path.join(d, 'ro.yaml'), 0o444);
    chmodSync(path.join(d, 'rw.yaml'), 0o640);
    const r = run(['--fix', 'ro.yaml', 'rw.yaml'], d);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ro\.yaml/);
    expect(readFileSync(path.join(d, 'ro.yaml'), 'utf8')).toBe(text);
    expect(readFileSync(path.join(d, 'rw.yaml'), 'utf8')).not.toBe(text);
    expect(statSync(path.join(d, 'rw.yaml')).mode & 0o777).toBe(0o640);
    expect(readdirSync(d).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('stdin is linted but not fixed', () => {
    const d = tmp();
    const r = spawnSync(process.execPath, [bin, '--fix', '-'], { cwd: d, input: 'master:\n  persistence:\n    size: 50Mi\ncommonConfiguration: |-\n  appendonly yes\n', encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not fixed <stdin>:\d+:\d+ aof-rewrite-unreachable: standard input cannot be fixed in place/);
  });
});

describe.skipIf(!HAS_CORPUS)(`every corpus file survives --fix-dry-run and --fix ${NEEDS_CORPUS}`, () => {
  const files = !HAS_CORPUS ? [] : readdirSync(corpus, { withFileTypes: true })
    .filter((x) => x.isDirectory())
    .flatMap((x) => readdirSync(path.join(corpus, x.name)).map((f) => `${x.name}/${f}`))
    .sort();
  // one temporary copy of the whole corpus (files are read in place by other tests; never copied into the project)
  const d = tmp();
  for (const f of files) {
    mkdirSync(path.dirname(path.join(d, f)), { recursive: true });
    cpSync(path.join(corpus, f), path.join(d, f));
    chmodSync(path.join(d, f), 0o644); // the corpus is read-only; a copy a user would fix is not
  }
  const original = new Map(files.map((f) => [f, readFileSync(path.join(d, f), 'utf8')]));
  const dry = run(['--fix-dry-run', '--format', 'json', '--output', 'dry.json', ...files], d);
  const first = run(['--fix', ...files], d);
  const afterFirst = new Map(files.map((f) => [f, readFileSync(path.join(d, f), 'utf8')]));
  const second = run(['--fix', ...files], d);

  it('the runs exit 0 or 1, never 2, and the dry run changed nothing before --fix', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
    expect([0, 1]).toContain(dry.code);
    expect([0, 1]).toContain(first.code);
    expect([0, 1]).toContain(second.code);
    expect(first.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it.each(files)('%s: parses, keeps its comments, and a second --fix changes nothing', (f) => {
    const now = afterFirst.get(f)!;
    expect(parses(now)).toBe(true);
    for (const c of comments(original.get(f)!)) expect(now).toContain(c);
    expect(readFileSync(path.join(d, f), 'utf8')).toBe(now);
  });

  it('the dry run announced exactly the files --fix changed', () => {
    const announced = new Set([...dry.stdout.matchAll(/^\+\+\+ b\/(.+)$/gm)].map((m) => m[1]));
    const changed = new Set(files.filter((f) => afterFirst.get(f) !== original.get(f)));
    expect(announced).toEqual(changed);
    expect(changed.size).toBeGreaterThan(5);
    expect(second.stderr).not.toMatch(/redis-lint: fixed /);
  });
});
