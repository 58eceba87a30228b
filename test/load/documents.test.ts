import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedContext, loadPaths, parseText } from '../../src/load/documents.js';
import { LayeredVNode, ObjectVNode, YamlVNode, at } from '../../src/load/vnode.js';
import type { Scalar } from 'yaml';

describe('parseText', () => {
  it('keeps line and column of every node, across documents', () => {
    const text = 'a: 1\n---\nspec:\n  values:\n    master:\n      persistence:\n        size: 50Mi\n';
    const { documents, errors } = parseText(text, 'x.yaml');
    expect(errors).toEqual([]);
    expect(documents).toHaveLength(2);
    const root = YamlVNode.root(documents[1].doc, documents[1].ctx);
    const size = at(root, 'spec.values.master.persistence.size') as YamlVNode;
    expect(size.value()).toBe('50Mi');
    expect(size.pos()).toMatchObject({ file: 'x.yaml', line: 7, column: 9, yamlPath: 'spec.values.master.persistence.size' });
  });

  it('anchors a missing key at its closest existing parent', () => {
    const { documents } = parseText('master:\n  persistence:\n    enabled: true\n', 'v.yaml');
    const root = YamlVNode.root(documents[0].doc, documents[0].ctx);
    const o = at(root, 'master.persistence.size').origin();
    expect(o).toMatchObject({ kind: 'absent', key: 'master.persistence.size', anchor: { line: 2, column: 3 } });
  });

  it('reports a syntax error at its line and column and keeps the other documents', () => {
    const { documents, errors } = parseText('a: 1\n---\nb: [1, 2\nc: 3\n', 'bad.yaml');
    expect(documents).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0].pos.line).toBeGreaterThanOrEqual(3);
    expect(errors[0].message).toMatch(/invalid YAML/);
  });

  it('rejects duplicate keys (Helm and kubectl do)', () => {
    const { errors } = parseText('a: 1\na: 2\n', 'dup.yaml');
    expect(errors[0]?.pos.line).toBe(2);
  });

  it('strips a BOM and reads CRLF files with the right lines', () => {
    const { documents } = parseText('\ufeffa: 1\r\nb:\r\n  c: 2\r\n', 'crlf.yaml');
    const root = YamlVNode.root(documents[0].doc, documents[0].ctx);
    expect((at(root, 'b.c') as YamlVNode).pos()).toMatchObject({ line: 3, column: 3 });
  });
});

describe('embeddedContext', () => {
  it('maps lines of a literal block to the file', () => {
    const text = 'data:\n  redis.conf: |\n    maxmemory 1gb\n    appendfsync no\n';
    const { documents } = parseText(text, 'cm.yaml');
    const node = YamlVNode.root(documents[0].doc, documents[0].ctx).child('data').child('redis.conf');
    const ctx = embeddedContext(node.node as Scalar, node.ctx, node.path);
    const off = ctx.text.indexOf('appendfsync');
    expect(ctx.locate(off)).toEqual({ line: 4, col: 5 });
  });

  it('maps lines of a double-quoted one-liner to its column', () => {
    const text = 'x: "appendonly yes"\n';
    const { documents } = parseText(text, 'q.yaml');
    const node = at(YamlVNode.root(documents[0].doc, documents[0].ctx), 'x') as YamlVNode;
    const ctx = embeddedContext(node.node as Scalar, node.ctx, node.path);
    expect(ctx.locate(ctx.text.indexOf('yes'))).toEqual({ line: 1, col: 16 });
  });
});

describe('LayeredVNode (Helm value coalescing)', () => {
  const anchor = { file: 'd', line: 1, column: 1, endLine: 1, endColumn: 1, yamlPath: '' };
  const defaults = new ObjectVNode({ master: { persistence: { enabled: true, size: '8Gi' }, resources: {} } }, { source: 'chart default', anchor });

  it('later layers win, maps merge, a user null deletes', () => {
    const a = parseText('master:\n  persistence:\n    size: 1Gi\n', 'a.yaml').documents[0];
    const b = parseText('master:\n  persistence:\n    enabled: null\n', 'b.yaml').documents[0];
    const v = new LayeredVNode([defaults, YamlVNode.root(a.doc, a.ctx), YamlVNode.root(b.doc, b.ctx)]);
    expect(at(v, 'master.persistence.size').value()).toBe('1Gi');
    expect(at(v, 'master.persistence.size').origin()).toMatchObject({ kind: 'file', pos: { file: 'a.yaml', line: 3 } });
    expect(at(v, 'master.persistence.enabled').exists).toBe(false);
    expect(at(v, 'master.persistence').value()).toEqual({ size: '1Gi' });
  });

  it('a default value is anchored at the deepest user node', () => {
    const a = parseText('other: 1\nmaster:\n  persistence:\n    enabled: true\n', 'a.yaml').documents[0];
    const v = new LayeredVNode([defaults, YamlVNode.root(a.doc, a.ctx)]);
    expect(at(v, 'master.persistence.size').origin()).toMatchObject({ kind: 'default', source: 'chart default', anchor: { file: 'a.yaml', line: 3 } });
  });
});

describe('loadPaths', () => {
  it('walks directories for .yaml/.yml/.json, skipping .git and node_modules, and reports unreadable paths', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-load-'));
    mkdirSync(path.join(dir, '.git'));
    mkdirSync(path.join(dir, 'node_modules'));
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'a.yaml'), 'a: 1\n');
    writeFileSync(path.join(dir, 'sub', 'b.yml'), 'b: 1\n---\nc: 2\n');
    writeFileSync(path.join(dir, 'c.json'), '{"c": 1}');
    writeFileSync(path.join(dir, 'notes.txt'), 'not yaml: [');
    writeFileSync(path.join(dir, '.git', 'x.yaml'), 'x: 1\n');
    writeFileSync(path.join(dir, 'node_modules', 'y.yaml'), 'y: 1\n');
    writeFileSync(path.join(dir, 'bin.yaml'), Buffer.from([0x61, 0, 0x62]));
    const r = await loadPaths([dir, path.join(dir, 'missing.yaml')]);
    expect(r.files.map((f) => path.relative(dir, f)).sort()).toEqual(['a.yaml', 'c.json', path.join('sub', 'b.yml')]);
    expect(r.documents).toHaveLength(4);
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/binary/), expect.stringMatching(/cannot read .*missing\.yaml: ENOENT/)]);
  });

  it('reads - from stdin', async () => {
    const r = await loadPaths(['-'], async () => 'kind: ConfigMap\n');
    expect(r.files).toEqual(['<stdin>']);
    expect(r.documents).toHaveLength(1);
  });
});
