import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { firstDuplicateKey, type LoadedDocument } from '../load/documents.js';
import type { Projection } from '../model/projection.js';
import { ruleById } from '../rules/index.js';
import { isBitnamiRedisValues } from '../sources/bitnami-chart.js';
import { findingObject } from '../sources/common.js';
import { identifyChart } from '../sources/chart-identity.js';
import { podSpecPath } from '../sources/pod-spec.js';
import type { Finding, Origin, RedisDeployment, SourcePosition } from '../types.js';
import { roleKey, type FixContext, type FixOperation, type RuleFix } from './operations.js';
import type { YamlEditOp } from './yaml-edit.js';

/**
 * The fix engine's planner, shared by `--fix` and the webhook's /mutate: for each finding of a
 * rule with a `fix`, the rule's abstract operations (src/fix/operations.ts) resolved to concrete
 * edits of documents: "set the value at this path of document N of file F" or "set this
 * directive in the redis.conf text at this path". The appliers make them happen: YAML text edits
 * (src/fix/files.ts, `--fix`) or a JSON Patch of the object under review (src/fix/json-patch.ts).
 * Resolution reads the documents as the lint saw them ({@link EditableDocs}); it never changes them.
 */

/** A concrete edit in one document of one file (the YAML applier's op, with its file). */
export type FileOp = YamlEditOp & { file: string };

/** The fix of one finding, ready to apply. */
export interface PlannedFix {
  finding: Finding;
  ruleId: string;
  /** whether the rule's fix is marked safe (the webhook applies safe fixes by default) */
  safe: boolean;
  ops: FileOp[];
  /** what changes and where its numbers come from, e.g. `set master.persistence.size: 720Mi (the model's peak disk 576Mi + 20% headroom)` */
  description: string;
}

/** What the planner made of a run's findings. */
export interface FixPlanOfFiles {
  fixes: PlannedFix[];
  /** findings of fixable rules that cannot be fixed automatically, and why */
  skipped: Array<{ finding: Finding; reason: string }>;
}

/** One YAML document, as the planner reads it (positions as the lint saw them). */
export interface EditableDoc {
  file: string;
  index: number;
  json: unknown;
  contents: Node | null;
  /** first and last line of the document, in the positions' numbering */
  firstLine: number;
  lastLine: number;
}

/**
 * The documents fixes may edit, by file: the input files parsed again for `--fix` (a file that
 * does not parse cleanly, or standard input, has none: it is never edited), or the webhook's
 * documents (the object under review and the ConfigMaps read for it), whose positions number the
 * nodes (src/webhook/document.ts).
 */
export class EditableDocs {
  private constructor(
    /**
     * `exact`: a node's range holds only the node itself, not its children (the webhook's numbered
     * nodes), so a position is found by its node's start rather than by descending through ranges
     */
    private readonly lookup: (file: string) => { docs: EditableDoc[]; offsetOf(pos: SourcePosition): number; exact?: boolean } | null,
  ) {}

