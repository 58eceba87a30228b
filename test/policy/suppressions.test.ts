/**
 * Inline suppressions (# redis-lint-disable-next-line / # redis-lint-disable) and the project
 * config file (.redis-lint.yaml found upward, rule shorthand, failLevel, maxWarnings), through
 * lintPaths and the CLI, on real files in a temporary directory.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { lintPaths } from '../../src/engine.js';
import { findConfigFile, loadPolicy } from '../../src/policy/policy.js';
import { parseSuppressions } from '../../src/policy/suppressions.js';
import { InputError } from '../../src/types.js';

function dir(): string {
  return mkdtempSync(path.join(tmpdir(), 'redis-lint-suppress-'));
}

/** Bitnami values with AOF on a 50Mi volume (aof-rewrite-unreachable at line 5) and appendfsync always (appendfsync-policy at line 9). */
const VALUES = (above5 = '', above9 = '', top = '') =>
  `${top}architecture: standalone
master:
  persistence:
    enabled: true
${above5}    size: 50Mi
  resources:
    limits: {memory: 256Mi}
commonConfiguration: |-
${above9}  appendonly yes
  appendfsync always
`;

async function lintText(text: string, name = 'values.yaml') {
  const d = dir();
  const file = path.join(d, name);
  writeFileSync(file, text);
  return { file, result: await lintPaths([file], { policy: loadPolicy() }) };
}

const ids = (r: { findings: { ruleId: string }[] }) => r.findings.map((f) => f.ruleId);

