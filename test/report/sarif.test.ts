import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintDocuments } from '../../src/engine.js';
import { parseText } from '../../src/load/documents.js';
import { findingFingerprint, firstSentence, formatSarif, HOMEPAGE, pascalCase, sarifArtifactLocation, sarifRegion } from '../../src/report/sarif.js';
import type { FileEdit, ReportInput } from '../../src/report/types.js';
import type { Finding } from '../../src/types.js';
import { CLEAN_EXAMPLES, defaultPolicy, edit, finding, lint, projectRoot, reportInput, runMultitool, sarifSchemaErrors, syntheticInput, removeTempDirs, tempDir, type MultitoolResult } from './helpers.js';
import { ruleById } from '../../src/rules/index.js';

afterAll(removeTempDirs);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Log = any;

/** A values file that makes findings, with non-ASCII text on the line of two of them. */
const UNICODE_VALUES = 'architecture: standalone\nmaster: {note: "ünïcødé 🚀", persistence: {enabled: true, size: 50Mi}}\n';

/** Every SARIF log the tests produce, by name, validated against the schema and by the multitool. */
const logs = new Map<string, { text: string; log: Log; input: ReportInput }>();
const dir = tempDir('redis-lint-sarif-');

function produce(name: string, input: ReportInput): Log {
  const text = formatSarif(input);
  const log = JSON.parse(text);
  logs.set(name, { text, log, input });
  return log;
}

const results = (log: Log) => log.runs[0].results as any[];
const rulesOf = (log: Log) => log.runs[0].tool.driver.rules as any[];

let unicodeBase: string;
let unicodeFile: string;
let outsideFile: string;

beforeAll(async () => {
  // 1. empty runs: nothing at all, and a real run over the fixed examples
  produce('empty', syntheticInput([], { files: 0 }));
  produce('fixed-examples', reportInput(await lint(CLEAN_EXAMPLES)));
  // 2. the incidents
  const incidents = await lint(['examples/incidents']);
  produce('incidents', reportInput(incidents));
  // 3. a path with spaces and non-ASCII characters, inside baseDir
  unicodeBase = path.join(dir, 'checkout');
  const sub = path.join(unicodeBase, 'repo with spaces', 'ünï 🚀');
  mkdirSync(sub, { recursive: true });
  unicodeFile = path.join(sub, 'values 1.yaml');
  writeFileSync(unicodeFile, UNICODE_VALUES);
  const unicodeRun = await lint([unicodeFile]);
  produce('unicode-path', reportInput(unicodeRun, { baseDir: unicodeBase, sourceText: (f) => readFileSync(f, 'utf8') }));
  // 4. unicode / emoji / control characters in messages and object names (hand-made findings)
  produce(
    'unicode-messages',
    syntheticInput([
      finding({ message: 'maxmemory 🚀 über alles: 数据集 "quoted" <tag> & 100% \u0007bell\nsecond line', object: { kind: 'StatefulSet', namespace: 'ns-ü', name: 'rédis-😀' } }),
      finding({ ruleId: 'invalid-yaml', severity: 'error', message: 'bad 🚀', object: undefined, role: undefined, pos: { line: 3, column: 7, endLine: 3, endColumn: 7 } }),
    ]),
  );
  // 5. standard input
  const stdinText = readFileSync(path.join(projectRoot, 'examples/incidents/klamm-helmrelease-50mi.yaml'), 'utf8');
  const stdinRun = lintDocuments(parseText(stdinText, '<stdin>').documents, defaultPolicy());
  produce('stdin', reportInput({ ...stdinRun, files: ['<stdin>'] }));
  // 6. a file outside baseDir (baseDir is the project, the file in the temp directory)
  outsideFile = path.join(dir, 'outside values.yaml');
  writeFileSync(outsideFile, UNICODE_VALUES);
  produce('outside-basedir', reportInput(await lint([outsideFile])));
  // 7. fixes
  const fixes = new Map<Finding, FileEdit[]>();
  for (const f of incidents.findings.filter((x) => x.ruleId === 'aof-rewrite-unreachable' || x.ruleId === 'data-volume-fsgroup')) {
    fixes.set(f, f.ruleId === 'aof-rewrite-unreachable' ? [edit(f.pos.file, [f.pos.line, 15], [f.pos.line, 19], '720Mi')] : [edit(f.pos.file, [f.pos.line + 1, 7], [f.pos.line + 1, 7], 'fsGroup: 999\n      ')]);
  }
  produce('fixes', reportInput(incidents, { fixes }));
  // 8. a rule turned off, a rule the policy does not know, positions to repair
  const rules = { ...defaultPolicy().rules, 'replicas-failover': { ...defaultPolicy().rules['replicas-failover'], severity: 'off' as const } };
  produce(
    'odd-rules',
    syntheticInput(
      [
        finding({ ruleId: 'zz-custom-rule', severity: 'info', pos: { line: 0, column: 0, endLine: 0, endColumn: 0 } }),
        finding({ pos: { line: 5, column: 9, endLine: 4, endColumn: 2 } }),
      ],
      { rules },
    ),
  );
});

