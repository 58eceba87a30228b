import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_LIMITS, loadPaths, parseText, type InputLimits, type LoadedDocument } from './load/documents.js';
import { asString, type YamlVNode } from './load/vnode.js';
import { expiredExemptions, findExemption, type ExemptableObject, type ExemptionEntry, type ExemptionOptions } from './policy/exemptions.js';
import type { Policy } from './policy/policy.js';
import { applySuppressions } from './policy/suppressions.js';
import { RULES } from './rules/index.js';
import type { RuleResult } from './rules/rule.js';
import type { Projection } from './model/projection.js';
import { projectDeployment } from './rules/projection.js';
import { findingObject, objectRefOf, resolveWorkload, rootOf, workloadAnnotationProblems, type FileReader, type WorkloadFlags } from './sources/common.js';
import { collectDeployments, type ChartBeside } from './sources/index.js';
import { REDIS_PREFILTER } from './sources/prefilter.js';
import { redisDependency } from './sources/values-file.js';
import type { Finding, InputError, RedisDeployment, Severity, SourcePosition } from './types.js';

/** What one lint run found. */
export interface LintResult {
  findings: Finding[];
  /** every Redis deployment role found, with its workload inputs resolved (flags > annotations > config) */
  deployments: RedisDeployment[];
  /** the model's projection of each deployment (same index), or the RangeError the model threw for impossible numbers */
  projections: Array<Projection | Error>;
  files: string[];
  /** each input file's text as read, by file name (see LoadResult.texts) */
  texts: Map<string, string>;
  /** inputs that could not be read or parsed (exit 2) */
  inputErrors: InputError[];
  /** what the directory walk did not follow (symlinked directories): one line each on stderr */
  notices: string[];
  /** entries of the policy's `exemptions:` that name an object of the run but have expired (they no longer apply) */
  expiredExemptions: Array<{ object: { kind: string; namespace?: string; name: string }; entry: ExemptionEntry }>;
}

/** Options of a lint run. */
export interface LintOptions {
  policy: Policy;
  /** `--values` files, merged in order into one Bitnami release */
  valuesFiles?: string[];
  /** workload inputs from the command line (`--dataset-size` etc.): applied to every deployment, above annotations and config entries */
  workloadFlags?: WorkloadFlags;
  /** globs of paths not to read (`--exclude` and the config's `ignorePaths:`; LoadOptions.exclude) */
  exclude?: readonly string[];
  /**
   * false: parse every file with positions. Default: a cheap first pass skips the files that do not
   * concern Redis (src/sources/prefilter.ts); the findings are the same (test/engine/prefilter.test.ts)
   */
  prefilter?: boolean;
  /** caps on each input (default DEFAULT_LIMITS: 10 MiB per file, 10,000 documents per file) */
  limits?: InputLimits;
}

export { IGNORE_ALL, IGNORE_CHECK_PREFIX } from './policy/exemptions.js';

/**
 * Lint files, directories or stdin (`-`): load, turn into deployments, project, check.
 * Never throws on bad input: unreadable or unparseable inputs become `inputErrors` and
 * `invalid-yaml` findings. Inline `# redis-lint-disable...` comments in the files are applied
 * last (src/policy/suppressions.ts).
 */
export async function lintPaths(paths: string[], opts: LintOptions): Promise<LintResult> {
  const load = await loadPaths(paths, undefined, { exclude: opts.exclude, prefilter: opts.prefilter === false ? undefined : REDIS_PREFILTER, limits: opts.limits });
  const values = opts.valuesFiles?.length ? await loadPaths(opts.valuesFiles, undefined, { limits: opts.limits }) : undefined;
  const reader = referencedFileReader(load.documents, opts.limits ?? DEFAULT_LIMITS);
  const result = lintDocuments(load.documents, opts.policy, values?.documents, opts.workloadFlags, { precedence: false, readFile: reader.read });
  const inputErrors = [...load.errors, ...(values?.errors ?? [])];
  const parseFindings = inputErrors.map((e) => ({ ruleId: 'invalid-yaml', severity: severityOf(opts.policy, 'invalid-yaml') ?? 'error', message: e.message, pos: e.pos }) as Finding);
  for (const s of [...load.skipped, ...(values?.skipped ?? [])]) {
    const severity = severityOf(opts.policy, s.ruleId);
    if (severity) parseFindings.push({ ruleId: s.ruleId, severity, message: s.message, pos: s.pos });
  }
  const texts = new Map([...reader.texts, ...load.texts, ...(values?.texts ?? [])]);
  const severities = Object.fromEntries(Object.keys(opts.policy.rules).map((id) => [id, severityOf(opts.policy, id)]));
  const findings = applyPrecedence(applySuppressions([...parseFindings, ...result.findings], texts, severities, new Set(Object.keys(opts.policy.rules))));
  return {
    ...result,
    findings: sortFindings(findings),
    files: [...load.files, ...(values?.files ?? [])],
    inputErrors,
    texts,
    notices: [...load.notices, ...(values?.notices ?? [])],
  };
}

