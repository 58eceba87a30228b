import YAML, { Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import type { DocContext, LoadedDocument } from '../load/documents.js';

/**
 * Deepest nesting of maps and lists in an object from the API server that redis-lint reads
 * (the object itself is depth 1). The API server accepts JSON nested up to 10,000 levels (Go's
 * encoding/json); settings redis-lint reads are at most a few dozen levels deep, and a 2,000-level
 * list under an unrelated key must not stop the rest of the object from being checked (issue 13).
 * Deeper objects are answered per `--on-error` with {@link ObjectTooDeepError}'s reason.
 */
export const MAX_OBJECT_DEPTH = 3000;

/** An object nested deeper than {@link MAX_OBJECT_DEPTH}: it is not read (the message says so, with the path to the deep part). */
export class ObjectTooDeepError extends Error {
  override name = 'ObjectTooDeepError';
  constructor(
    /** yamlPath of the first value found deeper than the limit (its first 10 steps) */
    readonly path: string,
  ) {
    super(`nested more than ${MAX_OBJECT_DEPTH} levels deep`);
  }
}

/**
 * Whether a JSON value is nested deeper than {@link MAX_OBJECT_DEPTH}: one pass with an explicit
 * stack (no recursion), stopping at the first value too deep.
 * @returns the error to report, or undefined when the value is within the limit
 */
export function objectDepthProblem(value: unknown): ObjectTooDeepError | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  // containers and their depths on two stacks (no object per entry: this runs on every review);
  // scalars are never pushed (a 100,000-key map of scalars is one pass over its keys)
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length) {
    const v = values.pop()!;
    const depth = depths.pop()!;
    if (depth > MAX_OBJECT_DEPTH) return new ObjectTooDeepError(shortPath(pathTo(value, v)));
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (x !== null && typeof x === 'object') {
          values.push(x);
          depths.push(depth + 1);
        }
      }
    } else {
      const keys = Object.keys(v);
      for (let i = 0; i < keys.length; i++) {
        const x: unknown = (v as Record<string, unknown>)[keys[i]];
        if (x !== null && typeof x === 'object') {
          values.push(x);
          depths.push(depth + 1);
        }
      }
    }
  }
  return undefined;
}

/** The path from `root` to the node `target` (depth-first, explicit stack; only for the error message). */
function pathTo(root: unknown, target: unknown): Array<string | number> {
  const stack: Array<{ v: unknown; path: Array<string | number> }> = [{ v: root, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (v === target) return path;
    if (v === null || typeof v !== 'object') continue;
    // only the first child of each level can lead this deep in practice; all are searched
    const entries: Array<[string | number, unknown]> = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (const [k, x] of entries) if (x !== null && typeof x === 'object') stack.push({ v: x, path: path.length < 11 ? [...path, k] : path });
  }
  return [];
}

/** The first 10 steps of a path, dotted. */
function shortPath(keys: ReadonlyArray<string | number>): string {
  return keys.slice(0, 10).join('.') + (keys.length > 10 ? '...' : '');
}

/**
 * Turn a JSON object (an AdmissionReview's `request.object`, a ConfigMap read from the cluster)
 * into the LoadedDocument the engine reads, without printing and re-parsing YAML (a fifth of the
 * cost). There is no text, so there are no real positions: every node gets its own one-character
 * range, numbered in document order, and a position's `line` is that number. Messages, rule ids
 * and numbers are the CLI's (they never contain positions); positions stay distinct per node, so
 * the engine's de-duplication of findings at the same node behaves as for a file; `yamlPath`s
 * are exact.
 *
 * The node tree is built with an explicit stack (no recursion: `new YAML.Document(object)`
 * overflowed the call stack on a 2,000-level list, issue 13), in one O(n) pass.
 * @param object a JSON object (not changed)
 * @param file the name positions carry, e.g. `admission:StatefulSet/shop/redis`
 * @throws ObjectTooDeepError when the object is nested deeper than {@link MAX_OBJECT_DEPTH}
 */
export function objectDocument(object: unknown, file: string): LoadedDocument {
  const doc = new YAML.Document(null, { aliasDuplicateObjects: false });
  doc.contents = toNodes(object);
  const ctx: DocContext = { file, text: '', locate: (offset) => ({ line: offset + 1, col: 1 }), pathPrefix: [] };
  return { file, index: 0, doc: doc as unknown as LoadedDocument['doc'], ctx };
}

/** A container being converted: its node, its JSON value, its keys (a map) and the next child. */
interface Frame {
  node: YAMLSeq | YAMLMap;
  value: unknown[] | Record<string, unknown>;
  /** a map's keys; undefined for a sequence */
  keys: string[] | undefined;
  next: number;
}

/**
 * Convert a JSON value into yaml nodes, each with its own range numbered in document order (keys
 * included). Depth-first with an explicit stack of the open containers only: scalars (most of a
 * large object) are converted in place, without a frame each.
 * @throws ObjectTooDeepError past {@link MAX_OBJECT_DEPTH}
 */
function toNodes(value: unknown): Node {
  let n = 0;
  const number = (node: Node) => {
    node.range = [n, n + 1, n + 1];
    n++;
  };
  const stack: Frame[] = [];
  /** a node for v, numbered; a container is opened (pushed) */
  const open = (v: unknown): Node => {
    if (v !== null && typeof v === 'object') {
      if (stack.length >= MAX_OBJECT_DEPTH) throw new ObjectTooDeepError(shortPath(stack.map((f) => (f.keys ? f.keys[f.next - 1] : f.next - 1))));
      const node = Array.isArray(v) ? new YAMLSeq() : new YAMLMap();
      number(node);
      const keys = Array.isArray(v) ? undefined : Object.keys(v);
      if (!keys) (node as YAMLSeq).items.length = (v as unknown[]).length;
      stack.push({ node, value: v as unknown[] | Record<string, unknown>, keys, next: 0 });
      return node;
    }
    const node = new Scalar(v === undefined ? null : v);
    number(node);
    return node;
  };
  const root = open(value);
  while (stack.length) {
    const f = stack[stack.length - 1];
    if (f.keys) {
      if (f.next >= f.keys.length) {
        stack.pop();
        continue;
      }
      const k = f.keys[f.next++];
      const key = new Scalar(k);
      number(key);
      // the pair first (the value may open a container that is filled afterwards)
      const pair = new Pair<Node, Node | null>(key, null);
      (f.node as YAMLMap).items.push(pair);
      pair.value = open((f.value as Record<string, unknown>)[k]);
    } else {
      const arr = f.value as unknown[];
      if (f.next >= arr.length) {
        stack.pop();
        continue;
      }
      const i = f.next++;
      (f.node as YAMLSeq).items[i] = open(arr[i]);
    }
  }
  return root;
}
