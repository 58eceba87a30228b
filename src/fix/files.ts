import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import type { LintResult } from '../engine.js';
import type { Projection } from '../model/projection.js';
import { formatBytes } from '../model/units.js';
import { formatQuantity } from '../model/volume.js';
import type { FileEdit } from '../report/types.js';
import { safeMaxmemory } from '../rules/memory-budget.js';
import { isBitnamiRedisValues } from '../sources/bitnami-chart.js';
import { findingObject } from '../sources/common.js';
import type { Finding, Origin, RedisDeployment, SourcePosition } from '../types.js';
import { FIXES, valuesTokens, type Fix, type JsonObject } from './fixes.js';
import { parsePointer } from './patch.js';
import { applyYamlEdits, YamlEditError, type YamlEditOp } from './yaml-edit.js';
import { FixWriteError, unifiedDiff, writeFileAtomic } from './write.js';

/**
 * `redis-lint --fix` on files: the fix engine's proposals (src/fix/fixes.ts: the same fixes the
 * webhook's /mutate makes) plus the fixes that need the files themselves (a directive inside a
 * redis.conf block scalar, a value in another document of the file), applied to the YAML text by
 * src/fix/yaml-edit.ts so that only the changed lines differ, and written atomically
 * (src/fix/write.ts).
 */

/** An edit operation in one file. */
export type FileOp = YamlEditOp & { file: string };

/** The fix of one finding, ready to apply. */
export interface PlannedFix {
  finding: Finding;
  ops: FileOp[];
  /** what changes and where its numbers come from, e.g. `set master.persistence.size: 720Mi (the model's peak disk 576Mi + 20% headroom)` */
  description: string;
}

/** What --fix will do with a run's findings. */
export interface FixPlanOfFiles {
  fixes: PlannedFix[];
  /** findings of fixable rules that cannot be fixed automatically, and why */
  skipped: Array<{ finding: Finding; reason: string }>;
}

/** One YAML document of an input file, parsed again for editing (positions as the lint saw them). */
interface FileDoc {
  file: string;
  index: number;
  json: unknown;
  contents: Node | null;
  /** first and last 1-based line of the document */
  firstLine: number;
  lastLine: number;
}

/** Parsed input files, by name; files that do not parse cleanly are absent (never edited). */
class FileDocs {
  private cache = new Map<string, { docs: FileDoc[]; lineStarts: number[] } | null>();
  constructor(private readonly texts: ReadonlyMap<string, string>) {}

  get(file: string): { docs: FileDoc[]; lineStarts: number[] } | null {
    if (this.cache.has(file)) return this.cache.get(file)!;
    const raw = this.texts.get(file);
    let entry: { docs: FileDoc[]; lineStarts: number[] } | null = null;
    if (raw !== undefined && file !== '<stdin>') {
      const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      const lc = new LineCounter();
      const parsed = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true });
      if (Array.isArray(parsed) && parsed.every((d) => d.errors.length === 0)) {
        try {
          const docs = parsed.map((d, index) => ({
            file,
            index,
            json: d.toJS({ maxAliasCount: 100 }) as unknown,
            contents: (d.contents as Node | null) ?? null,
            firstLine: lc.linePos(d.range[0]).line,
            lastLine: lc.linePos(Math.max(d.range[0], d.range[2] - 1)).line,
          }));
          entry = { docs, lineStarts: lc.lineStarts };
        } catch {
          // toJS refuses what it cannot expand safely (alias bombs): such a file is not edited
          entry = null;
        }
      }
    }
    this.cache.set(file, entry);
    return entry;
  }

  /** The document of a file that holds a line. */
  docAt(file: string, line: number): FileDoc | undefined {
    return this.get(file)?.docs.find((d) => line >= d.firstLine && line <= d.lastLine);
  }

  /** The deepest node at a position, with its path from the document root. */
  nodeAt(pos: SourcePosition): { doc: FileDoc; path: Array<string | number>; node: Node } | undefined {
    const f = this.get(pos.file);
    const doc = this.docAt(pos.file, pos.line);
    if (!f || !doc || !doc.contents) return undefined;
    const offset = (f.lineStarts[pos.line - 1] ?? 0) + pos.column - 1;
    const path: Array<string | number> = [];
    let node: Node = doc.contents;
    for (;;) {
      let next: Node | undefined;
      if (isMap(node)) {
        for (const pair of node.items) {
          const v = pair.value as Node | null;
          const k = pair.key as Node | null;
          if (v && v.range && offset >= v.range[0] && offset < Math.max(v.range[1], v.range[0] + 1)) {
            if (!isScalar(k)) return undefined;
            path.push(String(k.value));
            next = v;
            break;
          }
          if (k && k.range && offset >= k.range[0] && offset < k.range[1] && v) {
            if (!isScalar(k)) return undefined;
            path.push(String(k.value));
            next = v;
            break;
          }
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, i) => {
          const n = item as Node | null;
          if (!next && n && n.range && offset >= n.range[0] && offset < Math.max(n.range[1], n.range[0] + 1)) {
            path.push(i);
            next = n;
          }
        });
      }
      if (!next) return { doc, path, node };
      node = next;
    }
  }
}

