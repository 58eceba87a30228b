import YAML, { isAlias, isMap, isNode, isScalar, isSeq, Scalar, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { firstDuplicateKey } from '../load/documents.js';
import type { FileEdit } from '../core/file-edit.js';
import { splitArgs } from '../sources/redis-conf.js';

/**
 * Minimal-diff edits of YAML files for `redis-lint --fix`.
 *
 * The file's text is never re-stringified: each op is located with `yaml` (node ranges are
 * offsets into the text) and only the bytes that must change are spliced. Comments, key order,
 * quoting, indentation, blank lines, `---` separators, CRLF line ends, a UTF-8 BOM and a missing
 * trailing newline all survive. Ops apply one at a time; the text is re-parsed after each one and
 * its values compared with the values the op should give (see {@link applyYamlEdits}), so an
 * edit that would break the file or touch anything else throws instead of being written.
 *
 * Decisions:
 * - New keys go right after the last entry of their map (after its nested content, before any
 *   comment lines that follow it), at the indentation of the map's first key; several missing
 *   levels become nested block maps indented by the file's indent step (the most common
 *   parent-to-child map indentation in the file; 2 when there is none).
 * - Flow collections stay flow: `securityContext: {}` becomes `securityContext: {fsGroup: 1001}`,
 *   `{a: 1}` becomes `{a: 1, b: 2}` (the rest of the flow node is untouched).
 * - Scalars: a new string is plain when plain YAML 1.2 *and* YAML 1.1 read it back as the same
 *   string (so `yes`, `on`, `0755`, `1001` are quoted: Kubernetes reads YAML 1.1), else
 *   double-quoted; an existing scalar keeps its style (double stays double, single stays single
 *   when it can, plain stays plain when safe, else double quotes). Multi-line strings are literal
 *   block scalars (`|`, `|-`, `|+`) in block context, double-quoted in flow context.
 * - redis.conf (`conf` op): in a block scalar only the directive's line changes, or one line is
 *   added after the last content line at the content's indentation (a folded `>` scalar gets a
 *   blank line before it so it is not folded into the previous line); a quoted or plain string is
 *   re-rendered whole in its style (a plain/single-quoted one that gains a line break becomes a
 *   literal block scalar in block context, double-quoted in flow context).
 */

/** One change to a YAML file. Paths are map keys (strings; a number is matched as its decimal string) and sequence indexes (numbers, or strings of digits). */
export type YamlEditOp =
  /**
   * set the value at `path` of document `doc` (0-based index among the file's YAML documents):
   * replace an existing value, or add the missing keys (creating maps as needed). `value` is a
   * scalar (string, number, boolean, null), or a plain object/array to insert as a new subtree.
   * Sequence items are never created.
   */
  | { op: 'set'; doc: number; path: readonly (string | number)[]; value: unknown }
  /**
   * in the redis.conf text held by the string at `path` (a block scalar `|`/`|-`/`>`..., or a
   * plain/quoted string), make `directive` have `args`: rewrite the LAST line whose first token is
   * the directive (case-insensitive; Redis keeps the last value) or, when there is none, append a
   * line `directive args`; when `path` does not exist (or is null/empty), create it as a literal
   * block scalar holding that one line (`directive args\n`).
   */
  | { op: 'conf'; doc: number; path: readonly (string | number)[]; directive: string; args: readonly string[] };

/**
 * An op that cannot be applied safely; the message says why and where (an alias or anchor on the
 * path, a merge key `<<`, a scalar where a map is needed, a missing list item, a file that does
 * not parse, a result that would not parse or would change other values).
 */
export class YamlEditError extends Error {
  override name = 'YamlEditError';
}

/** The outcome of {@link applyYamlEdits}. */
export interface EditResult {
  /** the new file text (BOM kept) */
  text: string;
  /**
   * the changes, as replacements of ORIGINAL text: 1-based lines and columns counting UTF-16 code
   * units of the text without its BOM (the coordinates of every Finding); sorted, not
   * overlapping; changes of several ops that touch the same spot are merged into one edit. Empty
   * when nothing changed.
   */
  edits: FileEdit[];
  /** whether `text` differs from the input */
  changed: boolean;
}

type Path = readonly (string | number)[];

/** Replace text[start, end) of the current text by `text`. */
interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The current text and its layout conventions. */
interface Src {
  text: string;
  /** line break of the file: `\r\n` when its first line ends so */
  eol: string;
  /** indentation step of nested block maps */
  step: number;
  /** indentation of a block sequence's `-` relative to its key */
  seqOffset: number;
}

/** What holds a value node. */
type Holder = { kind: 'doc'; doc: Document.Parsed } | { kind: 'pair'; map: YAMLMap; pair: Pair } | { kind: 'item'; seq: YAMLSeq; index: number };

/** Where a path leads: an existing value (or null/empty, then `rest` is still to be created under it), or a map that lacks path[at]. */
type Located = { kind: 'value'; holder: Holder; node: Node | null; rest: Path } | { kind: 'missing'; at: number; map: YAMLMap };

/** Duplicate keys are refused by our O(n) check ({@link firstDuplicateKey}), not yaml's O(n²) `uniqueKeys` (issue 13). */
const PARSE_OPTIONS = { uniqueKeys: false, strict: true, keepSourceTokens: true } as const;

// ---------------------------------------------------------------------------------------------
// entry point

/**
 * Apply `ops` in order to the YAML `text` of `file`, changing only the bytes that must change.
 * Later ops see the changes of earlier ones. An op that changes nothing (the value is already
 * there, the directive already has these args) is skipped, so applying the same ops to the
 * result gives `changed: false` and the identical text.
 *
 * Safety net: after each op the new text is parsed again; it must parse without errors and each
 * document's value (toJS) must equal the original documents' values with the ops so far applied
 * to them as plain JSON. Otherwise nothing is returned and YamlEditError is thrown.
 * @param file the file's name, for messages and `edits[].file`
 * @param text the file's content (may start with a UTF-8 BOM, may use CRLF)
 * @throws YamlEditError when the file does not parse, an op is malformed or cannot be applied
 *   safely (see the class), or the result fails the safety net
 */
export function applyYamlEdits(file: string, text: string, ops: readonly YamlEditOp[]): EditResult {
  const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const original = text.slice(bom.length);
  let docs = parseDocs(original, `${file}: not valid YAML`);
  const expected: unknown[] = docs.map((d) => d.toJS({ maxAliasCount: -1 }));
  const layout = detectLayout(original, docs);
  let cur = original;
  let segs: Seg[] = original.length ? [{ o: 0, len: original.length }] : [];
  ops.forEach((op, i) => {
    const what = `${file}: op ${i + 1} (${describeOp(op)})`;
    try {
      validateOp(op);
      const src: Src = { text: cur, ...layout };
      const splices = op.op === 'set' ? planSet(src, docs, op) : planConf(src, docs, op);
      applyToJson(expected, op);
      if (!splices.length) return;
      const next = applySplices(cur, splices);
      segs = spliceSegments(segs, splices);
      docs = parseDocs(next, `the edit would make invalid YAML`);
      checkValues(docs, expected, 'the edit would change other values');
      cur = next;
    } catch (e) {
      if (e instanceof YamlEditError) throw new YamlEditError(`${what}: ${e.message}`);
      throw e;
    }
  });
  // final net: `docs` is the parse of `cur` (each changing op re-parsed it); this also covers ops
  // that changed nothing. (A parse per op and one more here made --fix of 1 MB files slow.)
  try {
    checkValues(docs, expected, 'the result differs from the intended values');
  } catch (e) {
    if (e instanceof YamlEditError) throw new YamlEditError(`${file}: ${e.message}`);
    throw e;
  }
  const changed = cur !== original;
  return { text: bom + cur, edits: changed ? segmentsToEdits(segs, original, file) : [], changed };
}

function describeOp(op: YamlEditOp): string {
  const p = Array.isArray(op?.path) ? op.path.join('.') : '?';
  if (op?.op === 'conf') return `conf ${p}: ${op.directive} ${(op.args ?? []).join(' ')}`.trimEnd();
  return `set ${p}`;
}

function validateOp(op: YamlEditOp): void {
  if (!op || (op.op !== 'set' && op.op !== 'conf')) throw new YamlEditError(`unknown op ${JSON.stringify((op as { op?: unknown })?.op)}`);
  if (!Number.isInteger(op.doc) || op.doc < 0) throw new YamlEditError(`doc must be a document index, not ${String(op.doc)}`);
  if (!Array.isArray(op.path) || !op.path.length) throw new YamlEditError('the path is empty: the document root cannot be replaced');
  for (const s of op.path) {
    if (typeof s !== 'string' && !(typeof s === 'number' && Number.isInteger(s) && s >= 0)) throw new YamlEditError(`bad path segment ${String(s)}`);
  }
  if (op.op === 'conf') {
    if (typeof op.directive !== 'string' || !/^[^\s"'#][^\s"']*$/.test(op.directive)) throw new YamlEditError(`bad redis.conf directive ${JSON.stringify(op.directive)}`);
    if (!Array.isArray(op.args) || op.args.some((a) => typeof a !== 'string')) throw new YamlEditError('conf args must be strings');
  }
}

function parseDocs(text: string, what: string): Document.Parsed[] {
  let docs: Document.Parsed[];
  try {
    docs = Array.from(YAML.parseAllDocuments(text, PARSE_OPTIONS) as Document.Parsed[]);
  } catch (e) {
    throw new YamlEditError(`${what}: ${(e as Error).message.split('\n')[0]}`);
  }
  for (const d of docs) {
    const err = d.errors[0];
    if (err) throw new YamlEditError(`${what}: ${err.message.split('\n')[0]}`);
    if (firstDuplicateKey(d) !== undefined) throw new YamlEditError(`${what}: Map keys must be unique`);
  }
  return docs;
}

function checkValues(docs: Document.Parsed[], expected: readonly unknown[], what: string): void {
  if (docs.length !== expected.length) throw new YamlEditError(`${what}: ${docs.length} documents instead of ${expected.length}`);
  docs.forEach((d, i) => {
    if (!deepEqual(d.toJS({ maxAliasCount: -1 }), expected[i])) throw new YamlEditError(`${what} (document ${i})`);
  });
}

/** Structural equality of parsed YAML values (NaN equals NaN, key order ignored). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

// ---------------------------------------------------------------------------------------------
// the ops on plain JSON (the safety net's expectation)

function isIndex(seg: string | number): number | undefined {
  if (typeof seg === 'number') return seg;
  return /^(0|[1-9]\d*)$/.test(seg) ? Number(seg) : undefined;
}

function defineKey(obj: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(obj, k, { value: v, writable: true, enumerable: true, configurable: true });
}

function applyToJson(docs: unknown[], op: YamlEditOp): void {
  if (op.doc >= docs.length) {
    if (docs.length === 0 && op.doc === 0) docs.push(null);
    else throw new YamlEditError(`the file has ${docs.length} document(s): no document ${op.doc}`);
  }
  const f =
    op.op === 'set'
      ? () => structuredClone(op.value)
      : (old: unknown) => {
          const line = confLine(op.directive, op.args);
          if (old === null || old === undefined) return line + '\n';
          if (typeof old !== 'string') throw new YamlEditError(`${op.path.join('.')} is not a string: it cannot hold redis.conf`);
          return confText(old, op.directive, op.args);
        };
  docs[op.doc] = updateJson(docs[op.doc], op.path, f);
}

function updateJson(root: unknown, path: Path, f: (old: unknown) => unknown): unknown {
  if (!path.length) return f(root);
  const container = root === null || root === undefined ? {} : root;
  if (typeof container !== 'object') throw new YamlEditError(`a scalar where a map is needed`);
  if (Array.isArray(container)) {
    const i = isIndex(path[0]);
    if (i === undefined || i >= container.length) throw new YamlEditError(`no list item ${String(path[0])}`);
    container[i] = updateJson(container[i], path.slice(1), f);
  } else {
    const obj = container as Record<string, unknown>;
    const k = String(path[0]);
    defineKey(obj, k, updateJson(Object.hasOwn(obj, k) ? obj[k] : undefined, path.slice(1), f));
  }
  return container;
}

// ---------------------------------------------------------------------------------------------
// redis.conf text

/** One redis.conf line: the directive and its args, quoted as Redis reads them (sdssplitargs). */
function confLine(directive: string, args: readonly string[]): string {
  return [directive, ...args.map(quoteConfArg)].join(' ');
}

/** An arg that is empty or holds whitespace, quotes or control characters is double-quoted with C escapes; others are written as they are. */
export function quoteConfArg(arg: string): string {
  if (arg !== '' && !/[\s"'\x00-\x1f\x7f]/.test(arg)) return arg;
  const body = arg.replace(/[\\"\x00-\x1f\x7f]/g, (c) => {
    if (c === '\\' || c === '"') return '\\' + c;
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
  });
  return `"${body}"`;
}

function firstToken(trimmed: string): string {
  const args = splitArgs(trimmed);
  return (args?.[0] ?? trimmed.split(/\s+/)[0]).toLowerCase();
}

/** Whether a trimmed redis.conf line is a directive line of `directive` (comments `#` are not). */
function isDirectiveLine(trimmed: string, directive: string): boolean {
  return trimmed !== '' && !trimmed.startsWith('#') && firstToken(trimmed) === directive.toLowerCase();
}

function sameArgs(trimmed: string, args: readonly string[]): boolean {
  const got = splitArgs(trimmed);
  return !!got && got.length === args.length + 1 && args.every((a, i) => got[i + 1] === a);
}

/**
 * redis.conf text with `directive` set to `args`: the last line of the directive rewritten (its
 * leading whitespace kept), or a line appended after the last non-blank line; a blank text
 * becomes the one line plus `\n`. Unchanged when the last such line already has these args.
 */
export function confText(old: string, directive: string, args: readonly string[]): string {
  const line = confLine(directive, args);
  const lines = old.split('\n');
  let target = -1;
  lines.forEach((l, i) => {
    if (isDirectiveLine(l.trim(), directive)) target = i;
  });
  if (target >= 0) {
    const l = lines[target];
    if (sameArgs(l.trim(), args)) return old;
    const lead = l.length - l.trimStart().length;
    lines[target] = l.slice(0, lead) + line + (l.endsWith('\r') ? '\r' : '');
    return lines.join('\n');
  }
  if (old.trim() === '') return line + '\n';
  let last = lines.length - 1;
  while (lines[last].trim() === '') last--;
  lines.splice(last + 1, 0, line);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// text positions

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

function col(src: Src, pos: number): number {
  return pos - lineStart(src.text, pos);
}

/** Splice that inserts `lines` (already indented) as whole lines after the line holding `pos`. */
function insertAfterLine(src: Src, pos: number, lines: readonly string[]): Splice {
  const nl = src.text.indexOf('\n', pos);
  if (nl < 0) return { start: src.text.length, end: src.text.length, text: src.eol + lines.join(src.eol) };
  return { start: nl + 1, end: nl + 1, text: lines.map((l) => l + src.eol).join('') };
}

function detectLayout(text: string, docs: readonly Document.Parsed[]): Omit<Src, 'text'> {
  const nl = text.indexOf('\n');
  const eol = nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
  const steps = new Map<number, number>();
  const seqs = new Map<number, number>();
  const src = { text } as Src;
  for (const d of docs) {
    YAML.visit(d, {
      Pair(_, pair) {
        const key = pair.key;
        const v = pair.value;
        if (!isScalar(key) || !key.range) return;
        if (isMap(v) && !v.flow && v.items.length && isNode(v.items[0].key) && v.items[0].key.range) {
          const diff = col(src, v.items[0].key.range[0]) - col(src, key.range[0]);
          if (diff > 0) steps.set(diff, (steps.get(diff) ?? 0) + 1);
        }
        if (isSeq(v) && !v.flow && v.items.length && v.range) {
          const diff = col(src, v.range[0]) - col(src, key.range[0]);
          if (diff >= 0) seqs.set(diff, (seqs.get(diff) ?? 0) + 1);
        }
      },
    });
  }
  const mode = (m: Map<number, number>, dflt: number) => [...m].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? dflt;
  const step = mode(steps, 2);
  return { eol, step, seqOffset: mode(seqs, step) };
}

// ---------------------------------------------------------------------------------------------
// locating a path

function pathText(path: Path): string {
  return path.length ? path.join('.') : '(document root)';
}

function checkNode(node: Node, where: string): void {
  if (isAlias(node)) throw new YamlEditError(`${where} is an alias (*${node.source}): edit the anchored node instead`);
  if (node.anchor) throw new YamlEditError(`${where} has an anchor (&${node.anchor}): changing it would change every alias of it`);
  if (node.tag) throw new YamlEditError(`${where} has an explicit tag (${node.tag})`);
}

function isEmptyNode(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.range !== undefined && node.range !== null && node.range[0] === node.range[1]);
}

function isNullNode(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

function keyMatches(key: unknown, seg: string | number): boolean {
  return isScalar(key) && key.value !== null && key.value !== undefined && String(key.value) === String(seg);
}

function pickDoc(docs: readonly Document.Parsed[], index: number): Document.Parsed | undefined {
  if (index < docs.length) return docs[index];
  if (docs.length === 0 && index === 0) return undefined;
  throw new YamlEditError(`the file has ${docs.length} document(s): no document ${index}`);
}

function locate(doc: Document.Parsed, path: Path): Located {
  let holder: Holder = { kind: 'doc', doc };
  let node = (doc.contents ?? null) as Node | null;
  for (let i = 0; i < path.length; i++) {
    const where = pathText(path.slice(0, i));
    if (node) checkNode(node, where);
    if (isNullNode(node)) return { kind: 'value', holder, node, rest: path.slice(i) };
    const seg = path[i];
    if (isMap(node)) {
      for (const p of node.items) {
        if (isScalar(p.key) && p.key.value === '<<') throw new YamlEditError(`${where} has a merge key <<: its values may come from elsewhere`);
        if (!isScalar(p.key)) throw new YamlEditError(`${where} has a ${isAlias(p.key) ? 'alias' : 'complex'} key`);
      }
      const pair = node.items.find((p) => keyMatches(p.key, seg));
      if (!pair) return { kind: 'missing', at: i, map: node };
      holder = { kind: 'pair', map: node, pair };
      node = (pair.value ?? null) as Node | null;
    } else if (isSeq(node)) {
      const index = isIndex(seg);
      if (index === undefined) throw new YamlEditError(`${where} is a list: "${seg}" is not an index`);
      if (index >= node.items.length) throw new YamlEditError(`${where} has ${node.items.length} items: no item ${index} (list items are not created)`);
      holder = { kind: 'item', seq: node, index };
      node = (node.items[index] ?? null) as Node | null;
    } else {
      throw new YamlEditError(`${where} is a scalar (${JSON.stringify((node as Scalar).value)}) where a map is needed`);
    }
  }
  if (node) checkNode(node, pathText(path));
  return { kind: 'value', holder, node, rest: [] };
}

/** `{k1: {k2: ... value}}` for the keys still to be created. */
function nest(keys: Path, value: unknown): unknown {
  let v = value;
  for (let i = keys.length - 1; i >= 0; i--) {
    const o: Record<string, unknown> = {};
    defineKey(o, String(keys[i]), v);
    v = o;
  }
  return v;
}

/** Offset just after the `:` of a pair whose key is a scalar on the same line as the colon. */
function colonEnd(src: Src, pair: Pair): number | undefined {
  const key = pair.key as Node;
  if (!key.range) return undefined;
  let i = key.range[1];
  while (src.text[i] === ' ' || src.text[i] === '\t') i++;
  return src.text[i] === ':' ? i + 1 : undefined;
}

function requireColon(src: Src, pair: Pair): number {
  const c = colonEnd(src, pair);
  if (c === undefined) throw new YamlEditError(`cannot find the ':' after key ${JSON.stringify((pair.key as Scalar).value)} (explicit keys are not edited)`);
  return c;
}

/**
 * End offset of what a node shows in the text: the end of its last scalar (for a block scalar:
 * after its last line break, kept blank lines included) or the closing bracket of a flow
 * collection; for an empty last value, the end of its key's `:`.
 */
function contentEnd(src: Src, node: Node): number {
  if (isMap(node) && !node.flow && node.items.length) {
    const last = node.items[node.items.length - 1];
    const v = (last.value ?? null) as Node | null;
    if (v && !isEmptyNode(v)) return contentEnd(src, v);
    return colonEnd(src, last) ?? (last.key as Node).range![1];
  }
  if (isSeq(node) && !node.flow && node.items.length) {
    const v = (node.items[node.items.length - 1] ?? null) as Node | null;
    if (v && !isEmptyNode(v)) return contentEnd(src, v);
  }
  return node.range![1];
}

/** contentEnd without the line break(s) a block scalar ends with. */
function contentEndInline(src: Src, node: Node): number {
  let e = contentEnd(src, node);
  while (e > node.range![0] && (src.text[e - 1] === '\n' || src.text[e - 1] === '\r')) e--;
  return e;
}

// ---------------------------------------------------------------------------------------------
// rendering

function isCollectionValue(v: unknown): v is Record<string, unknown> | unknown[] {
  return Array.isArray(v) || isPlainObject(v);
}

function isEmptyCollection(v: Record<string, unknown> | unknown[]): boolean {
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

/** A string as a YAML double-quoted scalar on one line (JSON escapes plus \u escapes for characters YAML may not hold raw). */
function doubleQuoted(s: string): string {
  return JSON.stringify(s).replace(/[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

const NON_PRINTABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function singleQuoted(s: string): string | undefined {
  if (/[\n\r\t]/.test(s) || NON_PRINTABLE.test(s)) return undefined;
  return `'${s.replace(/'/g, "''")}'`;
}

/** Whether `s` can be written plain: YAML 1.2 and 1.1 both read it back as this string. */
function plainOk(s: string, flow: boolean): boolean {
  if (s === '' || /[\n\r\t]/.test(s) || NON_PRINTABLE.test(s)) return false;
  if (flow && /[,[\]{}]/.test(s)) return false;
  try {
    return YAML.stringify(s, { lineWidth: 0 }) === s + '\n' && YAML.stringify(s, { lineWidth: 0, version: '1.1' }) === s + '\n';
  } catch {
    return false;
  }
}

function renderKey(k: string, flow: boolean): string {
  return plainOk(k, flow) && !/[:#?]/.test(k) ? k : doubleQuoted(k);
}

/** A non-string scalar as YAML text. */
function renderInlineScalar(v: unknown, flow: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
    return String(v);
  }
  if (typeof v === 'string') return plainOk(v, flow) ? v : doubleQuoted(v);
  throw new YamlEditError(`cannot write a ${v === undefined ? 'undefined' : typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v} value in YAML`);
}

/** Whether a string can be a literal block scalar (no indentation indicator needed). */
function literalOk(s: string): boolean {
  if (/\r/.test(s) || NON_PRINTABLE.test(s) || s.trim() === '') return false;
  const firstContent = s.split('\n').find((l) => l.trim() !== '');
  return firstContent !== undefined && !/^[ \t]/.test(firstContent);
}

/** Literal block scalar: the header (`|`, `|-`, `|+`) and the content lines indented by `indent` (empty lines stay empty). */
function renderLiteral(s: string, indent: number): { inline: string; lines: string[] } {
  const chomp = s.endsWith('\n') ? (s.endsWith('\n\n') ? '+' : '') : '-';
  const body = s.endsWith('\n') ? s.slice(0, -1) : s;
  const pad = ' '.repeat(indent);
  return { inline: '|' + chomp, lines: body.split('\n').map((l) => (l === '' ? '' : pad + l)) };
}

/**
 * How a scalar value is written where a scalar starts: `inline` text, plus block scalar content
 * `lines` (indented by `indent`) that follow on the next lines. `style` is the existing scalar's
 * type, kept for strings when it can hold the new value.
 */
function scalarPieces(value: unknown, style: Scalar.Type | undefined, flow: boolean, indent: number): { inline: string; lines: string[] } {
  if (typeof value !== 'string') return { inline: renderInlineScalar(value, flow), lines: [] };
  if (style === Scalar.QUOTE_DOUBLE) return { inline: doubleQuoted(value), lines: [] };
  const multi = value.includes('\n');
  if (!flow && (style === Scalar.BLOCK_LITERAL || style === Scalar.BLOCK_FOLDED || multi) && literalOk(value)) return renderLiteral(value, indent);
  if (style === Scalar.QUOTE_SINGLE) return { inline: singleQuoted(value) ?? doubleQuoted(value), lines: [] };
  return { inline: plainOk(value, flow) ? value : doubleQuoted(value), lines: [] };
}

/** A value in flow style: `{a: 1, b: [x, y]}`. */
function renderFlow(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(renderFlow).join(', ') + ']';
  if (isPlainObject(v)) return '{' + renderFlowEntries(v) + '}';
  return renderInlineScalar(v, true);
}

function renderFlowEntries(o: Record<string, unknown>): string {
  return Object.entries(o)
    .map(([k, v]) => `${renderKey(k, true)}: ${renderFlow(v)}`)
    .join(', ');
}

/** Block map entries at `indent` (one string per line, indentation included). */
function renderBlockEntries(src: Src, o: Record<string, unknown>, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    const key = pad + renderKey(k, false) + ':';
    if (isCollectionValue(v) && !isEmptyCollection(v)) {
      out.push(key, ...renderBlockValue(src, v, indent));
    } else {
      const p = isCollectionValue(v) ? { inline: renderFlow(v), lines: [] } : scalarPieces(v, undefined, false, indent + src.step);
      out.push(key + ' ' + p.inline, ...p.lines);
    }
  }
  return out;
}

/** The lines of a non-empty collection that is the value of a key at column `keyIndent`. */
function renderBlockValue(src: Src, v: Record<string, unknown> | unknown[], keyIndent: number): string[] {
  return Array.isArray(v) ? renderBlockSeq(src, v, keyIndent + src.seqOffset) : renderBlockEntries(src, v, keyIndent + src.step);
}

function renderBlockSeq(src: Src, a: readonly unknown[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  for (const item of a) {
    if (isCollectionValue(item) && !isEmptyCollection(item)) {
      const sub = Array.isArray(item) ? renderBlockSeq(src, item, indent + 2) : renderBlockEntries(src, item, indent + 2);
      out.push(pad + '- ' + sub[0].slice(indent + 2), ...sub.slice(1));
    } else {
      const p = isCollectionValue(item) ? { inline: renderFlow(item), lines: [] } : scalarPieces(item, undefined, false, indent + 2);
      out.push(pad + '- ' + p.inline, ...p.lines);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// planning the splices of one op

function planSet(src: Src, docs: readonly Document.Parsed[], op: Extract<YamlEditOp, { op: 'set' }>): Splice[] {
  const doc = pickDoc(docs, op.doc);
  if (!doc) return insertIntoEmptyFile(src, nest(op.path, op.value) as Record<string, unknown>);
  const loc = locate(doc, op.path);
  if (loc.kind === 'missing') return insertIntoMap(src, loc.map, nest(op.path.slice(loc.at), op.value) as Record<string, unknown>);
  return setValue(src, loc.holder, loc.node, nest(loc.rest, op.value), doc);
}

function planConf(src: Src, docs: readonly Document.Parsed[], op: Extract<YamlEditOp, { op: 'conf' }>): Splice[] {
  const line = confLine(op.directive, op.args);
  const doc = pickDoc(docs, op.doc);
  if (!doc) return insertIntoEmptyFile(src, nest(op.path, line + '\n') as Record<string, unknown>);
  const loc = locate(doc, op.path);
  if (loc.kind === 'missing') return insertIntoMap(src, loc.map, nest(op.path.slice(loc.at), line + '\n') as Record<string, unknown>);
  const { holder, node, rest } = loc;
  if (rest.length || isNullNode(node)) return setValue(src, holder, node, nest(rest, line + '\n'), doc);
  if (!isScalar(node) || typeof node.value !== 'string') throw new YamlEditError(`${pathText(op.path)} is not a string: it cannot hold redis.conf`);
  const old = node.value;
  const next = confText(old, op.directive, op.args);
  if (next === old) return [];
  if (old.trim() !== '' && (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED)) return confInBlock(src, node, op.directive, line);
  return setValue(src, holder, node, next, doc);
}

/**
 * Column of a block scalar's content: its indentation indicator (`|2`) added to the parent's
 * indentation, else the indentation of its content lines (the first one sets it).
 */
function blockContentIndent(src: Src, node: Scalar, fallback: number): number {
  const [r0, r1] = node.range!;
  const header = /^[|>][-+0-9]*/.exec(src.text.slice(r0, r1))?.[0] ?? '';
  const digit = /[1-9]/.exec(header);
  if (digit) {
    const parent = (node.srcToken as { indent?: unknown } | undefined)?.indent;
    if (typeof parent !== 'number') throw new YamlEditError('block scalar with an indentation indicator');
    return parent + Number(digit[0]);
  }
  const body = src.text.slice(r0, r1).split('\n').slice(1);
  const indents = body.filter((l) => l.trim() !== '').map((l) => l.length - l.replace(/^ +/, '').length);
  return indents.length ? Math.min(...indents) : fallback;
}

/** The directive's line in a block scalar rewritten, or a line added after its last content line. */
function confInBlock(src: Src, node: Scalar, directive: string, line: string): Splice[] {
  const text = src.text;
  const [r0, r1] = node.range!;
  const headerNl = text.indexOf('\n', r0);
  if (headerNl < 0 || headerNl >= r1) throw new YamlEditError('block scalar without content lines');
  let target: { start: number; end: number } | undefined;
  let lastContent = -1;
  let lastMoreIndented = false;
  const indent = blockContentIndent(src, node, 0);
  for (let s = headerNl + 1; s < r1; ) {
    const nl = text.indexOf('\n', s);
    const next = nl < 0 || nl >= r1 ? r1 : nl + 1;
    let e = nl < 0 ? text.length : Math.min(nl, r1);
    if (text[e - 1] === '\r') e--;
    const l = text.slice(s, e);
    const t = l.trim();
    if (t) {
      const lead = l.length - l.trimStart().length;
      lastContent = e;
      lastMoreIndented = /^[ \t]/.test(l.slice(indent));
      if (isDirectiveLine(t, directive)) target = { start: s + lead, end: e };
    }
    s = next;
  }
  if (target) return [{ start: target.start, end: target.end, text: line }];
  if (lastContent < 0) throw new YamlEditError('block scalar without content lines');
  const pad = ' '.repeat(indent);
  // a folded scalar joins two adjacent normal lines: a blank line keeps the new one apart (not needed after a more-indented line)
  const folded = node.type === Scalar.BLOCK_FOLDED && !lastMoreIndented;
  return [insertAfterLine(src, lastContent, folded ? ['', pad + line] : [pad + line])];
}

/** Keys added to a map that lacks them: flow maps stay flow, block maps get lines after their last entry. */
function insertIntoMap(src: Src, map: YAMLMap, obj: Record<string, unknown>): Splice[] {
  const [r0, r1] = map.range!;
  if (map.flow) {
    if (!map.items.length) {
      if (!/^\{\s*\}$/.test(src.text.slice(r0, r1))) throw new YamlEditError('an empty flow map with comments inside');
      return [{ start: r0, end: r1, text: '{' + renderFlowEntries(obj) + '}' }];
    }
    const last = map.items[map.items.length - 1];
    const v = (last.value ?? null) as Node | null;
    const end = v && !isEmptyNode(v) ? v.range![1] : (colonEnd(src, last) ?? (last.key as Node).range![1]);
    return [{ start: end, end, text: ', ' + renderFlowEntries(obj) }];
  }
  const first = map.items[0]?.key as Node | undefined;
  if (!first?.range) throw new YamlEditError('a block map without keys');
  const indent = col(src, first.range[0]);
  const end = contentEnd(src, map);
  return [insertAfterLine(src, Math.max(first.range[0], end - 1), renderBlockEntries(src, obj, indent))];
}

/** A document with no YAML at all (empty or comments only): the new keys at the end of the file. */
function insertIntoEmptyFile(src: Src, obj: Record<string, unknown>): Splice[] {
  const lines = renderBlockEntries(src, obj, 0);
  const n = src.text.length;
  if (n === 0 || src.text.endsWith('\n')) return [{ start: n, end: n, text: lines.map((l) => l + src.eol).join('') }];
  return [{ start: n, end: n, text: src.eol + lines.join(src.eol) }];
}

/** The value held by `holder` (node: the current value node, null when there is none) becomes `value`. */
function setValue(src: Src, holder: Holder, node: Node | null, value: unknown, doc: Document.Parsed): Splice[] {
  const current = node ? node.toJS(doc, { maxAliasCount: -1 }) : null;
  if (deepEqual(current, value)) return [];
  const isColl = isCollectionValue(value);
  const empty = isEmptyNode(node);
  if (holder.kind === 'doc') {
    // only a null/empty root gets here, and then with keys to create
    if (!empty || !isPlainObject(value)) throw new YamlEditError('the document root is a scalar where a map is needed');
    const contents = node as Scalar | null;
    const pos = contents?.range ? contents.range[2] : holder.doc.range[1];
    const lines = renderBlockEntries(src, value, 0);
    if (pos === 0 || src.text[pos - 1] === '\n') return [{ start: pos, end: pos, text: lines.map((l) => l + src.eol).join('') }];
    return [{ start: pos, end: pos, text: src.eol + lines.join(src.eol) }];
  }
  const flow = holder.kind === 'pair' ? !!holder.map.flow : !!holder.seq.flow;
  const style = node && isScalar(node) && !empty ? node.type : undefined;
  if (flow) {
    const text = isColl ? renderFlow(value) : scalarPieces(value, style, true, 0).inline;
    if (!empty) return [{ start: node!.range![0], end: node!.range![1], text }];
    if (holder.kind !== 'pair') throw new YamlEditError('an empty flow sequence item');
    const c = colonEnd(src, holder.pair);
    if (c !== undefined) return [{ start: c, end: c, text: ' ' + text }];
    const k = (holder.pair.key as Node).range![1];
    return [{ start: k, end: k, text: ': ' + text }];
  }
  // block context: where the value starts (after `key:` or `-`), and the indentation of its content
  let indicatorEnd: number;
  let childIndent: number;
  let keyIndent: number;
  if (holder.kind === 'pair') {
    indicatorEnd = requireColon(src, holder.pair);
    keyIndent = col(src, (holder.pair.key as Node).range![0]);
    childIndent = keyIndent + src.step;
  } else {
    if (empty) throw new YamlEditError('an empty list item');
    let i = node!.range![0] - 1;
    while (src.text[i] === ' ' || src.text[i] === '\t') i--;
    if (src.text[i] !== '-') throw new YamlEditError('cannot find the "-" of the list item');
    indicatorEnd = i + 1;
    keyIndent = col(src, i);
    childIndent = keyIndent + 2;
  }
  if (!isColl && !empty && isScalar(node)) return replaceScalar(src, node, value, childIndent);
  if (isColl && !empty && (isMap(node) || isSeq(node)) && node.flow) return [{ start: node.range![0], end: node.range![1], text: renderFlow(value) }];
  // the new value: text after the indicator on its line, and whole lines below
  let inline: string;
  let lines: string[];
  if (!isColl || isEmptyCollection(value as Record<string, unknown>)) {
    const p = isColl ? { inline: renderFlow(value), lines: [] } : scalarPieces(value, undefined, false, childIndent);
    inline = ' ' + p.inline;
    lines = p.lines;
  } else if (holder.kind === 'item') {
    // `- a: 1` / `- - x`: the first line after the dash, the others below it
    const entries = Array.isArray(value) ? renderBlockSeq(src, value, childIndent) : renderBlockEntries(src, value as Record<string, unknown>, childIndent);
    inline = ' ' + entries[0].slice(childIndent);
    lines = entries.slice(1);
  } else {
    inline = '';
    lines = renderBlockValue(src, value as Record<string, unknown> | unknown[], keyIndent);
  }
  if (empty) return [{ start: indicatorEnd, end: indicatorEnd, text: inline }, ...(lines.length ? [insertAfterLine(src, indicatorEnd, lines)] : [])];
  const start = node!.range![0];
  const end = contentEndInline(src, node!);
  const below = lines.length ? src.eol + lines.join(src.eol) : '';
  let lineEnd = src.text.indexOf('\n', indicatorEnd);
  if (lineEnd < 0) lineEnd = src.text.length;
  else if (src.text[lineEnd - 1] === '\r') lineEnd--;
  // a value on the lines below (a block collection): the indicator line and its comment stay
  if (start > lineEnd) {
    // ...and the old value's lines go, a comment at the end of its last line with them
    let last = src.text.indexOf('\n', end);
    if (last < 0) last = src.text.length;
    else if (src.text[last - 1] === '\r') last--;
    return [{ start: indicatorEnd, end: indicatorEnd, text: inline }, { start: lineEnd, end: last, text: below }];
  }
  // a value starting on the indicator line: a one-line scalar or flow node keeps the rest of its last line (a comment)
  if (!(isScalar(node) && (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED))) {
    return [{ start: indicatorEnd, end, text: inline }, ...(lines.length ? [insertAfterLine(src, Math.max(indicatorEnd, end - 1), lines)] : [])];
  }
  return [{ start: indicatorEnd, end, text: inline + below }];
}

/** An existing (non-empty) scalar replaced in place, keeping its style where the value allows. */
function replaceScalar(src: Src, node: Scalar, value: unknown, childIndent: number): Splice[] {
  const [r0, r1] = node.range!;
  const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
  if (block) {
    // the header indicator (`|-`, `>2`...) and the content lines are replaced; a comment after the header stays
    const text = src.text;
    const p = scalarPieces(value, node.type, false, Math.max(blockContentIndent(src, node, childIndent), 1));
    let hdrEnd = r0;
    while (hdrEnd < r1 && /[|>+\-0-9]/.test(text[hdrEnd])) hdrEnd++;
    let lineEnd = text.indexOf('\n', r0);
    if (lineEnd < 0 || lineEnd > r1) lineEnd = r1;
    if (text[lineEnd - 1] === '\r') lineEnd--;
    const end = Math.max(lineEnd, contentEndInline(src, node));
    return [
      { start: r0, end: hdrEnd, text: p.inline },
      { start: lineEnd, end, text: p.lines.length ? src.eol + p.lines.join(src.eol) : '' },
    ];
  }
  const p = scalarPieces(value, node.type, false, childIndent);
  const out: Splice[] = [{ start: r0, end: r1, text: p.inline }];
  if (p.lines.length) out.push(insertAfterLine(src, Math.max(r0, r1 - 1), p.lines));
  return out;
}

// ---------------------------------------------------------------------------------------------
// applying splices, and tracking them in original coordinates

function applySplices(text: string, splices: readonly Splice[]): string {
  const sorted = [...splices].sort((a, b) => a.start - b.start);
  let out = '';
  let pos = 0;
  for (const s of sorted) {
    if (s.start < pos || s.end < s.start) throw new YamlEditError('internal: overlapping edits');
    out += text.slice(pos, s.start) + s.text;
    pos = s.end;
  }
  return out + text.slice(pos);
}

/** A piece of the current text: a range of the original text, or inserted text. */
type Seg = { o: number; len: number } | { t: string };

const segLen = (s: Seg) => ('t' in s ? s.t.length : s.len);

function cutSegments(segs: readonly Seg[], a: number, b: number): Seg[] {
  const out: Seg[] = [];
  let pos = 0;
  for (const s of segs) {
    const len = segLen(s);
    const from = Math.max(a - pos, 0);
    const to = Math.min(b - pos, len);
    if (to > from) out.push('t' in s ? { t: s.t.slice(from, to) } : { o: s.o + from, len: to - from });
    pos += len;
  }
  return out;
}

/** The segments after applying one op's splices (positions in the current text). */
function spliceSegments(segs: Seg[], splices: readonly Splice[]): Seg[] {
  const sorted = [...splices].map((s, i) => ({ s, i })).sort((x, y) => y.s.start - x.s.start || y.i - x.i);
  let cur = segs;
  for (const { s } of sorted) {
    cur = [...cutSegments(cur, 0, s.start), ...(s.text ? [{ t: s.text }] : []), ...cutSegments(cur, s.end, Infinity)];
  }
  return cur;
}

function segmentsToEdits(segs: readonly Seg[], original: string, file: string): FileEdit[] {
  const starts = [0];
  for (let i = 0; i < original.length; i++) if (original[i] === '\n') starts.push(i + 1);
  const at = (off: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: off - starts[lo] + 1 };
  };
  const edits: FileEdit[] = [];
  let orig = 0;
  let pending = '';
  const flush = (end: number) => {
    if ((end !== orig || pending) && original.slice(orig, end) !== pending) edits.push({ file, start: at(orig), end: at(end), text: pending });
    pending = '';
  };
  for (const s of segs) {
    if ('t' in s) {
      pending += s.t;
      continue;
    }
    flush(s.o);
    orig = s.o + s.len;
  }
  flush(original.length);
  return edits;
}
