import { redactText } from '../core/redact.js';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RulePolicy } from '../policy/policy.js';
import { ruleById } from '../rules/index.js';
import type { Finding, Severity } from '../types.js';
import type { FileEdit, ReportInput } from './types.js';

/**
 * redis-lint's home page: `homepage` of package.json. A constant so that the report formats stay
 * pure (no file read at import time); test/report/sarif.test.ts checks that it matches package.json.
 */
export const HOMEPAGE = 'https://github.com/redis-lint/redis-lint';

/** The rule's documentation page (docs/rules/<id>.md on the default branch). */
export function ruleHelpUri(ruleId: string): string {
  return `${HOMEPAGE}/blob/main/docs/rules/${encodeURIComponent(ruleId)}.md`;
}

/** The file name the loader gives standard input. */
export const STDIN_FILE = '<stdin>';

/**
 * The SARIF `uri` of standard input: a relative reference with no `uriBaseId`, because the text
 * is in no file of the repository (resolving it against %SRCROOT% would name a file that does not
 * exist). GitHub reads a relative reference as a path in the repository, where there is no such
 * file, so it cannot show code for it; the artifact location's `description` says what it is.
 */
export const STDIN_URI = 'stdin';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

/** `Kind/namespace/name (role): ` for a finding about an object, '' otherwise (as the stylish report writes it). */
export function findingSubject(f: Pick<Finding, 'object' | 'role'>): string {
  if (!f.object) return '';
  const o = f.object;
  return `${o.kind}/${o.namespace ? o.namespace + '/' : ''}${o.name}${f.role ? ` (${f.role})` : ''}: `;
}

/** `Kind/namespace/name` of an object. */
export function objectName(o: { kind: string; namespace?: string; name: string }): string {
  return `${o.kind}/${o.namespace ? o.namespace + '/' : ''}${o.name}`;
}

/**
 * Where a file is, for formats that name files by path (github, rdjson, codequality, junit):
 * relative to `baseDir` with POSIX slashes when the file is inside it, the absolute path (POSIX
 * slashes) when it is outside, and `<stdin>` for standard input. Relative input paths are relative
 * to the working directory, as they were given on the command line.
 */
export function displayPath(file: string, baseDir: string): string {
  if (file === STDIN_FILE) return file;
  const rel = relativeInside(file, baseDir);
  return rel ?? toPosix(path.resolve(file));
}

/** The path of `file` relative to `baseDir` in POSIX form, or undefined when the file is not inside it. */
function relativeInside(file: string, baseDir: string): string | undefined {
  const abs = path.resolve(file);
  const rel = path.relative(path.resolve(baseDir), abs);
  if (rel === '' || rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) return undefined;
  return toPosix(rel);
}

function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/** A directory as an absolute `file:` URI ending in `/` (SARIF §3.14.14: base URIs end with a slash). */
function directoryUri(dir: string): string {
  const href = pathToFileURL(path.resolve(dir)).href;
  return href.endsWith('/') ? href : href + '/';
}

/**
 * The SARIF artifactLocation of an input file:
 * - inside `baseDir`: a relative reference (each segment percent-encoded, RFC 3986) with
 *   `uriBaseId: "%SRCROOT%"`, which `run.originalUriBaseIds` maps to `baseDir`; GitHub code scanning
 *   reads relative references as relative to the repository root (the checkout);
 * - outside `baseDir`: the absolute `file:` URI and no `uriBaseId` (SARIF1004 forbids a base with an
 *   absolute URI). GitHub turns absolute `file:` URIs into repository paths with the checkout path,
 *   which it takes from `run.invocations[].workingDirectory` (GitHub Docs, "SARIF support for code
 *   scanning", "Specifying the root for source files"); we set that to `baseDir`. A file outside
 *   the checkout has no place in the repository, so GitHub cannot show it whatever we write; the
 *   multitool's opt-in rule GH1006 (off in its default configuration) flags every absolute URI;
 * - standard input: {@link STDIN_URI}, no `uriBaseId`.
 */
export function sarifArtifactLocation(file: string, baseDir: string): { uri: string; uriBaseId?: string; description?: { text: string } } {
  if (file === STDIN_FILE) return { uri: STDIN_URI, description: { text: 'standard input' } };
  const rel = relativeInside(file, baseDir);
  if (rel === undefined) return { uri: pathToFileURL(path.resolve(file)).href };
  return { uri: rel.split('/').map((seg) => encodeURIComponent(wellFormed(seg))).join('/'), uriBaseId: SRCROOT };
}

