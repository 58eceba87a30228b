import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, HAS_CORPUS, NEEDS_CORPUS } from '../shared-dir.js';
import YAML, { isMap, isScalar, isSeq, type Node, type Scalar as YamlScalar } from 'yaml';
import type { FileEdit } from '../../src/report/types.js';
import { splitArgs } from '../../src/sources/redis-conf.js';
import { applyYamlEdits, confText, quoteConfArg, YamlEditError, type YamlEditOp } from '../../src/fix/yaml-edit.js';
import { writeFileAtomic } from '../../src/fix/write.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(path.join(tmpdir(), 'redis-lint-yaml-edit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Apply FileEdits (original coordinates, BOM excluded) to the original text. */
function applyFileEdits(original: string, edits: readonly FileEdit[]): string {
  const bom = original.startsWith('\ufeff') ? '\ufeff' : '';
  const text = original.slice(bom.length);
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const off = (p: { line: number; column: number }) => starts[p.line - 1] + p.column - 1;
  let out = '';
  let pos = 0;
  for (const e of edits) {
    const s = off(e.start);
    expect(s).toBeGreaterThanOrEqual(pos);
    out += text.slice(pos, s) + e.text;
    pos = off(e.end);
  }
  return bom + out + text.slice(pos);
}

/** Apply, check the edits reproduce the result, and that a second apply changes nothing. */
function apply(text: string, ops: YamlEditOp[], file = 'f.yaml'): string {
  const r = applyYamlEdits(file, text, ops);
  expect(r.changed).toBe(r.text !== text);
  expect(applyFileEdits(text, r.edits)).toBe(r.text);
  for (const e of r.edits) expect(e.file).toBe(file);
  const again = applyYamlEdits(file, r.text, ops);
  expect(again.changed).toBe(false);
  expect(again.text).toBe(r.text);
  expect(again.edits).toEqual([]);
  return r.text;
}

const set = (path: (string | number)[], value: unknown, doc = 0): YamlEditOp => ({ op: 'set', doc, path, value });
const conf = (path: (string | number)[], directive: string, args: string[], doc = 0): YamlEditOp => ({ op: 'conf', doc, path, directive, args });
const lines = (...l: string[]) => l.join('\n') + '\n';

interface Case {
  name: string;
  input: string;
  ops: YamlEditOp[];
  expected: string;
}

