import { isUtf8 } from 'node:buffer';
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import YAML, { Composer, LineCounter, Parser, isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type Node, type Scalar } from 'yaml';
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
  /**
   * inputs read but not linted, each said once: Helm chart sources and templates (`helm-template-skipped`,
   * info) and files that are not valid YAML and show no sign of Redis (`invalid-yaml-skipped`, warning)
   */
  skipped: SkippedInput[];
  /** what the walk did not follow (symlinked directories), for one line on stderr */
  notices: string[];
}

/** An input that was read but not linted, and why (see LoadResult.skipped). */
export interface SkippedInput {
  ruleId: 'helm-template-skipped' | 'invalid-yaml-skipped';
  message: string;
  pos: SourcePosition;
}

/** What to leave out of a directory walk (`--exclude`, `ignorePaths:` in .redis-lint.yaml). */
export interface LoadOptions {
  /**
   * globs (picomatch, `**` spans directories) matched against each path relative to the working
   * directory, with `/` separators; a matching directory is not walked. Paths named on the command
   * line are excluded too.
   */
  exclude?: readonly string[];
  /** the working directory the globs are relative to (default process.cwd()) */
  cwd?: string;
  /**
   * a cheap first pass: files it finds unrelated to Redis are not parsed with positions unless a
   * Redis file names one of their objects (src/sources/prefilter.ts). Without it every file is.
   */
  prefilter?: Prefilter;
  /** caps on each input (default DEFAULT_LIMITS) */
  limits?: InputLimits;
}

/** The positional parse of one file, and what it said about it (see loadPaths). */
interface Parsed {
  documents: LoadedDocument[];
  errors: InputError[];
  skipped: SkippedInput[];
}

/** What a cheap first look at a file's text found (see {@link Prefilter}). */
export type SkimResult = { concernsRedis: true } | { concernsRedis: false; objects: ReadonlyArray<{ kind?: string; name?: string }> };

/**
 * The first of two passes over the inputs: `skim` looks at each file's text without positions.
 * A file that concerns Redis, that `skim` cannot read (undefined), or that holds template actions
 * gets the positional parse at once; any other file gets it only when it holds an object of a
 * `referencedKinds` kind whose name occurs in the text of a file that concerns Redis (a
 * HelmRepository, a `valuesFrom` ConfigMap, a claim). The rest are counted as read, and skipped.
 */
export interface Prefilter {
  /** @param file the input's path (a values file in a `valkey/` directory concerns Valkey though its text may not say so) */
  skim(text: string, file?: string): SkimResult | undefined;
  referencedKinds: ReadonlySet<string>;
}

/**
 * Most alias expansions a document may make (yaml's `maxAliasCount`: uses of an anchor times the
 * aliases inside it). A "billion laughs" document passes it within a few levels and is refused
 * as invalid YAML; the library's default (100) would refuse legitimate files that use one
 * anchor a few hundred times.
 */
export const MAX_ALIAS_COUNT = 10_000;

/** Caps on one input, so that no file, stdin or document count can exhaust memory or time (issue 13). */
export interface InputLimits {
  /** largest file (or standard input) read, in bytes; a larger one is not read (exit 2). Flag `--max-file-size`. */
  maxFileBytes: number;
  /** most YAML documents read from one file; the rest are not read (exit 2). Flag `--max-documents`. */
  maxDocuments: number;
}

/**
 * Default caps: 10 MiB per file (a chart's values, a HelmRelease or a rendered manifest is far
 * smaller; the API server refuses objects over 3 MiB) and 10,000 documents per file (a whole
 * rendered umbrella chart is a few hundred). Parsing 10 MiB of YAML takes about 1 GB of memory
 * at most, so the cap is also a memory bound.
 */
export const DEFAULT_LIMITS: Readonly<InputLimits> = { maxFileBytes: 10 * 1024 * 1024, maxDocuments: 10_000 };

/** A byte count the way a user writes the flag: `10 MiB`, `512 KiB`, `100 bytes`. */
export function formatBytes(n: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) if (n >= size && n % (size / 16) === 0) return `${n / size} ${unit}`;
  return `${n} bytes`;
}

/** An input over a cap ({@link InputLimits}): always an error (exit 2), never a skipped file, whatever the file holds. */
export class InputLimitError extends InputError {
  override name = 'InputLimitError';
}

/** The message of a file over the size cap (exit 2). */
function tooLarge(name: string, limits: InputLimits): string {
  return `${name} is larger than ${formatBytes(limits.maxFileBytes)}, the input size limit: not read (raise it with --max-file-size or maxFileSize: in .redis-lint.yaml)`;
}

