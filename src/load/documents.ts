import { isUtf8 } from 'node:buffer';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import YAML, { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type Node, type Scalar } from 'yaml';
import { InputError, type SourcePosition } from '../types.js';

/**
 * How positions inside one YAML text map to positions in the file on disk. For a file it is the
 * identity; for YAML or redis.conf embedded in a string (Argo CD `helm.values`, a ConfigMap's
 * `redis.conf`) it maps into the string's lines inside the outer file.
 */
export interface DocContext {
  file: string;
  /** the YAML source text this context's offsets refer to */
  text: string;
  /** 0-based offset in `text` -> 1-based line and column in `file` */
  locate(offset: number): { line: number; col: number };
  /** yamlPath of this text's root inside the file (e.g. `spec.source.helm.values`), [] for a file */
  pathPrefix: readonly (string | number)[];
}

/** One YAML document of an input, with positions. `index` counts documents in the file from 0. */
export interface LoadedDocument {
  file: string;
  index: number;
  doc: Document.Parsed;
  ctx: DocContext;
}

/** The documents read from all inputs, and the inputs that could not be read (exit 2). */
export interface LoadResult {
  documents: LoadedDocument[];
  errors: InputError[];
  /** files read, for the summary */
  files: string[];
  /** each file's text as read (a BOM kept), by the name in `files`: inline suppressions and --fix read it */
  texts: Map<string, string>;
}

/**
 * Most alias expansions a document may make (yaml's `maxAliasCount`: uses of an anchor times the
 * aliases inside it). A "billion laughs" document passes it within a few levels and is refused
 * as invalid YAML; the library's default (100) would refuse legitimate files that use one
 * anchor a few hundred times.
 */
export const MAX_ALIAS_COUNT = 10_000;

/**
 * yaml parse options: YAML 1.2 core schema, errors with line and column. Keys must be unique
 * (Helm and kubectl reject duplicates), but the check is ours ({@link firstDuplicateKey}, one O(n)
 * pass): yaml's own `uniqueKeys` compares each key with every earlier key of its map, O(n²)
 * (1 MB of keys took 50 s, issue 13).
 */
export const PARSE_OPTIONS = { uniqueKeys: false, prettyErrors: true, strict: true } as const;

/**
 * The first key (in text order) that repeats an earlier key of the same map, as yaml's
 * `uniqueKeys: true` would report it ("Map keys must be unique" at the repeated key): two keys are
 * equal when they are the same node or scalars with the same value (`1` and `"1"` differ). One pass
 * over the document with an explicit stack (no recursion, so any depth the parser accepted), a
 * Set of key values per map: O(nodes).
 * @returns the offset of the repeated key in the document's text, or undefined
 */
export function firstDuplicateKey(doc: Document): number | undefined {
  let first: number | undefined;
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const k = pair.key as Node | null;
        if (isScalar(k)) {
          if (seen.has(k.value)) {
            const at = k.range?.[0];
            if (at !== undefined && (first === undefined || at < first)) first = at;
          } else seen.add(k.value);
        }
        if (k !== null && typeof k === 'object' && !isAlias(k)) stack.push(k);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(isPair(item) ? item.value : item);
    }
  }
  return first;
}

/** Build a DocContext for a whole file's text. */
export function fileContext(file: string, text: string, lineCounter: LineCounter): DocContext {
  return {
    file,
    text,
    locate(offset) {
      const p = lineCounter.linePos(offset);
      return { line: p.line, col: p.col };
    },
    pathPrefix: [],
  };
}

/** Strip a UTF-8 byte order mark, which `yaml` would otherwise report as content. */
function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parse a YAML (or JSON) text into documents with positions.
 * A document with a syntax error yields an InputError at the error's line and column instead;
 * the other documents of the file are still returned. Never throws.
 * @param text file content
 * @param file path used in positions and messages
 */
export function parseText(text: string, file: string): { documents: LoadedDocument[]; errors: InputError[] } {
  const source = stripBom(text);
  const lineCounter = new LineCounter();
  const ctx = fileContext(file, source, lineCounter);
  const documents: LoadedDocument[] = [];
  const errors: InputError[] = [];
  let parsed: Document.Parsed[];
  try {
    parsed = YAML.parseAllDocuments(source, { ...PARSE_OPTIONS, lineCounter }) as Document.Parsed[];
  } catch (e) {
    errors.push(new InputError(`cannot parse YAML: ${(e as Error).message}`, filePos(file, 1, 1)));
    return { documents, errors };
  }
  if (!Array.isArray(parsed)) parsed = [parsed];
  const mayHaveAlias = source.includes('*');
  parsed.forEach((doc, index) => {
    const err = doc.errors[0];
    const dup = firstDuplicateKey(doc);
    if (dup !== undefined && (!err || dup < err.pos[0])) {
      const at = lineCounter.linePos(dup);
      errors.push(new InputError('invalid YAML: Map keys must be unique', filePos(file, at.line, at.col)));
      return;
    }
    if (err) {
      const at = err.linePos?.[0] ?? { line: 1, col: 1 };
      let firstLine = err.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, '');
      // yaml turns a stack overflow on very deep nesting into a document error with the
      // RangeError's text: say what it means (test/hardening, 10,000-level nesting)
      if (/call stack/i.test(firstLine)) firstLine = 'nested too deeply to read (hundreds of levels of maps or sequences overflow the parser)';
      errors.push(new InputError(`invalid YAML: ${firstLine}`, filePos(file, at.line, at.col)));
      return;
    }
    // one scan of the text per file, not per document (per document it was quadratic on a 50 MB file of 29k documents)
    const bomb = mayHaveAlias ? aliasProblem(doc, lineCounter) : undefined;
    if (bomb) {
      errors.push(new InputError(`invalid YAML: ${bomb.message}`, filePos(file, bomb.line, bomb.col)));
      return;
    }
    documents.push({ file, index, doc, ctx });
  });
  return { documents, errors };
}