const cases: Case[] = [
  {
    name: 'set replaces a plain scalar and keeps the trailing comment',
    input: lines('persistence:', '  enabled: true', '  size: 50Mi # too small', '  storageClass: ""'),
    ops: [set(['persistence', 'size'], '1Gi')],
    expected: lines('persistence:', '  enabled: true', '  size: 1Gi # too small', '  storageClass: ""'),
  },
  {
    name: 'string styles are kept: double, single, plain; plain becomes quoted when it must',
    input: lines('a: "x"', "b: 'y'", 'c: z', 'd: w', 'e: v # c'),
    ops: [set(['a'], 'new "a"'), set(['b'], "it's"), set(['c'], 'plain words'), set(['d'], 'yes'), set(['e'], 'a: b')],
    expected: lines('a: "new \\"a\\""', "b: 'it''s'", 'c: plain words', 'd: "yes"', 'e: "a: b" # c'),
  },
  {
    name: 'numbers are written plainly, also over a quoted string',
    input: lines('spec:', '  terminationGracePeriodSeconds: 30', '  replicas: "1"', '  enabled: false'),
    ops: [set(['spec', 'terminationGracePeriodSeconds'], 42), set(['spec', 'replicas'], 3), set(['spec', 'enabled'], true)],
    expected: lines('spec:', '  terminationGracePeriodSeconds: 42', '  replicas: 3', '  enabled: true'),
  },
  {
    name: 'a string that YAML 1.1 reads as a number or bool is quoted',
    input: lines('a: 1'),
    ops: [set(['b'], '0755'), set(['c'], 'on'), set(['d'], '1001'), set(['e'], 'redis.conf')],
    expected: lines('a: 1', 'b: "0755"', 'c: "on"', 'd: "1001"', 'e: redis.conf'),
  },
  {
    name: 'empty flow map stays flow',
    input: lines('spec:', '  template:', '    spec:', '      securityContext: {}', '      containers: []'),
    ops: [set(['spec', 'template', 'spec', 'securityContext', 'fsGroup'], 1001)],
    expected: lines('spec:', '  template:', '    spec:', '      securityContext: {fsGroup: 1001}', '      containers: []'),
  },
  {
    name: 'non-empty flow maps get the key after their last entry, nested levels in flow style (y is a YAML 1.1 bool: quoted)',
    input: lines('a: { x: 1 }', 'b: {x: 1,', '  y: 2,  # c', '}'),
    ops: [set(['a', 'y'], 'two words'), set(['b', 'z', 'w'], 'p,q')],
    expected: lines('a: { x: 1, "y": two words }', 'b: {x: 1,', '  y: 2, z: {w: "p,q"},  # c', '}'),
  },
  {
    name: 'StatefulSet securityContext created when missing (pod spec with block sequence under it)',
    input: lines(
      'apiVersion: apps/v1',
      'kind: StatefulSet',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: redis',
      '          image: redis:7',
      '',
      '  volumeClaimTemplates: []',
    ),
    ops: [set(['spec', 'template', 'spec', 'securityContext', 'fsGroup'], 999)],
    expected: lines(
      'apiVersion: apps/v1',
      'kind: StatefulSet',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: redis',
      '          image: redis:7',
      '      securityContext:',
      '        fsGroup: 999',
      '',
      '  volumeClaimTemplates: []',
    ),
  },
  {
    name: 'several ops under one new parent create it once',
    input: lines('master:', '  count: 1', 'replica: {}'),
    ops: [set(['master', 'podSecurityContext', 'enabled'], true), set(['master', 'podSecurityContext', 'fsGroup'], 1001), set(['master', 'persistence', 'size'], '1Gi')],
    expected: lines('master:', '  count: 1', '  podSecurityContext:', '    enabled: true', '    fsGroup: 1001', '  persistence:', '    size: 1Gi', 'replica: {}'),
  },
  {
    name: 'a key with an empty value becomes a map',
    input: lines('master:', '  podSecurityContext:', '  count: 1'),
    ops: [set(['master', 'podSecurityContext', 'fsGroup'], 1001)],
    expected: lines('master:', '  podSecurityContext:', '    fsGroup: 1001', '  count: 1'),
  },
  {
    name: 'a key with ~ becomes a map, its comment stays on the key line',
    input: lines('master:', '  podSecurityContext: ~ # none yet', '  count: 1'),
    ops: [set(['master', 'podSecurityContext', 'fsGroup'], 1001)],
    expected: lines('master:', '  podSecurityContext: # none yet', '    fsGroup: 1001', '  count: 1'),
  },
  {
    name: 'paths through sequences by index, items as block maps, sequence not indented',
    input: lines('containers:', '- name: redis', '  image: redis:7', '- name: exporter'),
    ops: [set(['containers', 0, 'resources', 'limits', 'memory'], '1Gi'), set(['containers', '1', 'image'], 'oliver006/redis_exporter')],
    expected: lines('containers:', '- name: redis', '  image: redis:7', '  resources:', '    limits:', '      memory: 1Gi', '- name: exporter', '  image: oliver006/redis_exporter'),
  },
  {
    name: 'a new subtree with a list and a multi-line string',
    input: lines('master:', '    count: 1'),
    ops: [set(['master', 'extraFlags'], ['--maxmemory 91mb', '--appendfsync everysec']), set(['master', 'configuration'], 'appendonly yes\nsave ""\n')],
    expected: lines('master:', '    count: 1', '    extraFlags:', '        - --maxmemory 91mb', '        - --appendfsync everysec', '    configuration: |', '        appendonly yes', '        save ""'),
  },
  {
    name: 'an existing map replaced by a set of an object: the key line and its comment stay, the old lines go',
    input: lines('resources:', '  limits: # the limits', '    cpu: 1', '    memory: 1Gi # old', '  requests: {}'),
    ops: [set(['resources', 'limits'], { memory: '2Gi' })],
    expected: lines('resources:', '  limits: # the limits', '    memory: 2Gi', '  requests: {}'),
  },
  {
    name: 'no trailing newline stays absent',
    input: 'master:\n  count: 1',
    ops: [set(['master', 'persistence', 'size'], '1Gi')],
    expected: 'master:\n  count: 1\n  persistence:\n    size: 1Gi',
  },
  {
    name: 'CRLF file: inserted lines use CRLF',
    input: 'a: 1 # one\r\nb:\r\n  c: |\r\n    appendonly yes\r\n  d: 2\r\n',
    ops: [set(['b', 'e', 'f'], 'x'), conf(['b', 'c'], 'appendfsync', ['everysec']), set(['a'], 5)],
    expected: 'a: 5 # one\r\nb:\r\n  c: |\r\n    appendonly yes\r\n    appendfsync everysec\r\n  d: 2\r\n  e:\r\n    f: x\r\n',
  },
  {
    name: 'UTF-8 BOM is kept',
    input: '\ufeffmaster:\n  count: 1\n',
    ops: [set(['master', 'count'], 2), set(['replica', 'replicaCount'], 0)],
    expected: '\ufeffmaster:\n  count: 2\nreplica:\n  replicaCount: 0\n',
  },
  {
    name: 'multi-document file: the second document is edited, separators and the first stay',
    input: lines('# first', 'kind: ConfigMap', 'data: {}', '---', '# second', 'kind: StatefulSet', 'spec:', '  replicas: 1', '...', '---', 'kind: Service'),
    ops: [set(['spec', 'replicas'], 3, 1), set(['spec', 'template', 'spec', 'securityContext', 'fsGroup'], 1001, 1)],
    expected: lines(
      '# first',
      'kind: ConfigMap',
      'data: {}',
      '---',
      '# second',
      'kind: StatefulSet',
      'spec:',
      '  replicas: 3',
      '  template:',
      '    spec:',
      '      securityContext:',
      '        fsGroup: 1001',
      '...',
      '---',
      'kind: Service',
    ),
  },
  {
    name: 'an empty document gets the keys at its end',
    input: lines('a: 1', '---', '# nothing here', '---', 'b: 2'),
    ops: [set(['c', 'd'], true, 1)],
    expected: lines('a: 1', '---', '# nothing here', 'c:', '  d: true', '---', 'b: 2'),
  },
  {
    name: 'an empty file',
    input: '',
    ops: [set(['master', 'count'], 1)],
    expected: lines('master:', '  count: 1'),
  },
  {
    name: 'a file of comments only',
    input: lines('# values for redis'),
    ops: [set(['architecture'], 'standalone')],
    expected: lines('# values for redis', 'architecture: standalone'),
  },
  {
    name: 'redis.conf: directive present is changed in place',
    input: lines('data:', '  redis.conf: |', '    appendonly yes', '    appendfsync always   ', '    maxmemory 100mb'),
    ops: [conf(['data', 'redis.conf'], 'appendfsync', ['everysec'])],
    expected: lines('data:', '  redis.conf: |', '    appendonly yes', '    appendfsync everysec', '    maxmemory 100mb'),
  },
  {
    name: 'redis.conf: directive absent is appended after the last content line, inside the block',
    input: lines('data:', '  redis.conf: |', '    appendonly yes', '', '  other: x'),
    ops: [conf(['data', 'redis.conf'], 'appendfsync', ['everysec'])],
    expected: lines('data:', '  redis.conf: |', '    appendonly yes', '    appendfsync everysec', '', '  other: x'),
  },
  {
    name: 'redis.conf: a commented-out directive is not a directive',
    input: lines('data:', '  redis.conf: |', '    # appendfsync no', '    appendonly yes'),
    ops: [conf(['data', 'redis.conf'], 'appendfsync', ['everysec'])],
    expected: lines('data:', '  redis.conf: |', '    # appendfsync no', '    appendonly yes', '    appendfsync everysec'),
  },
  {
    name: 'redis.conf: |- chomp, trailing comment lines inside the block stay before the new line',
    input: 'commonConfiguration: |-\n  appendonly yes\n  # end of config\nmaster: {}',
    ops: [conf(['commonConfiguration'], 'appendfsync', ['everysec'])],
    expected: 'commonConfiguration: |-\n  appendonly yes\n  # end of config\n  appendfsync everysec\nmaster: {}',
  },
  {
    name: 'redis.conf: |+ keep chomp keeps its trailing blank lines after the new line',
    input: 'c: |+\n  appendonly yes\n\n\nd: 1\n',
    ops: [conf(['c'], 'appendfsync', ['everysec'])],
    expected: 'c: |+\n  appendonly yes\n  appendfsync everysec\n\n\nd: 1\n',
  },
  {
    name: 'redis.conf: a block with an indentation indicator keeps its content column',
    input: lines('data:', '  redis.conf: |2', '      # indented comment', '    appendonly yes', 'x: 1'),
    ops: [conf(['data', 'redis.conf'], 'appendfsync', ['everysec'])],
    expected: lines('data:', '  redis.conf: |2', '      # indented comment', '    appendonly yes', '    appendfsync everysec', 'x: 1'),
  },
  {
    name: 'redis.conf: folded block scalar gets a blank line before the appended line',
    input: lines('c: >', '  appendonly yes', '', '  appendfsync no', 'd: 1'),
    ops: [conf(['c'], 'appendfsync', ['everysec']), conf(['c'], 'save', [''])],
    expected: lines('c: >', '  appendonly yes', '', '  appendfsync everysec', '', '  save ""', 'd: 1'),
  },
  {
    name: 'redis.conf: a double-quoted string is re-rendered double-quoted',
    input: lines('data: {redis.conf: "appendonly yes\\nappendfsync no\\n", other: x}'),
    ops: [conf(['data', 'redis.conf'], 'appendfsync', ['everysec']), conf(['data', 'redis.conf'], 'maxmemory', ['91mb'])],
    expected: lines('data: {redis.conf: "appendonly yes\\nappendfsync everysec\\nmaxmemory 91mb\\n", other: x}'),
  },
  {
    name: 'redis.conf: a one-line plain string becomes a literal block when it gains a line',
    input: lines('master:', '  configuration: appendonly yes # comment'),
    ops: [conf(['master', 'configuration'], 'appendfsync', ['everysec'])],
    expected: lines('master:', '  configuration: |- # comment', '    appendonly yes', '    appendfsync everysec'),
  },
  {
    name: 'redis.conf: an empty quoted string keeps its quotes; a missing key is created as a literal block',
    input: lines('master:', '  configuration: ""', 'replica:', '  count: 1'),
    ops: [conf(['master', 'configuration'], 'appendfsync', ['everysec']), conf(['replica', 'configuration'], 'save', ['900 1', ''])],
    expected: lines('master:', '  configuration: "appendfsync everysec\\n"', 'replica:', '  count: 1', '  configuration: |', '    save "900 1" ""'),
  },
  {
    name: 'redis.conf: a null value becomes a literal block',
    input: lines('commonConfiguration:', 'master: {}'),
    ops: [conf(['commonConfiguration'], 'appendonly', ['yes'])],
    expected: lines('commonConfiguration: |', '  appendonly yes', 'master: {}'),
  },
];

