import type { LoadedDocument } from '../load/documents.js';
import { EditableDocs, planFixes, type FixInput } from './plan.js';
import type { RuleFix } from './operations.js';
import { PatchError, pointer, setToPatch, type JsonPatchOperation } from './patch.js';
import { confText } from './yaml-edit.js';

/**
 * The webhook's applier of the fix engine: the plan (src/fix/plan.ts, the same one `--fix`
 * applies to files) made into an RFC 6902 JSON Patch of the object under review. An edit of
 * another document (a ConfigMap read from the cluster for the review) cannot be made by a patch
 * of this object: it is skipped, and says where the change belongs. A redis.conf directive is set
 * in the string that holds it with the same text edit `--fix` makes (yaml-edit.ts confText).
 */

/** A JSON object (an AdmissionReview's `request.object`). */
export type JsonObject = Record<string, unknown>;

/** A fix that was made. */
export interface AppliedFix {
  ruleId: string;
  safe: boolean;
  /** what changed, e.g. `set spec.template.spec.securityContext.fsGroup: 999` */
  description: string;
}

/** What {@link planMutation} made of an object's findings. */
export interface MutationPlan {
  /** RFC 6902 operations against the object as given, in order; empty when nothing changes */
  patch: JsonPatchOperation[];
  /** the fixes behind `patch`, one per finding and role that changed something */
  applied: AppliedFix[];
  /** findings with a selected fix that could not be made, and why */
  skipped: Array<{ ruleId: string; reason: string }>;
}

/** Options of {@link planMutation}. */
export interface MutationOptions {
  /**
   * the AdmissionReview's operation: on UPDATE a StatefulSet's volumeClaimTemplates are immutable
   * (the API server forbids the change), so such an edit is skipped rather than failing the update
   */
  operation?: string;
}

/**
 * The JSON Patch that fixes an object's findings: for each finding (in order) whose rule has a
 * fix that `select` accepts, the plan's edits of the object's own document, made into add/replace
 * operations (missing parents created, values already there left alone). The object is not changed.
 * @param object the object under review, as JSON
 * @param documents the documents the lint read: the object's (first) and the ConfigMaps read for it
 * @param select whether to apply a rule's fix (the policy's `mutate`, default `fix.safe`)
 */
export function planMutation(object: JsonObject, documents: readonly LoadedDocument[], lint: FixInput, select: (ruleId: string, fix: RuleFix) => boolean, opts: MutationOptions = {}): MutationPlan {
  const out: MutationPlan = { patch: [], applied: [], skipped: [] };
  const objectFile = documents[0]?.file;
  const plan = planFixes(lint, EditableDocs.fromDocuments(documents), select);
  for (const s of plan.skipped) out.skipped.push({ ruleId: s.finding.ruleId, reason: s.reason });
  let work: unknown;
  for (const fix of plan.fixes) {
    const elsewhere = fix.ops.find((o) => o.file !== objectFile);
    if (elsewhere) {
      out.skipped.push({ ruleId: fix.ruleId, reason: `the change is in ${elsewhere.file.replace(/^cluster:/, '')}, not in the object under review: ${fix.description}` });
      continue;
    }
    const immutable = opts.operation === 'UPDATE' && object.kind === 'StatefulSet' && fix.ops.some((o) => o.path[0] === 'spec' && o.path[1] === 'volumeClaimTemplates');
    if (immutable) {
      out.skipped.push({ ruleId: fix.ruleId, reason: `volumeClaimTemplates of an existing StatefulSet cannot change: ${fix.description}` });
      continue;
    }
    work ??= structuredClone(object);
    const before = out.patch.length;
    try {
      for (const op of fix.ops) {
        const value = op.op === 'set' ? op.value : confValue(work, op.path, op.directive, op.args);
        out.patch.push(...setToPatch(work, { op: 'set', path: pointer(op.path), value }));
      }
    } catch (e) {
      if (!(e instanceof PatchError)) throw e;
      // keep the patch consistent: drop this fix's operations and start again from the object as patched so far
      out.patch.length = before;
      work = replay(object, out.patch);
      out.skipped.push({ ruleId: fix.ruleId, reason: e.message });
      continue;
    }
    if (out.patch.length > before) out.applied.push({ ruleId: fix.ruleId, safe: fix.safe, description: fix.description });
  }
  return out;
}

/** The redis.conf text at `path` with a directive set (the string, or a new one when absent). */
function confValue(work: unknown, path: ReadonlyArray<string | number>, directive: string, args: readonly string[]): string {
  const old = path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), work);
  if (old !== undefined && old !== null && typeof old !== 'string') throw new PatchError(`${pointer(path)} is not a string: it cannot hold redis.conf`);
  return confText(old ?? '', directive, args);
}

/** The object with `ops` applied (ops made by setToPatch against it, so they apply as they are). */
function replay(object: JsonObject, ops: JsonPatchOperation[]): unknown {
  const work = structuredClone(object);
  for (const op of ops) setToPatch(work, { op: 'set', path: op.path, value: op.value });
  return work;
}
