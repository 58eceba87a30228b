/**
 * The fix engine (one for `--fix` and the webhook's /mutate): rules' fixes are abstract operations
 * (operations.ts), resolved by one planner (plan.ts) and applied as YAML text edits (files.ts,
 * yaml-edit.ts) or as a JSON Patch (json-patch.ts).
 */
export { roleKey, type FixContext, type FixOperation, type FixProposal, type RuleFix } from './operations.js';
export { EditableDocs, planFixes, type FileOp, type FixInput, type FixPlanOfFiles, type PlannedFix } from './plan.js';
export { planMutation, type AppliedFix, type JsonObject, type MutationPlan } from './json-patch.js';
export { escapeToken, parsePointer, pointer, PatchError, type JsonPatchOperation, type SetOperation } from './patch.js';
