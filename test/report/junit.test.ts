import { describe, expect, it } from 'vitest';
import { formatJunit, xmlEscape } from '../../src/report/junit.js';
import type { Finding } from '../../src/types.js';
import { defaultPolicy, finding, lint, parseXml, reportInput, syntheticInput } from './helpers.js';

const enabledRules = () => Object.entries(defaultPolicy().rules).filter(([, p]) => p.severity !== 'off').length;

describe('junit', () => {
  it('the parser rejects what is not well-formed', () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
    expect(() => parseXml(head + '<a><b></a></b>')).toThrow();
    expect(() => parseXml(head + '<a x="1 & 2"/>')).toThrow();
    expect(() => parseXml(head + '<a>\u0007</a>')).toThrow();
    expect(() => parseXml(head + '<a x=1/>')).toThrow();
    expect(() => parseXml(head + '<a/><b/>')).toThrow();
    expect(() => parseXml(head + '<a x="1"y="2"/>')).toThrow();
    expect(parseXml(head + '<a x="&lt;&#10;"><b>t &amp; u</b></a>')).toEqual({ name: 'a', attrs: { x: '<\n' }, children: [{ name: 'b', attrs: {}, children: [], text: 't & u' }], text: '' });
  });

  it('one suite per object, one case per enabled rule, failures where there are findings (the incidents)', async () => {
    const input = reportInput(await lint(['examples/incidents']));
    const doc = parseXml(formatJunit(input));
    expect(doc.name).toBe('testsuites');
    const suites = doc.children;
    expect(suites.every((s) => s.name === 'testsuite')).toBe(true);
    // the four deployments' objects, and the Argo CD Application that only has a notice
    expect(suites.map((s) => s.attrs.name).sort()).toEqual(['Application/argocd/redis', 'HelmRelease/klamm-prod/redis', 'StatefulSet/claude-code-hub/redis', 'StatefulSet/redis', 'Values/aks-crashloop/values.yaml']);
    let tests = 0;
    let failures = 0;
    for (const s of suites) {
      const cases = s.children;
      expect(cases.every((c) => c.name === 'testcase')).toBe(true);
      expect(cases).toHaveLength(enabledRules());
      expect(Number(s.attrs.tests)).toBe(cases.length);
      const failed = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
      expect(Number(s.attrs.failures)).toBe(failed.length);
      tests += cases.length;
      failures += failed.length;
      for (const c of cases) expect(c.attrs.classname).toBe(`${s.attrs.file} / ${s.attrs.name}`);
    }
    expect(Number(doc.attrs.tests)).toBe(tests);
    expect(Number(doc.attrs.failures)).toBe(failures);
    // failures = distinct (object, rule) pairs with findings
    const pairs = new Set(input.findings.map((f) => `${f.object!.kind}/${f.object!.namespace ?? ''}/${f.object!.name}|${f.ruleId}`));
    expect(failures).toBe(pairs.size);
    const klamm = suites.find((s) => s.attrs.name === 'HelmRelease/klamm-prod/redis')!;
    const rewrite = klamm.children.find((c) => c.attrs.name === 'aof-rewrite-unreachable')!;
    expect(rewrite.attrs.classname).toBe('examples/incidents/klamm-helmrelease-50mi.yaml / HelmRelease/klamm-prod/redis');
    const failure = rewrite.children[0];
    expect(failure.attrs.type).toBe('error');
    expect(failure.attrs.message).toMatch(/^HelmRelease\/klamm-prod\/redis \(standalone\): PVC 50Mi is below/);
    expect(failure.text).toMatch(/^examples\/incidents\/klamm-helmrelease-50mi\.yaml:40:9: error: HelmRelease\/klamm-prod\/redis \(standalone\): PVC 50Mi .* \[aof-rewrite-unreachable\]$/);
    const unresolved = suites.find((s) => s.attrs.name === 'Application/argocd/redis')!.children.find((c) => c.attrs.name === 'unresolved-values')!;
    expect(unresolved.children[0].attrs.type).toBe('info');
  });

  it('findings without an object go into a suite per file; several findings of a rule are one failure', () => {
    const a = finding({ ruleId: 'invalid-yaml', severity: 'error', message: 'bad indentation', object: undefined, role: undefined, pos: { file: 'broken.yaml', line: 3, column: 2 } });
    const b = finding({ ruleId: 'invalid-yaml', severity: 'error', message: 'unclosed quote', object: undefined, role: undefined, pos: { file: 'broken.yaml', line: 9, column: 1 } });
    const c = finding({ ruleId: 'maxmemory-unset', severity: 'info', message: 'first', pos: { line: 5 } });
    const d = finding({ ruleId: 'maxmemory-unset', severity: 'warning', message: 'second', pos: { line: 6 } });
    const input = syntheticInput([a, b, c, d], {
      objects: [{ kind: 'StatefulSet', namespace: 'cache', name: 'redis', file: 'examples/incidents/fork-oom-statefulset.yaml', line: 1 }],
    });
    const doc = parseXml(formatJunit(input));
    expect(doc.children.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures])).toEqual([
      ['StatefulSet/cache/redis', String(enabledRules()), '1'],
      ['broken.yaml', '1', '1'],
    ]);
    expect(doc.attrs).toMatchObject({ tests: String(enabledRules() + 1), failures: '2', errors: '0' });
    const file = doc.children[1].children[0];
    expect(file.attrs).toMatchObject({ classname: 'broken.yaml', name: 'invalid-yaml' });
    expect(file.children[0].text.split('\n')).toEqual(['broken.yaml:3:2: error: bad indentation [invalid-yaml]', 'broken.yaml:9:1: error: unclosed quote [invalid-yaml]']);
    const mm = doc.children[0].children.find((x) => x.attrs.name === 'maxmemory-unset')!;
    expect(mm.children[0].attrs.type).toBe('warning'); // the worst of info and warning
    expect(mm.children[0].text.split('\n')).toHaveLength(2);
  });

  it('no objects and no findings: an empty, valid document', () => {
    const doc = parseXml(formatJunit(syntheticInput([])));
    expect(doc).toMatchObject({ name: 'testsuites', attrs: { tests: '0', failures: '0' }, children: [] });
  });

  it('escapes markup and replaces characters XML 1.0 forbids', () => {
    const nasty = 'a <b> & "c" \'d\' \u0000\u0007\u001B\uFFFE \uD800 🚀 ünï\ttab\nline';
    const f: Finding = finding({ message: nasty, object: { kind: 'StatefulSet', namespace: 'ns"<&>', name: 'r\u0001' } });
    const xml = formatJunit(syntheticInput([f]));
    const doc = parseXml(xml);
    const failure = doc.children[0].children.find((c) => c.attrs.name === 'maxmemory-unset')!.children[0];
    const expected = 'a <b> & "c" \'d\' \uFFFD\uFFFD\uFFFD\uFFFD \uFFFD 🚀 ünï\ttab\nline';
    expect(failure.attrs.message).toBe(`StatefulSet/ns"<&>/r\uFFFD (standalone): ${expected}`);
    expect(failure.text).toContain(expected);
    expect(doc.children[0].attrs.name).toBe('StatefulSet/ns"<&>/r\uFFFD');
    expect(xmlEscape('x\ny', true)).toBe('x&#10;y');
    expect(xmlEscape('<&>"\'', true)).toBe('&lt;&amp;&gt;&quot;&apos;');
    expect(xmlEscape('<&>"\'')).toBe('&lt;&amp;&gt;"\'');
  });
});