/** The JSON value at a path. */
function at(json: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), json);
}

/**
 * The deployment a finding is about: same object and role; of several (objects of the same kind
 * and name in different files, e.g. many HelmReleases named redis) the one in the finding's file.
 */
function deploymentOf(result: LintResult, f: Finding, role = f.role): number {
  const same: number[] = [];
  result.deployments.forEach((d, i) => {
    const o = findingObject(d.object);
    if (f.object !== undefined && role === d.role && o.kind === f.object.kind && o.name === f.object.name && (o.namespace ?? '') === (f.object.namespace ?? '')) same.push(i);
  });
  if (same.length <= 1) return same[0] ?? -1;
  const inFile = same.filter((i) => result.deployments[i].object.file === f.pos.file);
  return inFile.length === 1 ? inFile[0] : -1;
}

/** The chart values' role key of a deployment. */
function roleKey(dep: RedisDeployment): 'master' | 'replica' {
  return dep.role === 'replica' || dep.role === 'sentinel-node' ? 'replica' : 'master';
}

const MIB = 1024 * 1024;
const mb = (bytes: number) => `${Math.floor(bytes / MIB)}mb`;

/** Context of one file fix. */
interface Ctx {
  docs: FileDocs;
  dep: RedisDeployment;
  projection?: Projection;
  finding: Finding;
  /** the document the deployment was read from */
  objectDoc: FileDoc;
}

type Proposal = { ops: FileOp[]; description: string } | string;

/** Where a chart's values live in the object's document (HelmRelease spec.values, Argo valuesObject, a values file's root), or why they cannot be edited. */
function valuesBase(ctx: Ctx, overridden: string): Array<string | number> | string {
  if (ctx.dep.source === 'bitnami-values') {
    // a values file of the redis chart itself, or an umbrella chart's (the subchart reads `redis:`), as src/sources/values-file.ts reads it
    const json = ctx.objectDoc.json;
    if (isBitnamiRedisValues(json)) return [];
    return isBitnamiRedisValues(at(json, ['redis'])) ? ['redis'] : 'the values file is not Bitnami redis values at its root or under redis:';
  }
  const t = valuesTokens(ctx.objectDoc.json as JsonObject, ctx.dep, overridden);
  return typeof t === 'string' ? t : t.map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}

/** A `set` of the node an origin points at (a value in a file), or of `fallback` under the chart values when the value is a chart default. */
function setSetting(ctx: Ctx, origin: Origin, value: unknown, chartKey: Array<string | number> | undefined, what: string): { op: FileOp; where: string } | string {
  if (origin.kind === 'file') {
    const hit = ctx.docs.nodeAt(origin.pos);
    if (!hit || !isScalar(hit.node)) return `${what} at ${origin.pos.file}:${origin.pos.line} is not a plain value in the file`;
    if (hit.path.join('.') !== origin.pos.yamlPath) return `${what} at ${origin.pos.file}:${origin.pos.line} is inside an embedded YAML string: change it there`;
    return { op: { op: 'set', file: hit.doc.file, doc: hit.doc.index, path: hit.path, value }, where: hit.path.join('.') };
  }
  if (!chartKey || ctx.dep.source === 'workload' || ctx.dep.source === 'configmap') return `${what} is not set in the input (${origin.kind === 'default' ? origin.source : 'absent'})`;
  const base = valuesBase(ctx, chartKey.join('.'));
  if (typeof base === 'string') return base;
  return { op: { op: 'set', file: ctx.objectDoc.file, doc: ctx.objectDoc.index, path: [...base, ...chartKey], value }, where: chartKey.join('.') };
}