/**
 * Lint already-loaded documents (the webhook and tests call this directly). Pure apart from
 * reading a Chart.yaml next to a values file on disk to learn its chart version.
 * Workload inputs: `workloadFlags` > the object's `redis-lint.io/*` annotations > the policy's
 * `workloads:` entries (resolveWorkload); an annotation that is not a size is an `unresolved-values` finding.
 * Exemptions (src/policy/exemptions.ts): an object's `ignore-check.redis-lint.io/<id>` and
 * `redis-lint.io/ignore-all` annotations and the policy's unexpired `exemptions:` entries drop its
 * findings of those rules, the sources' notices about the object included.
 * @param exemptionOptions the clock expiry dates are compared with (default now), and whether
 *   exemption annotations count (default true; the webhook's `--disallow-annotation-exemptions`)
 */
export function lintDocuments(
  documents: LoadedDocument[],
  policy: Policy,
  valuesDocs?: LoadedDocument[],
  workloadFlags?: WorkloadFlags,
  exemptionOptions: ExemptionOptions & { precedence?: boolean; readFile?: FileReader } = {},
): Omit<LintResult, 'files' | 'inputErrors' | 'texts' | 'notices'> {
  const collected = collectDeployments(documents, { valuesDocs, chartOf: chartBeside, readFile: exemptionOptions.readFile });
  const exemptions = policy.exemptions ?? [];
  const now = exemptionOptions.now ?? new Date();
  const exemptOpts: ExemptionOptions = { ...exemptionOptions, now };
  const exempt = (object: ExemptableObject, ruleId: string) => findExemption(object, ruleId, exemptions, exemptOpts) !== undefined;
  const objectsOf = lazyObjects(documents, collected.deployments);
  const findings: Finding[] = [];
  const mergeBy = new WeakMap<Finding, NonNullable<RuleResult['merge']>>();
  for (const f of collected.findings) {
    const severity = severityOf(policy, f.ruleId);
    if (!severity) continue;
    const object = f.object && objectsOf().get(objectKey(f.object));
    if (object && exempt(object, f.ruleId)) continue;
    findings.push({ ...f, severity });
  }
  const deployments = collected.deployments.map((d) => ({ ...d, workload: resolveWorkload(d, workloadFlags, policy.workloads) }));
  const projections: Array<Projection | Error> = [];
  const unresolved = severityOf(policy, 'unresolved-values');
  for (const dep of deployments) {
    // the severity of this deployment's unresolved-values notices; undefined when off or exempt
    const notice = unresolved && !exempt(dep.object, 'unresolved-values') ? unresolved : undefined;
    if (notice) {
      for (const p of workloadAnnotationProblems(dep.object)) {
        findings.push({ ruleId: 'unresolved-values', severity: notice, message: p.message, pos: p.pos, object: findingObject(dep.object), role: dep.role });
      }
    }
    let projection;
    try {
      projection = projectDeployment(dep, policy.model);
      projections.push(projection);
    } catch (e) {
      // the model refuses impossible numbers (RangeError); say so instead of crashing the run
      projections.push(e instanceof Error ? e : new Error(String(e)));
      if (notice) findings.push({ ruleId: 'unresolved-values', severity: notice, message: `cannot project this deployment: ${(e as Error).message}`, pos: dep.object.pos, object: findingObject(dep.object), role: dep.role });
      continue;
    }
    for (const rule of RULES) {
      const severity = severityOf(policy, rule.id);
      if (!severity) continue;
      if (rule.needsWorkload && dep.source === 'configmap') continue;
      if (exempt(dep.object, rule.id)) continue;
      for (const r of rule.check({ dep, projection, params: policy.rules[rule.id]?.params ?? {} })) {
        const f: Finding = { ruleId: rule.id, severity, message: r.message, pos: r.pos, object: findingObject(dep.object), role: dep.role };
        if (r.merge) mergeBy.set(f, r.merge);
        findings.push(f);
      }
    }
  }
  const expired: LintResult['expiredExemptions'] = [];
  if (exemptions.some((e) => e.expiresAt !== undefined)) {
    const seen = new Set<string>();
    for (const o of [...deployments.map((d) => d.object), ...findings.flatMap((f) => (f.object ? [f.object] : []))]) {
      const key = objectKey(o);
      if (seen.has(key)) continue;
      seen.add(key);
      const object = o.namespace ? { kind: o.kind, namespace: o.namespace, name: o.name } : { kind: o.kind, name: o.name };
      for (const entry of expiredExemptions(o, exemptions, now)) expired.push({ object, entry });
    }
  }
  const deduped = dedupe(findings, mergeBy);
  return { findings: sortFindings(exemptionOptions.precedence === false ? deduped : applyPrecedence(deduped)), deployments, projections, expiredExemptions: expired };
}

