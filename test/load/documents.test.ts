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

/**
 * A multi-line double-quoted scalar whose continuation line sits at its key's indentation (one space
 * short of what YAML 1.2 asks: `s-flow-line-prefix(n)` for a block mapping value at n). The `yaml`
 * library ends the scalar at that line and fails ("Missing closing quote"). Kubernetes, kubectl and
 * Flux read manifests with sigs.k8s.io/yaml (commit aadfabb7, go.mod: go.yaml.in/yaml/v2 v2.4.2),
 * whose scanner (go-yaml v2.4.2, commit 246a95c2, scannerc.go `yaml_parser_scan_flow_scalar`)
 * ends a quoted scalar only at its closing quote, a `---`/`...` in column 0 or the end of the
 * stream, with no indentation check: the API server takes this manifest. So redis-lint reads it.
 * The case is from a real Prometheus HelmRelease (issue 12).
 */
describe('parseText: quoted scalars indented as Go reads them', () => {
  const text = [
    'apiVersion: helm.toolkit.fluxcd.io/v2', // 1
    'kind: HelmRelease', // 2
    'metadata:', // 3
    '  name: redis', // 4
    'spec:', // 5
    '  values:', // 6
    '    relabel:', // 7
    '      regex: "(foo|bar', // 8
    '      |baz)"', // 9
    '    master:', // 10
    '      persistence:', // 11
    '        size: 50Mi', // 12
    '',
  ].join('\n');

  it('the yaml library alone refuses it', async () => {
    const YAML = (await import('yaml')).default;
    expect(YAML.parseAllDocuments(text)[0].errors.length).toBeGreaterThan(0);
  });

  it('is read, with the value Go gives it (lines folded into one space) and positions of the text on disk', () => {
    const r = parseText(text, 'prom.yaml');
    expect(r.errors).toEqual([]);
    expect(r.reindented).toBe(true);
    const root = YamlVNode.root(r.documents[0].doc, r.documents[0].ctx);
    expect(at(root, 'spec.values.relabel.regex').value()).toBe('(foo|bar |baz)');
    expect((at(root, 'spec.values.master.persistence.size') as YamlVNode).pos()).toMatchObject({ line: 12, column: 9 });
    expect((at(root, 'spec.values.relabel.regex') as YamlVNode).pos()).toMatchObject({ line: 8, column: 7 });
  });

  it('a quote that is never closed is still an error, at its line', () => {
    const r = parseText('a:\n  b: "open\n  c: 1\n', 'x.yaml');
    expect(r.errors.length).toBe(1);
    expect(r.errors[0].pos.line).toBeGreaterThanOrEqual(2);
  });

  it('block scalar content that looks like an open quote is left alone', () => {
    const conf = 'data:\n  redis.conf: |\n    save "3600 1\n    maxmemory 1mb\n  other: [1, 2\n';
    const r = parseText(conf, 'x.yaml');
    expect(r.errors.length).toBe(1); // the unclosed flow sequence, not a re-indented redis.conf
    expect(r.reindented).toBeUndefined();
  });
});