/**
 * Set a redis.conf directive where the deployment's redis.conf text lives: the string holding the
 * directive now, else the string holding its other directives (a ConfigMap's key, the chart's
 * `<role>.configuration` or `commonConfiguration`), else a new `<role>.configuration` for the chart.
 */
function setDirective(ctx: Ctx, name: string, args: string[]): { op: FileOp; where: string } | string {
  const { dep } = ctx;
  const inString = (origin: Origin | undefined) => {
    if (!origin || origin.kind !== 'file') return undefined;
    const hit = ctx.docs.nodeAt(origin.pos);
    if (!hit || !isScalar(hit.node) || typeof hit.node.value !== 'string') return undefined;
    // a redis.conf text is the value of a key (ConfigMap data, commonConfiguration); a sequence item is a command-line argument
    if (typeof hit.path[hit.path.length - 1] !== 'string') return undefined;
    // a directive inside an embedded values string (Argo helm.values) has a longer yamlPath than the string's own path
    if (hit.path.join('.') !== origin.pos.yamlPath) return undefined;
    return hit;
  };
  const current = dep.config.get(name);
  const here = inString(current?.origin);
  if (current?.origin.kind === 'file' && !here) return `${name} is set at ${current.origin.pos.file}:${current.origin.pos.line} (${current.origin.pos.yamlPath}), not in a redis.conf text --fix can edit: change it there`;
  let target = here;
  if (!target) {
    const role = roleKey(dep);
    const candidates = [...dep.config.values()].map((d) => inString(d.origin)).filter((h): h is NonNullable<typeof h> => h !== undefined);
    target = candidates.find((h) => h.path[h.path.length - 1] === 'configuration' && h.path[h.path.length - 2] === role) ?? candidates[candidates.length - 1];
  }
  if (target) {
    return { op: { op: 'conf', file: target.doc.file, doc: target.doc.index, path: target.path, directive: name, args }, where: target.path.join('.') };
  }
  if (dep.source === 'workload' || dep.source === 'configmap') return `the redis.conf is not in a ConfigMap of the input: add "${name} ${args.join(' ')}" to it`;
  const role = roleKey(dep);
  const base = valuesBase(ctx, `${role}.configuration`);
  if (typeof base === 'string') return base;
  const path = [...base, role, 'configuration'];
  return { op: { op: 'conf', file: ctx.objectDoc.file, doc: ctx.objectDoc.index, path, directive: name, args }, where: path.join('.') };
}

/** The rules --fix handles beyond src/fix/fixes.ts, and how. */
/** A fix that needs the files: what it does in general (docs, `redis-lint rules`), and how. */
interface FileFix {
  description: string;
  propose(ctx: Ctx): Proposal;
}

