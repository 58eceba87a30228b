/**
 * "did you mean …" for a misspelt name (ESLint's "Definition for rule … was not found", git's
 * "The most similar command is"): the known name closest by edit distance, when it is close.
 */

/** Levenshtein distance of two strings (insert, delete, substitute: 1 each). O(a x b) time, O(b) space. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The known name nearest to `name`: at most a third of its length (at least 2) edits away, or
 * one that contains it / is contained in it; undefined when none is that close. Names longer than
 * 100 characters get no suggestion (the distance is quadratic).
 */
export function closest(name: string, known: Iterable<string>): string | undefined {
  if (name.length > 100) return undefined;
  const list = [...known];
  let best: { name: string; d: number } | undefined;
  for (const k of list) {
    const d = editDistance(name, k);
    if (!best || d < best.d) best = { name: k, d };
  }
  if (!best) return undefined;
  if (best.d <= Math.max(2, Math.floor(name.length / 3))) return best.name;
  const lower = name.toLowerCase();
  for (const k of list) if (lower.length >= 4 && (k.includes(lower) || lower.includes(k))) return k;
  return undefined;
}

/** ` (did you mean "x"?)` for an unknown name, '' when no known name is close. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const c = closest(name, known);
  return c ? ` (did you mean "${c}"?)` : '';
}
