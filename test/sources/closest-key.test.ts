import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestKey, knownKeyList } from '../../src/sources/bitnami.js';

/** Plain Levenshtein distance (the reference). */
function lev(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

const KNOWN = ['architecture', 'master', 'replica', 'sentinel', 'auth', 'image', 'metrics', 'tls', 'commonConfiguration', 'networkPolicy', 'serviceAccount', 'global', 'nameOverride', 'fullnameOverride', 'kubeVersion', 'extraDeploy', 'useHostnames', 'rbac', 'sysctl', 'volumePermissions'];

describe('closestKey ("did you mean"): the pruned search finds what a full search finds', () => {
  const list = knownKeyList(KNOWN);
  const reference = (key: string, max: number) => {
    let best: string | undefined;
    let bestD = max + 1;
    for (const k of KNOWN) {
      const d = lev(key.toLowerCase(), k.toLowerCase());
      if (d < bestD) [best, bestD] = [k, d];
    }
    return best;
  };

  it('on misspellings of known keys and on random keys', () => {
    const misspelt = fc.tuple(fc.constantFrom(...KNOWN), fc.array(fc.tuple(fc.nat(40), fc.constantFrom('a', 'e', 'x', 'M', '1', ''), fc.boolean()), { maxLength: 4 })).map(([k, edits]) => {
      let s = k;
      for (const [at, c, ins] of edits) {
        const i = at % (s.length + 1);
        s = ins ? s.slice(0, i) + c + s.slice(i) : s.slice(0, i) + c + s.slice(i + 1);
      }
      return s;
    });
    fc.assert(
      fc.property(fc.oneof(misspelt, fc.string({ maxLength: 24 })), fc.integer({ min: 1, max: 6 }), (key, max) => {
        expect(closestKey(key, list, max)).toBe(reference(key, max));
      }),
      { numRuns: 3000 },
    );
  });

  it('names the key of a typical typo', () => {
    expect(closestKey('architechture', list, 3)).toBe('architecture');
    expect(closestKey('Master', list, 1)).toBe('master');
    expect(closestKey('k12345', list, 1)).toBeUndefined();
  });
});