describe('SARIF logs are valid SARIF 2.1.0 (OASIS JSON schema)', () => {
  it('every log the tests produce', () => {
    expect(logs.size).toBeGreaterThanOrEqual(9);
    for (const [name, { log }] of logs) expect(sarifSchemaErrors(log), name).toEqual([]);
  });

  it('the schema check itself rejects broken logs', () => {
    const log = structuredClone(logs.get('incidents')!.log);
    log.runs[0].results[0].locations[0].physicalLocation.region.endColumn = 0;
    log.runs[0].results[1].locations[0].physicalLocation.artifactLocation.uri = 'repo with spaces/x.yaml';
    delete log.runs[0].tool.driver.name;
    const errors = sarifSchemaErrors(log) as Array<{ instancePath: string }>;
    expect(errors.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/runs/0/tool/driver', '/runs/0/results/0/locations/0/physicalLocation/region/endColumn', '/runs/0/results/1/locations/0/physicalLocation/artifactLocation/uri']),
    );
  });
});

describe('SARIF multitool', () => {
  let files: string[];
  let gh: MultitoolResult[];
  let sarifGh: MultitoolResult[];
  let gh1006: MultitoolResult[];

  beforeAll(() => {
    const out = path.join(dir, 'logs');
    mkdirSync(out, { recursive: true });
    files = [...logs].map(([name, { text }]) => {
      const file = path.join(out, `${name}.sarif`);
      writeFileSync(file, text);
      return file;
    });
    gh = runMultitool(files, 'Gh').results;
    sarifGh = runMultitool(files, 'Sarif;Gh').results;
    // GH1006 (absolute file URIs need the checkout path) is off in the multitool's default configuration: turn it on
    const config = path.join(dir, 'gh1006.xml');
    writeFileSync(
      config,
      '<?xml version="1.0" encoding="utf-8"?>\n<Properties>\n  <Properties Key="GH1006.ProvideCheckoutPath.Options">\n    <Property Key="RuleEnabled" Value="Error" Type="Driver.RuleEnabledState" />\n  </Properties>\n</Properties>\n',
    );
    gh1006 = runMultitool(['-c', config, ...files], 'Gh').results;
  }, 120_000);

  it('validate --rule-kind Gh: no errors in any log', () => {
    expect(gh.filter((r) => r.level === 'error')).toEqual([]);
  });

  it('validate --rule-kind "Sarif;Gh": no errors and no warnings', () => {
    expect(sarifGh.filter((r) => r.level === 'error' || r.level === 'warning')).toEqual([]);
  });

  it('finds real problems (a broken log is flagged)', () => {
    const broken = structuredClone(logs.get('incidents')!.log);
    for (const rule of broken.runs[0].tool.driver.rules) delete rule.help;
    broken.runs[0].results[0].locations[0].physicalLocation.region.endLine = 1;
    const file = path.join(dir, 'broken.sarif');
    writeFileSync(file, JSON.stringify(broken));
    const ids = new Set(runMultitool([file], 'Sarif;Gh').results.filter((r) => r.level === 'error').map((r) => r.ruleId));
    expect(ids).toEqual(new Set(['GH2012', 'SARIF1007']));
  }, 60_000);

  it('GH1006 (opt-in) flags only the absolute URIs of files outside baseDir', () => {
    const flagged = gh1006.filter((r) => r.ruleId === 'GH1006');
    const outside = logs.get('outside-basedir')!.log;
    const absolute = results(outside).filter((r) => r.locations[0].physicalLocation.artifactLocation.uri.startsWith('file:'));
    expect(absolute.length).toBeGreaterThan(0);
    expect(flagged.length).toBe(absolute.length);
    expect(new Set(flagged.map((r) => path.basename(r.file)))).toEqual(new Set(['outside-basedir.sarif']));
    expect(gh1006.filter((r) => r.level === 'error' && r.ruleId !== 'GH1006')).toEqual([]);
  });
});

