import type { Finding, Severity } from '../types.js';
import { displayPath, findingSubject, objectName } from './sarif.js';
import type { ReportInput } from './types.js';

/**
 * Text made safe for XML 1.0 (W3C "Extensible Markup Language (XML) 1.0", §2.2 Characters, §2.4,
 * §3.3.3): `&`, `<`, `>` and both quotes as entities; characters XML 1.0 does not allow at all,
 * not even as character references (C0 controls other than TAB, LF, CR; U+FFFE, U+FFFF; unpaired
 * surrogates) become U+FFFD. In attribute values TAB, LF and CR are written as character references
 * so that attribute-value normalization keeps them.
 */
export function xmlEscape(s: string, attribute = false): string {
  let out = s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
  if (attribute) out = out.replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
  return out;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

interface Suite {
  name: string;
  /** display path of the file the suite is about */
  file: string;
  /** rule ids with a testcase in this suite, in order */
  rules: string[];
  findings: Map<string, Finding[]>;
}

function key(o: { kind: string; namespace?: string; name: string }): string {
  return `${o.kind}\0${o.namespace ?? ''}\0${o.name}`;
}

/**
 * The `--format junit` report: JUnit XML as Jenkins (JUnit plugin), GitLab (`artifacts:reports:junit`)
 * and the GitHub test-report actions read it (the de-facto "JUnit XML" schema of Ant/Surefire:
 * `<testsuites tests failures errors>` > `<testsuite name tests failures errors skipped>` >
 * `<testcase classname name>` with an optional `<failure message type>body</failure>`).
 *
 * - one `<testsuite>` per checked object (`input.objects`; name `Kind/namespace/name`), with one
 *   `<testcase>` per enabled rule (`classname` = `<file> / <Kind/namespace/name>`, `name` = rule id);
 *   objects that only appear in findings (e.g. an Application of another chart) get a suite too;
 * - a testcase fails when the object has findings of that rule (any severity): one `<failure>`
 *   whose `type` is the worst severity and `message` the first finding's message, and whose body
 *   lists every finding as `file:line:column: severity: message [rule-id]`;
 * - findings about no object (e.g. invalid-yaml) go into one suite per file (name = the file), with
 *   a testcase per rule that has findings there;
 * - `tests`/`failures` counts on every suite and on the root; `errors` and `skipped` are 0.
 * @returns the XML document (UTF-8 declaration), ending in a newline
 */
export function formatJunit(input: ReportInput): string {
  const enabled = Object.entries(input.rules)
    .filter(([, p]) => p.severity !== 'off')
    .map(([id]) => id)
    .sort();
  const suites: Suite[] = [];
  const byObject = new Map<string, Suite[]>();
  const byFile = new Map<string, Suite>();

  for (const o of input.objects) {
    const k = key(o);
    const file = displayPath(o.file, input.baseDir);
    const list = byObject.get(k) ?? [];
    if (list.some((s) => s.file === file)) continue; // listed once per object and file
    const suite: Suite = { name: objectName(o), file, rules: [...enabled], findings: new Map() };
    list.push(suite);
    byObject.set(k, list);
    suites.push(suite);
  }

  for (const f of input.findings) {
    const file = displayPath(f.pos.file, input.baseDir);
    let suite: Suite | undefined;
    if (f.object) {
      const list = byObject.get(key(f.object)) ?? [];
      suite = list.find((s) => s.file === file) ?? list[0];
      if (!suite) {
        suite = { name: objectName(f.object), file, rules: [...enabled], findings: new Map() };
        byObject.set(key(f.object), [suite]);
        suites.push(suite);
      }
    } else {
      suite = byFile.get(file);
      if (!suite) {
        suite = { name: file, file, rules: [], findings: new Map() };
        byFile.set(file, suite);
        suites.push(suite);
      }
    }
    if (!suite.rules.includes(f.ruleId)) suite.rules.push(f.ruleId);
    const list = suite.findings.get(f.ruleId) ?? [];
    list.push(f);
    suite.findings.set(f.ruleId, list);
  }

  let tests = 0;
  let failures = 0;
  const body: string[] = [];
  for (const s of suites) {
    const failed = s.rules.filter((r) => s.findings.has(r)).length;
    tests += s.rules.length;
    failures += failed;
    const classname = s.name === s.file ? s.file : `${s.file} / ${s.name}`;
    body.push(
      `  <testsuite name="${xmlEscape(s.name, true)}" tests="${s.rules.length}" failures="${failed}" errors="0" skipped="0" time="0" file="${xmlEscape(s.file, true)}">`,
    );
    for (const rule of s.rules) {
      const open = `    <testcase classname="${xmlEscape(classname, true)}" name="${xmlEscape(rule, true)}" file="${xmlEscape(s.file, true)}" time="0"`;
      const found = s.findings.get(rule);
      if (!found) {
        body.push(`${open}/>`);
        continue;
      }
      const worst = found.reduce<Severity>((w, f) => (RANK[f.severity] < RANK[w] ? f.severity : w), 'info');
      const first = found[0];
      const message = `${findingSubject(first)}${first.message}`;
      const text = found
        .map((f) => `${displayPath(f.pos.file, input.baseDir)}:${f.pos.line}:${f.pos.column}: ${f.severity}: ${findingSubject(f)}${f.message} [${f.ruleId}]`)
        .join('\n');
      body.push(`${open}>`);
      body.push(`      <failure message="${xmlEscape(message, true)}" type="${worst}">${xmlEscape(text)}</failure>`);
      body.push('    </testcase>');
    }
    body.push('  </testsuite>');
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="redis-lint" tests="${tests}" failures="${failures}" errors="0" time="0">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