/** Rule id -> the ids it supersedes (each rule's `supersedes`). */
const SUPERSEDES: ReadonlyMap<string, readonly string[]> = new Map(RULES.filter((r) => r.supersedes?.length).map((r) => [r.id, r.supersedes!]));

/**
 * Precedence between rules, as data (each rule's `supersedes`): a finding of a superseded rule is
 * dropped when a finding of a rule that supersedes it is about the same object and role (every
 * role of it, for a finding reported once for several roles). One root cause, one finding: the
 * most specific one, whose message carries the other's numbers and advice.
 * Applied last, after severities, exemptions and inline suppressions: a rule turned off, exempted
 * or suppressed reports nothing, so it hides nothing (the superseded finding then stands).
 * Linear in the number of findings.
 */
export function applyPrecedence(findings: Finding[]): Finding[] {
  if (!SUPERSEDES.size) return findings;
  const key = (f: Finding, role: string | undefined, ruleId: string) => `${ruleId}\0${f.object ? objectKey(f.object) : f.pos.file}\0${role ?? ''}`;
  const superseded = new Set<string>();
  for (const f of findings) {
    for (const id of SUPERSEDES.get(f.ruleId) ?? []) for (const role of [f.role, ...(f.alsoRoles ?? [])]) superseded.add(key(f, role, id));
  }
  if (!superseded.size) return findings;
  return findings.filter((f) => ![f.role, ...(f.alsoRoles ?? [])].every((role) => superseded.has(key(f, role, f.ruleId))));
}

function severityOf(policy: Policy, id: string): Severity | undefined {
  const s = policy.rules[id]?.severity;
  return s === undefined || s === 'off' ? undefined : s;
}

function objectKey(o: { kind: string; namespace?: string; name: string }): string {
  return `${o.kind}\0${o.namespace ?? ''}\0${o.name}`;
}

/**
 * The objects of a run by kind, namespace and name, with their annotations: those the deployments
 * were read from, then every document's own (for notices about objects that made no deployment,
 * e.g. a HelmRelease of another chart). Built on first use: most runs have no notice to exempt.
 */
function lazyObjects(documents: LoadedDocument[], deployments: RedisDeployment[]): () => Map<string, ExemptableObject> {
  let map: Map<string, ExemptableObject> | undefined;
  return () => {
    if (map) return map;
    map = new Map();
    for (const d of deployments) if (!map.has(objectKey(d.object))) map.set(objectKey(d.object), d.object);
    for (const doc of documents) {
      const root = rootOf(doc);
      if (root.kind() !== 'map' || !root.get('kind').exists) continue;
      const ref = objectRefOf(root, '');
      if (!map.has(objectKey(ref))) map.set(objectKey(ref), ref);
    }
    return map;
  };
}

/**
 * Roles of one release often share a node (e.g. chart-default volume size): report such a finding
 * once, naming the other roles in `alsoRoles` (so --fix fixes each of them). Findings with a
 * `merge` key (RuleResult.merge) are the same finding when their keys match; the one kept carries
 * the message and role of the lowest rank.
 */