/**
 * Refuse a document whose aliases expand too much (a "billion laughs" alias bomb), or that is
 * too deep to convert, before any source reads it: VNode.value() converts subtrees with the
 * same limit and would throw mid-run. Only documents with an alias pay for the conversion
 * (callers skip texts without a `*`).
 * @returns the problem and the line/column of the first alias (or of the document), else undefined
 */
function aliasProblem(doc: Document.Parsed, lineCounter: LineCounter): { message: string; line: number; col: number } | undefined {
  let first: Alias | undefined;
  YAML.visit(doc, {
    Alias(_k, node) {
      first = node;
      return YAML.visit.BREAK;
    },
  });
  if (!first) return undefined;
  const pos = lineCounter.linePos((first as Alias).range?.[0] ?? 0);
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return undefined;
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/resource exhaustion/i.test(msg)) return { message: `aliases expand more than ${MAX_ALIAS_COUNT} times (an alias bomb): refused`, line: pos.line, col: pos.col };
    if (/call stack/i.test(msg)) return { message: 'nested too deeply to read (hundreds of levels of maps or sequences overflow the parser)', line: pos.line, col: pos.col };
    return { message: msg.split('\n')[0], line: pos.line, col: pos.col };
  }
}

/** A one-character position at line/col of file (for errors with no node). */
export function filePos(file: string, line: number, column: number, yamlPath = ''): SourcePosition {
  return { file, line, column, endLine: line, endColumn: column, yamlPath };
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const SKIP_DIRS = new Set(['.git', 'node_modules']);

/** Recursively list `.yaml`/`.yml`/`.json` files under dir, sorted, skipping `.git` and `node_modules`. */
async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) await walk(p, out);
    } else if (EXTENSIONS.has(path.extname(e.name).toLowerCase())) {
      out.push(p);
    }
  }
}

/**
 * Read inputs: files (any extension when named explicitly), directories (recursive), `-` for stdin.
 * Unreadable paths and unparseable documents become InputErrors; nothing throws.
 * @param readStdin reads all of standard input (injected for tests)
 */
export async function loadPaths(paths: string[], readStdin: () => Promise<string> = readAllStdin): Promise<LoadResult> {
  const result: LoadResult = { documents: [], errors: [], files: [], texts: new Map() };
  const add = (text: string, file: string) => {
    result.texts.set(file, text);
    const r = parseText(text, file);
    // a loop, not push(...items): a 50 MB redis.conf has more lines than a call has room for arguments (RangeError, test/hardening)
    for (const e of r.documents) result.documents.push(e);
    for (const e of r.errors) result.errors.push(e);
    result.files.push(file);
  };
  for (const p of paths) {
    if (p === '-') {
      add(await readStdin(), '<stdin>');
      continue;
    }
    let files: string[];
    try {
      const st = await fs.stat(p);
      files = [];
      if (st.isDirectory()) await walk(p, files);
      else files.push(p);
    } catch (e) {
      result.errors.push(new InputError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, filePos(p, 1, 1)));
      continue;
    }
    for (const f of files) {
      let buf: Buffer;
      try {
        buf = await fs.readFile(f);
      } catch (e) {
        result.errors.push(new InputError(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, filePos(f, 1, 1)));
        continue;
      }
      if (buf.includes(0)) {
        const utf16 = (buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff);
        result.errors.push(new InputError(utf16 ? `${f} is UTF-16 encoded: save it as UTF-8` : `${f} is a binary file, not YAML`, filePos(f, 1, 1)));
        continue;
      }
      // Invalid UTF-8 was read as U+FFFD and linted silently; kubectl and Helm (go-yaml) refuse
      // such a file, so say where the first bad byte is (test/hardening)
      if (!isUtf8(buf)) {
        const bad = firstInvalidUtf8(buf);
        result.errors.push(new InputError(`${f} is not valid UTF-8 (byte 0x${buf[bad.offset].toString(16).padStart(2, '0')} at line ${bad.line}, column ${bad.col})`, filePos(f, bad.line, bad.col)));
        continue;
      }
      add(buf.toString('utf8'), f);
    }
  }
  return result;
}

