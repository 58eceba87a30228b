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

/** A value still to convert: its container (a seq: index; a map: key) and how deep it is. */
interface Frame {
  value: unknown;
  depth: number;
  /** undefined for the root */
  container?: YAMLSeq | YAMLMap;
  key: string | number;
  /** the frame of the container (for the depth error's path) */
  parent?: Frame;
}

/** Convert a JSON value into yaml nodes, each with its own range numbered in document order (keys included). */
function toNodes(value: unknown): Node {
  let root: Node | undefined;
  let n = 0;
  const number = (node: Node) => {
    node.range = [n, n + 1, n + 1];
    n++;
  };
  const stack: Frame[] = [{ value, depth: 1, key: '' }];
  // Pre-order: a node is attached (a map value numbers its key first) and numbered, then its
  // children are pushed in reverse so that they come off the stack in order.
  while (stack.length) {
    const f = stack.pop()!;
    const v = f.value;
    let node: Node;
    if (v !== null && typeof v === 'object') {
      if (f.depth > MAX_OBJECT_DEPTH) throw new ObjectTooDeepError(pathOf(f));
      node = Array.isArray(v) ? new YAMLSeq() : new YAMLMap();
    } else node = new Scalar(v === undefined ? null : v);
    if (!f.container) root = node;
    else if (typeof f.key === 'number') (f.container as YAMLSeq).items[f.key] = node;
    else {
      const key = new Scalar(f.key);
      number(key);
      (f.container as YAMLMap).items.push(new Pair(key, node));
    }
    number(node);
    if (node instanceof YAMLSeq) {
      const arr = v as unknown[];
      node.items.length = arr.length;
      for (let i = arr.length - 1; i >= 0; i--) stack.push({ value: arr[i], depth: f.depth + 1, container: node, key: i, parent: f });
    } else if (node instanceof YAMLMap) {
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj);
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: obj[keys[i]], depth: f.depth + 1, container: node, key: keys[i], parent: f });
    }
  }
  return root!;
}

function pathOf(f: Frame): string {
  const keys: Array<string | number> = [];
  for (let p: Frame | undefined = f; p?.container; p = p.parent) keys.push(p.key);
  return shortPath(keys.reverse());
}