  /** The input files of a lint run, parsed again from their texts (`--fix`). */
  static fromTexts(texts: ReadonlyMap<string, string>): EditableDocs {
    const cache = new Map<string, { docs: EditableDoc[]; offsetOf(pos: SourcePosition): number } | null>();
    return new EditableDocs((file) => {
      if (cache.has(file)) return cache.get(file)!;
      const raw = texts.get(file);
      let entry: { docs: EditableDoc[]; offsetOf(pos: SourcePosition): number } | null = null;
      if (raw !== undefined && file !== '<stdin>') {
        const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
        const lc = new LineCounter();
        // duplicate keys by our O(n) check, not yaml's O(n²) uniqueKeys (issue 13)
        const parsed = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false });
        if (Array.isArray(parsed) && parsed.every((d) => d.errors.length === 0 && firstDuplicateKey(d) === undefined)) {
          try {
            const docs = parsed.map((d, index) => ({
              file,
              index,
              json: d.toJS({ maxAliasCount: 100 }) as unknown,
              contents: (d.contents as Node | null) ?? null,
              firstLine: lc.linePos(d.range[0]).line,
              lastLine: lc.linePos(Math.max(d.range[0], d.range[2] - 1)).line,
            }));
            entry = { docs, offsetOf: (pos) => (lc.lineStarts[pos.line - 1] ?? 0) + pos.column - 1 };
          } catch {
            // toJS refuses what it cannot expand safely (alias bombs): such a file is not edited
            entry = null;
          }
        }
      }
      cache.set(file, entry);
      return entry;
    });
  }

  /**
   * The webhook's documents (objectDocument: no text; node N has the range [N, N+1] and a
   * position's line is N + 1), one document per file name.
   */
  static fromDocuments(documents: readonly LoadedDocument[]): EditableDocs {
    const byFile = new Map<string, { docs: EditableDoc[]; offsetOf(pos: SourcePosition): number; exact: true }>();
    for (const d of documents) {
      const contents = (d.doc.contents as Node | null) ?? null;
      const doc: EditableDoc = { file: d.file, index: d.index, json: d.doc.toJS() as unknown, contents, firstLine: 1, lastLine: Number.MAX_SAFE_INTEGER };
      byFile.set(d.file, { docs: [doc], offsetOf: (pos) => pos.line - 1, exact: true });
    }
    return new EditableDocs((file) => byFile.get(file) ?? null);
  }

  /** Whether a file has documents that may be edited. */
  has(file: string): boolean {
    return this.lookup(file) !== null;
  }

  /** The document of a file that holds a line. */
  docAt(file: string, line: number): EditableDoc | undefined {
    return this.lookup(file)?.docs.find((d) => line >= d.firstLine && line <= d.lastLine);
  }

  /** The deepest node at a position, with its path from the document root. */
  nodeAt(pos: SourcePosition): { doc: EditableDoc; path: Array<string | number>; node: Node } | undefined {
    const f = this.lookup(pos.file);
    const doc = this.docAt(pos.file, pos.line);
    if (!f || !doc || !doc.contents) return undefined;
    const offset = f.offsetOf(pos);
    if (f.exact) return findStart(doc, offset);
    const path: Array<string | number> = [];
    let node: Node = doc.contents;
    for (;;) {
      let next: Node | undefined;
      if (isMap(node)) {
        for (const pair of node.items) {
          const v = pair.value as Node | null;
          const k = pair.key as Node | null;
          const inValue = v && v.range && offset >= v.range[0] && offset < Math.max(v.range[1], v.range[0] + 1);
          const inKey = k && k.range && offset >= k.range[0] && offset < k.range[1] && v;
          if (inValue || inKey) {
            if (!isScalar(k)) return undefined;
            path.push(String(k.value));
            next = v!;
            break;
          }
        }
      } else if (isSeq(node)) {
        for (let i = 0; i < node.items.length && !next; i++) {
          const n = node.items[i] as Node | null;
          if (n && n.range && offset >= n.range[0] && offset < Math.max(n.range[1], n.range[0] + 1)) {
            path.push(i);
            next = n;
          }
        }
      }
      if (!next) return { doc, path, node };
      node = next;
    }
  }
}

/**
 * The node whose range starts at `offset` (a value node, or the value of a key starting there),
 * with its path: a walk of the document, iterative (no recursion depth limit), linear in its size.
 */
function findStart(doc: EditableDoc, offset: number): { doc: EditableDoc; path: Array<string | number>; node: Node } | undefined {
  if (!doc.contents) return undefined;
  // each entry: the node, and the entry it hangs under with its key (the path is rebuilt only for the hit)
  type Entry = { node: Node; up?: Entry; key?: string | number };
  const pathOf = (e: Entry, last?: string | number) => {
    const path: Array<string | number> = last === undefined ? [] : [last];
    for (let x: Entry | undefined = e; x?.up; x = x.up) path.unshift(x.key!);
    return path;
  };
  const stack: Entry[] = [{ node: doc.contents }];
  while (stack.length) {
    const e = stack.pop()!;
    const { node } = e;
    if (node.range?.[0] === offset) return { doc, path: pathOf(e), node };
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = pair.key as Node | null;
        const v = pair.value as Node | null;
        if (!isScalar(k) || !v) continue;
        if (k.range?.[0] === offset) return { doc, path: pathOf(e, String(k.value)), node: v };
        stack.push({ node: v, up: e, key: String(k.value) });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (item) stack.push({ node: item as Node, up: e, key: i });
      });
    }
  }
  return undefined;
}