/** Offset, line and column (in characters of the valid prefix) of the first byte that is not valid UTF-8. */
function firstInvalidUtf8(buf: Buffer): { offset: number; line: number; col: number } {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (!n || i + n > buf.length || !isUtf8(buf.subarray(i, i + n))) break;
    i += n;
  }
  const lines = buf.subarray(0, i).toString('utf8').split('\n');
  return { offset: Math.min(i, buf.length - 1), line: lines.length, col: lines[lines.length - 1].length + 1 };
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A DocContext for text embedded in a YAML string scalar (Argo CD `helm.values`, a ConfigMap's
 * `redis.conf`, a chart's `commonConfiguration`): offsets in the string map to the file.
 * Exact for literal block scalars (`|`, the usual style); for other styles each inner line maps
 * to the first source line containing its text, else to the scalar's start.
 * @param scalar the string node (from a parsed document of `outer`)
 * @param outer the context of the document holding the scalar
 * @param pathPrefix yamlPath of the scalar
 */
export function embeddedContext(scalar: Scalar, outer: DocContext, pathPrefix: readonly (string | number)[]): DocContext {
  const text = String(scalar.value ?? '');
  const inner = new LineCounter();
  // feed the line starts of the embedded text to the counter
  let at = 0;
  inner.addNewLine(0);
  while ((at = text.indexOf('\n', at)) !== -1) inner.addNewLine(++at);
  const [start, end] = scalar.range ?? [0, 0, 0];
  const startPos = outer.locate(start);
  const srcLines = outer.text.slice(start, end).split('\n');
  const textLines = text.split('\n');
  let lineMap: (innerLine: number, innerCol: number) => { line: number; col: number };
  if (scalar.type === 'BLOCK_LITERAL' || scalar.type === 'BLOCK_FOLDED') {
    // header line holds `|`/`>`; content lines follow, indented. Find the indentation of the first non-empty content line.
    const contentLines = srcLines.slice(1);
    const firstContent = contentLines.find((l) => l.trim() !== '') ?? '';
    const indent = firstContent.length - firstContent.trimStart().length;
    if (scalar.type === 'BLOCK_LITERAL') {
      // content line l (1-based) starts after the header line; map through the outer context so
      // nested embeddings (a block inside an Argo CD values string) keep the outer indentation
      const lineStarts: number[] = [];
      let off = start + srcLines[0].length + 1;
      for (const l of contentLines) {
        lineStarts.push(off);
        off += l.length + 1;
      }
      lineMap = (l, c) => {
        const at = lineStarts[l - 1];
        return at === undefined ? { line: startPos.line + l, col: indent + c } : outer.locate(at + indent + c - 1);
      };
    } else {
      lineMap = searchMap(contentLines, textLines, startPos.line + 1, startPos);
    }
  } else if (!text.includes('\n')) {
    const quote = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE' ? 1 : 0;
    lineMap = (_l, c) => outer.locate(start + quote + c - 1);
  } else {
    lineMap = searchMap(srcLines, textLines, startPos.line, startPos);
  }
  return {
    file: outer.file,
    text,
    locate(offset) {
      const p = inner.linePos(offset);
      return lineMap(p.line, p.col);
    },
    pathPrefix,
  };
}

/** Source lines searched for each embedded line (a folded or quoted line maps to one of the next few source lines). */
const SEARCH_WINDOW = 64;
/** Characters searched in a source line beyond the length of the embedded line (escapes make a quoted line longer than its text). */
const SEARCH_CHARS = 1024;

/** Map each embedded line to the first later source line (within {@link SEARCH_WINDOW}) that contains its trimmed text. */
function searchMap(
  srcLines: string[],
  textLines: string[],
  firstSrcLine: number,
  fallback: { line: number; col: number },
): (l: number, c: number) => { line: number; col: number } {
  const found: Array<{ line: number; col: number } | undefined> = [];
  // where the last match ended: the search goes forward from there, at most SEARCH_WINDOW lines
  // and SEARCH_CHARS characters per line beyond the needle's length, so it is linear in the text
  // (searching every later line for each line was quadratic on a 60k-line string, and a quoted
  // string is one long source line, issue 13)
  let from = 0;
  let fromCol = 0;
  for (const t of textLines) {
    const needle = t.trim();
    if (!needle) {
      found.push(undefined);
      continue;
    }
    let hit: { line: number; col: number } | undefined;
    for (let k = from; k < srcLines.length && k < from + SEARCH_WINDOW && !hit; k++) {
      const start = k === from ? fromCol : 0;
      const c = srcLines[k].slice(start, start + needle.length + SEARCH_CHARS).indexOf(needle);
      if (c !== -1) hit = { line: k, col: start + c };
    }
    if (!hit) {
      found.push(undefined);
      continue;
    }
    found.push({ line: firstSrcLine + hit.line, col: hit.col + 1 - (t.length - t.trimStart().length) });
    from = hit.line;
    fromCol = hit.col + needle.length;
  }
  return (l, c) => {
    const f = found[l - 1];
    return f ? { line: f.line, col: f.col + c - 1 } : fallback;
  };
}

/** True when the node is a string scalar (a candidate for embedded YAML or redis.conf). */
export function isStringScalar(node: unknown): node is Scalar<string> {
  return isScalar(node) && typeof node.value === 'string';
}
