import { Scalar, isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Origin, SourcePosition } from '../types.js';
import { MAX_ALIAS_COUNT, type DocContext } from './documents.js';

export type PathKey = string | number;

/**
 * A read-only view of one value in a tree of values that knows where every value came from.
 * Three kinds: a node of a YAML file ({@link YamlVNode}), a plain object of defaults
 * ({@link ObjectVNode}, e.g. a chart's values.yaml) and a stack of both merged the way Helm
 * merges values ({@link LayeredVNode}). Sources read settings through this interface only, so
 * the same code reads a values file, a HelmRelease's `spec.values` or an Argo CD string.
 */
export interface VNode {
  readonly path: readonly PathKey[];
  /** present and not null */
  readonly exists: boolean;
  kind(): 'map' | 'seq' | 'scalar' | 'null' | 'missing';
  get(key: PathKey): VNode;
  /** the JS value (maps and sequences converted whole); undefined when missing or null */
  value(): unknown;
  /** keys of a map, [] otherwise */
  keys(): string[];
  /** entries of a sequence, [] otherwise */
  items(): VNode[];
  /** where the value is set; for a missing value an `absent` origin anchored at the closest parent */
  origin(): Origin;
  /** how many path steps from the root exist (for choosing the deepest anchor) */
  existingDepth(): number;
}

/** Follow a dotted path (`master.persistence.size`); numeric segments index sequences. */
export function at(node: VNode, dotted: string): VNode {
  let n = node;
  for (const part of dotted.split('.')) n = n.get(/^\d+$/.test(part) && n.kind() === 'seq' ? Number(part) : part);
  return n;
}

/** Render a path as a dotted yamlPath (`spec.values.master.persistence.size`, `containers.0.args`). */
export function pathString(path: readonly PathKey[]): string {
  return path.map(String).join('.');
}

/**
 * A read-only plain-object view of a map VNode whose children are converted only when read: code
 * written for plain values (e.g. `bitnamiRedisEvidence`, which looks at a few dozen top-level
 * keys) reads a 100,000-key `spec.values` in the time of the keys it looks at, not of the whole
 * map (a whole `value()` was an eighth of a 1 MB review, issue 13). Maps nested in it are views
 * too; sequences and scalars are converted whole when read. `Object.keys`, `in` and property
 * reads behave as on `node.value()`; writes throw (TypeError, the view is frozen in spirit).
 * @returns the view for a map, `node.value()` for anything else
 */
export function lazyValue(node: VNode): unknown {
  if (node.kind() !== 'map') return node.value();
  const cache = new Map<string, unknown>();
  const read = (key: string): unknown => {
    if (!cache.has(key)) {
      const child = node.get(key);
      cache.set(key, child.kind() === 'missing' ? undefined : lazyValue(child));
    }
    return cache.get(key);
  };
  const has = (key: string | symbol): key is string => typeof key === 'string' && node.get(key).kind() !== 'missing';
  return new Proxy(Object.create(null) as Record<string, unknown>, {
    get: (_t, key) => (has(key) ? (read(key) ?? null) : undefined),
    has: (_t, key) => has(key),
    ownKeys: () => node.keys(),
    // an accessor: Object.keys asks for every key's descriptor and must not convert every value
    getOwnPropertyDescriptor: (_t, key) => (has(key) ? { get: () => read(key) ?? null, enumerable: true, configurable: true } : undefined),
    set: () => false,
    deleteProperty: () => false,
    defineProperty: () => false,
  });
}

/** A node of a parsed YAML document, with positions from its DocContext. */
export class YamlVNode implements VNode {
  private constructor(
    readonly ctx: DocContext,
    private readonly doc: Document,
    /** the value node; undefined when missing; a null Scalar when explicitly null */
    readonly node: Node | undefined,
    /** the key node when reached through a map pair (its line is where a user looks) */
    private readonly keyNode: Node | undefined,
    readonly path: readonly PathKey[],
    /** the closest existing ancestor (for a missing node's anchor) */
    private readonly parent: YamlVNode | undefined,
  ) {}