describe('SARIF content', () => {
  it('is one run of redis-lint with version, homepage, invocation, base URI and UTF-16 columns', () => {
    const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { homepage: string; version: string };
    expect(HOMEPAGE).toBe(pkg.homepage);
    const log = logs.get('incidents')!.log;
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'redis-lint', semanticVersion: '0.1.0', informationUri: pkg.homepage });
    expect(run.invocations).toEqual([{ executionSuccessful: true, workingDirectory: { uri: pathToFileURL(projectRoot).href.replace(/\/?$/, '/') } }]);
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe(pathToFileURL(projectRoot).href.replace(/\/?$/, '/'));
    expect(run.columnKind).toBe('utf16CodeUnits');
  });

  it('an empty run still has results: [] and every enabled rule', () => {
    const log = logs.get('empty')!.log;
    expect(log.runs[0].results).toEqual([]);
    const enabled = Object.entries(defaultPolicy().rules).filter(([, p]) => p.severity !== 'off').map(([id]) => id);
    expect(rulesOf(log).map((r) => r.id)).toEqual([...enabled].sort());
    expect(logs.get('fixed-examples')!.log.runs[0].results).toEqual([]);
  });

  it('rules: sorted, indexed, with metadata from the rule modules and severities from the policy', () => {
    const log = logs.get('incidents')!.log;
    const rules = rulesOf(log);
    const ids = rules.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    const policy = defaultPolicy().rules;
    for (const r of rules) {
      const p = policy[r.id];
      const meta = ruleById(r.id)!.meta;
      expect(r.name).toBe(pascalCase(r.id));
      expect(r.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(r.fullDescription.text).toBe(meta.description);
      expect(meta.description.startsWith(r.shortDescription.text)).toBe(true);
      expect(r.help.text).toContain(meta.remediation);
      expect(r.help.text).toContain(meta.incident);
      expect(r.properties.tags[2]).toBe(meta.category);
      expect(r.properties.precision).toBe(meta.precision);
      for (const t of [r.help.text, r.help.markdown]) {
        expect(t).toContain(`# redis-lint-disable-next-line ${r.id} -- <reason>`);
        expect(t).toContain(`ignore-check.redis-lint.io/${r.id}: "<reason>"`);
        expect(t).toContain('exemptions:');
      }
      expect(r.helpUri).toBe(`https://github.com/redis-lint/redis-lint/blob/main/docs/rules/${r.id}.md`);
      expect(r.defaultConfiguration.level).toBe({ error: 'error', warning: 'warning', info: 'note' }[p.severity as string]);
      expect(r.properties.tags.slice(0, 2)).toEqual(['redis', 'kubernetes']);
      expect(r.properties.tags.length).toBeGreaterThanOrEqual(3);
    }
    const byId = new Map(rules.map((r) => [r.id, r]));
    // policy text is escaped for markdown: GitHub would drop <rule-id> and <reason> as HTML tags
    expect(byId.get('invalid-suppression').help.markdown).toContain('**How to fix:** Write it as # redis-lint-disable-next-line &lt;rule-id&gt; -- &lt;reason&gt;');
    for (const id of ['aof-disk-headroom', 'fork-memory-headroom', 'liveness-kills-loading', 'shutdown-grace-too-short']) expect(byId.get(id).properties.precision).toBe('medium');
    for (const id of ['appendfsync-policy', 'aof-rewrite-unreachable', 'invalid-yaml', 'data-volume-fsgroup']) expect(['very-high', 'high']).toContain(byId.get(id).properties.precision);
    // security-severity: only memory-limit-missing, with a security tag
    const secure = rules.filter((r) => r.properties['security-severity'] !== undefined);
    expect(secure.map((r) => r.id)).toEqual(['memory-limit-missing']);
    expect(secure[0].properties['security-severity']).toMatch(/^\d+\.\d$/);
    expect(secure[0].properties.tags).toContain('security');
    expect(rules.filter((r) => r.properties.tags.includes('security')).map((r) => r.id)).toEqual(['memory-limit-missing']);
    // results point at their rule
    for (const res of results(log)) expect(rules[res.ruleIndex].id).toBe(res.ruleId);
  });

  it('rules: off ones are left out unless a finding names them; unknown ids get generic metadata', () => {
    const log = logs.get('odd-rules')!.log;
    const ids = rulesOf(log).map((r) => r.id);
    expect(ids).toContain('zz-custom-rule');
    expect(ids).toContain('maxmemory-unset');
    expect(ids).not.toContain('replicas-failover');
    const custom = rulesOf(log).find((r) => r.id === 'zz-custom-rule');
    expect(custom.defaultConfiguration.level).toBe('note');
    expect(custom.shortDescription.text).toBeTruthy();
    expect(custom.help.text).toBeTruthy();
    for (const res of results(log)) expect(rulesOf(log)[res.ruleIndex].id).toBe(res.ruleId);
  });

  it('results: level, message with object and rule id, region at the finding, relative URI under %SRCROOT%', () => {
    const { log, input } = logs.get('incidents')!;
    expect(results(log)).toHaveLength(input.findings.length);
    input.findings.forEach((f, i) => {
      const r = results(log)[i];
      expect(r.ruleId).toBe(f.ruleId);
      expect(r.level).toBe({ error: 'error', warning: 'warning', info: 'note' }[f.severity]);
      expect(r.message.text.endsWith(` [${f.ruleId}]`)).toBe(true);
      expect(r.message.text).toContain(f.message);
      if (f.object) expect(r.message.text.startsWith(`${f.object.kind}/${f.object.namespace ? f.object.namespace + '/' : ''}${f.object.name}`)).toBe(true);
      const loc = r.locations[0].physicalLocation;
      expect(loc.artifactLocation).toEqual({ uri: f.pos.file, uriBaseId: '%SRCROOT%' });
      expect(loc.region).toMatchObject({ startLine: f.pos.line, startColumn: f.pos.column, endLine: f.pos.endLine, endColumn: f.pos.endColumn });
      expect(r.partialFingerprints['redisLintFingerprint/v1']).toMatch(/^[0-9a-f]{64}$/);
    });
    // kube-linter pins everything to line 1; we do not
    expect(new Set(results(log).map((r) => r.locations[0].physicalLocation.region.startLine)).size).toBeGreaterThan(5);
  });

  it('region snippets are the text at the finding', () => {
    const { log } = logs.get('incidents')!;
    const size = results(log).find((r) => r.ruleId === 'aof-rewrite-unreachable');
    expect(size.locations[0].physicalLocation.region.snippet.text).toBe('size: 50Mi');
    const ctx = size.locations[0].physicalLocation.contextRegion;
    expect(ctx.snippet.text).toContain('size: 50Mi');
    expect(ctx.startLine).toBeLessThan(size.locations[0].physicalLocation.region.startLine);
  });

  it('percent-encodes paths with spaces and non-ASCII characters, resolvable against %SRCROOT%', () => {
    const log = logs.get('unicode-path')!.log;
    expect(results(log).length).toBeGreaterThan(0);
    const base = log.runs[0].originalUriBaseIds['%SRCROOT%'].uri;
    for (const r of results(log)) {
      const loc = r.locations[0].physicalLocation.artifactLocation;
      expect(loc.uri).toBe('repo%20with%20spaces/%C3%BCn%C3%AF%20%F0%9F%9A%80/values%201.yaml');
      expect(loc.uriBaseId).toBe('%SRCROOT%');
      expect(fileURLToPath(new URL(loc.uri, base))).toBe(unicodeFile);
    }
    // the region is in UTF-16 code units: "size" after the emoji (2 code units)
    const rewrite = results(log).find((r) => r.ruleId === 'aof-rewrite-unreachable');
    const line = UNICODE_VALUES.split('\n')[1];
    expect(rewrite.locations[0].physicalLocation.region).toMatchObject({ startLine: 2, startColumn: line.indexOf('size') + 1 });
    expect(rewrite.locations[0].physicalLocation.region.snippet.text).toBe('size: 50Mi');
  });

  it('keeps unicode and control characters in messages as JSON strings', () => {
    const log = logs.get('unicode-messages')!.log;
    expect(results(log)[0].message.text).toBe('StatefulSet/ns-ü/rédis-😀 (standalone): maxmemory 🚀 über alles: 数据集 "quoted" <tag> & 100% \u0007bell\nsecond line [maxmemory-unset]');
    expect(results(log)[1].message.text).toBe('bad 🚀 [invalid-yaml]');
  });

  it('standard input: the relative URI "stdin", without a base', () => {
    const log = logs.get('stdin')!.log;
    expect(results(log).length).toBeGreaterThan(0);
    for (const r of results(log)) {
      expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe('stdin');
      expect(r.locations[0].physicalLocation.artifactLocation.uriBaseId).toBeUndefined();
      expect(r.locations[0].physicalLocation.region.startLine).toBeGreaterThan(1);
    }
  });

  it('a file outside baseDir: its absolute file URI, without a base', () => {
    const log = logs.get('outside-basedir')!.log;
    expect(results(log).length).toBeGreaterThan(0);
    for (const r of results(log)) {
      const loc = r.locations[0].physicalLocation.artifactLocation;
      expect(loc.uri.startsWith('file:///')).toBe(true);
      expect(loc.uriBaseId).toBeUndefined();
      expect(fileURLToPath(loc.uri)).toBe(outsideFile);
    }
  });

  it('fixes: the edits as artifactChanges with deleted regions and inserted text', () => {
    const { log, input } = logs.get('fixes')!;
    const withFixes = results(log).filter((r) => r.fixes);
    expect(withFixes.length).toBe(input.fixes!.size);
    input.findings.forEach((f, i) => {
      const edits = input.fixes!.get(f);
      const r = results(log)[i];
      if (!edits) return expect(r.fixes).toBeUndefined();
      const change = r.fixes[0].artifactChanges[0];
      expect(change.artifactLocation).toEqual({ uri: f.pos.file, uriBaseId: '%SRCROOT%' });
      expect(change.replacements).toEqual(
        edits.map((e) => ({ deletedRegion: { startLine: e.start.line, startColumn: e.start.column, endLine: e.end.line, endColumn: e.end.column }, insertedContent: { text: e.text } })),
      );
    });
  });

  it('positions are repaired: never 0, never an end before the start', () => {
    const log = logs.get('odd-rules')!.log;
    expect(results(log)[0].locations[0].physicalLocation.region).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 });
    expect(results(log)[1].locations[0].physicalLocation.region).toEqual({ startLine: 5, startColumn: 9, endLine: 5, endColumn: 9 });
    expect(sarifRegion({ line: 3, column: 4 }, { line: 5, column: 0 })).toEqual({ startLine: 3, startColumn: 4, endLine: 5, endColumn: 1 });
  });

  it('fingerprints survive line shifts and differ between findings', async () => {
    const a = path.join(dir, 'shift-a');
    const b = path.join(dir, 'shift-b');
    mkdirSync(a);
    mkdirSync(b);
    const text = readFileSync(path.join(projectRoot, 'examples/incidents/klamm-helmrelease-50mi.yaml'), 'utf8');
    writeFileSync(path.join(a, 'release.yaml'), text);
    writeFileSync(path.join(b, 'release.yaml'), '# a\n# b\n# c\n' + text);
    const fa = results(formatSarifOf(reportInput(await lint([path.join(a, 'release.yaml')]), { baseDir: a })));
    const fb = results(formatSarifOf(reportInput(await lint([path.join(b, 'release.yaml')]), { baseDir: b })));
    expect(fa.length).toBe(fb.length);
    expect(fa.length).toBeGreaterThan(2);
    fa.forEach((r, i) => {
      expect(fb[i].locations[0].physicalLocation.region.startLine).toBe(r.locations[0].physicalLocation.region.startLine + 3);
      expect(fb[i].partialFingerprints).toEqual(r.partialFingerprints);
    });
    const incidents = results(logs.get('incidents')!.log).map((r) => r.partialFingerprints['redisLintFingerprint/v1']);
    expect(new Set(incidents).size).toBe(incidents.length);
    expect(findingFingerprint(finding(), 'x')).not.toBe(findingFingerprint(finding({ ruleId: 'appendfsync-policy' }), 'x'));
  });

  it('is deterministic', () => {
    const { input, text } = logs.get('incidents')!;
    expect(formatSarif(input)).toBe(text);
  });
});

