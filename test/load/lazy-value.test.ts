import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/load/documents.js';
import { lazyValue, YamlVNode } from '../../src/load/vnode.js';
import { bitnamiRedisEvidence } from '../../src/sources/bitnami-chart.js';

const root = (text: string) => {
  const { documents, errors } = parseText(text, 'values.yaml');
  expect(errors).toEqual([]);
  return YamlVNode.root(documents[0].doc, documents[0].ctx);
};

const VALUES = `architecture: standalone
master:
  persistence: {size: 50Mi}
  extraFlags: [--maxmemory, 10mb]
auth: ~
common: &c {resourcesPreset: nano}
replica:
  <<: *c
  replicaCount: 2
`;

describe('lazyValue: a plain-object view of a map, converted when read', () => {
  it('reads, lists and tests keys as value() does (null values, sequences, merge keys)', () => {
    const node = root(VALUES);
    const view = lazyValue(node) as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(view))).toEqual(node.value());
    expect(Object.keys(view)).toEqual(Object.keys(node.value() as object));
    expect('auth' in view).toBe(true);
    expect(view.auth).toBeNull();
    expect('missing' in view).toBe(false);
    expect(view.missing).toBeUndefined();
    expect((view.master as Record<string, unknown>).extraFlags).toEqual(['--maxmemory', '10mb']);
    expect(Array.isArray((view.master as Record<string, unknown>).extraFlags)).toBe(true);
    expect((view.replica as Record<string, unknown>).resourcesPreset).toBe('nano');
  });

  it('is read-only', () => {
    const view = lazyValue(root(VALUES)) as Record<string, unknown>;
    expect(() => {
      'use strict';
      view.architecture = 'replication';
    }).toThrow(TypeError);
    expect(view.architecture).toBe('standalone');
  });

  it('gives bitnamiRedisEvidence the same verdict as the converted values', () => {
    for (const text of [VALUES, 'primary: {persistence: {size: 8Gi}}\narchitecture: replication\n', 'controllers: {main: {}}\n', 'sentinel: {enabled: true, masterSet: m}\nauth: {sentinel: true}\n']) {
      const node = root(text);
      expect(bitnamiRedisEvidence(lazyValue(node))).toEqual(bitnamiRedisEvidence(node.value()));
    }
  });

  it('converts only what is read: a 20,000-key map is not walked by a read of two keys', () => {
    const lines = ['architecture: standalone', 'master: {persistence: {size: 50Mi}}'];
    for (let i = 0; i < 20_000; i++) lines.push(`k${i}: ${i}`);
    const node = root(lines.join('\n') + '\n');
    // count the root's lookups and whole conversions: an eager view (root.value(), or a get per key) fails here
    const calls = { get: 0, value: 0 };
    const counting = new Proxy(node, {
      get: (t, k, r) =>
        k === 'get' ? (key: string) => (calls.get++, t.get(key)) : k === 'value' ? () => (calls.value++, t.value()) : Reflect.get(t, k, r),
    });
    const view = lazyValue(counting) as Record<string, Record<string, unknown>>;
    expect(view.master.persistence).toEqual({ size: '50Mi' });
    expect(view.architecture).toBe('standalone');
    expect(calls.get).toBeLessThan(10);
    expect(calls.value).toBe(0);
  });
});