/** The JSON value at a path. */
export function at(json: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), json);
}

/** What the run found: findings, and the deployments and projections they are about (same index). */
export interface FixInput {
  findings: readonly Finding[];
  deployments: readonly RedisDeployment[];
  projections: ReadonlyArray<Projection | Error>;
}

/**
 * The deployment a finding is about: same object and role; of several (objects of the same kind
 * and name in different files, e.g. many HelmReleases named redis) the one in the finding's file.
 * @returns its index, -1 when none or several match
 */
export function deploymentOf(input: FixInput, f: Finding, role = f.role): number {
  const same: number[] = [];
  input.deployments.forEach((d, i) => {
    const o = findingObject(d.object);
    if (f.object !== undefined && role === d.role && o.kind === f.object.kind && o.name === f.object.name && (o.namespace ?? '') === (f.object.namespace ?? '')) same.push(i);
  });
  if (same.length <= 1) return same[0] ?? -1;
  const inFile = same.filter((i) => input.deployments[i].object.file === f.pos.file);
  return inFile.length === 1 ? inFile[0] : -1;
}

/**
 * Plan the fixes of a run's findings: for each finding (in order) whose rule has a `fix` that
 * `select` accepts, for each of its roles (a finding reported once for several roles is fixed for
 * each), the rule's operations resolved in `docs`.
 * @param select whether to fix a rule's findings (the webhook: the policy's `mutate`, default `fix.safe`; `--fix`: every fix)
 */
export function planFixes(input: FixInput, docs: EditableDocs, select: (ruleId: string, fix: RuleFix) => boolean = () => true): FixPlanOfFiles {
  const plan: FixPlanOfFiles = { fixes: [], skipped: [] };
  for (const finding of input.findings) {
    const fix = ruleById(finding.ruleId)?.fix;
    if (!fix || !select(finding.ruleId, fix)) continue;
    for (const role of [finding.role, ...(finding.alsoRoles ?? [])]) {
      const p = planOne(input, docs, finding, role, fix);
      if (typeof p === 'string') plan.skipped.push({ finding, reason: p });
      else plan.fixes.push(p);
    }
  }
  return plan;
}

/** Context of resolving one finding's operations. */
interface Ctx {
  docs: EditableDocs;
  dep: RedisDeployment;
  /** the document the deployment was read from */
  objectDoc: EditableDoc;
}

function planOne(input: FixInput, docs: EditableDocs, finding: Finding, role: Finding['role'], fix: RuleFix): PlannedFix | string {
  const i = deploymentOf(input, finding, role);
  if (i < 0) return 'no single deployment matches the finding (objects of the same kind and name in one file?)';
  const dep = input.deployments[i];
  const objectDoc = docs.docAt(dep.object.file, dep.object.pos.line);
  if (!objectDoc) return dep.object.file === '<stdin>' ? 'standard input cannot be fixed in place' : 'the file cannot be edited (it does not parse cleanly)';
  const projection = input.projections[i];
  const fctx: FixContext = {
    finding,
    dep,
    projection: projection instanceof Error ? undefined : projection,
    valueAt: (origin) => {
      if (origin.kind !== 'file') return undefined;
      const hit = docs.nodeAt(origin.pos);
      return hit && hit.path.join('.') === origin.pos.yamlPath ? at(hit.doc.json, hit.path) : undefined;
    },
  };
  const proposal = fix.propose(fctx);
  if (typeof proposal === 'string') return proposal;
  const ctx: Ctx = { docs, dep, objectDoc };
  const ops: FileOp[] = [];
  const where: string[] = [];
  for (const op of proposal.operations) {
    const r = resolve(ctx, op);
    if (typeof r === 'string') return r;
    ops.push(r.op);
    where.push(r.where);
  }
  const description = proposal.description.replace(/\{where(\d*)\}/g, (_m, n: string) => where[n ? Number(n) : 0] ?? '');
  return { finding, ruleId: finding.ruleId, safe: fix.safe, ops, description };
}

