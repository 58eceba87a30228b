import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS_PER_LEVEL, escapeData, escapeProperty, formatGithub, githubStepSummary, markdownCell } from '../../src/report/github.js';
import type { Finding, Severity } from '../../src/types.js';
import { finding, lint, projectRoot, reportInput, syntheticInput } from './helpers.js';

/** A workflow command parsed back as the runner does (ActionCommand.TryParseV2: split, then unescape). */
interface Command {
  command: string;
  props: Record<string, string>;
  message: string;
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

function parse(line: string): Command {
  const m = /^::([a-z]+)(?: ([^:]*))?::(.*)$/s.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const props: Record<string, string> = {};
  for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
    const i = kv.indexOf('=');
    props[kv.slice(0, i)] = unescapeProperty(kv.slice(i + 1));
  }
  return { command: m[1], props, message: unescapeData(m[3]) };
}

function commands(text: string): Command[] {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map(parse);
}

function many(n: Record<Severity, number>): Finding[] {
  const out: Finding[] = [];
  let line = 1;
  // interleaved, in file order, as the engine sorts them
  for (let i = 0; out.length < n.error + n.warning + n.info; i++) {
    for (const sev of ['info', 'warning', 'error'] as Severity[]) {
      if (out.filter((f) => f.severity === sev).length < n[sev]) out.push(finding({ severity: sev, ruleId: `rule-${sev}`, message: `${sev} ${i}`, pos: { line: line, endLine: line++ } }));
    }
  }
  return out;
}

describe('escaping (as @actions/core escapeData / escapeProperty)', () => {
  it.each([
    ['100%', '100%25', '100%25'],
    ['a\rb', 'a%0Db', 'a%0Db'],
    ['a\nb', 'a%0Ab', 'a%0Ab'],
    ['a\r\nb', 'a%0D%0Ab', 'a%0D%0Ab'],
    ['a:b', 'a:b', 'a%3Ab'],
    ['a,b', 'a,b', 'a%2Cb'],
    ['%0A literal', '%250A literal', '%250A literal'],
    ['::error::x', '::error::x', '%3A%3Aerror%3A%3Ax'],
    ['ünï 🚀', 'ünï 🚀', 'ünï 🚀'],
  ])('%j', (input, data, property) => {
    expect(escapeData(input)).toBe(data);
    expect(escapeProperty(input)).toBe(property);
    expect(unescapeData(escapeData(input))).toBe(input);
    expect(unescapeProperty(escapeProperty(input))).toBe(input);
  });

  it('file names and titles with %, CR, LF, : and , survive the round trip', () => {
    const file = path.join(projectRoot, 'dir,with:odd%chars', 'a\r\nb.yaml');
    const f = finding({ ruleId: 'rule:with,odd%', message: 'line one\nline two: 50% full, really\r\n', pos: { file } });
    const text = formatGithub(syntheticInput([f]));
    expect(text.split('\n')).toHaveLength(2); // one command and the final newline: nothing breaks the line
    expect(text).not.toMatch(/\r/);
    const [c] = commands(text);
    expect(c.command).toBe('warning');
    expect(c.props.file).toBe('dir,with:odd%chars/a\r\nb.yaml');
    expect(c.props.title).toBe('redis-lint: rule:with,odd%');
    expect(c.message).toBe('StatefulSet/cache/redis (standalone): line one\nline two: 50% full, really\r\n [rule:with,odd%]');
    // the raw property has no separator left in it
    const raw = /^::warning ([^:]*)::/.exec(text)![1];
    expect(raw.split(',').map((kv) => kv.split('=')[0])).toEqual(['file', 'line', 'endLine', 'col', 'endColumn', 'title']);
  });
});

