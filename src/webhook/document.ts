import YAML, { isCollection, isNode, isPair, type Node } from 'yaml';
import type { DocContext, LoadedDocument } from '../load/documents.js';

/**
 * Turn a JSON object (an AdmissionReview's `request.object`, a ConfigMap read from the cluster)
 * into the LoadedDocument the engine reads, without printing and re-parsing YAML (a fifth of the
 * cost). There is no text, so there are no real positions: every node gets its own one-character
 * range, numbered in document order, and a position's `line` is that number. Messages, rule ids
 * and numbers are the CLI's (they never contain positions); positions stay distinct per node, so
 * the engine's de-duplication of findings at the same node behaves as for a file; `yamlPath`s
 * are exact.
 * @param object a JSON object (not changed)
 * @param file the name positions carry, e.g. `admission:StatefulSet/shop/redis`
 */
export function objectDocument(object: unknown, file: string): LoadedDocument {
  const doc = new YAML.Document(object, { aliasDuplicateObjects: false });
  if (isNode(doc.contents)) number(doc.contents, 0);
  const ctx: DocContext = { file, text: '', locate: (offset) => ({ line: offset + 1, col: 1 }), pathPrefix: [] };
  return { file, index: 0, doc: doc as unknown as LoadedDocument['doc'], ctx };
}

/** Give `node` and every node below it (keys included) its own range, in document order; returns the next free number. */
function number(node: Node, n: number): number {
  node.range = [n, n + 1, n + 1];
  n++;
  if (!isCollection(node)) return n;
  for (const item of node.items) {
    if (isPair(item)) {
      if (isNode(item.key)) n = number(item.key, n);
      if (isNode(item.value)) n = number(item.value, n);
    } else if (isNode(item)) {
      n = number(item, n);
    }
  }
  return n;
}