describe('inline suppressions', () => {
  it('the unsuppressed file has both findings (the baseline the cases below change)', async () => {
    const { result } = await lintText(VALUES());
    expect(ids(result)).toContain('aof-rewrite-unreachable');
    expect(ids(result)).toContain('appendfsync-policy');
  });

  it('disable-next-line drops the finding on the next content line, only that rule', async () => {
    const { result } = await lintText(VALUES('    # redis-lint-disable-next-line aof-rewrite-unreachable -- cache, data is disposable\n'));
    expect(ids(result)).not.toContain('aof-rewrite-unreachable');
    expect(ids(result)).toContain('appendfsync-policy');
    expect(ids(result)).not.toContain('unused-suppression');
  });

  it('skips blank and comment lines between the directive and its line; takes several ids', async () => {
    const above = '    # redis-lint-disable-next-line aof-rewrite-unreachable, aof-disk-headroom -- throwaway cache\n\n    # the size is fixed by the platform team\n';
    const { result } = await lintText(VALUES(above));
    expect(ids(result)).not.toContain('aof-rewrite-unreachable');
    // both rules report that line (precedence applies after suppressions), so both parts are used
    expect(ids(result)).not.toContain('aof-disk-headroom');
    expect(ids(result)).not.toContain('unused-suppression');
  });

  it('works as a comment line inside the redis.conf block scalar', async () => {
    const text = VALUES().replace('  appendfsync always', '  # redis-lint-disable-next-line appendfsync-policy -- durability wins over latency here\n  appendfsync always');
    const { result } = await lintText(text);
    expect(ids(result)).not.toContain('appendfsync-policy');
    expect(ids(result)).toContain('aof-rewrite-unreachable');
  });

  it('disable covers the whole file', async () => {
    const { result } = await lintText(VALUES('', '', '# redis-lint-disable appendfsync-policy, aof-rewrite-unreachable -- staging cache\n'));
    expect(ids(result)).not.toContain('appendfsync-policy');
    expect(ids(result)).not.toContain('aof-rewrite-unreachable');
  });

  it('a directive without a reason is invalid and suppresses nothing', async () => {
    const { file, result } = await lintText(VALUES('    # redis-lint-disable-next-line aof-rewrite-unreachable\n'));
    expect(ids(result)).toContain('aof-rewrite-unreachable');
    const bad = result.findings.find((f) => f.ruleId === 'invalid-suppression')!;
    expect(bad.severity).toBe('error');
    expect(bad.message).toMatch(/has no reason: write # redis-lint-disable-next-line aof-rewrite-unreachable -- <reason>/);
    expect(bad.pos).toMatchObject({ file, line: 5, column: 5 });
  });

  it('an unknown rule id is invalid; "--" with nothing after it is no reason', async () => {
    const { result } = await lintText(VALUES('    # redis-lint-disable-next-line aof-rewrite-unreachble -- typo\n', '  # redis-lint-disable-next-line appendfsync-policy --\n'));
    const msgs = result.findings.filter((f) => f.ruleId === 'invalid-suppression').map((f) => f.message);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatch(/"aof-rewrite-unreachble" \(did you mean "aof-rewrite-unreachable"\?\), not a rule of redis-lint/);
    expect(msgs[1]).toMatch(/appendfsync-policy has no reason/);
    expect(ids(result)).toContain('aof-rewrite-unreachable');
    expect(ids(result)).toContain('appendfsync-policy');
  });

  it('an unused directive is reported at the comment; not when its rule is off', async () => {
    const text = VALUES('', '', '# redis-lint-disable-next-line liveness-kills-loading -- probes are tuned by hand\nfoo: 1\n');
    const { file, result } = await lintText(text);
    const unused = result.findings.find((f) => f.ruleId === 'unused-suppression')!;
    expect(unused.pos).toMatchObject({ file, line: 1, column: 1 });
    const d = dir();
    const cfg = path.join(d, 'config.yaml');
    writeFileSync(cfg, 'rules:\n  liveness-kills-loading: off\n');
    const again = await lintPaths([file], { policy: loadPolicy(cfg) });
    expect(ids(again)).not.toContain('unused-suppression');
  });

  it('parses CRLF, a BOM and a trailing YAML comment', () => {
    const text = '\ufeffa: 1 # redis-lint-disable-next-line appendfsync-policy -- x y\r\nb: 2\r\n';
    const { directives, problems } = parseSuppressions('f.yaml', text, new Set(['appendfsync-policy']));
    expect(problems).toEqual([]);
    expect(directives).toEqual([{ kind: 'disable-next-line', ruleId: 'appendfsync-policy', reason: 'x y', pos: { file: 'f.yaml', line: 1, column: 6, endLine: 1, endColumn: 62, yamlPath: '' }, targetLine: 2 }]);
  });
});

describe('.redis-lint.yaml', () => {
  it('is found in the working directory or a parent; .yaml before .yml', () => {
    const root = dir();
    const sub = path.join(root, 'a', 'b');
    mkdirSync(sub, { recursive: true });
    expect(findConfigFile(sub)).toBeUndefined();
    writeFileSync(path.join(root, '.redis-lint.yml'), 'rules: {}\n');
    expect(findConfigFile(sub)).toBe(path.join(root, '.redis-lint.yml'));
    writeFileSync(path.join(root, 'a', '.redis-lint.yaml'), 'rules: {}\n');
    expect(findConfigFile(sub)).toBe(path.join(root, 'a', '.redis-lint.yaml'));
  });

  it('rules take a severity alone; failLevel and maxWarnings are read', () => {
    const d = dir();
    const f = path.join(d, '.redis-lint.yaml');
    writeFileSync(f, 'apiVersion: redis-lint.io/v1alpha1\nkind: Config\nfailLevel: warning\nmaxWarnings: 3\nrules:\n  replicas-failover: off\n  appendfsync-policy: error\n  aof-disk-headroom: {params: {headroomPercent: 30}}\n');
    const p = loadPolicy(f);
    expect(p.rules['replicas-failover'].severity).toBe('off');
    expect(p.rules['appendfsync-policy'].severity).toBe('error');
    // texts are the rule's meta, not policy: a config changes the severity and keeps nothing else of it
    expect(Object.keys(p.rules['appendfsync-policy']).sort()).toEqual(['params', 'severity']);
    expect(p.rules['aof-disk-headroom']).toMatchObject({ severity: 'error', params: { headroomPercent: 30 } });
    expect(p).toMatchObject({ failLevel: 'warning', maxWarnings: 3, configFile: f });
  });

  it.each([
    ['a severity that does not exist', 'rules:\n  replicas-failover: warn\n', 2, 3, /rules\.replicas-failover must be one of error, warning, info, off/],
    ['an unknown key in a rule object', 'rules:\n  replicas-failover: {severty: off}\n', 2, 23, /rules\.replicas-failover\.severty is not a known key/],
    ['a failLevel that does not exist', 'failLevel: fatal\n', 1, 1, /failLevel must be one of error, warning, info/],
    ['maxWarnings below 0', 'maxWarnings: -1\n', 1, 1, /maxWarnings must be >= 0/],
  ])('%s: an error at its line and column (the key of a wrong value)', (_name, text, line, column, message) => {
    const d = dir();
    const f = path.join(d, '.redis-lint.yaml');
    writeFileSync(f, text);
    let e: unknown;
    try {
      loadPolicy(f);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).message).toMatch(/^invalid config: /);
    expect((e as InputError).message).toMatch(message);
    expect((e as InputError).pos).toMatchObject({ file: f, line, column });
  });
});

