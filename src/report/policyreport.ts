import YAML from 'yaml';
import { STORAGE_FACTS_PARAM } from '../rules/storage-facts.js';
import type { Finding, Severity } from '../types.js';
import type { ReportInput } from './types.js';

/**
 * `--format policyreport`: the findings as Policy Report objects of the Kubernetes Policy WG
 * (`wgpolicyk8s.io/v1alpha2`, the API Kyverno writes and Policy Reporter reads): one
 * `PolicyReport` per namespace, named `redis-lint-<namespace>`, and a `ClusterPolicyReport`
 * named `redis-lint` for findings about cluster-scoped (or namespace-less) objects, as a
 * multi-document YAML stream that `kubectl apply -f -` takes.
 *
 * Field names and enums follow the CRD (kyverno/kyverno config/crds/policyreport/
 * wgpolicyk8s.io_policyreports.yaml; Go types in kubernetes-sigs/wg-policy-prototypes
 * policy-report/apis/wgpolicyk8s.io/v1alpha2/policyreport_types.go). Each result: `policy:
 * redis-lint`, `rule: <rule id>`, `result` (error -> fail, warning and info -> warn: a warn is
 * "not met, not scored"), `severity` (error -> high, warning -> medium, info -> low: the three
 * values every version of the CRD accepts), `scored` (true for fail), `source: redis-lint`,
 * `timestamp {seconds, nanos}`, `resources` (apiVersion, kind, name, namespace, uid when the
 * source text has them, as `redis-lint audit`'s rendered objects do), `properties` (strings:
 * where in the object, role, the rule's docs page). Every object checked also gets a `pass` for
 * each rule in force it did not break (`skip` for volume-not-expandable when there were no
 * StorageClass facts), so the summary counts what was checked, as Kyverno's do.
 */

/** A PolicyReport result (wgpolicyk8s.io/v1alpha2 PolicyReportResult). */
interface ReportResult {
  policy: string;
  rule: string;
  result: 'pass' | 'fail' | 'warn' | 'error' | 'skip';
  severity?: 'high' | 'medium' | 'low';
  message?: string;
  source: string;
  scored: boolean;
  category?: string;
  timestamp: { seconds: number; nanos: number };
  resources?: Array<{ apiVersion?: string; kind: string; name: string; namespace?: string; uid?: string }>;
  properties?: Record<string, string>;
}

const RESULT: Record<Severity, 'fail' | 'warn'> = { error: 'fail', warning: 'warn', info: 'warn' };
const SEVERITY: Record<Severity, 'high' | 'medium' | 'low'> = { error: 'high', warning: 'medium', info: 'low' };
/** rules about a file or a comment, not an object: no pass results for them */
const FILE_LEVEL = new Set(['invalid-yaml', 'helm-template-skipped', 'invalid-yaml-skipped', 'unused-suppression', 'invalid-suppression']);

const POLICY = 'redis-lint';
const LABELS = { 'app.kubernetes.io/managed-by': 'redis-lint' };

/** One clock reading per report input, so every format call on the same input prints the same text. */
const clock = new WeakMap<ReportInput, { seconds: number; nanos: number }>();

