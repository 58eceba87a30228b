import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRuleIds, exampleFile, exampleOutput, GENERATED_NOTICE, oneLine, renderRuleDocs, renderRuleIndex, renderRulePage } from '../../src/docs/rule-docs.js';
import { lintPaths } from '../../src/engine.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { ruleById } from '../../src/rules/index.js';
import type { RuleDoc } from '../../src/docs/rule-docs.js';
import type { Finding } from '../../src/types.js';

const rulesDir = fileURLToPath(new URL('../../docs/rules/', import.meta.url));
const policy = loadPolicy();
const ids = allRuleIds();

/** A rule's first example (its meta; test/rules/registry.test.ts checks every rule has one). */
const exampleOf = (id: string) => ruleById(id)!.meta.examples[0];

describe('docs/rules pages', () => {
  let pages: Map<string, string>;
  beforeAll(async () => {
    pages = await renderRuleDocs(policy);
  });

  it('has a page for every rule id and none for an unknown id', () => {
    const files = readdirSync(rulesDir).filter((f) => f.endsWith('.md'));
    for (const id of ids) expect(files, `docs/rules/${id}.md is missing: run npm run docs:rules`).toContain(`${id}.md`);
    const unknown = files.filter((f) => f !== 'README.md' && !ids.includes(f.replace(/\.md$/, '')));
    expect(unknown, 'pages of rules that do not exist').toEqual([]);
  });

  it('every rule of the policy is a rule id', () => {
    expect(Object.keys(policy.rules).sort()).toEqual([...ids].sort());
  });

  it.each(ids)('docs/rules/%s.md is what the generator renders now', (id) => {
    const onDisk = readFileSync(path.join(rulesDir, `${id}.md`), 'utf8');
    expect(onDisk === pages.get(`${id}.md`), `docs/rules/${id}.md is out of date: run npm run docs:rules`).toBe(true);
  });

  it('docs/rules/README.md is what the generator renders now and lists every rule', () => {
    const index = readFileSync(path.join(rulesDir, 'README.md'), 'utf8');
    expect(index === pages.get('README.md'), 'docs/rules/README.md is out of date: run npm run docs:rules').toBe(true);
    for (const id of ids) expect(index).toContain(`| [\`${id}\`](${id}.md) | ${policy.rules[id].severity} |`);
  });

  it('each page has the notice, the title, the severity, how to fix and how to suppress', () => {
    for (const id of ids) {
      const page = pages.get(`${id}.md`)!;
      expect(page.startsWith(`${GENERATED_NOTICE}\n\n# ${id}\n`), id).toBe(true);
      expect(page).toContain(`Default severity: **${policy.rules[id].severity}**`);
      expect(page).toContain('## How to fix');
      expect(page).toContain('## How to suppress');
    }
    const page = pages.get('data-volume-fsgroup.md')!;
    expect(page).toContain('# redis-lint-disable-next-line data-volume-fsgroup -- <reason>');
    expect(page).toContain('# redis-lint-disable data-volume-fsgroup -- <reason>');
    expect(page).toContain('ignore-check.redis-lint.io/data-volume-fsgroup: "<reason>"');
    expect(page).toContain('rules: [data-volume-fsgroup]');
    expect(page).toContain('  data-volume-fsgroup: off');
  });

  it('shows the output of linting the example, at its file name', () => {
    const page = pages.get('aof-rewrite-unreachable.md')!;
    expect(page).toContain('`redis-lint values.yaml` reports:');
    expect(page).toMatch(/```text\nvalues\.yaml\n {2}\d+:\d+ {2}error {2}Values\/values\.yaml \(standalone\): PVC 50Mi is below auto-aof-rewrite-min-size .* {2}aof-rewrite-unreachable\n```/);
    // no temporary directory leaks into a page
    for (const [name, text] of pages) expect(text, name).not.toMatch(/redis-lint-example-|\/tmp\//);
  });
});

describe('renderRulePage and renderRuleIndex', () => {
  const rule: RuleDoc = {
    severity: 'warning',
    meta: {
      description: 'A <thing> | that is wrong. And more.',
      remediation: 'Do it right.',
      incident: '',
      category: 'configuration',
      precision: 'high',
      docs: { scope: 'object', commentSuppressible: true },
      examples: [{ file: 'values.yaml', bad: 'a: 1\n', good: 'a: 2\n' }],
    },
  };

  it('says what --fix can do, safe or opt-in', () => {
    const safe = renderRulePage('x-rule', rule, { fix: { safe: true, description: 'set a to 2' } });
    expect(safe).toContain('`redis-lint --fix` can fix this: set a to 2.');
    expect(safe).toContain('**safe**');
    const optIn = renderRulePage('x-rule', rule, { fix: { safe: false, description: 'set a to 2' } });
    expect(optIn).toContain('**opt-in**');
    expect(renderRulePage('x-rule', rule)).not.toContain('--fix` can fix');
  });

  it('renders the example without an output block when the example produced none', () => {
    const page = renderRulePage('x-rule', rule);
    expect(page).toContain('```yaml\na: 1\n```');
    expect(page).toContain('Fixed:\n\n```yaml\na: 2\n```');
    expect(page).not.toContain('reports:');
    expect(page).not.toContain('## Why: the incident');
    expect(page).toContain('A &lt;thing&gt;');
  });

  it('the index escapes table cells and keeps the first sentence', () => {
    expect(oneLine('One. Two.')).toBe('One.');
    expect(oneLine('A key, e.g. a typo. More.')).toBe('A key, e.g. a typo.');
    const index = renderRuleIndex([{ id: 'x-rule', rule, fix: { safe: false, description: 'd' } }]);
    expect(index).toContain('| [`x-rule`](x-rule.md) | warning | yes (opt-in) | A &lt;thing&gt; \\| that is wrong. |');
  });

  it('exampleOutput keeps the rule lines and drops the summary', () => {
    const f = (ruleId: string, line: number): Finding => ({
      ruleId,
      severity: 'error',
      message: 'm',
      pos: { file: 'values.yaml', line, column: 1, endLine: line, endColumn: 1, yamlPath: '' },
    });
    expect(exampleOutput('a', [f('a', 3), f('b', 4)])).toBe('values.yaml\n  3:1  error  m  a');
    expect(exampleOutput('c', [f('a', 3)])).toBeUndefined();
  });
});

describe('rule examples', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-docs-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Write the text to a fresh directory under the example's file name and lint it with the default policy. */
  async function lint(id: string, kind: string, file: string, text: string): Promise<Finding[]> {
    const sub = mkdtempSync(path.join(dir, `${id}-${kind}-`));
    const full = path.join(sub, file);
    writeFileSync(full, text);
    return (await lintPaths([full], { policy })).findings;
  }

  // a rule whose example an offline lint cannot show firing says why (meta.docs.exampleNotLinted):
  // the suppression rules (test/policy/suppressions.test.ts), volume-not-expandable (test/audit/rule.test.ts)
  const checked = ids.filter((id) => !ruleById(id)!.meta.docs.exampleNotLinted);

  it.each(checked)('%s: the bad example triggers the rule, the good one does not', async (id) => {
    const ex = exampleOf(id);
    const file = exampleFile(ex);
    const bad = await lint(id, 'bad', file, ex.bad);
    expect(
      bad.map((f) => f.ruleId),
      `the bad example of ${id} does not trigger it`,
    ).toContain(id);
    expect(ex.good, `${id} has no good example`).toBeDefined();
    const good = await lint(id, 'good', file, ex.good!);
    expect(
      good.filter((f) => f.ruleId === id).map((f) => `${f.pos.line}:${f.pos.column} ${f.message}`),
      `the good example of ${id} still triggers it`,
    ).toEqual([]);
  });

  it('examples are short', () => {
    for (const id of ids) {
      const ex = exampleOf(id);
      for (const text of [ex.bad, ex.good ?? '']) expect(text.trimEnd().split('\n').length, id).toBeLessThanOrEqual(30);
    }
  });
});