const FILE_FIXES: Record<string, FileFix> = {
  'appendfsync-policy': {
    description: 'set appendfsync everysec (and no-appendfsync-on-rewrite no) in the redis.conf text',
    propose(ctx) {
      const ops: FileOp[] = [];
      const words: string[] = [];
      const fsync = (ctx.dep.config.get('appendfsync')?.args[0] ?? 'everysec').toLowerCase();
      if (fsync !== 'everysec') {
        const s = setDirective(ctx, 'appendfsync', ['everysec']);
        if (typeof s === 'string') return s;
        ops.push(s.op);
        words.push(`appendfsync everysec (was ${fsync}) in ${s.where}`);
      }
      const onRewrite = (ctx.dep.config.get('no-appendfsync-on-rewrite')?.args[0] ?? 'no').toLowerCase();
      if (onRewrite === 'yes') {
        const s = setDirective(ctx, 'no-appendfsync-on-rewrite', ['no']);
        if (typeof s === 'string') return s;
        ops.push(s.op);
        words.push(`no-appendfsync-on-rewrite no in ${s.where}`);
      }
      return ops.length ? { ops, description: `set ${words.join(', ')}` } : 'nothing to change';
    },
  },
  'aof-load-truncated-off': {
    description: 'set aof-load-truncated yes in the redis.conf text',
    propose(ctx) {
      const s = setDirective(ctx, 'aof-load-truncated', ['yes']);
      return typeof s === 'string' ? s : { ops: [s.op], description: `set aof-load-truncated yes in ${s.where}` };
    },
  },
  'aof-disk-headroom': { description: "set the data volume's size to the model's recommended size", propose: volumeFix },
  'aof-rewrite-unreachable': { description: "set the data volume's size to the model's recommended size", propose: volumeFix },
  'fork-memory-headroom': { description: 'lower maxmemory to what the memory limit carries through a fork, or raise the limit when a dataset size is given that maxmemory must hold', propose: memoryFix },
  'maxmemory-unset': { description: 'set maxmemory to what the memory limit carries through a fork', propose: memoryFix },
  'liveness-kills-loading': {
    description: "add a startupProbe (the liveness probe's check) whose budget covers the projected load time",
    propose(ctx) {
      const load = ctx.projection?.loadSeconds;
      if (load === null || load === undefined) return 'no projected load time';
      const period = 10;
      // budget: the projected load time x 1.5 plus 30 s for the process to start, in whole periods
      const failureThreshold = Math.max(3, Math.ceil((load * 1.5 + 30) / period));
      const why = `(the model's load time ${Math.ceil(load)}s x 1.5 + 30s = ${failureThreshold * period}s)`;
      if (ctx.dep.source === 'workload') {
        const live = ctx.dep.livenessProbe.origin;
        if (live.kind !== 'file') return 'the liveness probe is not in the input';
        const hit = ctx.docs.nodeAt(live.pos);
        if (!hit || hit.path[hit.path.length - 1] !== 'livenessProbe') return 'the liveness probe could not be located';
        const probe = at(hit.doc.json, hit.path) as Record<string, unknown> | undefined;
        const handler = Object.fromEntries(Object.entries(probe ?? {}).filter(([k]) => ['exec', 'tcpSocket', 'httpGet', 'grpc'].includes(k)));
        if (!Object.keys(handler).length) return 'the liveness probe has no handler to copy';
        const path = [...hit.path.slice(0, -1), 'startupProbe'];
        const value = { ...handler, periodSeconds: period, timeoutSeconds: Number(probe?.timeoutSeconds ?? 5), failureThreshold };
        return { ops: [{ op: 'set', file: hit.doc.file, doc: hit.doc.index, path, value }], description: `add ${path.join('.')} with the liveness probe's check, periodSeconds ${period}, failureThreshold ${failureThreshold} ${why}` };
      }
      const role = ctx.dep.role === 'sentinel-node' ? 'sentinel' : roleKey(ctx.dep);
      const base = valuesBase(ctx, `${role}.startupProbe`);
      if (typeof base === 'string') return base;
      const ops: FileOp[] = [
        { op: 'set', file: ctx.objectDoc.file, doc: ctx.objectDoc.index, path: [...base, role, 'startupProbe', 'enabled'], value: true },
        { op: 'set', file: ctx.objectDoc.file, doc: ctx.objectDoc.index, path: [...base, role, 'startupProbe', 'periodSeconds'], value: period },
        { op: 'set', file: ctx.objectDoc.file, doc: ctx.objectDoc.index, path: [...base, role, 'startupProbe', 'failureThreshold'], value: failureThreshold },
      ];
      return { ops, description: `set ${role}.startupProbe.enabled: true, periodSeconds: ${period}, failureThreshold: ${failureThreshold} ${why}` };
    },
  },
};

/** aof-disk-headroom, aof-rewrite-unreachable: the data volume to the model's recommended size. */
function volumeFix(ctx: Ctx): Proposal {
  const p = ctx.projection;
  const size = ctx.dep.volume.size;
  if (!p || p.disk.recommendedVolumeBytes === null || !size) return 'the model has no recommended volume size for this deployment (no dataset bound)';
  if (size.value >= p.disk.recommendedVolumeBytes) return 'the volume is already at least the recommended size';
  const quantity = formatQuantity(p.disk.recommendedVolumeBytes);
  const s = setSetting(ctx, size.origin, quantity, [roleKey(ctx.dep), 'persistence', 'size'], 'the volume size');
  if (typeof s === 'string') return s;
  const sts = ctx.dep.source === 'workload' && /volumeClaimTemplates/.test(s.where) ? '; an existing StatefulSet cannot change volumeClaimTemplates: resize its PVCs and recreate the StatefulSet with --cascade=orphan' : '';
  const peak = p.disk.peakBytes !== null && p.disk.peakBytes !== undefined ? `projected peak disk ${formatBytes(p.disk.peakBytes)} + headroom` : 'the model';
  return { ops: [s.op], description: `set ${s.where}: ${quantity} (was ${formatQuantity(size.value)}; recommended by ${peak}, ${p.dataset.basis === 'workload' ? 'dataset from the workload inputs' : `dataset bounded by ${p.dataset.basis}`})${sts}` };
}

