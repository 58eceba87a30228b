/**
 * Values Redis refuses at start-up are `redis-conf-syntax` errors at their line, not settings read
 * as unset (src/sources/redis-conf.ts refusedDirective). Each case is also checked against a real
 * redis-server (7.0.15 from Debian; skipped with a warning when none is installed): a last line
 * Redis must refuse (an unknown directive) is appended, so a config Redis accepts fails there and
 * exits at once, while a refused line fails at its own line first. No server keeps running.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRedisServer } from '../../bench/calibrate/redis-server.mjs';
import { refusedDirective, splitArgs } from '../../src/sources/redis-conf.js';
import { lint } from '../rules/fixtures/harness.js';

const LAST = 'redis-lint-no-such-directive x';
const redis = findRedisServer();
if (!redis) console.warn('redis-server not found: the refused-value cases are not checked against Redis (apt-get install redis-server)');

/** The line redis-server stops at, from its FATAL CONFIG FILE ERROR output (`>>> 'line'`). */
function redisStopsAt(args: string[], conf?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-refused-'));
  const argv = ['--port', '0'];
  if (conf !== undefined) {
    const file = path.join(dir, 'redis.conf');
    writeFileSync(file, `${conf}\n${LAST}\n`);
    argv.unshift(file);
  } else argv.push(...args, '--redis-lint-no-such-directive', 'x');
  const r = spawnSync(redis!.path, argv, { encoding: 'utf8', timeout: 10_000, cwd: dir });
  return /^>>> '(.*)'$/m.exec(r.stdout + r.stderr)?.[1] ?? `(no FATAL line: ${r.stdout}${r.stderr})`;
}

const confLine = (line: string) => {
  const a = splitArgs(line)!;
  return refusedDirective({ name: a[0].toLowerCase(), args: a.slice(1), origin: { kind: 'absent', key: 'test', anchor: { file: 'x', line: 1, column: 1, endLine: 1, endColumn: 1, yamlPath: '' } } });
};

describe('redis.conf lines Redis refuses', () => {
  const refused: Array<[string, RegExp]> = [
    ['maxmemory 1.5gb', /argument must be a memory value/],
    ['maxmemory 1gb # note', /wrong number of arguments \(a comment must be on its own line\)/],
    ['appendonly yes # note', /wrong number of arguments/],
    ['appendonly=yes', /Bad directive or wrong number of arguments/],
    ['maxmemory 1e3', /argument must be a memory value/],
    ['maxmemory -1', /argument must be a memory value/],
    ['appendonly maybe', /argument must be 'yes' or 'no'/],
    ['appendonly', /wrong number of arguments/],
    ['appendfsync sometimes', /must be one of the following: everysec, always, no/],
    ['auto-aof-rewrite-percentage -1', /between 0 and 2147483647/],
    ['auto-aof-rewrite-min-size 1.5mb', /memory value/],
    ['hz abc', /couldn't be parsed into an integer/],
  ];
  const accepted = ['maxmemory 1GB', 'maxmemory 100', 'maxmemory "1gb"', 'appendonly YES', 'appendfsync everysec', 'maxmemory-policy allkeys-lru', 'hz 100'];

  it.each(refused)('%s is refused', (line, why) => {
    expect(confLine(line)).toMatch(why);
    expect(confLine(line)).toMatch(/Redis refuses to start/);
  });
  it.each(accepted)('%s is accepted', (line) => expect(confLine(line)).toBeUndefined());

  describe.skipIf(!redis)(`the same verdicts from redis-server ${redis?.version ?? ''}`, () => {
    it.each(refused)('%s: redis-server stops at that line', (line) => expect(redisStopsAt([], line)).toBe(line));
    it.each(accepted)('%s: redis-server goes past it', (line) => expect(redisStopsAt([], line)).toBe(LAST));
    it('--appendonly=yes on the command line', () => expect(redisStopsAt(['--appendonly=yes'])).toMatch(/^appendonly=yes\b/));
  });
});

describe('refused values become redis-conf-syntax errors at the line, not silence', () => {
  const values = (conf: string, flags = '') => `architecture: standalone\ncommonConfiguration: |-\n${conf
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\nmaster:\n${flags}  persistence:\n    size: 8Gi\n  resources:\n    limits: {memory: 1Gi}\n`;

  it.each([
    ['maxmemory 1.5gb', 3],
    ['maxmemory 1gb # note', 3],
    ['appendonly yes # note', 3],
  ])('%s in a values file', (line, at) => {
    const found = lint(values(`appendonly yes\n${line}`)).filter((f) => f.ruleId === 'redis-conf-syntax');
    expect(found.map((f) => [f.pos.line, f.severity])).toEqual([[at + 1, 'error']]);
    expect(found[0].message).toContain(line);
  });

  it('--appendonly=yes in extraFlags', () => {
    const found = lint(values('maxmemory 400mb', '  extraFlags: ["--appendonly=yes"]\n')).filter((f) => f.ruleId === 'redis-conf-syntax');
    expect(found.map((f) => f.pos.line)).toEqual([5]);
  });

  it('--maxmemory 1.5gb in a StatefulSet', () => {
    const sts = `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis}\nspec:\n  serviceName: redis\n  selector: {matchLabels: {app: redis}}\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers:\n        - name: redis\n          image: redis:7.2\n          args: [redis-server, --maxmemory, 1.5gb]\n          resources: {limits: {memory: 1Gi}}\n`;
    const found = lint(sts).filter((f) => f.ruleId === 'redis-conf-syntax');
    expect(found.map((f) => f.pos.line)).toEqual([13]);
    expect(found[0].message).toMatch(/"maxmemory 1.5gb": argument must be a memory value/);
  });
});