/**
 * yaml parse options: YAML 1.2 core schema, errors with line and column. Keys must be unique
 * (Helm and kubectl reject duplicates), but the check is ours ({@link firstDuplicateKey}, one O(n)
 * pass): yaml's own `uniqueKeys` compares each key with every earlier key of its map, O(n²)
 * (1 MB of keys took 50 s, issue 13). No console warnings: the library's `logLevel` default prints
 * "Keys with collection values will be stringified" on stderr for a templated `{{ }}` key. Merge keys
 * (`<<: *anchor`) merge, as Helm (go-yaml) reads them; src/load/vnode.ts resolves them with positions.
 */
export const PARSE_OPTIONS = { uniqueKeys: false, prettyErrors: true, strict: true, logLevel: 'error', merge: true } as const;

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
 *
 * One leniency, because Kubernetes and Flux accept it: a multi-line quoted scalar whose continuation
 * lines are indented no deeper than its key (YAML 1.2 asks for at least one space more; the `yaml`
 * library then ends the scalar early and fails). Go's YAML parser, which the API server, kubectl and
 * Flux read manifests with (sigs.k8s.io/yaml → go.yaml.in/yaml/v2 v2.4.2, commit 246a95c2,
 * scannerc.go `yaml_parser_scan_flow_scalar`), only ends such a scalar at its closing quote, a
 * document marker in column 0 or the end of the stream, and takes the value. So when parsing fails,
 * the continuation lines are indented one space past the key and the text is parsed again; if that
 * parses, its documents are used, with positions mapped back to the text as written, and
 * `reindented` is true (`--fix` leaves such a file alone: src/fix/files.ts edits only texts that parse as written). test/load/documents.test.ts pins the case.
 * @param text file content
 * @param file path used in positions and messages
 */
export function parseText(text: string, file: string, limits: Pick<InputLimits, 'maxDocuments'> = DEFAULT_LIMITS): { documents: LoadedDocument[]; errors: InputError[]; reindented?: boolean } {
  const source = stripBom(text);
  const lineCounter = new LineCounter();
  const first = parseSource(source, file, fileContext(file, source, lineCounter), lineCounter, limits);
  if (first.errors.length === 0) return first;
  const fixed = reindentQuotedScalars(source);
  if (!fixed) return first;
  const original = new LineCounter();
  // offsets of the original text, for its line starts
  let at = 0;
  original.addNewLine(0);
  while ((at = source.indexOf('\n', at)) !== -1) original.addNewLine(++at);
  const ctx: DocContext = {
    file,
    text: fixed.text,
    locate(offset) {
      const p = original.linePos(fixed.toOriginal(offset));
      return { line: p.line, col: p.col };
    },
    pathPrefix: [],
  };
  const second = parseSource(fixed.text, file, ctx, new LineCounter(), limits);
  return second.errors.length === 0 ? { ...second, reindented: true } : first;
}

function parseSource(source: string, file: string, ctx: DocContext, lineCounter: LineCounter, limits: Pick<InputLimits, 'maxDocuments'>): { documents: LoadedDocument[]; errors: InputError[] } {
  const documents: LoadedDocument[] = [];
  const errors: InputError[] = [];
  // YAML.parseAllDocuments, one document at a time, so that reading stops at the document cap
  const parsed: Document.Parsed[] = [];
  try {
    const composer = new Composer({ ...PARSE_OPTIONS, lineCounter });
    for (const doc of composer.compose(new Parser(lineCounter.addNewLine).parse(source))) {
      if (parsed.length === limits.maxDocuments) {
        const at = lineCounter.linePos(doc.range[0]);
        errors.push(new InputLimitError(`${file} has more than ${limits.maxDocuments} YAML documents, the limit per file: the rest are not read (raise it with --max-documents or maxDocuments: in .redis-lint.yaml)`, filePos(file, at.line, at.col)));
        break;
      }
      parsed.push(doc as Document.Parsed);
    }
  } catch (e) {
    errors.push(new InputError(`cannot parse YAML: ${(e as Error).message}`, filePos(file, 1, 1)));
    return { documents, errors };
  }
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
      const at = lineCounter.linePos(err.pos[0]);
      let firstLine = err.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, '');
      // yaml turns a stack overflow on very deep nesting into a document error with the
      // RangeError's text: say what it means (test/hardening, 10,000-level nesting)
      if (/call stack/i.test(firstLine)) firstLine = 'nested too deeply to read (hundreds of levels of maps or sequences overflow the parser)';
      errors.push(new InputError(`invalid YAML: ${firstLine}`, filePos(file, at.line, at.col)));
      return;
    }
    // one scan of the text per file, not per document (per document it was quadratic on a 50 MB file of 29k documents)
    const bomb = mayHaveAlias ? aliasProblem(doc, ctx) : undefined;
    if (bomb) {
      errors.push(new InputError(`invalid YAML: ${bomb.message}`, filePos(file, bomb.line, bomb.col)));
      return;
    }
    documents.push({ file, index, doc, ctx });
  });
  return { documents, errors };
}