function dedupe(findings: Finding[], mergeBy: WeakMap<Finding, NonNullable<RuleResult['merge']>>): Finding[] {
  const seen = new Map<string, Finding>();
  const addRole = (f: Finding, role: Finding['role']) => {
    if (role && role !== f.role && !f.alsoRoles?.includes(role)) f.alsoRoles = [...(f.alsoRoles ?? []), role];
  };
  return findings.filter((f) => {
    const merge = mergeBy.get(f);
    const key = `${f.ruleId}|${f.pos.file}|${f.pos.line}|${f.pos.column}|${merge ? `merge:${merge.key}` : f.message}`;
    const first = seen.get(key);
    if (first) {
      const firstRank = mergeBy.get(first)?.rank;
      if (merge && firstRank !== undefined && merge.rank < firstRank) {
        // the tighter bound wins: `first` (already in the output) takes this finding's words and role
        const was = first.role;
        first.message = f.message;
        first.role = f.role;
        first.alsoRoles = first.alsoRoles?.filter((r) => r !== f.role);
        if (first.alsoRoles?.length === 0) delete first.alsoRoles;
        addRole(first, was);
        mergeBy.set(first, merge);
      } else addRole(first, f.role);
      return false;
    }
    seen.set(key, f);
    return true;
  });
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Order by file, line, column, severity, rule id. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      (a.pos.file < b.pos.file ? -1 : a.pos.file > b.pos.file ? 1 : 0) ||
      a.pos.line - b.pos.line ||
      a.pos.column - b.pos.column ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.ruleId.localeCompare(b.ruleId),
  );
}

/**
 * The chart a values file belongs to, from a Chart.yaml in the same directory: its name, and the
 * Bitnami redis chart version when it is the chart itself (`name: redis`) or an umbrella chart's
 * `dependencies: [{name: redis}]`, with the values key of that dependency (its `alias:`, else
 * `redis`). Helm installs the versions of `Chart.lock` (written by `helm dependency update`),
 * so a Chart.lock beside it gives the redis version instead of the Chart.yaml range.
 * Undefined without a readable Chart.yaml.
 */
function chartBeside(file: string): ChartBeside | undefined {
  if (file === '<stdin>') return undefined;
  const chartFile = path.join(path.dirname(file), 'Chart.yaml');
  if (!existsSync(chartFile)) return undefined;
  const { documents } = parseText(readFileSync(chartFile, 'utf8'), chartFile);
  const doc = documents[0];
  if (!doc) return undefined;
  const root = rootOf(doc);
  const nameNode = root.child('name');
  const name = asString(nameNode.value()) ?? '';
  if (name === 'redis') {
    const v = root.child('version');
    const version = asString(v.value());
    return { name, pos: nameNode.pos(), isRedis: true, redis: version ? { version, pos: v.pos() } : undefined };
  }
  const dep = redisDependency(doc);
  if (!dep) {
    // the chart's own version, for the values of valkey, redis-cluster, … charts (sources/chart-kinds.ts)
    const v = root.child('version');
    const own = asString(v.value());
    return { name, pos: nameNode.pos(), isRedis: false, ...(own ? { version: { version: own, pos: v.pos() } } : {}) };
  }
  const lockFile = path.join(path.dirname(file), 'Chart.lock');
  const lock = existsSync(lockFile) ? parseText(readFileSync(lockFile, 'utf8'), lockFile).documents[0] : undefined;
  const locked = lock ? redisDependency(lock) : undefined;
  return { name, pos: nameNode.pos(), isRedis: true, redis: locked?.version ?? dep.version, valuesKey: dep.alias ?? 'redis' };
}

/**
 * A reader for files the inputs refer to (sources/common.ts FileReader): the run's own documents
 * when the file is among the inputs, else the file read from disk (a regular file up to the
 * input size limit) and parsed once; unreadable or unparseable files read as undefined.
 * @returns the reader and the texts of the files it read from disk (for suppressions and snippets)
 */
function referencedFileReader(loaded: readonly LoadedDocument[], limits: Pick<InputLimits, 'maxFileBytes' | 'maxDocuments'>): { read: FileReader; texts: Map<string, string> } {
  const byPath = new Map<string, LoadedDocument[]>();
  for (const d of loaded) {
    const key = path.resolve(d.file);
    const list = byPath.get(key);
    if (list) list.push(d);
    else byPath.set(key, [d]);
  }
  const texts = new Map<string, string>();
  const cache = new Map<string, LoadedDocument[] | undefined>();
  const read: FileReader = (file) => {
    const key = path.resolve(file);
    const own = byPath.get(key);
    if (own) return own;
    if (cache.has(key)) return cache.get(key);
    let docs: LoadedDocument[] | undefined;
    try {
      const st = statSync(key);
      if (st.isFile() && st.size <= limits.maxFileBytes) {
        const text = readFileSync(key, 'utf8');
        const parsed = parseText(text, file, limits);
        if (!parsed.errors.length) {
          docs = parsed.documents;
          texts.set(file, text);
        }
      }
    } catch {
      docs = undefined; // missing or unreadable: the source says the values were not read
    }
    cache.set(key, docs);
    return docs;
  };
  return { read, texts };
}