describe('applyYamlEdits: exact output', () => {
  it.each(cases)('$name', ({ input, ops, expected }) => {
    expect(apply(input, ops)).toBe(expected);
  });

  it('edits are in original coordinates: line/column of the replaced scalar, insertion at a line start', () => {
    const r = applyYamlEdits('v.yaml', lines('a:', '  size: 50Mi # c', 'b: 1'), [set(['a', 'size'], '1Gi'), set(['a', 'x'], 1)]);
    expect(r.edits).toEqual([
      { file: 'v.yaml', start: { line: 2, column: 9 }, end: { line: 2, column: 13 }, text: '1Gi' },
      { file: 'v.yaml', start: { line: 3, column: 1 }, end: { line: 3, column: 1 }, text: '  x: 1\n' },
    ]);
  });

  it('edits after a BOM and with UTF-16 columns', () => {
    const r = applyYamlEdits('v.yaml', '\ufeffname: "😀"\nsize: 1 # c\n', [set(['size'], 2)]);
    expect(r.edits).toEqual([{ file: 'v.yaml', start: { line: 2, column: 7 }, end: { line: 2, column: 8 }, text: '2' }]);
  });

  it('an op whose value is already there changes nothing', () => {
    const text = lines('a:', '  b: "1001"', '  c: 1001', '  d: {}');
    const r = applyYamlEdits('f.yaml', text, [set(['a', 'b'], '1001'), set(['a', 'c'], 1001), set(['a', 'd'], {})]);
    expect(r).toEqual({ text, edits: [], changed: false });
  });

  it('a conf op whose directive already has the args changes nothing (case and quoting aside)', () => {
    const text = lines('c: |', '  APPENDFSYNC "everysec"');
    expect(applyYamlEdits('f.yaml', text, [conf(['c'], 'appendfsync', ['everysec'])]).changed).toBe(false);
  });
});