/** Unpaired surrogates (which encodeURIComponent refuses) as U+FFFD. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** PascalCase of a rule id (`aof-rewrite-unreachable` -> `AofRewriteUnreachable`): SARIF's friendly `name`. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** The first sentence of a text: up to the first `.`, `!` or `?` followed by white space and a capital letter, or the end. */
export function firstSentence(text: string): string {
  const t = text.trim();
  const m = /^[\s\S]*?[.!?](?=\s+[A-Z]|\s*$)/.exec(t);
  return m ? m[0] : t;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** A SARIF text region (SARIF §3.30), 1-based; end line/column never before the start, never 0. */
interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/**
 * A region from 1-based line/column positions (columns in UTF-16 code units, SARIF's default
 * `columnKind` "utf16CodeUnits"; the end column is exclusive, as SARIF's `endColumn` is). Repairs
 * what SARIF1007 forbids: a start below 1, an end before the start, an end column of 0.
 */
export function sarifRegion(start: { line: number; column: number }, end: { line: number; column: number }): SarifRegion {
  const startLine = Math.max(1, Math.trunc(start.line) || 1);
  const startColumn = Math.max(1, Math.trunc(start.column) || 1);
  const endLine = Math.max(startLine, Math.trunc(end.line) || startLine);
  let endColumn = Math.max(1, Math.trunc(end.column) || 1);
  if (endLine === startLine && endColumn < startColumn) endColumn = startColumn;
  return { startLine, startColumn, endLine, endColumn };
}

/** Offsets of the starts of a text's lines (lines end at LF, as yaml's LineCounter counts them). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The length of a line without its line break (LF or CRLF). */
function lineLength(text: string, starts: number[], line: number): number {
  const from = starts[line - 1];
  let to = line < starts.length ? starts[line] - 1 : text.length;
  if (to > from && text[to - 1] === '\r') to--;
  return to - from;
}

/**
 * `region.snippet` (the region's text) and a `contextRegion` of up to two lines either side
 * (SARIF §3.29.5, §3.30.13) from the file's text, or nothing when the text is unavailable or the
 * region is not inside it. The context region is only given when it is a proper superset of the
 * region (SARIF1008).
 */
function withSnippets(region: SarifRegion, text: string | undefined, starts: number[] | undefined): { region: SarifRegion & { snippet?: { text: string } }; contextRegion?: SarifRegion & { snippet: { text: string } } } {
  if (text === undefined || !starts || region.endLine > starts.length) return { region };
  const offset = (line: number, column: number) => starts[line - 1] + Math.min(column - 1, lineLength(text, starts, line));
  const snippet = text.slice(offset(region.startLine, region.startColumn), offset(region.endLine, region.endColumn));
  const c0 = Math.max(1, region.startLine - 2);
  const c1 = Math.min(starts.length, region.endLine + 2);
  const context: SarifRegion = { startLine: c0, startColumn: 1, endLine: c1, endColumn: lineLength(text, starts, c1) + 1 };
  const proper =
    (context.startLine < region.startLine || region.startColumn > 1 || context.endLine > region.endLine || context.endColumn > region.endColumn) &&
    (region.endLine < context.endLine || region.endColumn <= context.endColumn);
  const out: ReturnType<typeof withSnippets> = { region: { ...region, snippet: { text: snippet } } };
  if (proper) out.contextRegion = { ...context, snippet: { text: text.slice(offset(c0, 1), offset(c1, context.endColumn)) } };
  return out;
}

/** One entry of `run.tool.driver.rules`. */
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: 'error' | 'warning' | 'note' };
  properties: { tags: string[]; precision: string; 'security-severity'?: string };
}

/**
 * Policy text for markdown: `&`, `<`, `>` as entities (GitHub drops what looks like an HTML tag,
 * e.g. `<reason>`), and markdown punctuation that could start emphasis, links or strikethrough
 * backslash-escaped.
 */
function markdownText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/([\\*_[\]~])/g, '\\$1');
}