  /** The root of a document (or of a sub-node used as a root, e.g. `spec.values`). */
  static root(doc: Document, ctx: DocContext, node: Node | undefined = doc.contents ?? undefined): YamlVNode {
    return new YamlVNode(ctx, doc, resolve(doc, node), undefined, [...ctx.pathPrefix], undefined);
  }

  get exists(): boolean {
    return this.node !== undefined && !(isScalar(this.node) && this.node.value === null);
  }

  kind(): 'map' | 'seq' | 'scalar' | 'null' | 'missing' {
    if (this.node === undefined) return 'missing';
    if (isMap(this.node)) return 'map';
    if (isSeq(this.node)) return 'seq';
    if (isScalar(this.node)) return this.node.value === null ? 'null' : 'scalar';
    return 'missing';
  }

  get(key: PathKey): VNode {
    return this.child(key);
  }

  /** Like get, typed as YamlVNode (for callers that need the raw node). */
  child(key: PathKey): YamlVNode {
    const path = [...this.path, key];
    const anchorParent = this.node === undefined ? this.parent : this;
    if (isMap(this.node)) {
      const pair = pairIndex(this.node, this.doc).get(String(key));
      if (pair) return new YamlVNode(this.ctx, this.doc, resolve(this.doc, pair.value as Node | undefined) ?? nullNode(pair), pair.key as Node, path, this);
    } else if (isSeq(this.node) && typeof key === 'number') {
      const item = this.node.items[key] as Node | undefined;
      if (item !== undefined) return new YamlVNode(this.ctx, this.doc, resolve(this.doc, item), undefined, path, this);
    }
    return new YamlVNode(this.ctx, this.doc, undefined, undefined, path, anchorParent);
  }

  value(): unknown {
    if (!this.exists || this.node === undefined) return undefined;
    if (isScalar(this.node)) return this.node.value;
    // toJS, not toJSON: toJSON(doc, ctx) needs a full context (anchors map) and threw on any
    // anchor in the subtree ("Cannot read properties of undefined (reading 'set')", found by
    // test/hardening). parseText already refused documents whose aliases expand too much.
    return this.node.toJS(this.doc, { maxAliasCount: MAX_ALIAS_COUNT });
  }

  keys(): string[] {
    return isMap(this.node) ? [...pairIndex(this.node, this.doc).keys()] : [];
  }

  items(): VNode[] {
    return isSeq(this.node) ? this.node.items.map((_, i) => this.child(i)) : [];
  }

  /** Position of this node: from its key (when in a map) to the end of its value. */
  pos(): SourcePosition {
    if (this.node === undefined) return this.parent ? this.parent.pos() : this.rootPos();
    const start = (this.keyNode?.range ?? this.node.range)?.[0] ?? 0;
    const end = this.node.range?.[1] ?? start;
    const a = this.ctx.locate(start);
    // end of a block value is the start of the next line: step back to the last character
    const b = this.ctx.locate(Math.max(start, end - (this.ctx.text[end - 1] === '\n' ? 1 : 0)));
    return { file: this.ctx.file, line: a.line, column: a.col, endLine: b.line, endColumn: b.col, yamlPath: pathString(this.path) };
  }

  /** Position of the value only (not the key): for a finding about `size: 50Mi`, the `50Mi`. */
  valuePos(): SourcePosition {
    if (this.node === undefined || !this.node.range) return this.pos();
    const a = this.ctx.locate(this.node.range[0]);
    const b = this.ctx.locate(this.node.range[1]);
    return { file: this.ctx.file, line: a.line, column: a.col, endLine: b.line, endColumn: b.col, yamlPath: pathString(this.path) };
  }

  private rootPos(): SourcePosition {
    const a = this.ctx.locate(0);
    return { file: this.ctx.file, line: a.line, column: a.col, endLine: a.line, endColumn: a.col, yamlPath: pathString(this.path) };
  }

  origin(): Origin {
    if (this.exists) return { kind: 'file', pos: this.pos() };
    // an explicit null is where the user would edit: point at it
    if (this.node !== undefined) return { kind: 'absent', key: pathString(this.path), anchor: this.pos() };
    return { kind: 'absent', key: pathString(this.path), anchor: this.pos() };
  }

