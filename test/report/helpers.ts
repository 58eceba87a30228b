import { reportObjects } from '../../src/report/objects.js';
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv04Module from 'ajv-draft-04';
import { lintPaths, type LintResult } from '../../src/engine.js';
import { loadPolicy, type Policy } from '../../src/policy/policy.js';
import type { FileEdit, ReportInput } from '../../src/report/types.js';
import type { Finding, Severity, SourcePosition } from '../../src/types.js';

// ajv-draft-04 is CommonJS (`module.exports = Ajv`, `exports.default = Ajv`): under nodenext the default import is the module
const Ajv04 = Ajv04Module.default;

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The OASIS SARIF 2.1.0 schema (test/fixtures/sarif/README.md says where it comes from). */
export const SARIF_SCHEMA_FILE = path.resolve(projectRoot, 'test/fixtures/sarif/sarif-schema-2.1.0.json');
export const MULTITOOL = path.join(projectRoot, 'node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool');

let policy: Policy | undefined;
/** The bundled policy (loaded once). */
export function defaultPolicy(): Policy {
  return (policy ??= loadPolicy());
}

/** Lint paths with the bundled policy. */
export async function lint(paths: string[]): Promise<LintResult> {
  return lintPaths(paths, { policy: defaultPolicy() });
}

/**
 * The fixed examples redis-lint evaluates, with no finding at all: examples/fixed without the
 * OT-Container-Kit values file, which gets its one "not evaluated" info (examples/README.md).
 */
export const CLEAN_EXAMPLES = ['examples/fixed/aks-crashloop', 'examples/fixed/fork-oom-statefulset.yaml', 'examples/fixed/klamm-helmrelease-50mi.yaml', 'examples/fixed/permission-denied-statefulset.yaml'];

/** A ReportInput from a real lint run, as the CLI builds it: objects from the deployments, deduplicated. */
export function reportInput(result: Pick<LintResult, 'findings' | 'deployments' | 'files'>, extra: Partial<ReportInput> = {}): ReportInput {
  return {
    findings: result.findings,
    files: result.files.length,
    deployments: result.deployments.length,
    objects: reportObjects(result.deployments),
    rules: defaultPolicy().rules,
    toolVersion: '0.1.0',
    baseDir: projectRoot,
    sourceText: (file) => {
      if (file === '<stdin>') return undefined;
      try {
        return readFileSync(path.resolve(projectRoot, file), 'utf8');
      } catch {
        return undefined;
      }
    },
    ...extra,
  };
}

/** An input with hand-made findings (no lint run), for edge cases. */
export function syntheticInput(findings: Finding[], extra: Partial<ReportInput> = {}): ReportInput {
  return {
    findings,
    files: new Set(findings.map((f) => f.pos.file)).size,
    deployments: 0,
    objects: [],
    rules: defaultPolicy().rules,
    toolVersion: '0.1.0',
    baseDir: projectRoot,
    ...extra,
  };
}

/** A finding at a position, with defaults. */
export function finding(over: Omit<Partial<Finding>, 'pos'> & { pos?: Partial<SourcePosition> } = {}): Finding {
  const { pos, ...rest } = over;
  return {
    ruleId: 'maxmemory-unset',
    severity: 'warning' as Severity,
    message: 'memory limit 1Gi without maxmemory',
    object: { kind: 'StatefulSet', namespace: 'cache', name: 'redis' },
    role: 'standalone',
    ...rest,
    pos: { file: 'examples/incidents/fork-oom-statefulset.yaml', line: 28, column: 5, endLine: 28, endColumn: 18, yamlPath: 'data.redis.conf', ...pos },
  };
}

const tempDirs: string[] = [];

/** A temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(prefix = 'redis-lint-report-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Remove the temporary directories this test file made (call from afterAll). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A file edit. */
export function edit(file: string, start: [number, number], end: [number, number], text: string): FileEdit {
  return { file, start: { line: start[0], column: start[1] }, end: { line: end[0], column: end[1] }, text };
}

// ---- SARIF validation -------------------------------------------------------------------------

/** RFC 3986 URI-reference, strictly: allowed characters only, valid percent-escapes, a valid scheme if any, no ':' in a scheme-less first segment. */
export function isUriReference(s: string): boolean {
  if (!/^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-Fa-f]{2})*$/.test(s)) return false;
  if ((s.match(/#/g) ?? []).length > 1) return false;
  const scheme = /^([^:/?#]*):/.exec(s);
  if (scheme) return /^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme[1]);
  return true;
}

/** RFC 3986 absolute URI (a scheme, then a valid reference). */
export function isUri(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) && isUriReference(s);
}

let validateSarifSchema: (((data: unknown) => boolean) & { errors?: unknown }) | undefined;

/** Validate a SARIF log against the official OASIS SARIF 2.1.0 JSON schema (draft-04), URI formats included. */
export function sarifSchemaErrors(log: unknown): unknown[] {
  if (!validateSarifSchema) {
    const ajv = new Ajv04({ strict: false, allErrors: true });
    ajv.addFormat('uri', isUri);
    ajv.addFormat('uri-reference', isUriReference);
    ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
    validateSarifSchema = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_FILE, 'utf8')));
  }
  const validate = validateSarifSchema;
  return validate(log) ? [] : ((validate.errors as unknown[]) ?? ['invalid']);
}