describe('applyYamlEdits: fixtures written to real files', () => {
  const fixtureCases: Array<{ name: string; ops: YamlEditOp[] }> = [
    {
      name: 'bitnami-values-4space',
      ops: [
        set(['master', 'persistence', 'size'], '1Gi'),
        set(['master', 'podSecurityContext', 'enabled'], true),
        set(['master', 'resources', 'limits', 'memory'], '1Gi'),
        set(['auth', 'password'], 'n3w pass'),
        conf(['commonConfiguration'], 'appendfsync', ['everysec']),
        set(['master', 'terminationGracePeriodSeconds'], 60),
        conf(['master', 'configuration'], 'maxmemory', ['91mb']),
      ],
    },
    {
      name: 'helmrelease',
      ops: [set(['spec', 'values', 'master', 'podSecurityContext', 'enabled'], true), set(['spec', 'values', 'master', 'podSecurityContext', 'fsGroup'], 1001)],
    },
    {
      name: 'configmap-statefulset',
      ops: [
        conf(['data', 'redis.conf'], 'appendfsync', ['everysec']),
        set(['spec', 'template', 'spec', 'securityContext', 'fsGroup'], 999, 1),
        set(['spec', 'template', 'spec', 'terminationGracePeriodSeconds'], 40, 1),
        set(['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'memory'], '1Gi', 1),
        set(['spec', 'volumeClaimTemplates', 0, 'spec', 'resources', 'requests', 'storage'], '1Gi', 1),
      ],
    },
  ];
  it.each(fixtureCases)('$name', ({ name, ops }) => {
    const file = path.join(tmp, `${name}.yaml`);
    writeFileSync(file, readFileSync(path.join(fixtures, `${name}.yaml`)));
    const before = readFileSync(file, 'utf8');
    const text = apply(before, ops, file);
    writeFileAtomic(file, text);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(path.join(fixtures, `${name}.expected.yaml`), 'utf8'));
  });
});

describe('applyYamlEdits: refuses what it cannot do safely', () => {
  const bad: Array<{ name: string; input: string; ops: YamlEditOp[]; message: RegExp }> = [
    { name: 'alias on the path', input: lines('base: &b {fsGroup: 1}', 'master: *b'), ops: [set(['master', 'fsGroup'], 2)], message: /master is an alias \(\*b\)/ },
    { name: 'anchor on the path', input: lines('base: &b {fsGroup: 1}', 'master: *b'), ops: [set(['base', 'fsGroup'], 2)], message: /base has an anchor \(&b\)/ },
    { name: 'anchored scalar', input: lines('a: &s 50Mi', 'b: *s'), ops: [set(['a'], '1Gi')], message: /a has an anchor/ },
    { name: 'merge key', input: lines('base: &b {x: 1}', 'master:', '  <<: *b', '  y: 2'), ops: [set(['master', 'z'], 2)], message: /merge key <</ },
    { name: 'scalar where a map is needed', input: lines('master: yes'), ops: [set(['master', 'count'], 1)], message: /master is a scalar \("yes"\) where a map is needed/ },
    { name: 'list item out of range', input: lines('c:', '- a'), ops: [set(['c', 3, 'x'], 1)], message: /no item 3/ },
    { name: 'key into a list', input: lines('c:', '- a'), ops: [set(['c', 'x'], 1)], message: /"x" is not an index/ },
    { name: 'no such document', input: lines('a: 1'), ops: [set(['a'], 2, 1)], message: /no document 1/ },
    { name: 'input does not parse', input: lines('a: [1', 'b: 2'), ops: [set(['a'], 2)], message: /not valid YAML/ },
    { name: 'duplicate keys in the input', input: lines('a: 1', 'a: 2'), ops: [set(['b'], 2)], message: /not valid YAML/ },
    { name: 'conf on a map', input: lines('configuration:', '  a: 1'), ops: [conf(['configuration'], 'appendfsync', ['no'])], message: /not a string/ },
    { name: 'explicit tag', input: lines('a: !!str 5'), ops: [set(['a'], 6)], message: /explicit tag/ },
    { name: 'empty path', input: lines('a: 1'), ops: [set([], 6)], message: /path is empty/ },
    { name: 'bad directive', input: lines('c: |', '  x 1'), ops: [conf(['c'], 'two words', [])], message: /bad redis.conf directive/ },
    { name: 'unwritable value', input: lines('a: 1'), ops: [set(['a'], new Date(0))], message: /cannot write a Date value/ },
  ];
  it.each(bad)('$name', ({ input, ops, message }) => {
    let err: unknown;
    try {
      applyYamlEdits('bad.yaml', input, ops);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(YamlEditError);
    expect((err as Error).message).toMatch(/^bad\.yaml: /);
    expect((err as Error).message).toMatch(message);
  });

  it('a failing op leaves nothing half-done: the whole call throws', () => {
    expect(() => applyYamlEdits('f.yaml', lines('a: 1', 'b: yes'), [set(['a'], 2), set(['b', 'c'], 1)])).toThrow(YamlEditError);
    // duplicate keys: refused by our O(n) check (yaml's uniqueKeys is O(n²), issue 13)
    expect(() => applyYamlEdits('f.yaml', lines('a: 1', 'b: 1', 'a: 2'), [set(['b'], 2)])).toThrow(/Map keys must be unique/);
  });
});

describe('redis.conf helpers', () => {
  it('quotes args as Redis reads them back', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary-ascii', maxLength: 8 }), { maxLength: 4 }), (args) => {
        const line = ['dir', ...args.map(quoteConfArg)].join(' ');
        expect(splitArgs(line)).toEqual(['dir', ...args]);
      }),
    );
  });

  it('confText: last line of the directive, comments skipped, blank text', () => {
    expect(confText('appendfsync no\n# appendfsync x\nAppendFsync always\nsave 1 1\n', 'appendfsync', ['everysec'])).toBe('appendfsync no\n# appendfsync x\nappendfsync everysec\nsave 1 1\n');
    expect(confText('  \n', 'appendonly', ['yes'])).toBe('appendonly yes\n');
    expect(confText('a 1\n\n', 'b', ['2'])).toBe('a 1\nb 2\n\n');
  });
});