  existingDepth(): number {
    if (this.node !== undefined) return this.path.length;
    return this.parent ? this.parent.existingDepth() : 0;
  }
}

/**
 * The pairs of a map by key (the first pair of a key wins, as `items.find` did), built once per
 * map node and kept as long as the node lives: a lookup is O(1), so reading every key of a map
 * of n keys is O(n), not O(n²) (issue 13: a 100k-key HelmRelease took 181 s).
 */
const PAIR_INDEX = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairIndex(map: YAMLMap, doc: Document, depth = 0): Map<string, Pair> {
  let index = PAIR_INDEX.get(map);
  if (!index) {
    index = new Map();
    const merges: Pair[] = [];
    for (const p of map.items as Pair[]) {
      if (isMergeKey(p)) merges.push(p);
      else {
        const k = keyOf(p);
        if (k !== undefined && !index.has(k)) index.set(k, p);
      }
    }
    // YAML merge keys (`<<: *common`, `<<: [*a, *b]`), as Helm reads them (go-yaml): the map's own
    // keys win, then the merged maps in order, the first one that has a key winning. A merged
    // value keeps its own position: a finding points at the anchor's line, where it is set.
    if (depth < MAX_MERGE_DEPTH) {
      for (const m of merges) {
        const v = resolve(doc, m.value as Node | undefined);
        const sources = isMap(v) ? [v] : isSeq(v) ? v.items.map((i) => resolve(doc, i as Node)).filter((i): i is YAMLMap => isMap(i)) : [];
        for (const src of sources) for (const [k, p] of pairIndex(src, doc, depth + 1)) if (!index.has(k)) index.set(k, p);
      }
    }
    PAIR_INDEX.set(map, index);
  }
  return index;
}

/** Merged maps may merge others in turn; real files nest a few levels, aliases bound the rest. */
const MAX_MERGE_DEPTH = 20;

/** A `<<` merge key: a plain `<<` (YAML 1.2 core schema) or the yaml library's merge symbol (`merge: true`). */
function isMergeKey(p: Pair): boolean {
  const k = p.key as unknown;
  return isScalar(k) && (k.value === '<<' || typeof k.value === 'symbol') && !k.type?.startsWith('QUOTE');
}

function keyOf(p: Pair): string | undefined {
  const k = p.key as unknown;
  if (isScalar(k)) return String(k.value);
  if (k === null || k === undefined) return undefined;
  return String(k);
}

function resolve(doc: Document, node: Node | undefined | null): Node | undefined {
  let n = node ?? undefined;
  for (let i = 0; i < 20 && n && isAlias(n); i++) n = (n.resolve(doc) as Node | undefined) ?? undefined;
  return n;
}

/** `key:` with no value: yaml gives a null value; represent it as a null scalar at the key. */
function nullNode(pair: Pair): Node {
  const s = new Scalar(null);
  s.range = (pair.key as Node).range;
  return s;
}

/** Label of a default layer and how it names keys in messages. */
export interface DefaultsSource {
  source: 'chart default' | 'redis default' | 'kubernetes default';
  /** fallback anchor when no user layer has a closer one */
  anchor: SourcePosition;
}

/** A plain JS object (e.g. chart defaults), read through the VNode interface. */
export class ObjectVNode implements VNode {
  constructor(
    private readonly data: unknown,
    private readonly src: DefaultsSource,
    readonly path: readonly PathKey[] = [],
    /** path relative to the defaults' own root (for the `key` in origins) */
    private readonly rel: readonly PathKey[] = [],
  ) {}

  get exists(): boolean {
    return this.data !== undefined && this.data !== null;
  }

  kind(): 'map' | 'seq' | 'scalar' | 'null' | 'missing' {
    if (this.data === undefined) return 'missing';
    if (this.data === null) return 'null';
    if (Array.isArray(this.data)) return 'seq';
    if (typeof this.data === 'object') return 'map';
    return 'scalar';
  }