describe('annotations', () => {
  it('one per finding, at the finding, most severe first (the incidents)', async () => {
    const input = reportInput(await lint(['examples/incidents']));
    const cmds = commands(formatGithub(input));
    expect(input.findings.length).toBeLessThanOrEqual(ANNOTATIONS_PER_LEVEL * 3 - 1);
    expect(cmds).toHaveLength(input.findings.length);
    const order = { error: 0, warning: 1, notice: 2 } as Record<string, number>;
    for (let i = 1; i < cmds.length; i++) expect(order[cmds[i].command]).toBeGreaterThanOrEqual(order[cmds[i - 1].command]);
    const level = { error: 'error', warning: 'warning', info: 'notice' };
    for (const f of input.findings) {
      const c = cmds.find((x) => x.message.endsWith(`${f.message} [${f.ruleId}]`) && x.props.file === f.pos.file && Number(x.props.line) === f.pos.line);
      expect(c, `${f.ruleId} ${f.pos.file}:${f.pos.line}`).toBeDefined();
      expect(c!.command).toBe(level[f.severity]);
      expect(c!.props.title).toBe(`redis-lint: ${f.ruleId}`);
      expect(Number(c!.props.endLine)).toBe(f.pos.endLine);
      if (f.pos.endLine === f.pos.line) {
        expect(Number(c!.props.col)).toBe(f.pos.column);
        expect(Number(c!.props.endColumn)).toBe(f.pos.endColumn);
      } else {
        // the runner drops columns of a multi-line annotation: none given
        expect(c!.props.col).toBeUndefined();
        expect(c!.props.endColumn).toBeUndefined();
      }
    }
    const rewrite = cmds.find((c) => c.props.title === 'redis-lint: aof-rewrite-unreachable')!;
    expect(rewrite.props).toMatchObject({ file: 'examples/incidents/klamm-helmrelease-50mi.yaml', line: '40', endLine: '40', col: '9', endColumn: '19' });
    expect(rewrite.message.startsWith('HelmRelease/klamm-prod/redis (standalone): PVC 50Mi')).toBe(true);
  });

  it('at most 10 errors, 10 warnings and 10 notices, the last notice summing up what was left out', () => {
    const findings = many({ error: 15, warning: 12, info: 12 });
    const cmds = commands(formatGithub(syntheticInput(findings)));
    const count = (c: string) => cmds.filter((x) => x.command === c).length;
    expect(count('error')).toBe(10);
    expect(count('warning')).toBe(10);
    expect(count('notice')).toBe(10);
    expect(cmds.map((c) => c.command)).toEqual([...Array(10).fill('error'), ...Array(10).fill('warning'), ...Array(10).fill('notice')]);
    // the first of each severity, in report order
    expect(cmds.filter((c) => c.command === 'error').map((c) => /: (error \d+) \[/.exec(c.message)![1])).toEqual(Array.from({ length: 10 }, (_, i) => `error ${i}`));
    expect(cmds[0].message).toContain('error 0 [rule-error]');
    expect(cmds[9].message).toContain('error 9 [rule-error]');
    expect(cmds[10].message).toContain('warning 0 [rule-warning]');
    expect(cmds[20].message).toContain('info 0 [rule-info]');
    expect(cmds[28].message).toContain('info 8 [rule-info]');
    const summary = cmds[29];
    expect(summary.props).toEqual({ title: 'redis-lint: more findings' });
    expect(summary.message).toMatch(/^10 more findings not shown as annotations \(5 errors, 2 warnings, 3 infos\)/);
    expect(summary.message).toContain('All 39 findings');
    expect(summary.message).toMatch(/step summary/);
    expect(summary.message).toMatch(/SARIF/);
  });

  it('10 notices and nothing left out: no summary', () => {
    const cmds = commands(formatGithub(syntheticInput(many({ error: 2, warning: 10, info: 10 }))));
    expect(cmds).toHaveLength(22);
    expect(cmds.some((c) => c.props.title === 'redis-lint: more findings')).toBe(false);
  });

  it('11 notices: 9 shown and the summary', () => {
    const cmds = commands(formatGithub(syntheticInput(many({ error: 0, warning: 0, info: 11 }))));
    expect(cmds).toHaveLength(10);
    expect(cmds[9].message).toMatch(/^2 more findings not shown as annotations \(2 infos\)/);
  });

  it('errors cut: the summary takes a notice slot', () => {
    const cmds = commands(formatGithub(syntheticInput(many({ error: 11, warning: 0, info: 10 }))));
    expect(cmds.filter((c) => c.command === 'notice')).toHaveLength(10);
    expect(cmds.at(-1)!.message).toMatch(/^2 more findings not shown as annotations \(1 error, 1 info\)/);
  });

  it('no findings: no output', () => {
    expect(formatGithub(syntheticInput([]))).toBe('');
  });

  it('standard input: no file, the position in the message', () => {
    const [c] = commands(formatGithub(syntheticInput([finding({ pos: { file: '<stdin>', line: 7, column: 3 } })])));
    expect(c.props.file).toBeUndefined();
    expect(c.message.startsWith('<stdin>:7:3: StatefulSet/cache/redis')).toBe(true);
  });

  it('file paths are relative to baseDir, absolute outside it', () => {
    const inside = finding({ pos: { file: path.join(projectRoot, 'a', 'b.yaml') } });
    const outside = finding({ pos: { file: '/elsewhere/c.yaml' } });
    const cmds = commands(formatGithub(syntheticInput([inside, outside])));
    expect(cmds[0].props.file).toBe('a/b.yaml');
    expect(cmds[1].props.file).toBe('/elsewhere/c.yaml');
  });
});

describe('step summary', () => {
  it('a table of all findings with a summary line', async () => {
    const input = reportInput(await lint(['examples/incidents']));
    const md = githubStepSummary(input);
    const rows = md.split('\n').filter((l) => /^\| (❌|⚠️|ℹ️) /.test(l));
    expect(rows).toHaveLength(input.findings.length);
    const n = { error: 0, warning: 0, info: 0 };
    for (const f of input.findings) n[f.severity]++;
    expect(md).toContain(`✖ ${input.findings.length} problems (${n.error} errors, ${n.warning} warnings, ${n.info} info)`);
    expect(md).toContain('| Severity | Location | Rule | Message |');
    expect(md).toContain('examples/incidents/klamm-helmrelease-50mi.yaml:40:9');
    // every row has exactly 4 cells
    for (const r of rows) expect(r.replace(/\\\|/g, '').split('|').length).toBe(6);
  });

  it('more than 10 per level: the summary lists them all', () => {
    const findings = many({ error: 15, warning: 12, info: 12 });
    const rows = githubStepSummary(syntheticInput(findings)).split('\n').filter((l) => /^\| (❌|⚠️|ℹ️) /.test(l));
    expect(rows).toHaveLength(39);
  });

  it('escapes | and line breaks and HTML in cells', () => {
    const f = finding({ message: 'a | b\nc <stdin> & *d*', pos: { file: path.join(projectRoot, 'x|y.yaml') } });
    const md = githubStepSummary(syntheticInput([f]));
    const row = md.split('\n').find((l) => l.startsWith('| ⚠️'))!;
    expect(row).toContain('a \\| b<br>c &lt;stdin&gt; &amp; \\*d\\*');
    expect(row).toContain('x\\|y.yaml:28:5');
    expect(row.replace(/\\\|/g, '').split('|').length).toBe(6);
    expect(markdownCell('a\r\nb|c')).toBe('a<br>b\\|c');
  });

  it('no findings: one line', () => {
    expect(githubStepSummary(syntheticInput([], { files: 3, deployments: 2 }))).toBe('### redis-lint: ✔ no problems\n\nNo problems in 3 files, 2 Redis deployment roles.\n');
  });
});