// ---------------------------------------------------------------------------------------------
// property: random nested maps rendered by yaml, random comments, random set ops

type Tree = { [k: string]: Tree | Tree[] | Scalar };
type Scalar = string | number | boolean | null;
type Seg = string | number;

const keyArb = fc.constantFrom('a', 'b', 'c', 'redis.conf', 'x y', 'on', '10');
const segArb: fc.Arbitrary<Seg> = fc.oneof({ weight: 6, arbitrary: keyArb }, { weight: 1, arbitrary: fc.constantFrom(0, 1) });
const scalarArb: fc.Arbitrary<Scalar> = fc.oneof(
  fc.integer({ min: -5, max: 2000 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', 'yes', '1001', 'a: b', 'x # y', "it's", 'plain', 'two\nlines\n', 'no newline\nat end', ' lead', '{x}', '- item', 'a,b'),
  fc.string({ maxLength: 6 }),
);
const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree; node: Tree | Tree[] | Scalar }>((tie) => ({
  tree: fc.dictionary(keyArb, tie('node'), { maxKeys: 4 }),
  node: fc.oneof({ depthSize: 'small', maxDepth: 3 }, scalarArb, tie('tree'), fc.array(tie('tree'), { minLength: 1, maxLength: 2 })),
})).tree as fc.Arbitrary<Tree>;
const valueArb: fc.Arbitrary<unknown> = fc.oneof(scalarArb, fc.dictionary(keyArb, scalarArb, { minKeys: 1, maxKeys: 2 }), fc.constant({}), fc.array(scalarArb, { minLength: 1, maxLength: 2 }));
const opArb = fc.record({ path: fc.array(segArb, { minLength: 1, maxLength: 4 }), value: valueArb });

/** Expected JSON after a set, or undefined when the path meets a scalar or a list where it cannot go (the op must throw). */
function expectedSet(root: unknown, p: readonly Seg[], value: unknown): unknown {
  const copy = structuredClone(root ?? {}) as Record<string, unknown>;
  let cur: Record<string, unknown> | unknown[] = copy;
  for (let i = 0; i < p.length; i++) {
    const last = i === p.length - 1;
    if (Array.isArray(cur)) {
      const k = p[i];
      if (typeof k !== 'number' || k >= cur.length) return undefined;
      if (last) cur[k] = value;
      else if (cur[k] === null) cur = cur[k] = {};
      else if (typeof cur[k] !== 'object') return undefined;
      else cur = cur[k] as Record<string, unknown>;
      continue;
    }
    const k = String(p[i]);
    if (last) cur[k] = value;
    else if (cur[k] === null || cur[k] === undefined) cur = cur[k] = {};
    else if (typeof cur[k] !== 'object') return undefined;
    else cur = cur[k] as Record<string, unknown>;
  }
  return copy;
}

const commentLines = (text: string) => text.split(/\r?\n/).filter((l) => l.trim().startsWith('#'));

/** YAML text for a tree: some maps in flow style, 2 or 4 spaces, sequences indented or not, comments where they change no value. */
function render(tree: Tree, indent: number, indentSeq: boolean, flowMaps: readonly boolean[], comments: ReadonlyArray<[number, boolean]>): string {
  if (!Object.keys(tree).length) return '';
  const doc = new YAML.Document(tree);
  let n = 0;
  YAML.visit(doc, {
    Map(_, m) {
      if (m !== doc.contents && flowMaps[n++ % (flowMaps.length || 1)]) m.flow = true;
    },
  });
  let text = doc.toString({ indent, indentSeq, lineWidth: 0 });
  const value = JSON.stringify(YAML.parse(text));
  for (const [i0, trailing] of comments) {
    const ls = text.split('\n');
    const i = i0 % ls.length;
    const lead = ls[i].length - ls[i].trimStart().length;
    const candidate = trailing ? [...ls.slice(0, i), `${ls[i]} # t${i}`, ...ls.slice(i + 1)] : [...ls.slice(0, i), `${' '.repeat(lead)}# c${i}`, ...ls.slice(i)];
    const next = candidate.join('\n');
    const parsed = YAML.parseAllDocuments(next);
    if (parsed.length === 1 && !parsed[0].errors.length && JSON.stringify(parsed[0].toJS()) === value) text = next;
  }
  return text;
}

describe('applyYamlEdits: property', () => {
  it('random maps, comments and set ops: parses, exact JSON, idempotent, comments kept', () => {
    fc.assert(
      fc.property(
        treeArb,
        fc.record({ indent: fc.constantFrom(2, 4), indentSeq: fc.boolean(), crlf: fc.boolean(), bom: fc.boolean(), noFinalNewline: fc.boolean() }),
        fc.array(fc.boolean(), { maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 6 }),
        fc.array(opArb, { minLength: 1, maxLength: 3 }),
        (tree, style, flowMaps, comments, ops) => {
          let text = render(tree, style.indent, style.indentSeq, flowMaps, comments);
          if (style.noFinalNewline) text = text.replace(/\n$/, '');
          if (style.crlf) text = text.replace(/\n/g, '\r\n');
          if (style.bom) text = '\ufeff' + text;
          // ops on nested paths (one path a prefix of another) undo each other on a second apply: only the first is kept
          const prefix = (a: readonly Seg[], b: readonly Seg[]) => a.length <= b.length && a.every((k, j) => b[j] === k);
          const compatible = ops.filter((o, i) => !ops.slice(0, i).some((e) => prefix(e.path, o.path) || prefix(o.path, e.path)));
          let expected: unknown = YAML.parse(text.replace(/^\ufeff/, '')) ?? {};
          let replacesSubtree = false;
          const yamlOps: YamlEditOp[] = [];
          for (const o of compatible) {
            const before = o.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), expected);
            if (before && typeof before === 'object') replacesSubtree = true;
            expected = expectedSet(expected, o.path, o.value);
            yamlOps.push(set([...o.path], o.value));
            if (expected === undefined) break;
          }
          if (expected === undefined) {
            expect(() => applyYamlEdits('p.yaml', text, yamlOps)).toThrow(YamlEditError);
            return;
          }
          const out = apply(text, yamlOps, 'p.yaml');
          const docs = YAML.parseAllDocuments(out.replace(/^\ufeff/, ''));
          expect(docs.length).toBe(1);
          expect(docs[0].errors).toEqual([]);
          expect(docs[0].toJS()).toEqual(expected);
          expect(out.startsWith('\ufeff')).toBe(style.bom);
          // comments inside a replaced subtree go with it; all others stay
          if (!replacesSubtree) for (const c of commentLines(text)) expect(commentLines(out)).toContain(c);
          if (text.includes('\r\n')) expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
          if (text.includes('\n') && style.noFinalNewline) expect(out.endsWith('\n')).toBe(false);
        },
      ),
      { numRuns: Number(process.env.REDIS_LINT_FC_RUNS ?? 2000) },
    );
  }, 600_000);
});

