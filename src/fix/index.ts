import type { Projection } from '../model/projection.js';
import { findingObject } from '../sources/common.js';
import type { Finding, RedisDeployment } from '../types.js';
import { FIXES, type Fix, type JsonObject } from './fixes.js';
import { PatchError, setToPatch, type JsonPatchOperation } from './patch.js';

export { FIXES, fsGroupFor, type Fix, type FixContext, type FixProposal, type JsonObject } from './fixes.js';
export { escapeToken, parsePointer, pointer, PatchError, type JsonPatchOperation, type SetOperation } from './patch.js';

/** A fix that was made. */
export interface AppliedFix {
  ruleId: string;
  safe: boolean;
  /** what changed, e.g. `set spec.template.spec.securityContext.fsGroup: 999` */
  description: string;
}

/** What {@link planFixes} made of an object's findings. */
export interface FixPlan {
  /** RFC 6902 operations against the object as given, in order; empty when nothing changes */
  patch: JsonPatchOperation[];
  /** the fixes behind `patch`, one per finding that changed something */
  applied: AppliedFix[];
  /** findings with a selected fix that could not be made, and why */
  skipped: Array<{ ruleId: string; reason: string }>;
}

/** The lint result of the object's documents (lintDocuments' output). */
export interface FixInput {
  findings: readonly Finding[];
  deployments: readonly RedisDeployment[];
  /** same index as `deployments` */
  projections: ReadonlyArray<Projection | Error>;
}

/**
 * The JSON Patch that fixes an object's findings: for each finding (in order) whose rule has a
 * {@link Fix} that `select` accepts, the fix's `set` operations, made into add/replace operations
 * against the object (missing parents created, values already there left alone). A fix that
 * throws PatchError or declines is listed in `skipped`. The object is not changed.
 * @param object the object the findings are about, as JSON
 * @param select whether to apply a rule's fix (the webhook: the policy's `mutate`, default `fix.safe`)
 */
export function planFixes(object: JsonObject, lint: FixInput, select: (ruleId: string, fix: Fix) => boolean): FixPlan {
  const plan: FixPlan = { patch: [], applied: [], skipped: [] };
  let work: unknown;
  for (const finding of lint.findings) {
    const fix = FIXES.get(finding.ruleId);
    if (!fix || !select(finding.ruleId, fix)) continue;
    const i = lint.deployments.findIndex((d) => finding.role === d.role && finding.object !== undefined && sameObject(finding.object, findingObject(d.object)));
    if (i < 0) {
      plan.skipped.push({ ruleId: finding.ruleId, reason: 'no deployment of this object matches the finding' });
      continue;
    }
    const projection = lint.projections[i];
    const proposal = fix.propose({ object, finding, deployment: lint.deployments[i], projection: projection instanceof Error ? undefined : projection });
    if (typeof proposal === 'string') {
      plan.skipped.push({ ruleId: finding.ruleId, reason: proposal });
      continue;
    }
    work ??= structuredClone(object);
    const before = plan.patch.length;
    try {
      for (const op of proposal.operations) plan.patch.push(...setToPatch(work, op));
    } catch (e) {
      if (!(e instanceof PatchError)) throw e;
      // keep the patch consistent: drop this fix's operations and start again from the object as patched so far
      plan.patch.length = before;
      work = replay(object, plan.patch);
      plan.skipped.push({ ruleId: finding.ruleId, reason: e.message });
      continue;
    }
    if (plan.patch.length > before) plan.applied.push({ ruleId: fix.ruleId, safe: fix.safe, description: proposal.description });
  }
  return plan;
}

function sameObject(a: { kind: string; namespace?: string; name: string }, b: { kind: string; namespace?: string; name: string }): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

/** The object with `ops` applied (ops made by setToPatch against it, so they apply as they are). */
function replay(object: JsonObject, ops: JsonPatchOperation[]): unknown {
  const work = structuredClone(object);
  for (const op of ops) setToPatch(work, { op: 'set', path: op.path, value: op.value });
  return work;
}