/** The reportingDescriptor of one rule (SARIF §3.49). */
function sarifRule(id: string, policy: RulePolicy | undefined, fallback: Severity): SarifRule {
  // the rule's metadata (src/rules/<id>.ts); an id no rule has (a finding of a newer redis-lint?) gets a plain stub
  const meta = ruleById(id)?.meta;
  const description = meta?.description.trim() || `redis-lint rule ${id}.`;
  const remediation = meta?.remediation.trim();
  const incident = meta?.incident.trim();
  const suppressText = [
    'To accept a finding, say why, in one of three ways:',
    `- in a values file or manifest, a comment on the line above it: # redis-lint-disable-next-line ${id} -- <reason>`,
    `- on the object: the annotation ignore-check.redis-lint.io/${id}: "<reason>"`,
    `- in .redis-lint.yaml: an exemptions: entry {kind, namespace, name, rules: [${id}], reason}`,
  ].join('\n');
  const text = [description, remediation && `How to fix: ${remediation}`, incident && `Incident: ${incident}`, suppressText].filter(Boolean).join('\n\n');
  const markdown = [
    markdownText(description),
    remediation && `**How to fix:** ${markdownText(remediation)}`,
    incident && `**Incident:** ${markdownText(incident)}`,
    [
      'To accept a finding, say why, in one of three ways:',
      '',
      `- in a values file or manifest, a comment on the line above it: \`# redis-lint-disable-next-line ${id} -- <reason>\``,
      `- on the object: the annotation \`ignore-check.redis-lint.io/${id}: "<reason>"\``,
      `- in \`.redis-lint.yaml\`: an \`exemptions:\` entry \`{kind, namespace, name, rules: [${id}], reason}\``,
    ].join('\n'),
    `[Documentation of ${id}](${ruleHelpUri(id)})`,
  ]
    .filter(Boolean)
    .join('\n\n');
  const severity = policy && policy.severity !== 'off' ? policy.severity : fallback;
  const security = meta?.docs.security;
  const tags = ['redis', 'kubernetes', meta?.category ?? 'configuration'];
  if (security) tags.push('security', security.cwe);
  const properties: SarifRule['properties'] = { tags, precision: meta?.precision ?? 'high' };
  if (security) properties['security-severity'] = security.severity;
  return {
    id,
    name: pascalCase(id),
    shortDescription: { text: firstSentence(description) },
    fullDescription: { text: description },
    help: { text, markdown },
    helpUri: ruleHelpUri(id),
    defaultConfiguration: { level: LEVEL[severity] },
    properties,
  };
}

/**
 * The partial fingerprint of a finding: sha256 (hex) of rule id, file URI, object and role and
 * YAML path, so that it survives edits that move the finding to another line and numbers in the
 * message that change with the input (GitHub code scanning matches alerts across runs with it).
 */
export function findingFingerprint(f: Finding, uri: string): string {
  const object = f.object ? `${objectName(f.object)}|${f.role ?? ''}` : '';
  return createHash('sha256').update([f.ruleId, uri, object, f.pos.yamlPath].join('\0')).digest('hex');
}

/** SARIF `fixes` of a finding: its edits grouped by file (SARIF §3.55, §3.56, §3.57). */
function sarifFixes(f: Finding, edits: readonly FileEdit[], baseDir: string) {
  const byFile = new Map<string, FileEdit[]>();
  for (const e of edits) {
    const list = byFile.get(e.file) ?? [];
    list.push(e);
    byFile.set(e.file, list);
  }
  const artifactChanges = [...byFile].map(([file, list]) => ({
    artifactLocation: sarifArtifactLocation(file, baseDir),
    replacements: list.map((e) => ({
      deletedRegion: sarifRegion(e.start, e.end),
      insertedContent: { text: e.text },
    })),
  }));
  return [{ description: { text: `Fix ${f.ruleId}` }, artifactChanges }];
}