/** One abstract operation as a concrete edit, with where it lands (a dotted path, for descriptions), or why it cannot be made. */
function resolve(ctx: Ctx, op: FixOperation): { op: FileOp; where: string } | string {
  switch (op.op) {
    case 'set-setting':
      return setSetting(ctx, op.origin, op.value, op.chartKey, op.what);
    case 'set-directive':
      return setDirective(ctx, op.name, op.args);
    case 'set-pod-field': {
      if (ctx.dep.source !== 'workload') return `${ctx.dep.source} input has no pod spec`;
      const pod = podSpecPath(String(at(ctx.objectDoc.json, ['kind']) ?? ''));
      if (!pod) return `${String(at(ctx.objectDoc.json, ['kind']))} has no pod template`;
      const path = [...pod, ...op.path];
      return { op: { op: 'set', file: ctx.objectDoc.file, doc: ctx.objectDoc.index, path, value: op.value }, where: path.join('.') };
    }
    case 'set-values': {
      if (ctx.dep.source === 'workload' || ctx.dep.source === 'configmap') return `${ctx.dep.source} input has no chart values`;
      const base = valuesBase(ctx, op.key.slice(0, 2).join('.'));
      if (typeof base === 'string') return base;
      return { op: { op: 'set', file: ctx.objectDoc.file, doc: ctx.objectDoc.index, path: [...base, ...op.key], value: op.value }, where: op.key.join('.') };
    }
    case 'set-beside': {
      if (op.origin.kind !== 'file') return `the ${op.key} would go beside a setting that is not in the input`;
      const hit = ctx.docs.nodeAt(op.origin.pos);
      if (!hit || hit.path.join('.') !== op.origin.pos.yamlPath) return `the node beside which ${op.key} goes could not be located`;
      const path = [...hit.path.slice(0, -1), op.key];
      return { op: { op: 'set', file: hit.doc.file, doc: hit.doc.index, path, value: op.value }, where: path.join('.') };
    }
  }
}

/**
 * Where the Bitnami values of a chart object live, as path tokens: a HelmRelease's
 * `spec.values`; an Argo CD Application's `helm.valuesObject` of its redis source. Argo CD uses
 * `valuesObject` instead of (not on top of) the `helm.values` string when both are set
 * (ApplicationSourceHelm.ValuesYAML), so a values string without a `valuesObject` is not
 * changed: adding one would drop the string's values. A values file: its root, or `redis:` of an
 * umbrella chart's values (as src/sources/values-file.ts reads it).
 * @param overridden a values key (`master.podSecurityContext`): `helm.parameters` setting it win over valuesObject, so none may
 * @returns the tokens, or why the values cannot be changed
 */