/** A line that opens a quoted scalar value: indentation, then `- ` items, an optional key, the quote. */
const QUOTED_VALUE_START = /^( *)(?:- +)*(?:[^\s"'#][^#]*?: +|"(?:[^"\\]|\\.)*": +|'(?:[^']|'')*': +)?(["'])(.*)$/;
/** A line that ends with a block scalar header (`|`, `>-`, `|2+`...), whose content follows it, indented. */
const BLOCK_SCALAR_HEADER = /(?:^|[\s:-])[|>][-+]?\d*[-+]?\s*(?:#.*)?$/;

/** Where a quoted scalar that starts or continues in `rest` closes: the index after the quote, or -1. */
function closingQuote(rest: string, quote: string): number {
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && rest[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return -1;
}

/**
 * Indent the continuation lines of multi-line quoted scalars that sit no deeper than their key
 * one space past it (see parseText). One pass over the lines, skipping block scalar content.
 * @returns the new text and a map from its offsets to the original's, or undefined when no line changed
 */
function reindentQuotedScalars(source: string): { text: string; toOriginal: (offset: number) => number } | undefined {
  const lines = source.split('\n');
  /** [offset in the new text where spaces were inserted, how many] in order */
  const inserts: Array<[number, number]> = [];
  const out: string[] = [];
  let newOffset = 0;
  let quote: { char: string; indent: number } | undefined;
  let blockIndent = -1; // inside a block scalar whose header line had this indentation
  for (const line of lines) {
    let text = line;
    const lead = line.length - line.trimStart().length;
    if (quote) {
      if (line.trim() !== '' && lead <= quote.indent) {
        const add = quote.indent + 1 - lead;
        inserts.push([newOffset, add]);
        text = ' '.repeat(add) + line;
      }
      if (closingQuote(line, quote.char) !== -1) quote = undefined;
    } else if (blockIndent >= 0 && (line.trim() === '' || lead > blockIndent)) {
      // block scalar content: not YAML syntax
    } else {
      blockIndent = -1;
      const m = QUOTED_VALUE_START.exec(line);
      if (m && closingQuote(m[3], m[2]) === -1) quote = { char: m[2], indent: m[1].length };
      else if (BLOCK_SCALAR_HEADER.test(line)) blockIndent = lead;
    }
    out.push(text);
    newOffset += text.length + 1;
  }
  if (inserts.length === 0) return undefined;
  return {
    text: out.join('\n'),
    toOriginal(offset) {
      let shift = 0;
      for (const [at, n] of inserts) {
        if (at > offset) break;
        // an offset inside the inserted spaces maps to the start of the original line
        shift += Math.min(n, offset - at);
      }
      return offset - shift;
    },
  };
}

/**
 * Refuse a document whose aliases expand too much (a "billion laughs" alias bomb), or that is
 * too deep to convert, before any source reads it: VNode.value() converts subtrees with the
 * same limit and would throw mid-run. Only documents with an alias pay for the conversion
 * (callers skip texts without a `*`).
 * @returns the problem and the line/column of the first alias (or of the document), else undefined
 */
function aliasProblem(doc: Document.Parsed, ctx: DocContext): { message: string; line: number; col: number } | undefined {
  let first: Alias | undefined;
  YAML.visit(doc, {
    Alias(_k, node) {
      first = node;
      return YAML.visit.BREAK;
    },
  });
  if (!first) return undefined;
  const pos = ctx.locate((first as Alias).range?.[0] ?? 0);
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

/** A Helm chart source directory met by the walk: its templates/ are not read. */
interface ChartSource {
  dir: string;
  chartFile: string;
}

/** What a directory walk found: files to read, chart sources, and what it did not follow. */
interface Walk {
  files: string[];
  charts: ChartSource[];
  symlinkedDirs: string[];
  excluded: (p: string) => boolean;
}

/**
 * Recursively list `.yaml`/`.yml`/`.json` files under dir, sorted. Never walks `.git` or
 * `node_modules`, excluded paths, symlinked directories (said once by the caller: a link can loop
 * or leave the tree), or the `templates/` of a Helm chart source (a directory with `Chart.yaml` and
 * `templates/`): templates are not YAML until rendered. Symlinked files are read. Synchronous: a CLI
 * reading hundreds of small files spends less on blocking reads than on thread-pool round trips.
 */
function walk(dir: string, w: Walk): void {
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const chart = entries.some((e) => e.name === 'Chart.yaml' && !e.isDirectory()) && entries.some((e) => e.name === 'templates' && e.isDirectory());
  if (chart) w.charts.push({ dir, chartFile: path.join(dir, 'Chart.yaml') });
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (w.excluded(p)) continue;
    if (e.isDirectory()) {
      if (SKIP_DIRS.has(e.name) || (chart && e.name === 'templates')) continue;
      walk(p, w);
    } else if (e.isSymbolicLink()) {
      let st;
      try {
        st = statSync(p);
      } catch {
        // a dangling link with a YAML name: reading it says why it cannot be read
        if (EXTENSIONS.has(path.extname(e.name).toLowerCase())) w.files.push(p);
        continue;
      }
      if (st.isDirectory()) w.symlinkedDirs.push(p);
      else if (EXTENSIONS.has(path.extname(e.name).toLowerCase())) w.files.push(p);
    } else if (EXTENSIONS.has(path.extname(e.name).toLowerCase())) {
      w.files.push(p);
    }
  }
}

/** Words that can be Kubernetes object names (DNS-1123 subdomains, and the odd capital letter). */
const NAME_WORDS = /[A-Za-z0-9][A-Za-z0-9._-]*/g;

/** The chart source directory a file named on the command line sits in as a template, if any. */
function templateOf(file: string): string | undefined {
  const parts = path.resolve(file).split(path.sep);
  for (let i = parts.length - 2; i > 0; i--) {
    if (parts[i] !== 'templates') continue;
    const dir = parts.slice(0, i).join(path.sep) || path.sep;
    if (existsSync(path.join(dir, 'Chart.yaml'))) return dir;
  }
  return undefined;
}

/**
 * True when a text shows a sign of Redis, Valkey or KeyDB (an image, chart, CRD kind or config key
 * names one). A file that fails to parse without one is skipped with a warning, not failed.
 */
export function mentionsRedis(text: string): boolean {
  return /redis|valkey|keydb/i.test(text);
}

/**
 * A Go/Helm template action where YAML syntax is, not inside a quoted string or a comment: at the
 * start of a line (`{{- if .Values.x }}`), as a plain value (`name: {{ .Release.Name }}`) or a
 * sequence item. Values files quote theirs (`"{{ .Release.Name }}"`) and stay YAML. The key part
 * stops at a line end: a class that could cross lines made every line scan the rest of the text
 * (quadratic: a 3 MB redis.conf took over 100 s, issue 13).
 */
const TEMPLATE_ACTION = /^[ \t]*(?:- +)?(?:[^\s#:"'][^#:"'\n]*: +)?\{\{/m;

/**
 * True when a parsed document holds a map key that is itself a map or a sequence: what an unquoted
 * `{{ .Values.x }}` parses to. Real manifests and values never have one.
 */
function hasCollectionKey(documents: LoadedDocument[]): boolean {
  let found = false;
  for (const d of documents) {
    YAML.visit(d.doc, {
      Pair(_k, pair) {
        if (pair.key && typeof pair.key === 'object' && (YAML.isMap(pair.key) || YAML.isSeq(pair.key))) {
          found = true;
          return YAML.visit.BREAK;
        }
        return undefined;
      },
    });
    if (found) return true;
  }
  return false;
}

/**
 * Read inputs: files (any extension when named explicitly), directories (recursive), `-` for stdin.
 * Unreadable paths and unparseable documents become InputErrors; nothing throws. What is read but
 * not linted is in `skipped`, each said once: a Helm chart source (once per chart; its values.yaml
 * and other files outside templates/ are still read), a file with template actions that is not YAML
 * without rendering, and a file that is not valid YAML and shows no sign of Redis (a whole GitOps
 * repository has such files; they are not this tool's business). A file that concerns Redis and
 * does not parse stays an InputError (`invalid-yaml`, exit 2).
 * Every input, standard input included, is read up to `limits.maxFileBytes` only (a larger one,
 * `/dev/zero` too, is refused after reading one byte more than the cap), must not be binary and
 * must be valid UTF-8; at most `limits.maxDocuments` documents are read per input.
 * @param readStdin reads standard input, at most `maxBytes` bytes (injected for tests)
 * @param opts `--exclude` globs and the input caps (LoadOptions)
 */
export async function loadPaths(
  paths: string[],
  readStdin: (maxBytes: number) => Promise<string | Buffer> = readAllStdin,
  opts: LoadOptions = {},
): Promise<LoadResult> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const result: LoadResult = { documents: [], errors: [], files: [], texts: new Map(), skipped: [], notices: [] };
  const cwd = opts.cwd ?? process.cwd();
  const match = opts.exclude?.length ? picomatch([...opts.exclude], { dot: true }) : undefined;
  const excluded = (p: string) => (match ? match(path.relative(cwd, path.resolve(cwd, p)).split(path.sep).join('/')) : false);
  // per file, in input order: its parse (or undefined while the first pass defers it)
  const slots: Array<{ file: string; text: string; parsed?: Parsed; objects?: ReadonlyArray<{ kind?: string; name?: string }> }> = [];
  const add = (text: string, file: string, skim = true) => {
    result.texts.set(file, text);
    result.files.push(file);
    const s = skim && opts.prefilter && !TEMPLATE_ACTION.test(text) ? opts.prefilter.skim(text, file) : undefined;
    if (s && !s.concernsRedis) slots.push({ file, text, objects: s.objects });
    else slots.push({ file, text, parsed: parseOne(text, file) });
  };
  const parseOne = (text: string, file: string): Parsed => {
    const out: Parsed = { documents: [], errors: [], skipped: [] };
    const r = parseText(text, file, limits);
    // a cap exceeded stays an error (exit 2) even in a file that is skipped
    out.errors = r.errors.filter((e) => e instanceof InputLimitError);
    const yamlErrors = r.errors.filter((e) => !(e instanceof InputLimitError));
    const templated = TEMPLATE_ACTION.test(text);
    if (templated && (yamlErrors.length > 0 || hasCollectionKey(r.documents))) {
      const at = yamlErrors[0]?.pos ?? filePos(file, 1, 1);
      out.skipped.push({
        ruleId: 'helm-template-skipped',
        message: `${file} holds Helm template actions ({{ }}) and is not YAML until rendered: not linted; lint what it renders to: helm template <release> <chart> | redis-lint -`,
        pos: filePos(file, at.line, at.column),
      });
      return out;
    }
    if (yamlErrors.length > 0 && !mentionsRedis(text)) {
      const e = yamlErrors[0];
      out.skipped.push({ ruleId: 'invalid-yaml-skipped', message: `${e.message} (the file names no Redis, Valkey or KeyDB: skipped)`, pos: e.pos });
      return out;
    }
    out.documents = r.documents;
    for (const e of yamlErrors) out.errors.push(e);
    return out;
  };
  const charts: ChartSource[] = [];
  const symlinkedDirs: string[] = [];
  /** check the bytes of an input (size cap, binary, UTF-8) and add it; `name` is how messages call it */
  const addBytes = (buf: Buffer, file: string, name: string, skim = true) => {
    if (buf.length > limits.maxFileBytes) {
      result.errors.push(new InputLimitError(tooLarge(name, limits), filePos(file, 1, 1)));
      return;
    }
    const problem = bytesProblem(buf, name);
    if (problem) {
      result.errors.push(new InputError(problem.message, filePos(file, problem.line, problem.col)));
      return;
    }
    add(buf.toString('utf8'), file, skim);
  };
  for (const p of paths) {
    if (p === '-') {
      const got = await readStdin(limits.maxFileBytes);
      addBytes(typeof got === 'string' ? Buffer.from(got, 'utf8') : got, '<stdin>', 'standard input', false);
      continue;
    }
    if (excluded(p)) continue;
    let files: string[];
    try {
      const st = statSync(p);
      files = [];
      if (st.isDirectory()) {
        const w: Walk = { files, charts, symlinkedDirs, excluded };
        walk(p, w);
      } else {
        const chartDir = templateOf(p);
        if (chartDir) {
          if (!charts.some((c) => c.dir === chartDir)) charts.push({ dir: chartDir, chartFile: path.join(chartDir, 'Chart.yaml') });
          continue;
        }
        files.push(p);
      }
    } catch (e) {
      result.errors.push(new InputError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, filePos(p, 1, 1)));
      continue;
    }
    for (const f of files) {
      let buf: Buffer;
      try {
        buf = readCapped(f, limits.maxFileBytes);
      } catch (e) {
        result.errors.push(new InputError(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, filePos(f, 1, 1)));
        continue;
      }
      addBytes(buf, f, f);
    }
  }
  // the second pass: deferred files that hold an object a Redis file names
  if (opts.prefilter) {
    // every word of the Redis files, once (linear): an object name (a DNS-1123 name) is one such word
    const words = new Set<string>();
    for (const s of slots) if (s.parsed) for (const w of s.text.match(NAME_WORDS) ?? []) words.add(w);
    const kinds = opts.prefilter.referencedKinds;
    for (const s of slots) {
      if (s.parsed || !s.objects?.some((o) => o.kind && o.name && kinds.has(o.kind) && words.has(o.name))) continue;
      s.parsed = parseOne(s.text, s.file);
    }
  }
  for (const s of slots) {
    if (!s.parsed) continue;
    // a loop, not push(...items): a 50 MB redis.conf has more lines than a call has room for arguments (RangeError, test/hardening)
    for (const e of s.parsed.documents) result.documents.push(e);
    for (const e of s.parsed.errors) result.errors.push(e);
    for (const e of s.parsed.skipped) result.skipped.push(e);
  }
  for (const c of charts) {
    const name = chartName(c.chartFile);
    result.skipped.push({
      ruleId: 'helm-template-skipped',
      message: `Helm chart source ${name ? `"${name}" ` : ''}in ${c.dir}: its templates/ are not YAML until rendered and were not linted (the files beside them were read); lint what it deploys: helm template <release> ${c.dir} | redis-lint -`,
      pos: filePos(c.chartFile, 1, 1),
    });
  }
  if (symlinkedDirs.length) {
    result.notices.push(`${symlinkedDirs.length} symlinked director${symlinkedDirs.length === 1 ? 'y was' : 'ies were'} not followed: ${symlinkedDirs.join(', ')} (name a directory on the command line to lint it)`);
  }
  return result;
}

/** The `name:` of a Chart.yaml, if it can be read. */
function chartName(chartFile: string): string | undefined {
  try {
    const m = /^name:\s*["']?([^"'\s#]+)/m.exec(readFileSync(chartFile, 'utf8'));
    return m?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Read a file, but at most `max + 1` bytes (a regular file over the cap is not read at all, from
 * its size): one byte more than the cap says it is too large. Devices and pipes (`/dev/zero`,
 * `<(...)`) are read in chunks until the cap.
 */
function readCapped(file: string, max: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const st = fstatSync(fd);
    if (st.isFile() && st.size > max) return Buffer.alloc(max + 1);
    const chunks: Buffer[] = [];
    let total = 0;
    // a regular file is read in one chunk of its size (+1 byte to see it grew); a device or pipe in
    // 64 KiB chunks. A fixed 1 MiB chunk per file was most of a whole-repository run's time (GC)
    let size = st.isFile() ? st.size + 1 : 1 << 16;
    while (total <= max) {
      const chunk = Buffer.allocUnsafe(Math.min(size, max + 1 - total));
      size = 1 << 16;
      const bytesRead = readSync(fd, chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/**
 * Why bytes are not a YAML text: binary (a NUL byte; UTF-16 named as such) or invalid UTF-8
 * (read as U+FFFD and linted silently before; kubectl and Helm refuse it), with the line and
 * column of the first bad byte; undefined when they are fine.
 * @param name how the message calls the input (a file name, `standard input`)
 */
function bytesProblem(buf: Buffer, name: string): { message: string; line: number; col: number } | undefined {
  if (buf.includes(0)) {
    const utf16 = (buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff);
    return { message: utf16 ? `${name} is UTF-16 encoded: save it as UTF-8` : `${name} is a binary file, not YAML`, line: 1, col: 1 };
  }
  if (!isUtf8(buf)) {
    const bad = firstInvalidUtf8(buf);
    return { message: `${name} is not valid UTF-8 (byte 0x${buf[bad.offset].toString(16).padStart(2, '0')} at line ${bad.line}, column ${bad.col})`, line: bad.line, col: bad.col };
  }
  return undefined;
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

/** Read standard input, at most `max + 1` bytes (then it stops reading: one byte more than the cap says it is too large). */
async function readAllStdin(max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
    if (total > max) break;
  }
  return Buffer.concat(chunks, Math.min(total, max + 1));
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