describe('SARIF helpers', () => {
  it('pascalCase', () => {
    expect(pascalCase('aof-rewrite-unreachable')).toBe('AofRewriteUnreachable');
    expect(pascalCase('invalid-yaml')).toBe('InvalidYaml');
  });

  it('sarifArtifactLocation: encoded segments, unpaired surrogates replaced', () => {
    expect(sarifArtifactLocation(path.join(projectRoot, 'a b', 'c#%?.yaml'), projectRoot)).toEqual({ uri: 'a%20b/c%23%25%3F.yaml', uriBaseId: '%SRCROOT%' });
    expect(sarifArtifactLocation(path.join(projectRoot, 'a\uD800b.yaml'), projectRoot).uri).toBe('a%EF%BF%BDb.yaml');
    expect(sarifArtifactLocation('<stdin>', projectRoot)).toEqual({ uri: 'stdin', description: { text: 'standard input' } });
    expect(sarifArtifactLocation(projectRoot, projectRoot).uri).toBe(pathToFileURL(path.resolve(projectRoot)).href);
  });

  it('firstSentence', () => {
    expect(firstSentence('One thing. Another.')).toBe('One thing.');
    expect(firstSentence('A key (e.g. a top-level resources) does nothing.')).toBe('A key (e.g. a top-level resources) does nothing.');
    expect(firstSentence('no full stop')).toBe('no full stop');
  });
});

function formatSarifOf(input: ReportInput): Log {
  return JSON.parse(formatSarif(input));
}