/** fork-memory-headroom, maxmemory-unset: make maxmemory and the memory limit agree. */
function memoryFix(ctx: Ctx): Proposal {
  const p = ctx.projection;
  const limit = ctx.dep.memoryLimit.value;
  if (!p || limit === null) return 'no memory limit to fit maxmemory to';
  const safe = safeMaxmemory(limit, p);
  const dataset = p.dataset.bytes;
  if (p.dataset.basis === 'workload' && dataset !== null && dataset > safe) {
    // lowering maxmemory below the real dataset would evict or refuse writes: raise the limit instead
    const peak = p.memory.forkPeakBytes;
    if (peak === null) return 'no projected fork peak';
    const needed = formatQuantity(Math.ceil(peak / MIB) * MIB);
    const s = setSetting(ctx, ctx.dep.memoryLimit.origin, needed, [roleKey(ctx.dep), 'resources', 'limits', 'memory'], 'the memory limit');
    if (typeof s === 'string') return s;
    return { ops: [s.op], description: `set ${s.where}: ${needed} (the model's fork peak for the ${formatBytes(dataset)} dataset you gave; maxmemory is not lowered below it)` };
  }
  if (safe <= 0) return `the ${formatBytes(limit)} memory limit carries no dataset through a fork: raise the limit`;
  const current = ctx.dep.config.get('maxmemory');
  const s = setDirective(ctx, 'maxmemory', [mb(safe)]);
  if (typeof s === 'string') return s;
  return { ops: [s.op], description: `set maxmemory ${mb(safe)}${current ? ` (was ${current.args[0]})` : ''} in ${s.where}: what the ${formatBytes(limit)} memory limit carries${p.memory.forkHappens ? ' through a fork (the model\'s copy-on-write)' : ''}` };
}

/** What --fix does for each rule it can fix, in general (for docs/rules and `redis-lint rules`). */
export const FIX_DESCRIPTIONS: Readonly<Record<string, string>> = {
  ...Object.fromEntries([...FIXES.values()].map((f) => [f.ruleId, f.description])),
  ...Object.fromEntries(Object.entries(FILE_FIXES).map(([id, f]) => [id, f.description])),
};

/**
 * Plan the fixes of a lint run's findings: for each finding of a fixable rule, in order, the
 * file operations that fix it. The webhook's fixes (src/fix/fixes.ts) are used for the rules that
 * have no file-specific fix. Every fix is taken, safe or not: the user reviews the diff (the
 * `mutate` switch of the config is the webhook's).
 * @param result the lint run (texts, deployments, projections, findings)
 */
export function planFileFixes(result: LintResult): FixPlanOfFiles {
  const docs = new FileDocs(result.texts);
  const plan: FixPlanOfFiles = { fixes: [], skipped: [] };
  for (const finding of result.findings) {
    const fileFix = FILE_FIXES[finding.ruleId];
    const fix = FIXES.get(finding.ruleId);
    if (!fileFix && !fix) continue;
    // a finding reported once for several roles (engine dedupe) is fixed for each of them
    for (const role of [finding.role, ...(finding.alsoRoles ?? [])]) planOne(result, docs, plan, finding, role, fileFix, fix);
  }
  return plan;
}

