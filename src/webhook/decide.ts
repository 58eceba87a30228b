import { lintDocuments, type LintResult } from '../engine.js';
import { planMutation, type JsonObject } from '../fix/json-patch.js';
import { admissionAction, mutateEnabled, type AdmissionAction, type Policy } from '../policy/policy.js';
import { ruleById } from '../rules/index.js';
import type { Finding, Severity } from '../types.js';
import { objectDocument } from './document.js';
import { boundWarnings, denyMessage, findingWarning, fit } from './messages.js';
import type { AdmissionResponse } from './review.js';

/**
 * The engine's part of a review: from the object (and the ConfigMaps read for it) to the answer.
 * No I/O and only structured-cloneable input and output, so it runs the same in the server's
 * thread or in a worker (src/webhook/review-worker.ts).
 */

/** The two admission endpoints. */
export type WebhookPath = 'validate' | 'mutate';

/** One finding of a review, for logs and metrics. */
export interface ReviewFinding {
  rule: string;
  severity: Severity;
  action: AdmissionAction;
}

/** Everything a decision depends on (structured-cloneable: it is posted to a worker). */
export interface DecideTask {
  webhook: WebhookPath;
  /** `request.object` as received; absent: read from `reviewJson` */
  object?: JsonObject;
  /**
   * the AdmissionReview's JSON text, for a worker: a string is copied to a worker at memory
   * speed, where a structured clone of a 1 MB object held the event loop for a third of a second
   */
  reviewJson?: string;
  /** its apiVersion and kind (from `request.kind`, else the object) */
  identity: { apiVersion: string; kind: string };
  namespace?: string;
  /** `Kind/namespace/name`, the name positions carry */
  label: string;
  /** ConfigMaps the workload mounts, read from the cluster */
  configMaps: JsonObject[];
  /** the policy for the namespace */
  policy: Policy;
  /** ISO time exemption expiry dates are compared with */
  now: string;
  /** honour exemption annotations */
  annotations: boolean;
  operation?: string;
  /** UPDATE: `request.oldObject` (absent: read from `reviewJson`, when it is there) */
  oldObject?: JsonObject;
}

/** The answer (without uid) and what to log and count about it. */
export interface Decision {
  response: Omit<AdmissionResponse, 'uid'>;
  findings: ReviewFinding[];
  mutated: string[];
}