describe('applyYamlEdits: redis.conf property', () => {
  const confLineArb = fc.constantFrom('appendonly yes', 'appendfsync no', 'APPENDFSYNC always', '# appendfsync no', '', 'save ""', 'maxmemory 100mb', '  appendfsync everysec', 'dir /data', '\t# tab comment');
  const styleArb = fc.constantFrom('BLOCK_LITERAL', 'BLOCK_FOLDED', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'PLAIN') as fc.Arbitrary<YamlScalar.Type>;
  const confOpArb = fc.record({ directive: fc.constantFrom('appendfsync', 'maxmemory', 'save', 'AppendOnly'), args: fc.constantFrom(['everysec'], ['91mb'], [''], ['900 1', '300 10'], ['a"b'], ['yes']) });
  it('random redis.conf texts in every scalar style, random conf ops: exact value, idempotent, other lines kept', () => {
    fc.assert(
      fc.property(
        fc.array(confLineArb, { maxLength: 6 }),
        fc.boolean(),
        styleArb,
        fc.record({ flow: fc.boolean(), crlf: fc.boolean(), indent: fc.constantFrom(2, 4) }),
        fc.array(confOpArb, { minLength: 1, maxLength: 3 }),
        (confLines, finalNewline, type, layout, ops) => {
          const value = confLines.join('\n') + (finalNewline && confLines.length ? '\n' : '');
          const doc = new YAML.Document({ kind: 'ConfigMap', data: { 'redis.conf': value, other: 'x' } });
          YAML.visit(doc, {
            Scalar(_, n) {
              if (n.value === value) n.type = type;
            },
            Map(_, m) {
              if (layout.flow && m !== doc.contents) m.flow = true;
            },
          });
          let text = '# the config\n' + doc.toString({ indent: layout.indent, lineWidth: 0 });
          if (layout.crlf) text = text.replace(/\n/g, '\r\n');
          // yaml's own stringify does not always round-trip a leading-space value with indent 4: such inputs are skipped
          fc.pre(YAML.parse(text).data['redis.conf'] === value);
          const yamlOps = ops.map((o) => conf(['data', 'redis.conf'], o.directive, o.args));
          let expected = value;
          for (const o of ops) expected = confText(expected, o.directive, o.args);
          const out = apply(text, yamlOps, 'cm.yaml');
          const parsed = YAML.parse(out);
          expect(parsed.data['redis.conf']).toBe(expected);
          expect(parsed.data.other).toBe('x');
          if (layout.crlf) expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
          // the lines around the string stay as they were
          const outLines = out.split(/\r?\n/);
          const kept = ['# the config', 'kind: ConfigMap', ...(layout.flow ? [] : ['data:', `${' '.repeat(layout.indent)}other: x`])];
          for (const l of kept) expect(outLines).toContain(l);
        },
      ),
      { numRuns: Number(process.env.REDIS_LINT_FC_RUNS ?? 1500) },
    );
  }, 600_000);
});