describe('loadPaths: whole repositories', () => {
  function repo(): string {
    const d = mkdtempSync(path.join(tmpdir(), 'redis-lint-repo-'));
    mkdirSync(path.join(d, 'charts/app/templates'), { recursive: true });
    writeFileSync(path.join(d, 'charts/app/Chart.yaml'), 'apiVersion: v2\nname: app\nversion: 1.0.0\n');
    writeFileSync(path.join(d, 'charts/app/values.yaml'), 'replicaCount: 1\n');
    writeFileSync(path.join(d, 'charts/app/templates/deploy.yaml'), 'metadata:\n  name: {{ include "x" . }}\n  {{- if .Values.y }}\n');
    writeFileSync(path.join(d, 'charts/app/templates/parses.yaml'), 'name: {{ .Release.Name }}\n');
    mkdirSync(path.join(d, 'apps'));
    writeFileSync(path.join(d, 'apps/cilium.yaml'), 'kind: HelmRelease\nspec:\n  values:\n    ipam: 1\n    ipam: 2\n');
    writeFileSync(path.join(d, 'apps/redis-broken.yaml'), 'kind: HelmRelease\nmetadata:\n  name: redis\nspec: [1\n');
    writeFileSync(path.join(d, 'apps/lone-template.yaml'), 'name: {{ .Release.Name }}\nimage: redis\n');
    mkdirSync(path.join(d, 'vendor'));
    writeFileSync(path.join(d, 'vendor/junk.yaml'), 'a: [\n');
    return d;
  }

  it('skips chart templates (one notice per chart), warns on unrelated broken files, keeps Redis parse errors', async () => {
    const d = repo();
    const r = await loadPaths([d]);
    expect(r.files.some((f) => f.includes('templates'))).toBe(false);
    expect(r.files).toContain(path.join(d, 'charts/app/values.yaml'));
    const skipped = r.skipped.map((s) => [s.ruleId, path.relative(d, s.pos.file)]);
    expect(skipped).toEqual(
      expect.arrayContaining([
        ['helm-template-skipped', 'charts/app/Chart.yaml'],
        ['helm-template-skipped', 'apps/lone-template.yaml'],
        ['invalid-yaml-skipped', 'apps/cilium.yaml'],
        ['invalid-yaml-skipped', 'vendor/junk.yaml'],
      ]),
    );
    expect(skipped).toHaveLength(4);
    expect(r.errors.map((e) => path.relative(d, e.pos.file))).toEqual(['apps/redis-broken.yaml']);
  });

  it('a template file named on the command line is the chart notice, not a parse error', async () => {
    const d = repo();
    const r = await loadPaths([path.join(d, 'charts/app/templates/deploy.yaml')]);
    expect(r.errors).toEqual([]);
    expect(r.skipped.map((s) => s.ruleId)).toEqual(['helm-template-skipped']);
  });

  it('--exclude globs are relative to the working directory; ** spans directories', async () => {
    const d = repo();
    const r = await loadPaths([d], undefined, { exclude: ['vendor/**', '**/cilium.yaml'], cwd: d });
    expect(r.files.length).toBeGreaterThan(0);
    // paths are as walked from '.', relative to the process's cwd: compare by base name
    expect(r.files.map((f) => path.basename(f))).not.toContain('junk.yaml');
    expect(r.skipped.map((s) => path.basename(s.pos.file))).not.toContain('cilium.yaml');
  });

  it('a symlinked directory is not walked, and said once', async () => {
    const d = repo();
    const { symlinkSync } = await import('node:fs');
    symlinkSync(path.join(d, 'apps'), path.join(d, 'apps-link'));
    symlinkSync(d, path.join(d, 'loop'));
    const r = await loadPaths([d]);
    expect(r.files.filter((f) => f.includes('apps-link') || f.includes('loop'))).toEqual([]);
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0]).toMatch(/^2 symlinked directories were not followed: .*apps-link, .*loop/);
  });
});

/**
 * YAML merge keys, as Helm reads them (go-yaml resolves `<<`): the map's own keys win, then the
 * merged maps in order. A merged value keeps the position of the anchor, where it is set (issue 13).
 */
describe('merge keys', () => {
  const text = [
    'x-common: &common', // 1
    '  persistence:', // 2
    '    size: 50Mi', // 3
    '  replicaCount: 3', // 4
    'x-other: &other', // 5
    '  replicaCount: 9', // 6
    '  podLabels: {a: b}', // 7
    'master:', // 8
    '  <<: [*common, *other]', // 9
    '  replicaCount: 1', // 10
    '',
  ].join('\n');

  it('child(), keys() and value() see the merged keys; own keys win, then the first merged map', () => {
    const { documents, errors } = parseText(text, 'm.yaml');
    expect(errors).toEqual([]);
    const master = at(YamlVNode.root(documents[0].doc, documents[0].ctx), 'master') as YamlVNode;
    expect(master.keys().sort()).toEqual(['persistence', 'podLabels', 'replicaCount']);
    expect(at(master, 'replicaCount').value()).toBe(1);
    expect(master.value()).toEqual({ persistence: { size: '50Mi' }, replicaCount: 1, podLabels: { a: 'b' } });
    const size = at(master, 'persistence.size') as YamlVNode;
    expect(size.value()).toBe('50Mi');
    expect(size.pos()).toMatchObject({ line: 3, column: 5 });
  });

  it('a quoted "<<" is an ordinary key', () => {
    const { documents } = parseText('a: &a {x: 1}\nb:\n  "<<": *a\n', 'q.yaml');
    const b = at(YamlVNode.root(documents[0].doc, documents[0].ctx), 'b') as YamlVNode;
    expect(b.keys()).toEqual(['<<']);
    expect(at(b, 'x').exists).toBe(false);
  });

  it('a Bitnami values file whose master merges a 50Mi persistence block: aof-rewrite-unreachable at the anchor', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'redis-lint-merge-'));
    writeFileSync(path.join(d, 'values.yaml'), 'architecture: standalone\ncommon: &common\n  persistence:\n    size: 50Mi\nmaster:\n  <<: *common\ncommonConfiguration: |-\n  appendonly yes\n');
    const { lintPaths } = await import('../../src/engine.js');
    const { loadPolicy } = await import('../../src/policy/policy.js');
    const r = await lintPaths([path.join(d, 'values.yaml')], { policy: loadPolicy() });
    expect(r.findings.filter((f) => f.ruleId === 'aof-rewrite-unreachable').map((f) => f.pos.line)).toEqual([4]);
  });
});