/** The multitool, made executable if npm skipped its postinstall chmod. */
export function multitool(): string {
  try {
    accessSync(MULTITOOL, constants.X_OK);
  } catch {
    chmodSync(MULTITOOL, statSync(MULTITOOL).mode | 0o100);
  }
  return MULTITOOL;
}

/** One result of the multitool's output log. */
export interface MultitoolResult {
  ruleId: string;
  level: string;
  message: string;
  file: string;
}

/**
 * Run `Sarif.Multitool validate --rule-kind <kinds>` on SARIF files (one invocation for all) and
 * return the results of its output log (file = the validated file).
 */
export function runMultitool(files: string[], ruleKind: string): { results: MultitoolResult[]; stdout: string } {
  const dir = tempDir('redis-lint-multitool-');
  const out = path.join(dir, 'validation.sarif');
  const r = spawnSync(multitool(), ['validate', '--rule-kind', ruleKind, '-o', out, ...files], { encoding: 'utf8', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`multitool exited ${r.status}: ${r.stdout}\n${r.stderr}`);
  const log = JSON.parse(readFileSync(out, 'utf8').replace(/^\uFEFF/, '')) as {
    runs: Array<{
      tool: { driver: { rules?: Array<{ id: string; messageStrings?: Record<string, { text: string }> }> } };
      results?: Array<{
        ruleId: string;
        ruleIndex?: number;
        level?: string;
        message: { text?: string; id?: string; arguments?: string[] };
        locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string } } }>;
      }>;
    }>;
  };
  const results: MultitoolResult[] = [];
  for (const run of log.runs) {
    const rules = run.tool.driver.rules ?? [];
    for (const res of run.results ?? []) {
      const rule = rules.find((x) => x.id === res.ruleId) ?? (res.ruleIndex !== undefined ? rules[res.ruleIndex] : undefined);
      let message = res.message.text ?? '';
      if (!message && res.message.id) {
        const template = rule?.messageStrings?.[res.message.id]?.text ?? res.message.id;
        message = template.replace(/\{(\d+)\}/g, (_, i: string) => res.message.arguments?.[Number(i)] ?? '');
      }
      const uri = res.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
      results.push({ ruleId: res.ruleId, level: res.level ?? 'warning', message, file: uri.startsWith('file:') ? fileURLToPath(uri) : uri });
    }
  }
  return { results, stdout: r.stdout };
}

/** Write a text file, creating nothing else. */
export function write(file: string, text: string): string {
  writeFileSync(file, text);
  return file;
}

// ---- XML ---------------------------------------------------------------------------------------

/** An element of a parsed XML document. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    if (!(e in ENTITIES)) throw new Error(`unknown entity ${m}`);
    return ENTITIES[e];
  });
}

/**
 * A minimal XML 1.0 parser, strict enough to catch what a report writer gets wrong: characters
 * XML forbids, a bare & or <, unquoted or repeated attributes, tags that do not nest, text outside
 * the root element.
 */
export function parseXml(xml: string): XmlElement {
  // XML 1.0 Char production
  if (/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDFFF]/.test(xml)) throw new Error('forbidden character');
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(xml)) throw new Error('unpaired surrogate');
  let i = 0;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (!decl) throw new Error('no XML declaration');
  i = decl[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const name = /[A-Za-z_][\w.-]*/y;
  while (i < xml.length) {
    if (xml[i] === '<') {
      if (xml[i + 1] === '/') {
        const end = xml.indexOf('>', i);
        const tag = xml.slice(i + 2, end).trim();
        const open = stack.pop();
        if (!open || open.name !== tag) throw new Error(`</${tag}> closes ${open?.name}`);
        i = end + 1;
        continue;
      }
      name.lastIndex = i + 1;
      const m = name.exec(xml);
      if (!m) throw new Error(`bad tag at ${i}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
      i = name.lastIndex;
      for (;;) {
        const ws = /\s*/y;
        ws.lastIndex = i;
        ws.exec(xml);
        const spaced = ws.lastIndex > i;
        i = ws.lastIndex;
        if (xml.startsWith('/>', i) || xml[i] === '>') break;
        const attr = /([A-Za-z_][\w.-]*)="([^"<]*)"/y;
        attr.lastIndex = i;
        const a = attr.exec(xml);
        if (!a || !spaced) throw new Error(`bad attribute at ${i}: ${xml.slice(i, i + 30)}`);
        if (a[1] in el.attrs) throw new Error(`repeated attribute ${a[1]}`);
        if (/&(?!(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);)/.test(a[2])) throw new Error('bare & in attribute');
        el.attrs[a[1]] = decode(a[2]);
        i = attr.lastIndex;
      }
      const selfClosing = xml.startsWith('/>', i);
      i += selfClosing ? 2 : 1;
      if (stack.length) stack[stack.length - 1].children.push(el);
      else if (root) throw new Error('two root elements');
      else root = el;
      if (!selfClosing) stack.push(el);
    } else {
      const next = xml.indexOf('<', i);
      const text = xml.slice(i, next < 0 ? xml.length : next);
      if (/&(?!(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);)/.test(text)) throw new Error('bare & in text');
      if (stack.length) stack[stack.length - 1].text += decode(text);
      else if (text.trim()) throw new Error('text outside the root');
      i = next < 0 ? xml.length : next;
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (!root) throw new Error('no root');
  return root;
}
