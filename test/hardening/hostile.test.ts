/**
 * Named hostile inputs (issue 6, hardening). Each must end with a clear result or a clear error
 * (file and line where the input has them, no stack trace) in BOUNDED time and memory: the bound
 * is in the test's name and asserted by measuring (elapsed ms, heap/RSS growth). Bounds are about
 * 10x what was measured on a 2-core Xeon (see the report of issue 6), so CI noise does not flake
 * them but a hang or an exponential blow-up fails. Fixtures are generated into a temp directory.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { lintPaths, type LintResult } from '../../src/engine.js';
import { applyFilePlans, planFileFixes } from '../../src/fix/files.js';
import { REPORT_FORMATS } from '../../src/report/index.js';
import { parseQuantity, parseRedisMemory, parseSize, UnitError } from '../../src/model/units.js';
import { loadPolicy } from '../../src/policy/policy.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CLI = path.join(root, 'dist/cli/main.js');
const MB = 1024 * 1024;
const policy = loadPolicy();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Write a fixture into the temp directory. A text fixture gets a last comment line naming Redis:
 * these are Redis inputs, whose parse errors are `invalid-yaml` errors (a broken file that names no
 * Redis is only an `invalid-yaml-skipped` warning); a line at the end moves no other line.
 */
function fixture(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? `${content}${content.endsWith('\n') ? '' : '\n'}# Bitnami redis values (hostile-input fixture)\n` : content);
  return file;
}

/** Lint files in process, measuring wall time and heap / RSS growth (after a GC when exposed). */
async function measured(files: string[]): Promise<{ result: LintResult; ms: number; heapMB: number; rssMB: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const result = await lintPaths(files, { policy });
  const ms = performance.now() - t0;
  const m = process.memoryUsage();
  if (process.env.REDIS_LINT_HOSTILE_REPORT) console.log(`${path.basename(files[0])}: ${ms.toFixed(1)} ms, heap +${((m.heapUsed - heap0) / MB).toFixed(1)} MB, rss +${((m.rss - rss0) / MB).toFixed(1)} MB`);
  return { result, ms, heapMB: Math.max(0, m.heapUsed - heap0) / MB, rssMB: Math.max(0, m.rss - rss0) / MB };
}

/**
 * Run the built CLI with `args` (stdin from `stdinFile` when given), measuring wall time and peak
 * RSS (`/usr/bin/time -f %M` when present, else the child's own resource usage is not
 * available: 0).
 */
function cliWithRss(args: string[], stdinFile?: string): { status: number | null; stdout: string; ms: number; rssMB: number } {
  const t0 = performance.now();
  const input = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
  const useTime = existsSync('/usr/bin/time');
  const cmd = useTime ? '/usr/bin/time' : process.execPath;
  const argv = useTime ? ['-f', 'RSS_KB=%M', process.execPath, CLI, ...args] : [CLI, ...args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000, stdio: [input, 'pipe', 'pipe'], maxBuffer: 16 * MB });
  if (typeof input === 'number') closeSync(input);
  const ms = performance.now() - t0;
  const kb = Number(/RSS_KB=(\d+)/.exec(r.stderr ?? '')?.[1] ?? 0);
  if (process.env.REDIS_LINT_HOSTILE_REPORT) console.log(`${args.join(' ')}: ${ms.toFixed(0)} ms, ${(kb / 1024).toFixed(0)} MB RSS`);
  return { status: r.status, stdout: r.stdout, ms, rssMB: kb / 1024 };
}

