import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reviewHead } from '../../src/webhook/review-head.js';

describe('reviewHead: request.uid, kind, namespace, name and operation from the text', () => {
  it('finds them in an AdmissionReview as the API server writes it, without reading the object', () => {
    const body = JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'a"b\\u00e9', kind: { group: 'apps', version: 'v1', kind: 'StatefulSet' }, requestKind: { kind: 'Other' }, name: 'redis', namespace: 'shop', operation: 'CREATE', object: { kind: 'Decoy', metadata: { uid: 'decoy' } } },
    });
    expect(reviewHead(body)).toEqual({ uid: 'a"b\\u00e9', kind: 'StatefulSet', name: 'redis', namespace: 'shop', operation: 'CREATE' });
  });

  it('is the same as reading the parsed JSON, for any object (fields in any order, any nesting around them)', () => {
    const str = fc.string({ unit: 'binary', maxLength: 12 });
    const junk = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(
        fc.record({ uid: fc.option(str, { nil: undefined }), kind: fc.option(fc.record({ kind: fc.oneof(str, junk) }), { nil: undefined }), namespace: fc.option(fc.oneof(str, junk), { nil: undefined }), name: fc.option(str, { nil: undefined }), operation: fc.option(str, { nil: undefined }), object: junk }, { requiredKeys: [] }),
        fc.dictionary(fc.string({ maxLength: 5 }), junk, { maxKeys: 3 }),
        (request, extra) => {
          const text = JSON.stringify({ ...extra, request }, null, Math.random() < 0.5 ? 2 : undefined);
          const r = (JSON.parse(text) as { request: Record<string, unknown> }).request;
          const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
          const want = Object.fromEntries(
            Object.entries({ uid: s(r.uid), kind: s((r.kind as { kind?: unknown } | undefined)?.kind), namespace: s(r.namespace), name: s(r.name), operation: s(r.operation) }).filter(([, v]) => v !== undefined),
          );
          expect(reviewHead(text)).toEqual(want);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on broken text and gives what came before the damage', () => {
    expect(reviewHead('{"request":{"uid":"u1","kind":{"kind":"HelmRelease"},"object":{"a":[1,2')).toEqual({ uid: 'u1', kind: 'HelmRelease' });
    expect(reviewHead('')).toEqual({});
    expect(reviewHead('"\\')).toEqual({});
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (t) => void reviewHead(t)));
  });
});