function timestampOf(input: ReportInput): { seconds: number; nanos: number } {
  let t = clock.get(input);
  if (!t) {
    const epoch = (input.env ?? process.env).SOURCE_DATE_EPOCH;
    if (epoch && /^\d+$/.test(epoch)) t = { seconds: Number(epoch), nanos: 0 };
    else {
      const ms = Date.now();
      t = { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
    }
    clock.set(input, t);
  }
  return t;
}

type ObjectKey = { kind: string; namespace?: string; name: string };

/** apiVersion and uid of an object from the text of its file (the first document of that kind, name and namespace). */
function identityOf(input: ReportInput, file: string, o: ObjectKey, cache: Map<string, Array<Record<string, unknown>>>): { apiVersion?: string; uid?: string } {
  let docs = cache.get(file);
  if (!docs) {
    docs = [];
    const text = input.sourceText?.(file);
    if (text) {
      try {
        for (const d of YAML.parseAllDocuments(text)) {
          const v = d.toJS() as unknown;
          if (typeof v === 'object' && v !== null && !Array.isArray(v)) docs.push(v as Record<string, unknown>);
        }
      } catch {
        // an unparseable file: no identity
      }
    }
    cache.set(file, docs);
  }
  for (const d of docs) {
    const meta = (typeof d.metadata === 'object' && d.metadata !== null ? d.metadata : {}) as Record<string, unknown>;
    if (d.kind !== o.kind || meta.name !== o.name || (meta.namespace ?? undefined) !== (o.namespace ?? undefined)) continue;
    return {
      ...(typeof d.apiVersion === 'string' ? { apiVersion: d.apiVersion } : {}),
      ...(typeof meta.uid === 'string' ? { uid: meta.uid } : {}),
    };
  }
  return {};
}

const objectId = (o: ObjectKey) => `${o.kind}\0${o.namespace ?? ''}\0${o.name}`;

/** The report documents (JSON), in order: the namespaces' PolicyReports by name, then the ClusterPolicyReport. */
export function policyReports(input: ReportInput): Array<Record<string, unknown>> {
  const timestamp = timestampOf(input);
  const cache = new Map<string, Array<Record<string, unknown>>>();
  const byScope = new Map<string, ReportResult[]>(); // '' = cluster
  const add = (ns: string | undefined, r: ReportResult) => {
    const key = ns ?? '';
    const list = byScope.get(key) ?? [];
    list.push(r);
    byScope.set(key, list);
  };
  const resourceOf = (o: ObjectKey, file: string) => {
    const id = identityOf(input, file, o, cache);
    return { ...(id.apiVersion ? { apiVersion: id.apiVersion } : {}), kind: o.kind, name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}), ...(id.uid ? { uid: id.uid } : {}) };
  };
  const fileOf = new Map<string, string>();
  for (const o of input.objects) if (!fileOf.has(objectId(o))) fileOf.set(objectId(o), o.file);

  const broken = new Set<string>();
  for (const f of input.findings) {
    const properties: Record<string, string> = {
      file: f.pos.file,
      line: String(f.pos.line),
      column: String(f.pos.column),
      ...(f.pos.yamlPath ? { yamlPath: f.pos.yamlPath } : {}),
      ...(f.role ? { role: [f.role, ...(f.alsoRoles ?? [])].join(', ') } : {}),
      docs: `https://github.com/redis-lint/redis-lint/blob/main/docs/rules/${f.ruleId}.md`,
    };
    const result: ReportResult = {
      policy: POLICY,
      rule: f.ruleId,
      result: RESULT[f.severity],
      severity: SEVERITY[f.severity],
      message: messageOf(f),
      source: POLICY,
      scored: f.severity === 'error',
      category: 'Redis',
      timestamp,
      ...(f.object ? { resources: [resourceOf(f.object, fileOf.get(objectId(f.object)) ?? f.pos.file)] } : {}),
      properties,
    };
    if (f.object) broken.add(`${objectId(f.object)}\0${f.ruleId}`);
    add(f.object?.namespace, result);
  }

  // what each checked object passed: every rule in force it did not break
  const inForce = Object.entries(input.rules)
    .filter(([id, r]) => r.severity !== 'off' && !FILE_LEVEL.has(id))
    .map(([id]) => id)
    .sort();
  const seen = new Set<string>();
  for (const o of input.objects) {
    const id = objectId(o);
    if (seen.has(id)) continue;
    seen.add(id);
    for (const rule of inForce) {
      if (broken.has(`${id}\0${rule}`)) continue;
      const skipped = rule === 'volume-not-expandable' && input.rules[rule]?.params?.[STORAGE_FACTS_PARAM] === undefined;
      add(o.namespace, {
        policy: POLICY,
        rule,
        result: skipped ? 'skip' : 'pass',
        ...(skipped ? { message: 'no StorageClass facts (only redis-lint audit reads them)' } : {}),
        source: POLICY,
        scored: true,
        category: 'Redis',
        timestamp,
        resources: [resourceOf(o, o.file)],
      });
    }
  }

  const summaryOf = (results: readonly ReportResult[]) => {
    const s = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
    for (const r of results) s[r.result]++;
    return s;
  };
  const order = (a: ReportResult, b: ReportResult) => {
    const ra = a.resources?.[0];
    const rb = b.resources?.[0];
    return (ra?.kind ?? '').localeCompare(rb?.kind ?? '') || (ra?.name ?? '').localeCompare(rb?.name ?? '') || a.rule.localeCompare(b.rule) || (a.message ?? '').localeCompare(b.message ?? '');
  };
  const docs: Array<Record<string, unknown>> = [];
  for (const ns of [...byScope.keys()].filter((k) => k !== '').sort()) {
    const results = byScope.get(ns)!.sort(order);
    docs.push({
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      metadata: { name: `redis-lint-${ns}`, namespace: ns, labels: { ...LABELS } },
      summary: summaryOf(results),
      results,
    });
  }
  const cluster = (byScope.get('') ?? []).sort(order);
  if (cluster.length || !docs.length) {
    docs.push({
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'ClusterPolicyReport',
      metadata: { name: 'redis-lint', labels: { ...LABELS } },
      summary: summaryOf(cluster),
      results: cluster,
    });
  }
  return docs;
}

/** The finding's message, with the other roles it also applies to. */
function messageOf(f: Finding): string {
  return f.alsoRoles?.length ? `${f.message} (also ${f.alsoRoles.join(', ')})` : f.message;
}

/** The reports as a multi-document YAML stream (`---` before each), for `kubectl apply -f -`. */
export function formatPolicyReport(input: ReportInput): string {
  return policyReports(input)
    .map((d) => `---\n${YAML.stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })}`)
    .join('');
}