/** A review not decided within its time budget (`--review-timeout`): answered per --on-error. */
export class TimeBudgetError extends Error {
  override name = 'TimeBudgetError';
  constructor(readonly seconds: number) {
    super(`not decided within ${seconds} s (--review-timeout)`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object as the engine should read it: apiVersion, kind and namespace filled in from the request when the object leaves them out (a shallow copy, only when needed). */
function withIdentity(object: JsonObject, id: { apiVersion: string; kind: string }, namespace: string | undefined): JsonObject {
  const meta = object.metadata;
  const needNs = namespace !== undefined && (!isObject(meta) || meta.namespace === undefined);
  if (object.apiVersion && object.kind && !needNs) return object;
  return {
    ...object,
    apiVersion: object.apiVersion ?? id.apiVersion,
    kind: object.kind ?? id.kind,
    ...(needNs ? { metadata: { ...(isObject(meta) ? meta : {}), namespace } } : {}),
  };
}

/** A finding's identity across an UPDATE: rule and deployment role (positions and numbers may move). */
const violationKey = (f: Finding): string => `${f.ruleId}\0${f.role ?? ''}`;

/** The warning of a finding the old object had too. */
function existingWarning(f: Finding): string {
  const role = f.role && f.role !== 'standalone' ? ` (${f.role})` : '';
  return fit(`${f.ruleId}${role}: existing violation, not introduced by this change`);
}

/** How close a role is to its limits: projected peak disk over the volume, fork peak over the memory limit (null: not known). */
interface RoleRisk {
  disk: number | null;
  memory: number | null;
}

/** The {@link RoleRisk} of each role of a lint run, by role. */
function risksByRole(result: Pick<LintResult, 'deployments' | 'projections'>): Map<string, RoleRisk> {
  const out = new Map<string, RoleRisk>();
  result.deployments.forEach((d, i) => {
    const p = result.projections[i];
    if (!p || p instanceof Error) return;
    const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? a / b : null);
    out.set(d.role, { disk: ratio(p.disk.peakBytes, p.disk.volumeBytes), memory: ratio(p.memory.forkPeakBytes, p.memory.limitBytes) });
  });
  return out;
}

/**
 * The violations (rule and role) of the object before an UPDATE, each with its role's risk then.
 * Should the old object not be readable (too deep, an engine error), none: the new object is
 * judged as on CREATE.
 */
function existingViolations(task: DecideTask, oldObject: JsonObject, lint: typeof lintDocuments): Map<string, RoleRisk | undefined> {
  try {
    const docs = [objectDocument(withIdentity(oldObject, task.identity, task.namespace), `admission:${task.label}`)];
    for (const cm of task.configMaps) docs.push(objectDocument(cm, `cluster:ConfigMap/${task.namespace}/${isObject(cm.metadata) ? String(cm.metadata.name) : 'undefined'}`));
    const old = lint(docs, task.policy, undefined, undefined, { now: new Date(task.now), annotations: task.annotations });
    const risks = risksByRole(old);
    return new Map(old.findings.map((f) => [violationKey(f), f.role ? risks.get(f.role) : undefined]));
  } catch {
    return new Map();
  }
}

/**
 * Whether an UPDATE made a finding the old object had worse: the rule's measure (disk or memory,
 * RuleDefinition.measure) is higher for the role than before, e.g. a PVC shrunk further under
 * aof-rewrite-unreachable. Unknown either side: not worse (a label change never is).
 */
function madeWorse(f: Finding, before: RoleRisk | undefined, now: Map<string, RoleRisk>): boolean {
  const measure = ruleById(f.ruleId)?.measure;
  if (!measure || !before || !f.role) return false;
  const a = before[measure];
  const b = now.get(f.role)?.[measure];
  return a !== null && b !== null && b !== undefined && b > a * (1 + 1e-9);
}

/**
 * Decide a review: `validate` gives each finding the action of its rule (deny, warn, audit) and
 * denies with one message when any denies; on UPDATE, a denying finding the old object had as
 * well (same rule, same role) is a warning instead, unless `allowExistingViolations` is false
 * (per rule or for the policy); `mutate` answers the JSON Patch of the enabled fixes.
 * @param lint the engine (tests inject failures)
 * @throws whatever the engine throws (the caller answers per --on-error)
 */
export function decide(task: DecideTask, lint: typeof lintDocuments = lintDocuments): Decision {
  const { webhook, identity: id, namespace, label, policy } = task;
  const request = task.reviewJson !== undefined ? (JSON.parse(task.reviewJson) as { request: { object: JsonObject; oldObject?: JsonObject | null } }).request : undefined;
  const object = task.object ?? request!.object;
  const oldObject = task.operation === 'UPDATE' && webhook === 'validate' ? (task.oldObject ?? request?.oldObject ?? undefined) : undefined;
  const docs = [objectDocument(withIdentity(object, id, namespace), `admission:${label}`)];
  for (const cm of task.configMaps) {
    const name = isObject(cm.metadata) ? String(cm.metadata.name) : 'undefined';
    docs.push(objectDocument(cm, `cluster:ConfigMap/${namespace}/${name}`));
  }
  const result = lint(docs, policy, undefined, undefined, { now: new Date(task.now), annotations: task.annotations });
  const findings: ReviewFinding[] = [];
  let mutated: string[] = [];
  const expired = result.expiredExemptions.map(
    ({ entry }) => `exemption ${entry.index} (${entry.kind} ${entry.namespace ? entry.namespace + '/' : ''}${entry.name}: ${entry.rules.join(', ')}) expired ${entry.expires}: its rules apply again`,
  );
  let response: Omit<AdmissionResponse, 'uid'>;
  if (webhook === 'validate') {
    const deny: Finding[] = [];
    const warnings: string[] = [...expired];
    const names: string[] = expired.map(() => 'expired exemption');
    // Judged on Redis defaults in place of a redis.conf the engine could not read (a ConfigMap
    // not looked up, missing, forbidden or timed out; a file baked into the image), a correct
    // object could be denied (e.g. its maxmemory is in the ConfigMap): warn instead, and say why.
    const confUnknown = result.findings.flatMap((f) => (f.redisConfUnknown ? [f.redisConfUnknown] : []));
    if (confUnknown.length) {
      const cms = [...new Set(confUnknown.flatMap((u) => (u.configMap ? [u.configMap] : [])))];
      warnings.push(`${cms.length ? `redis.conf in ConfigMap ${cms.join(', ')} not read` : 'redis.conf not readable'}: findings are warnings, not denials`);
      names.push('unread redis.conf');
    }
    const existing = oldObject ? existingViolations(task, oldObject, lint) : new Map<string, RoleRisk | undefined>();
    const risks = existing.size ? risksByRole(result) : new Map<string, RoleRisk>();
    for (const f of result.findings) {
      let action = admissionAction(policy.rules[f.ruleId], f.severity);
      if (action === 'deny' && confUnknown.length) action = 'warn';
      // UPDATE: what the old object violated already is not this change's doing (Kyverno's allowExistingViolations)
      const key = violationKey(f);
      const old = action === 'deny' && existing.has(key) && !madeWorse(f, existing.get(key), risks) && (policy.rules[f.ruleId]?.allowExistingViolations ?? policy.allowExistingViolations ?? true);
      if (old) action = 'warn';
      findings.push({ rule: f.ruleId, severity: f.severity, action });
      if (action === 'deny') deny.push(f);
      else if (action === 'warn') {
        warnings.push(old ? existingWarning(f) : findingWarning(f));
        names.push(f.ruleId);
      }
    }
    response = { allowed: deny.length === 0 };
    if (deny.length) response.status = { code: 403, reason: 'Forbidden', message: denyMessage(`${id.kind} ${label.slice(id.kind.length + 1)}`, deny) };
    if (warnings.length) response.warnings = boundWarnings(warnings, names);
  } else {
    const plan = planMutation(object, docs, result, (ruleId, fix) => mutateEnabled(policy.rules[ruleId], fix.safe), { operation: task.operation });
    response = { allowed: true };
    if (plan.patch.length) {
      response.patchType = 'JSONPatch';
      response.patch = Buffer.from(JSON.stringify(plan.patch)).toString('base64');
    }
    mutated = plan.applied.map((a) => a.ruleId);
    // every change is also a warning; findings and expired exemptions are validate's to report
    const warnings = plan.applied.map((a) => `${a.ruleId}: mutated, ${a.description}`);
    if (warnings.length) response.warnings = boundWarnings(warnings, mutated);
  }
  return { response, findings, mutated };
}