/** Plan the fix of one finding for one deployment role of its object. */
function planOne(result: LintResult, docs: FileDocs, plan: FixPlanOfFiles, finding: Finding, role: Finding['role'], fileFix: FileFix | undefined, fix: Fix | undefined): void {
  {
    const i = deploymentOf(result, finding, role);
    if (i < 0) {
      plan.skipped.push({ finding, reason: 'no single deployment matches the finding (objects of the same kind and name in one file?)' });
      return;
    }
    const dep = result.deployments[i];
    const objectDoc = docs.docAt(dep.object.file, dep.object.pos.line);
    if (!objectDoc) {
      plan.skipped.push({ finding, reason: dep.object.file === '<stdin>' ? 'standard input cannot be fixed in place' : 'the file cannot be edited (it does not parse cleanly)' });
      return;
    }
    const projection = result.projections[i];
    const ctx: Ctx = { docs, dep, projection: projection instanceof Error ? undefined : projection, finding, objectDoc };
    let proposal: Proposal;
    if (fileFix) proposal = fileFix.propose(ctx);
    else {
      const p = fix!.propose({ object: objectDoc.json as JsonObject, finding, deployment: dep, projection: ctx.projection });
      proposal =
        typeof p === 'string'
          ? p
          : {
              description: p.description,
              ops: p.operations.map((o) => ({ op: 'set' as const, file: objectDoc.file, doc: objectDoc.index, path: parsePointer(o.path).map((t) => (/^\d+$/.test(t) ? Number(t) : t)), value: o.value })),
            };
    }
    if (typeof proposal === 'string') plan.skipped.push({ finding, reason: proposal });
    else plan.fixes.push({ finding, ...proposal });
  }
}

/** What applying a plan did. */
export interface FixOutcome {
  /** files written (--fix) or that would change (dry run) */
  written: number;
  /** the unified diff of every file that changes ('' when none) */
  diff: string;
  /** each fixed finding's edits in original-file coordinates (rdjson suggestions, SARIF fixes) */
  editsByFinding: Map<Finding, FileEdit[]>;
  /** a file could not be written */
  failed: boolean;
}

/**
 * Apply planned fixes to the files' texts, file by file, fix by fix: a fix whose edit cannot be
 * made safely (YamlEditError) is skipped and said so; the others go on. `write` writes each
 * changed file atomically; `dry-run` only computes the diff. Notices go to `err`, one line each.
 */
export function applyFilePlans(plan: FixPlanOfFiles, texts: ReadonlyMap<string, string>, mode: 'write' | 'dry-run', err: NodeJS.WritableStream): FixOutcome {
  const outcome: FixOutcome = { written: 0, diff: '', editsByFinding: new Map(), failed: false };
  const after = new Map<string, string>();
  const seen = new Set<string>();
  const done: PlannedFix[] = [];
  const byFileOf = (ops: FileOp[]) => {
    const m = new Map<string, FileOp[]>();
    for (const o of ops) m.set(o.file, [...(m.get(o.file) ?? []), o]);
    return m;
  };
  for (const fix of plan.fixes) {
    const next = new Map<string, string>();
    const edits: FileEdit[] = [];
    try {
      // suggestions are made against the original text, each fix on its own (also when another
      // finding's fix already made the same change)
      for (const [file, fileOps] of byFileOf(fix.ops)) edits.push(...applyYamlEdits(file, texts.get(file)!, fileOps).edits);
      for (const [file, fileOps] of byFileOf(fix.ops.filter((o) => !seen.has(JSON.stringify(o))))) {
        next.set(file, applyYamlEdits(file, after.get(file) ?? texts.get(file)!, fileOps).text);
      }
    } catch (e) {
      if (!(e instanceof YamlEditError)) throw e;
      plan.skipped.push({ finding: fix.finding, reason: e.message });
      continue;
    }
    for (const [file, text] of next) after.set(file, text);
    for (const o of fix.ops) seen.add(JSON.stringify(o));
    outcome.editsByFinding.set(fix.finding, [...(outcome.editsByFinding.get(fix.finding) ?? []), ...edits]);
    done.push(fix);
  }
  for (const fix of done) err.write(`redis-lint: ${mode === 'write' ? 'fixed' : 'would fix'} ${where(fix.finding)} ${fix.finding.ruleId}: ${fix.description}\n`);
  for (const s of plan.skipped) err.write(`redis-lint: not fixed ${where(s.finding)} ${s.finding.ruleId}: ${s.reason}\n`);
  for (const [file, text] of after) {
    const before = texts.get(file)!;
    if (text === before) continue;
    outcome.diff += unifiedDiff(file, before, text);
    if (mode === 'dry-run') {
      outcome.written++;
      continue;
    }
    try {
      writeFileAtomic(file, text);
      outcome.written++;
    } catch (e) {
      if (!(e instanceof FixWriteError)) throw e;
      err.write(`redis-lint: ${e.message}\n`);
      outcome.failed = true;
    }
  }
  return outcome;
}

function where(f: Finding): string {
  return `${f.pos.file}:${f.pos.line}:${f.pos.column}`;
}