function valuesBase(ctx: Ctx, overridden: string): Array<string | number> | string {
  const { dep } = ctx;
  const object = ctx.objectDoc.json;
  // the role keys of the fixes (master/replica) are the Bitnami redis chart's: other charts' values are changed only where the input writes them
  if (dep.chart && dep.chart.name !== 'redis') return `the ${dep.chart.name} chart's values are changed only where the input sets them: set ${overridden} (or its equivalent) there`;
  // a release whose deployments come from no chart adapter (bjw-s app-template: its values are containers, not chart roles)
  if (!dep.chart && dep.source !== 'bitnami-values') return `${dep.source} input is not a chart with master/replica values: change it where it is set`;
  if (dep.source === 'bitnami-values') {
    if (dep.valuesPrefix) return dep.valuesPrefix;
    if (isBitnamiRedisValues(object)) return [];
    return isBitnamiRedisValues(at(object, ['redis'])) ? ['redis'] : 'the values file is not Bitnami redis values at its root or under redis:';
  }
  if (dep.source === 'helmrelease') return ['spec', 'values', ...(dep.valuesPrefix ?? [])];
  // an umbrella chart's sub-chart in an Application: its source is not a redis chart, so none is found below
  if (dep.valuesPrefix && dep.source === 'argocd-application') return `the redis values are the ${dep.valuesPrefix.join('.')} sub-chart of another chart: not changed`;
  if (dep.source !== 'argocd-application') return `${dep.source} input has no chart values`;
  let base: Array<string | number>;
  const sources = at(object, ['spec', 'sources']);
  if (Array.isArray(sources)) {
    const redis = sources
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => {
        const chart = at(s, ['chart']);
        const path = at(s, ['path']);
        return typeof chart === 'string' ? identifyChart(chart, String(at(s, ['repoURL']) ?? '') || undefined, undefined).verdict !== 'no' : typeof path === 'string' && /(^|\/)bitnami\/redis\/?$/.test(path);
      });
    if (redis.length !== 1) return `the Application has ${redis.length} redis chart sources: not changed`;
    base = ['spec', 'sources', redis[0].i];
  } else {
    base = ['spec', 'source'];
  }
  const helm = at(object, [...base, 'helm']);
  const values = at(helm, ['values']);
  if (typeof values === 'string' && values.trim() !== '' && at(helm, ['valuesObject']) === undefined) {
    return `the values are a YAML string (${[...base, 'helm', 'values'].join('.')}): set ${overridden} there (a valuesObject would replace the string)`;
  }
  const params = at(helm, ['parameters']);
  if (Array.isArray(params) && params.some((p) => typeof at(p, ['name']) === 'string' && (at(p, ['name']) as string).startsWith(overridden))) {
    return `helm.parameters set ${overridden}, which wins over valuesObject: change the parameter`;
  }
  return [...base, 'helm', 'valuesObject'];
}

/** A `set` of the node an origin points at (a value in a file), or of `chartKey` under the chart values when the value is a chart default. */
function setSetting(ctx: Ctx, origin: Origin, value: unknown, chartKey: ReadonlyArray<string | number> | undefined, what: string): { op: FileOp; where: string } | string {
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

/** Chart values keys whose string is redis.conf text: Bitnami redis/valkey `commonConfiguration`, `<role>.configuration`, redis-cluster `redis.configmap`/`defaultConfigOverride`, valkey-helm `valkeyConfig`, redis-ha `redis.customConfig`. */
const CONF_TEXT_KEYS = new Set(['commonConfiguration', 'configuration', 'configmap', 'defaultConfigOverride', 'valkeyConfig', 'customConfig']);

/**
 * Set a redis.conf directive where the deployment's redis.conf text lives: the string holding the
 * directive now, else the string holding its other directives (a ConfigMap's key, the chart's
 * `<role>.configuration` or `commonConfiguration`), else a new `<role>.configuration` for the chart.
 */
function setDirective(ctx: Ctx, name: string, args: readonly string[]): { op: FileOp; where: string } | string {
  const { dep } = ctx;
  const inString = (origin: Origin | undefined) => {
    if (!origin || origin.kind !== 'file') return undefined;
    const hit = ctx.docs.nodeAt(origin.pos);
    if (!hit || !isScalar(hit.node) || typeof hit.node.value !== 'string') return undefined;
    // a redis.conf text is the value of a key (ConfigMap data, commonConfiguration); a sequence item is a command-line argument
    if (typeof hit.path[hit.path.length - 1] !== 'string') return undefined;
    // a directive inside an embedded values string (Argo helm.values) has a longer yamlPath than the string's own path
    if (hit.path.join('.') !== origin.pos.yamlPath) return undefined;
    // chart values: only the keys that hold redis.conf text (not `useAOFPersistence: "yes"` or a redis-ha `redis.config` entry, which hold one value)
    if (dep.chart && !CONF_TEXT_KEYS.has(String(hit.path[hit.path.length - 1]))) return undefined;
    return hit;
  };
  const current = dep.config.get(name);
  const here = inString(current?.origin);
  if (current?.origin.kind === 'file' && !here) return `${name} is set at ${current.origin.pos.file}:${current.origin.pos.line} (${current.origin.pos.yamlPath}), not in a redis.conf text that can be edited: change it there`;
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