  get(key: PathKey): VNode {
    const d = this.data as Record<string, unknown> | unknown[] | undefined;
    const v = d !== null && typeof d === 'object' ? (d as Record<string, unknown>)[key as string] : undefined;
    return new ObjectVNode(v, this.src, [...this.path, key], [...this.rel, key]);
  }

  value(): unknown {
    return this.data === null ? undefined : this.data;
  }

  keys(): string[] {
    return this.kind() === 'map' ? Object.keys(this.data as object) : [];
  }

  items(): VNode[] {
    return Array.isArray(this.data) ? this.data.map((_, i) => this.get(i)) : [];
  }

  origin(): Origin {
    const key = pathString(this.rel);
    if (!this.exists) return { kind: 'absent', key, anchor: this.src.anchor };
    return { kind: 'default', source: this.src.source, key, anchor: this.src.anchor };
  }

  existingDepth(): number {
    return -1; // defaults never anchor a finding when a user layer exists
  }
}

/**
 * Values merged the way Helm merges values files (chart defaults < -f a.yaml < -f b.yaml <
 * --set): maps merge key by key, any other value replaces, and a user `null` deletes the key
 * (helm.sh/helm/v3 pkg/chartutil/coalesce.go, coalesceValues). Layers are lowest precedence first.
 */
export class LayeredVNode implements VNode {
  constructor(
    readonly layers: readonly VNode[],
    readonly path: readonly PathKey[] = layers[layers.length - 1]?.path ?? [],
  ) {}

  /** The layers that make up this value, topmost first, stopping at the first non-map. */
  private contributing(): VNode[] {
    const out: VNode[] = [];
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const k = this.layers[i].kind();
      if (k === 'missing') continue;
      if (k === 'null') break;
      out.push(this.layers[i]);
      if (k !== 'map') break;
    }
    return out;
  }

  get exists(): boolean {
    return this.contributing().length > 0;
  }

  kind(): 'map' | 'seq' | 'scalar' | 'null' | 'missing' {
    const c = this.contributing();
    if (c.length) return c[0].kind();
    return this.layers.some((l) => l.kind() === 'null') ? 'null' : 'missing';
  }

  get(key: PathKey): VNode {
    return new LayeredVNode(
      this.layers.map((l) => l.get(key)),
      [...this.path, key],
    );
  }

  value(): unknown {
    const c = this.contributing();
    if (!c.length) return undefined;
    if (c[0].kind() !== 'map') return c[0].value();
    const out: Record<string, unknown> = {};
    for (const k of this.keys()) {
      const v = this.get(k).value();
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  keys(): string[] {
    const c = this.contributing();
    if (!c.length || c[0].kind() !== 'map') return [];
    const seen = new Set<string>();
    for (let i = c.length - 1; i >= 0; i--) for (const k of c[i].keys()) seen.add(k);
    return [...seen];
  }

  items(): VNode[] {
    const c = this.contributing();
    return c.length ? c[0].items() : [];
  }

  origin(): Origin {
    const c = this.contributing();
    const o = c.length ? c[0].origin() : undefined;
    if (o && o.kind === 'file') return o;
    // a default or a missing value: anchor at the deepest existing parent among the user layers
    let best: VNode | undefined;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      if (l.existingDepth() >= 0 && (!best || l.existingDepth() > best.existingDepth())) best = l;
    }
    const anchorOrigin = best?.origin();
    const anchor = anchorOrigin ? (anchorOrigin.kind === 'file' ? anchorOrigin.pos : anchorOrigin.anchor) : undefined;
    if (o) return anchor ? { ...o, anchor } : o;
    const fallback = this.layers[0]?.origin();
    return {
      kind: 'absent',
      key: pathString(this.path),
      anchor: anchor ?? (fallback && fallback.kind !== 'file' ? fallback.anchor : (fallback as { pos: SourcePosition }).pos),
    };
  }

  existingDepth(): number {
    return Math.max(...this.layers.map((l) => l.existingDepth()));
  }
}

/** Read a value as a string: numbers and booleans are stringified (Argo parameters are strings). */
export function asString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** Read a value as a boolean the way Helm's templates see it: true/false, and "true"/"false" strings from --set. */
export function asBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** Read a value as a finite number; numeric strings ("3") are accepted. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}