// ---------------------------------------------------------------------------------------------
// real corpus smoke test (read in place from ../shared/corpus, never copied)

const corpus = CORPUS_DIR;
const CONF_KEYS = /^(commonConfiguration|configuration|redis\.conf)$/;

/** Paths to string/null values under a conf key, and to scalar leaves, skipping anything behind anchors, aliases, tags or merge keys. */
function candidates(node: Node | null, p: (string | number)[], out: { conf: (string | number)[][]; leaves: Array<{ path: (string | number)[]; value: unknown }> }): void {
  if (!node || node.anchor || node.tag || (!isMap(node) && !isSeq(node) && !isScalar(node))) return;
  if (isScalar(node)) {
    // a scalar a fix would set: a number, a bool or a one-line string (not text that holds comment-like lines)
    const v = node.value;
    const simple = typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && !/[\n#]/.test(v));
    if (p.length > 1 && simple && node.range && node.range[0] < node.range[1]) out.leaves.push({ path: p, value: v });
    return;
  }
  if (isMap(node)) {
    if (node.items.some((i) => !isScalar(i.key) || i.key.value === '<<')) return;
    for (const pair of node.items) {
      const k = String((pair.key as { value: unknown }).value);
      const v = (pair.value ?? null) as Node | null;
      if (CONF_KEYS.test(k) && (v === null || (isScalar(v) && (typeof v.value === 'string' || v.value === null) && !v.anchor && !v.tag))) out.conf.push([...p, k]);
      candidates(v, [...p, k], out);
    }
    return;
  }
  node.items.forEach((item, i) => candidates(item as Node, [...p, i], out));
}

describe.skipIf(!HAS_CORPUS)(`applyYamlEdits: real corpus ${NEEDS_CORPUS}`, () => {
  const listed = (HAS_CORPUS ? readFileSync(path.join(corpus, 'SOURCES.tsv'), 'utf8') : '')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t')[0])
    .filter(Boolean);

  it('has the corpus', () => {
    expect(listed.length).toBeGreaterThanOrEqual(60);
  });

  let edited = 0;
  let confEdited = 0;
  afterAll(() => {
    // most files get at least one edit; several hold redis.conf text
    expect(edited).toBeGreaterThanOrEqual(50);
    expect(confEdited).toBeGreaterThanOrEqual(8);
  });

  it.each(listed)('%s', (name) => {
    const text = readFileSync(path.join(corpus, name), 'utf8');
    const docs = YAML.parseAllDocuments(text, { uniqueKeys: true, strict: true });
    if (docs.some((d) => d.errors.length)) {
      expect(() => applyYamlEdits(name, text, [set(['x'], 1)])).toThrow(YamlEditError);
      return;
    }
    const ops: YamlEditOp[] = [];
    docs.forEach((d, i) => {
      const out = { conf: [] as (string | number)[][], leaves: [] as Array<{ path: (string | number)[]; value: unknown }> };
      candidates(d.contents as Node | null, [], out);
      for (const c of out.conf) ops.push(conf(c, 'appendfsync', ['everysec'], i));
      const leaf = out.leaves.filter((l) => !out.conf.some((c) => c.join('.') === l.path.join('.'))).at(-1);
      if (leaf) {
        const v = leaf.value;
        ops.push(set(leaf.path, typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : `${String(v)}-fixed`, i));
      }
    });
    if (!ops.length) return;
    const out = apply(text, ops, name);
    expect(out).not.toBe(text);
    const after = YAML.parseAllDocuments(out, { uniqueKeys: true, strict: true });
    expect(after.flatMap((d) => d.errors)).toEqual([]);
    const outLines = new Set(out.split(/\r?\n/));
    for (const c of commentLines(text)) expect(outLines.has(c) || outLines.has(c.replace(/\r$/, ''))).toBe(true);
    edited++;
    if (ops.some((o) => o.op === 'conf')) confEdited++;
  });
});
