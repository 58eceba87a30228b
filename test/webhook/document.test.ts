import fc from 'fast-check';
import { isMap, isPair, isScalar, isSeq, visit, type Node } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MAX_OBJECT_DEPTH, ObjectTooDeepError, objectDepthProblem, objectDocument } from '../../src/webhook/document.js';

/** Every node's range start, in document order (keys before their values). */
function starts(root: Node): number[] {
  const out: number[] = [];
  visit(root, (_key, node) => {
    if (isPair(node)) return;
    if (isMap(node) || isSeq(node) || isScalar(node)) out.push(node.range![0]);
  });
  return out;
}

/** A list nested `depth` levels deep (without recursion). */
function deepList(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

describe('objectDocument: JSON from the API server as the engine reads it', () => {
  it('holds the same value, and numbers every node (keys included) in document order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 5 }), { maxKeys: 6 }), (object) => {
        const doc = objectDocument(object, 'admission:x').doc;
        // through JSON on both sides (-0 is 0 in JSON, as the API server sends it)
        expect(JSON.parse(JSON.stringify(doc.toJS()))).toEqual(JSON.parse(JSON.stringify(object)));
        const s = starts(doc.contents as Node);
        expect(s).toEqual(s.map((_, i) => i));
      }),
      { numRuns: 300 },
    );
  });

  it(`a value nested deeper than ${MAX_OBJECT_DEPTH} levels: ObjectTooDeepError with its path, the same as objectDepthProblem's`, () => {
    const ok = { a: deepList(MAX_OBJECT_DEPTH - 1) };
    expect(objectDepthProblem(ok)).toBeUndefined();
    expect(() => objectDocument(ok, 'x')).not.toThrow();
    const deep = { spec: { values: { extraDeploy: deepList(MAX_OBJECT_DEPTH + 5) } } };
    const problem = objectDepthProblem(deep);
    expect(problem).toBeInstanceOf(ObjectTooDeepError);
    expect(problem!.path).toBe('spec.values.extraDeploy.0.0.0.0.0.0.0...');
    let thrown: unknown;
    try {
      objectDocument(deep, 'x');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ObjectTooDeepError);
    expect((thrown as ObjectTooDeepError).path).toBe(problem!.path);
  });
});