/** Every message is one clear line: no stack trace, no "internal error", no JS type error text. */
function expectClean(result: LintResult): void {
  for (const f of result.findings) {
    expect(f.message).not.toMatch(/\n\s+at |internal error|TypeError|Cannot read properties|undefined \(reading/);
    expect(f.pos.line).toBeGreaterThanOrEqual(1);
  }
}

/** The findings of a rule as `line: message`. */
const of = (r: LintResult, rule: string) => r.findings.filter((f) => f.ruleId === rule).map((f) => `${f.pos.line}: ${f.message}`);

describe('log injection (issue 13)', () => {
  it('an object name with a newline, a workflow command and ANSI escapes is printed escaped by stylish; github escapes it its own way', async () => {
    const file = fixture(
      'inject.yaml',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: "r\\n::error file=x.yaml,line=1::pwned\\e[31mred\\u202e"\nspec:\n  template:\n    spec:\n      containers:\n        - name: redis\n          image: redis:7.2\n          resources: {limits: {memory: 1Gi}}\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec: {resources: {requests: {storage: 50Mi}}}\n',
    );
    const { result } = await measured([file]);
    expect(result.findings.some((f) => f.object?.name.includes('\n'))).toBe(true);
    const input = { findings: result.findings, files: 1, deployments: 1, objects: [], rules: policy.rules, toolVersion: '0', baseDir: dir };
    for (const format of ['stylish', 'github'] as const) {
      const text = REPORT_FORMATS[format](input, { color: false });
      // no line of the report starts a workflow command
      expect(text.split('\n').filter((l) => l.startsWith('::error file=x.yaml')), format).toEqual([]);
    }
    // stylish prints no terminal escape or bidi override (github escapes as @actions/core does: %, CR, LF)
    expect(REPORT_FORMATS.stylish(input, { color: false })).not.toMatch(/[\u001b\u202e]/);
    expect(REPORT_FORMATS.stylish(input, { color: false })).toContain('r\\n::error file=x.yaml,line=1::pwned\\x1b[31mred\\u202e');
  });
});

describe('YAML bombs and depth', () => {
  it('billion laughs (9 levels of 9 aliases, 9^9 expansions): invalid-yaml at the first alias line, < 2000 ms, < 100 MB heap', async () => {
    const names = 'abcdefghi';
    let text = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
    for (let i = 1; i < names.length; i++) text += `${names[i]}: &${names[i]} [${Array(9).fill('*' + names[i - 1]).join(',')}]\n`;
    const file = fixture('billion-laughs.yaml', text);
    const m = await measured([file]);
    expect(of(m.result, 'invalid-yaml')).toEqual([expect.stringMatching(/^2: invalid YAML: aliases expand more than 10000 times \(an alias bomb\): refused$/)]);
    expect(m.result.findings[0].pos.file).toBe(file);
    expectClean(m.result);
    expect(m.ms).toBeLessThan(2000);
    expect(m.heapMB).toBeLessThan(100);
  });

  it('anchors and aliases used normally (a shared persistence block) still lint, < 2000 ms', async () => {
    const file = fixture('aliases.yaml', 'architecture: replication\nmaster:\n  persistence: &p\n    size: 50Mi\nreplica:\n  persistence: *p\n');
    const m = await measured([file]);
    expect(m.result.inputErrors).toEqual([]);
    expect(of(m.result, 'aof-rewrite-unreachable').join('\n')).toMatch(/^4: PVC 50Mi is below/);
    expectClean(m.result);
    expect(m.ms).toBeLessThan(2000);
  });

  // block nesting: 4,000 levels (8 MB of indentation, under the 10 MiB input cap; 10,000 levels
  // are 50 MB, refused by the cap before they are parsed)
  for (const [style, levels, text] of [
    ['flow', '10,000', 'a: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n'],
    ['flow maps', '10,000', 'a: ' + '{k: '.repeat(10_000) + '1' + '}'.repeat(10_000) + '\n'],
    ['block', '4,000', Array.from({ length: 4_000 }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + '\n'],
  ] as const) {
    it(`${levels}-level nesting (${style}): invalid-yaml "nested too deeply" with a line, < 5000 ms, < 300 MB heap`, async () => {
      const file = fixture(`deep-${style.replace(' ', '-')}.yaml`, text);
      const m = await measured([file]);
      const errs = of(m.result, 'invalid-yaml');
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatch(/^\d+: invalid YAML: nested too deeply to read/);
      expectClean(m.result);
      expect(m.ms).toBeLessThan(5000);
      expect(m.heapMB).toBeLessThan(300);
    });
  }
});

describe('encodings and whitespace', () => {
  it('binary (NUL bytes): "is a binary file, not YAML" at line 1, < 500 ms', async () => {
    const file = fixture('binary.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0]));
    const m = await measured([file]);
    expect(of(m.result, 'invalid-yaml')).toEqual([`1: ${file} is a binary file, not YAML`]);
    expect(m.ms).toBeLessThan(500);
  });

  it('UTF-16 (BOM FF FE): "save it as UTF-8", < 500 ms', async () => {
    const file = fixture('utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: 1\n', 'utf16le')]));
    const m = await measured([file]);
    expect(of(m.result, 'invalid-yaml')).toEqual([`1: ${file} is UTF-16 encoded: save it as UTF-8`]);
    expect(m.ms).toBeLessThan(500);
  });

  it('invalid UTF-8 (a lone 0xff on line 3): "not valid UTF-8" with line and column, < 500 ms', async () => {
    const file = fixture('bad-utf8.yaml', Buffer.concat([Buffer.from('master:\n  persistence:\n    size: 5'), Buffer.from([0xff]), Buffer.from('0Mi\n')]));
    const m = await measured([file]);
    expect(of(m.result, 'invalid-yaml')).toEqual([`3: ${file} is not valid UTF-8 (byte 0xff at line 3, column 12)`]);
    expect(m.result.findings[0].pos.column).toBe(12);
    expect(m.ms).toBeLessThan(500);
  });

  const values = 'architecture: standalone\nmaster:\n  persistence:\n    size: 50Mi\n';
  it('a UTF-8 BOM: ignored, findings at the same lines as without it, < 1000 ms', async () => {
    const m = await measured([fixture('bom.yaml', '\ufeff' + values)]);
    expect(m.result.inputErrors).toEqual([]);
    expect(of(m.result, 'aof-rewrite-unreachable')).toEqual([expect.stringMatching(/^4: PVC 50Mi is below auto-aof-rewrite-min-size/)]);
    expect(m.result.findings.find((f) => f.ruleId === 'aof-rewrite-unreachable')?.pos.column).toBe(5);
    expect(m.ms).toBeLessThan(1000);
  });

  it('CRLF line endings: same findings and lines as LF, < 1000 ms', async () => {
    const m = await measured([fixture('crlf.yaml', values.replace(/\n/g, '\r\n'))]);
    expect(m.result.inputErrors).toEqual([]);
    expect(of(m.result, 'aof-rewrite-unreachable')).toEqual([expect.stringMatching(/^4: PVC 50Mi is below/)]);
    expect(m.ms).toBeLessThan(1000);
  });

  it('CRLF inside a redis.conf block: directives still read (appendfsync always found at its line), < 1000 ms', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  redis.conf: |\n    appendonly yes\n    appendfsync always\n';
    const m = await measured([fixture('crlf-conf.yaml', cm.replace(/\n/g, '\r\n'))]);
    expect(of(m.result, 'appendfsync-policy')).toEqual([expect.stringMatching(/^7: /)]);
    expect(m.ms).toBeLessThan(1000);
  });

  it('tabs as indentation: invalid-yaml "Tabs are not allowed as indentation" at line 2, < 500 ms', async () => {
    const m = await measured([fixture('tabs.yaml', 'master:\n\tpersistence:\n\t\tsize: 50Mi\n')]);
    expect(of(m.result, 'invalid-yaml')).toEqual(['2: invalid YAML: Tabs are not allowed as indentation']);
    expect(m.ms).toBeLessThan(500);
  });

  it('duplicate keys: invalid-yaml "Map keys must be unique" at the second key (line 4), < 500 ms', async () => {
    const m = await measured([fixture('dup.yaml', 'master:\n  persistence:\n    size: 1Gi\n    size: 50Mi\n')]);
    expect(of(m.result, 'invalid-yaml')).toEqual(['4: invalid YAML: Map keys must be unique']);
    expect(m.ms).toBeLessThan(500);
  });

  it('duplicate keys, our own O(n) check: in a flow map, in a nested map, first of several; equal by value (1 and "1" differ)', async () => {
    const m = await measured([
      // each names redis (a file that does not is skipped with a warning when it does not parse)
      fixture('dup-flow.yaml', '# redis\nmaster: {persistence: {size: 1Gi, size: 2Gi}}\n'),
      fixture('dup-nested.yaml', '# redis\na:\n  b:\n    - c: 1\n      d: 2\n      c: 3\n  e: 1\n  e: 2\n'),
      fixture('dup-typed.yaml', '# redis\n1: a\n"1": b\ntrue: c\n"true": d\n'),
      fixture('dup-tagged.yaml', '# redis\n&x a: 1\n!!str a: 2\n'),
    ]);
    expect(m.result.inputErrors.map((e) => `${path.basename(e.pos.file)}:${e.pos.line}:${e.pos.column}: ${e.message}`)).toEqual([
      'dup-flow.yaml:2:35: invalid YAML: Map keys must be unique',
      'dup-nested.yaml:6:7: invalid YAML: Map keys must be unique',
      'dup-tagged.yaml:3:7: invalid YAML: Map keys must be unique',
    ]);
  });

  it('1 MB and 5 MB of keys lint in linear time (yaml\'s own unique-key check was quadratic: 44 s for 1 MB, > 60 s for 5 MB), < 30 s each', async () => {
    for (const mb of [1, 5]) {
      let text = 'architecture: standalone\nmaster:\n  persistence:\n    size: 50Mi\nextra:\n';
      const lines: string[] = [];
      for (let i = 0; text.length + lines.length * 12 < mb * MB; i++) lines.push(`  key${i}: v${i}`);
      text += lines.join('\n') + '\n';
      const m = await measured([fixture(`keys-${mb}mb.yaml`, text)]);
      expect(m.result.inputErrors).toEqual([]);
      expect(of(m.result, 'aof-rewrite-unreachable')).toHaveLength(1);
      expect(m.ms).toBeLessThan(30_000);
    }
  }, 120_000);

  it('--fix (dry run) of 1 MB of keys: planned and applied in linear time (its parses used yaml\'s quadratic unique-key check), < 60 s', async () => {
    let text = 'architecture: standalone\nmaster:\n  persistence:\n    size: 50Mi\nextra:\n';
    const lines: string[] = [];
    for (let i = 0; text.length + lines.length * 12 < MB; i++) lines.push(`  key${i}: v${i}`);
    text += lines.join('\n') + '\n';
    const { result } = await measured([fixture('fix-keys-1mb.yaml', text)]);
    const t0 = performance.now();
    const plan = planFileFixes(result);
    const outcome = applyFilePlans(plan, result.texts, 'dry-run', new PassThrough());
    const ms = performance.now() - t0;
    expect(plan.fixes.length).toBeGreaterThan(0);
    expect(outcome.diff).toMatch(/^\+ {4}size: /m);
    expect(ms).toBeLessThan(60_000);
  }, 120_000);

  it('an Argo CD Application whose helm.values is one 0.9 MB double-quoted string of 60k keys: linted in linear time (was 130 s), findings at the string, < 30 s', async () => {
    const values = 'architecture: standalone\nmaster:\n  persistence:\n    size: 50Mi\n' + Array.from({ length: 60_000 }, (_, i) => `k${i}: v${i}\n`).join('');
    const text = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: cache, namespace: argocd}',
      'spec:',
      '  destination: {server: https://kubernetes.default.svc, namespace: shop}',
      '  source:',
      '    repoURL: https://charts.bitnami.com/bitnami',
      '    chart: redis',
      '    targetRevision: 20.13.3',
      `    helm:\n      values: ${JSON.stringify(values)}`,
      '',
    ].join('\n');
    const m = await measured([fixture('argo-quoted.yaml', text)]);
    expect(m.result.inputErrors).toEqual([]);
    expect(of(m.result, 'aof-rewrite-unreachable')).toEqual([expect.stringMatching(/^11: PVC 50Mi is below/)]);
    expect(m.ms).toBeLessThan(30_000);
  });

  it('null, empty and comment-only documents: no findings, no errors, < 500 ms', async () => {
    const m = await measured([fixture('nulls.yaml', 'null\n---\n---\n~\n---\n# only a comment\n---\n'), fixture('empty.yaml', '')]);
    expect(m.result.inputErrors).toEqual([]);
    expect(m.result.findings).toEqual([]);
    expect(m.result.deployments).toEqual([]);
    expect(m.ms).toBeLessThan(500);
  });
});