describe('CLI: config discovery, --config, --no-config, failLevel, maxWarnings', () => {
  function sink() {
    let text = '';
    return { stream: { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, text: () => text };
  }
  async function run(args: string[], cwd: string) {
    const out = sink();
    const err = sink();
    const prev = process.cwd();
    process.chdir(cwd);
    try {
      const code = await main(args, out.stream, err.stream);
      return { code, out: out.text(), err: err.text() };
    } finally {
      process.chdir(prev);
    }
  }
  // a values file with only warnings (and an info): AOF on emptyDir (persistence-ephemeral), appendfsync always (appendfsync-policy)
  const WARN_ONLY = 'architecture: standalone\nmaster:\n  persistence: {enabled: false}\n  resources:\n    limits: {memory: 256Mi}\ncommonConfiguration: |-\n  maxmemory 100mb\n  appendonly yes\n  save ""\n  appendfsync always\n';

  it('a .redis-lint.yaml in a parent directory sets the fail level; a flag wins; --no-config ignores it', async () => {
    const root = dir();
    const sub = path.join(root, 'deploy');
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'values.yaml'), WARN_ONLY);
    const base = await run(['--format', 'json', 'values.yaml'], sub);
    const warnings = (JSON.parse(base.out) as { summary: { errors: number; warnings: number } }).summary;
    expect(warnings.errors).toBe(0);
    expect(warnings.warnings).toBeGreaterThan(0);
    expect(base.code).toBe(0);
    writeFileSync(path.join(root, '.redis-lint.yaml'), 'failLevel: warning\n');
    expect((await run(['values.yaml'], sub)).code).toBe(1);
    expect((await run(['--fail-level', 'error', 'values.yaml'], sub)).code).toBe(0);
    expect((await run(['--no-config', 'values.yaml'], sub)).code).toBe(0);
  });

  it('maxWarnings from the config, --max-warnings from the command line', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'values.yaml'), WARN_ONLY);
    writeFileSync(path.join(d, '.redis-lint.yaml'), 'maxWarnings: 0\n');
    const r = await run(['values.yaml'], d);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/warnings, more than the 0 allowed/);
    expect((await run(['--max-warnings', '100', 'values.yaml'], d)).code).toBe(0);
    expect((await run(['--max-warnings', 'x', 'values.yaml'], d)).code).toBe(2);
  });

  it('a broken config found upward is exit 2 with file, line and column', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'values.yaml'), WARN_ONLY);
    writeFileSync(path.join(d, '.redis-lint.yaml'), 'rules:\n  no-such-rule: error\n  appendfsync-policy: loud\n');
    const r = await run(['values.yaml'], d);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/\.redis-lint\.yaml:3:3: invalid config: rules\.appendfsync-policy must be one of error, warning, info, off/);
  });
});

describe('the README', () => {
  it("the .redis-lint.yaml example loads, and its suppression example suppresses", async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Configuration: .redis-lint.yaml'));
    const config = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const d = dir();
    const f = path.join(d, '.redis-lint.yaml');
    writeFileSync(f, config);
    const p = loadPolicy(f);
    expect(p).toMatchObject({ failLevel: 'warning', maxWarnings: 20 });
    expect(p.rules['replicas-failover'].severity).toBe('off');
    expect(p.exemptions).toHaveLength(1);
    expect(p.workloads?.[0]).toMatchObject({ kind: 'HelmRelease', name: 'redis' });
    const suppress = /```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('### Suppressing a finding')))![1];
    const { result } = await lintText(`architecture: standalone\ncommonConfiguration: |-\n  appendonly yes\n${suppress}`);
    expect(ids(result)).not.toContain('aof-rewrite-unreachable');
    expect(ids(result)).not.toContain('unused-suppression');
  });
});