/**
 * The `--format sarif` report: a SARIF 2.1.0 log (OASIS "Static Analysis Results Interchange
 * Format (SARIF) Version 2.1.0", errata01) that GitHub code scanning ingests (GitHub Docs, "SARIF
 * support for code scanning"; checked with the SARIF multitool's `validate --rule-kind Gh`).
 *
 * Shape: `{$schema, version: "2.1.0", runs: [{tool: {driver: {name: "redis-lint",
 * semanticVersion, informationUri, rules: [{id, name, shortDescription, fullDescription, help:
 * {text, markdown}, helpUri, defaultConfiguration: {level}, properties: {tags, precision,
 * security-severity?}}]}}, invocations: [{executionSuccessful: true, workingDirectory}],
 * originalUriBaseIds: {"%SRCROOT%": {uri: <baseDir as file URI>/}}, columnKind: "utf16CodeUnits",
 * results: [{ruleId, ruleIndex, level, message: {text}, locations: [{physicalLocation:
 * {artifactLocation: {uri, uriBaseId}, region: {startLine, startColumn, endLine, endColumn}}}],
 * partialFingerprints: {"redisLintFingerprint/v1": <sha256 hex>}, fixes?}]}]}`.
 *
 * - rules: every rule of `input.rules` that is not `off`, plus any rule id of a finding, sorted by
 *   id (so `ruleIndex` is stable from run to run); levels: error -> error, warning -> warning,
 *   info -> note.
 * - message: `Kind/namespace/name (role): <message> [<rule-id>]`.
 * - locations: see {@link sarifArtifactLocation}; regions are our 1-based UTF-16 positions, with
 *   `region.snippet` and a `contextRegion` (two lines either side) when `input.sourceText` has the file,
 *   with secret values masked (redactText of src/core/redact.ts).
 * - partialFingerprints: {@link findingFingerprint}.
 * - fixes: `input.fixes` edits of the finding as `artifactChanges[].replacements[]`
 *   (`deletedRegion`, `insertedContent`).
 * @returns the log as pretty-printed JSON and a newline; a run without findings has `results: []`
 */
export function formatSarif(input: ReportInput): string {
  const ruleIds = new Set<string>();
  for (const [id, p] of Object.entries(input.rules)) if (p.severity !== 'off') ruleIds.add(id);
  const findingSeverity = new Map<string, Severity>();
  for (const f of input.findings) {
    ruleIds.add(f.ruleId);
    const prev = findingSeverity.get(f.ruleId);
    if (!prev || SEVERITY_RANK[f.severity] < SEVERITY_RANK[prev]) findingSeverity.set(f.ruleId, f.severity);
  }
  const ids = [...ruleIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(ids.map((id, i) => [id, i]));
  const rules = ids.map((id) => sarifRule(id, input.rules[id], findingSeverity.get(id) ?? 'warning'));

  const texts = new Map<string, { text?: string; starts?: number[] }>();
  const textOf = (file: string) => {
    let t = texts.get(file);
    if (!t) {
      let text: string | undefined;
      try {
        // snippets are uploaded to code scanning: secret values (passwords, requirepass, tokens)
        // are masked line by line first, as in --fix-dry-run diffs; lines and line count stay
        const raw = input.sourceText?.(file);
        text = raw === undefined ? undefined : redactText(raw);
      } catch {
        text = undefined;
      }
      t = { text, starts: text === undefined ? undefined : lineStarts(text) };
      texts.set(file, t);
    }
    return t;
  };

  const results = input.findings.map((f) => {
    const artifactLocation = sarifArtifactLocation(f.pos.file, input.baseDir);
    const source = textOf(f.pos.file);
    const result: Record<string, unknown> = {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId)!,
      level: LEVEL[f.severity],
      message: { text: `${findingSubject(f)}${f.message} [${f.ruleId}]` },
      locations: [
        {
          physicalLocation: {
            artifactLocation,
            ...withSnippets(sarifRegion(f.pos, { line: f.pos.endLine, column: f.pos.endColumn }), source.text, source.starts),
          },
        },
      ],
      partialFingerprints: { 'redisLintFingerprint/v1': findingFingerprint(f, artifactLocation.uri) },
    };
    const edits = input.fixes?.get(f);
    if (edits?.length) result.fixes = sarifFixes(f, edits, input.baseDir);
    return result;
  });

  const baseUri = directoryUri(input.baseDir);
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'redis-lint',
            semanticVersion: input.toolVersion,
            informationUri: HOMEPAGE,
            rules,
          },
        },
        invocations: [{ executionSuccessful: true, workingDirectory: { uri: baseUri } }],
        originalUriBaseIds: { [SRCROOT]: { uri: baseUri, description: { text: 'The base directory of the run (the repository checkout): result paths are relative to it.' } } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