describe('numbers and quantities', () => {
  const release = (size: string, memory: string) => `architecture: standalone\nmaster:\n  persistence:\n    size: ${size}\n  resources:\n    limits:\n      memory: ${memory}\n`;

  it('`size: 8` without a unit: "has no unit, so it is 8 byte(s): did you mean 8Gi" at line 4, besides the 8B AOF finding, < 1000 ms', async () => {
    const m = await measured([fixture('size8.yaml', release('8', '1Gi'))]);
    expect(of(m.result, 'unresolved-values')).toContain('4: master.persistence.size 8 has no unit, so it is 8 byte(s): did you mean 8Gi or 8Mi?');
    expect(of(m.result, 'aof-rewrite-unreachable')).toEqual([expect.stringMatching(/^4: PVC 8B is below/)]);
    expectClean(m.result);
    expect(m.ms).toBeLessThan(1000);
  });

  for (const [q, words] of [
    ['-1Gi', 'is negative: the API server refuses it; ignored, as if unset'],
    ['1e30', 'is not a usable Kubernetes quantity (quantity too large: 1e+30): ignored, as if unset'],
    ['99999999999999999999Ei', 'is not a usable Kubernetes quantity (quantity too large: "99999999999999999999Ei"): ignored, as if unset'],
  ] as const) {
    it(`absurd quantity ${q} as size and memory limit: a notice at each value (lines 4 and 7), no projection error, < 1000 ms`, async () => {
      const m = await measured([fixture(`q${q.replace(/\W/g, '_')}.yaml`, release(q, q))]);
      const notices = of(m.result, 'unresolved-values');
      const shown = q === '1e30' ? '1e+30' : `"${q}"`;
      expect(notices).toContain(`4: master.persistence.size ${shown} ${words}`);
      expect(notices).toContain(`7: master.resources.limits.memory ${shown} ${words}`);
      expect(notices.join('\n')).not.toMatch(/cannot project/);
      expectClean(m.result);
      expect(m.ms).toBeLessThan(1000);
    });
  }

  it('the parsers: -1Gi is -2^30 (documented), 1e30 and 99999999999999999999Ei are UnitErrors, < 50 ms', () => {
    const t0 = performance.now();
    expect(parseQuantity('-1Gi')).toBe(-(2 ** 30));
    expect(() => parseSize('-1Gi')).toThrow(UnitError);
    expect(() => parseQuantity(1e30)).toThrow(UnitError);
    expect(() => parseQuantity('1e30')).toThrow(UnitError);
    expect(() => parseQuantity('99999999999999999999Ei')).toThrow(UnitError);
    expect(() => parseRedisMemory('99999999999999999999gb')).toThrow(UnitError);
    expect(() => parseQuantity('1' + '0'.repeat(100_000))).toThrow(UnitError);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('`maxmemory 0` (no limit in Redis): read as no maxmemory, reported at the maxmemory line (6), < 1000 ms', async () => {
    const text = [
      'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: redis-conf, namespace: c}', 'data:', '  redis.conf: |', '    maxmemory 0', '    appendonly yes', '    frobnicate-the-widgets yes', '---',
      'apiVersion: apps/v1', 'kind: StatefulSet', 'metadata: {name: redis, namespace: c}', 'spec:', '  replicas: 1', '  template:', '    spec:', '      containers:', '        - name: redis', '          image: redis:7.2',
      '          command: [redis-server, /etc/redis/redis.conf]', '          resources: {limits: {memory: 1Gi}}', '          volumeMounts: [{name: conf, mountPath: /etc/redis}, {name: data, mountPath: /data}]',
      '      volumes: [{name: conf, configMap: {name: redis-conf}}]', '  volumeClaimTemplates:', '    - metadata: {name: data}', '      spec: {resources: {requests: {storage: 10Gi}}}', '',
    ].join('\n');
    const m = await measured([fixture('maxmemory0.yaml', text)]);
    expect(m.result.inputErrors).toEqual([]);
    // fork-memory-headroom supersedes maxmemory-unset here (AOF forks) and carries its advice, at the same line
    expect(of(m.result, 'maxmemory-unset')).toEqual([]);
    expect(of(m.result, 'fork-memory-headroom')).toEqual([expect.stringMatching(/^6: fork peak .*without maxmemory Redis is also OOM-killed/)]);
    // an unknown directive (frobnicate-the-widgets) is passed over: no crash, no finding of its own
    expect(m.result.findings.map((f) => f.message).join('\n')).not.toMatch(/frobnicate/);
    expect(m.result.deployments[0].config.get('frobnicate-the-widgets')?.args).toEqual(['yes']);
    expectClean(m.result);
    expect(m.ms).toBeLessThan(1000);
  });

  it('a HelmRelease with `values:` outside spec: values-key-ignored at line 7, < 1000 ms', async () => {
    const text = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: redis, namespace: c}\nspec:\n  chart:\n    spec: {chart: redis, version: 20.1.0, sourceRef: {kind: HelmRepository, name: bitnami}}\nvalues:\n  master:\n    persistence: {size: 50Mi}\n';
    const m = await measured([fixture('hr-values-outside.yaml', text)]);
    expect(of(m.result, 'values-key-ignored')).toEqual(['7: "values" is outside spec: Flux ignores it (move it to spec.values)']);
    expect(of(m.result, 'aof-rewrite-unreachable')).toEqual([]); // the 50Mi is not applied
    expectClean(m.result);
    expect(m.ms).toBeLessThan(1000);
  });
});

describe('many documents', () => {
  it('3,000 HelmReleases in one file with a `*` in a comment (the alias check once per file, not per document): all linted, < 30 s', async () => {
    const one = (i: number) =>
      `# schedule: */5 * * * *\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: redis-${i}, namespace: c}\nspec:\n  chart:\n    spec: {chart: redis, version: 20.1.0}\n  values:\n    architecture: standalone\n    master:\n      persistence: {size: 50Mi}\n`;
    const file = fixture('many.yaml', Array.from({ length: 3000 }, (_, i) => one(i)).join('---\n'));
    const m = await measured([file]);
    expect(m.result.inputErrors).toEqual([]);
    expect(of(m.result, 'aof-rewrite-unreachable')).toHaveLength(3000);
    expect(m.ms).toBeLessThan(30_000);
  }, 60_000);
});

describe('a 50 MB file through the CLI binary', () => {
  it('a 50 MB redis.conf in one ConfigMap: exit 2 naming the 10 MiB cap and --max-file-size, < 10 s, < 300 MB RSS; with --max-file-size 64Mi, exit 0 with its one finding (appendfsync-policy at line 7), < 120 s', () => {
    const file = path.join(dir, 'big.yaml');
    const fd = openSync(file, 'w');
    writeSync(fd, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: redis-conf}\ndata:\n  redis.conf: |\n    appendonly yes\n    appendfsync always\n');
    const chunk = '    maxmemory-policy allkeys-lru\n'.repeat(32_768); // 1 MiB
    for (let i = 0; i < 50; i++) writeSync(fd, chunk);
    closeSync(fd);
    const capped = cliWithRss([file]);
    expect(capped.status).toBe(2);
    expect(capped.stdout).toContain(`${file} is larger than 10 MiB, the input size limit: not read (raise it with --max-file-size or maxFileSize: in .redis-lint.yaml)`);
    expect(capped.ms).toBeLessThan(10_000);
    expect(capped.rssMB).toBeLessThan(300);

    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--max-old-space-size=2048', CLI, '--max-file-size', '64Mi', '--format', 'json', file], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * MB });
    const ms = performance.now() - t0;
    expect(r.error).toBeUndefined();
    expect(r.stderr).not.toMatch(/internal error|\n\s+at |heap out of memory/);
    expect(r.status).toBe(0); // appendfsync-policy is a warning: below the default fail level
    if (process.env.REDIS_LINT_HOSTILE_REPORT) console.log(`50 MB CLI: ${ms.toFixed(0)} ms`);
    const out = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; line: number }>; summary: { files: number } };
    expect(out.findings.map((f) => `${f.line} ${f.ruleId}`)).toEqual(['7 appendfsync-policy']);
    expect(ms).toBeLessThan(120_000);
  }, 150_000);

  it('/dev/zero as a file and on stdin: exit 2 naming the cap, < 10 s, < 300 MB RSS (it grew to 9.5 GB)', () => {
    if (!existsSync('/dev/zero')) return;
    const asFile = cliWithRss(['/dev/zero']);
    expect(asFile.status).toBe(2);
    expect(asFile.stdout).toContain('/dev/zero is larger than 10 MiB, the input size limit: not read (raise it with --max-file-size or maxFileSize: in .redis-lint.yaml)');
    expect(asFile.ms).toBeLessThan(10_000);
    expect(asFile.rssMB).toBeLessThan(300);
    const onStdin = cliWithRss(['-'], '/dev/zero');
    expect(onStdin.status).toBe(2);
    expect(onStdin.stdout).toContain('standard input is larger than 10 MiB, the input size limit: not read (raise it with --max-file-size or maxFileSize: in .redis-lint.yaml)');
    expect(onStdin.ms).toBeLessThan(10_000);
    expect(onStdin.rssMB).toBeLessThan(300);
  });

  it('stdin gets the file checks: binary and invalid UTF-8 are exit 2 with the byte and its place; --max-documents caps documents per file', () => {
    const bin = spawnSync(process.execPath, [CLI, '-'], { input: Buffer.from([0x61, 0x3a, 0x00, 0x01]), encoding: 'utf8' });
    expect(bin.status).toBe(2);
    expect(bin.stdout).toContain('standard input is a binary file, not YAML');
    const latin1 = spawnSync(process.execPath, [CLI, '-'], { input: Buffer.from('a: caf\xe9\n', 'latin1'), encoding: 'utf8' });
    expect(latin1.status).toBe(2);
    expect(latin1.stdout).toContain('standard input is not valid UTF-8 (byte 0xe9 at line 1, column 7)');
    const docs = fixture('many-docs.yaml', '--- {image: redis}\n'.repeat(30));
    const capped = spawnSync(process.execPath, [CLI, '--max-documents', '20', docs], { encoding: 'utf8' });
    expect(capped.status).toBe(2);
    expect(capped.stdout).toMatch(/21:1 +error +\S+many-docs\.yaml has more than 20 YAML documents, the limit per file: the rest are not read \(raise it with --max-documents or maxDocuments: in \.redis-lint\.yaml\)/);
    expect(spawnSync(process.execPath, [CLI, '--max-documents', '30', docs], { encoding: 'utf8' }).status).toBe(0);
  });
});
