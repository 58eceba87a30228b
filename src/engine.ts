import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadPaths, parseText, type LoadedDocument } from './load/documents.js';
import { asString } from './load/vnode.js';
import type { Policy } from './policy/policy.js';
import { RULES } from './rules/index.js';
import type { Projection } from './model/projection.js';
import { projectDeployment } from './rules/projection.js';
import { findingObject, resolveWorkload, rootOf, workloadAnnotationProblems, type WorkloadFlags } from './sources/common.js';
import { collectDeployments } from './sources/index.js';
import { redisDependencyVersion } from './sources/values-file.js';
import type { Finding, InputError, RedisDeployment, Severity, SourcePosition } from './types.js';

/** What one lint run found. */
export interface LintResult {
  findings: Finding[];
  /** every Redis deployment role found, with its workload inputs resolved (flags > annotations > config) */
  deployments: RedisDeployment[];
  /** the model's projection of each deployment (same index), or the RangeError the model threw for impossible numbers */
  projections: Array<Projection | Error>;
  files: string[];
  /** inputs that could not be read or parsed (exit 2) */
  inputErrors: InputError[];
}

/** Options of a lint run. */
export interface LintOptions {
  policy: Policy;
  /** `--values` files, merged in order into one Bitnami release */
  valuesFiles?: string[];
  /** workload inputs from the command line (`--dataset-size` etc.): applied to every deployment, above annotations and config entries */
  workloadFlags?: WorkloadFlags;
}

/** Annotation on an object that exempts it from one rule (`ignore-check.redis-lint.io/<rule-id>: "<reason>"`), as kube-linter does. */
export const IGNORE_CHECK_PREFIX = 'ignore-check.redis-lint.io/';
/** Annotation that exempts an object from every rule. */
export const IGNORE_ALL = 'redis-lint.io/ignore-all';

/**
 * Lint files, directories or stdin (`-`): load, turn into deployments, project, check.
 * Never throws on bad input: unreadable or unparseable inputs become `inputErrors` and
 * `invalid-yaml` findings.
 */
export async function lintPaths(paths: string[], opts: LintOptions): Promise<LintResult> {
  const load = await loadPaths(paths);
  const values = opts.valuesFiles?.length ? await loadPaths(opts.valuesFiles) : undefined;
  const result = lintDocuments(load.documents, opts.policy, values?.documents, opts.workloadFlags);
  const inputErrors = [...load.errors, ...(values?.errors ?? [])];
  const parseFindings = inputErrors.map((e) => ({ ruleId: 'invalid-yaml', severity: severityOf(opts.policy, 'invalid-yaml') ?? 'error', message: e.message, pos: e.pos }) as Finding);
  return {
    ...result,
    findings: sortFindings([...parseFindings, ...result.findings]),
    files: [...load.files, ...(values?.files ?? [])],
    inputErrors,
  };
}

/**
 * Lint already-loaded documents (the webhook and tests call this directly). Pure apart from
 * reading a Chart.yaml next to a values file on disk to learn its chart version.
 * Workload inputs: `workloadFlags` > the object's `redis-lint.io/*` annotations > the policy's
 * `workloads:` entries (resolveWorkload); an annotation that is not a size is an `unresolved-values` finding.
 */
export function lintDocuments(
  documents: LoadedDocument[],
  policy: Policy,
  valuesDocs?: LoadedDocument[],
  workloadFlags?: WorkloadFlags,
): Omit<LintResult, 'files' | 'inputErrors'> {
  const collected = collectDeployments(documents, { valuesDocs, chartVersionOf: chartVersionBeside });
  const findings: Finding[] = [];
  for (const f of collected.findings) {
    const severity = severityOf(policy, f.ruleId);
    if (severity) findings.push({ ...f, severity });
  }
  const deployments = collected.deployments.map((d) => ({ ...d, workload: resolveWorkload(d, workloadFlags, policy.workloads) }));
  const projections: Array<Projection | Error> = [];
  const unresolved = severityOf(policy, 'unresolved-values');
  for (const dep of deployments) {
    if (unresolved) {
      for (const p of workloadAnnotationProblems(dep.object)) {
        findings.push({ ruleId: 'unresolved-values', severity: unresolved, message: p.message, pos: p.pos, object: findingObject(dep.object), role: dep.role });
      }
    }
    let projection;
    try {
      projection = projectDeployment(dep, policy.model);
      projections.push(projection);
    } catch (e) {
      // the model refuses impossible numbers (RangeError); say so instead of crashing the run
      projections.push(e instanceof Error ? e : new Error(String(e)));
      if (unresolved) findings.push({ ruleId: 'unresolved-values', severity: unresolved, message: `cannot project this deployment: ${(e as Error).message}`, pos: dep.object.pos, object: findingObject(dep.object), role: dep.role });
      continue;
    }
    for (const rule of RULES) {
      const severity = severityOf(policy, rule.id);
      if (!severity) continue;
      if (rule.needsWorkload && dep.source === 'configmap') continue;
      if (exempt(dep, rule.id)) continue;
      for (const r of rule.check({ dep, projection, params: policy.rules[rule.id]?.params ?? {} })) {
        findings.push({ ruleId: rule.id, severity, message: r.message, pos: r.pos, object: findingObject(dep.object), role: dep.role });
      }
    }
  }
  return { findings: sortFindings(dedupe(findings)), deployments, projections };
}

function severityOf(policy: Policy, id: string): Severity | undefined {
  const s = policy.rules[id]?.severity;
  return s === undefined || s === 'off' ? undefined : s;
}

function exempt(dep: RedisDeployment, ruleId: string): boolean {
  const a = dep.object.annotations;
  return a[IGNORE_ALL] !== undefined || a[IGNORE_CHECK_PREFIX + ruleId] !== undefined;
}

/** Roles of one release often share a node (e.g. chart-default volume size): report such a finding once. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}|${f.pos.file}|${f.pos.line}|${f.pos.column}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
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
 * The Bitnami redis chart version for a values file from a Chart.yaml in the same directory:
 * the chart itself (`name: redis`) or an umbrella chart's `dependencies: [{name: redis}]`.
 */
function chartVersionBeside(file: string): { version: string; pos: SourcePosition } | undefined {
  if (file === '<stdin>') return undefined;
  const chartFile = path.join(path.dirname(file), 'Chart.yaml');
  if (!existsSync(chartFile)) return undefined;
  const { documents } = parseText(readFileSync(chartFile, 'utf8'), chartFile);
  const doc = documents[0];
  if (!doc) return undefined;
  const root = rootOf(doc);
  if (asString(root.get('name').value()) === 'redis') {
    const v = root.child('version');
    const version = asString(v.value());
    return version ? { version, pos: v.pos() } : undefined;
  }
  return redisDependencyVersion(doc);
}
