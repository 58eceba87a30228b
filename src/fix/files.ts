import type { LintResult } from '../engine.js';
import type { FileEdit } from '../core/file-edit.js';
import type { Finding } from '../types.js';
import { EditableDocs, planFixes, type FileOp, type FixPlanOfFiles, type PlannedFix } from './plan.js';
import { applyYamlEdits, YamlEditError } from './yaml-edit.js';
import { FixWriteError, unifiedDiff, writeFileAtomic } from './write.js';

/**
 * `redis-lint --fix` on files: the YAML applier of the fix engine. The plan (src/fix/plan.ts: each
 * rule's abstract operations resolved in the input files, the same plan the webhook's /mutate
 * turns into a JSON Patch) is applied to the YAML text by src/fix/yaml-edit.ts so that only the
 * changed lines differ, and written atomically (src/fix/write.ts).
 */

export type { FileOp, FixPlanOfFiles, PlannedFix } from './plan.js';

/**
 * Plan the fixes of a lint run's findings in its input files: every fix is taken, safe or not
 * (the user reviews the diff; the `mutate` switch of the config is the webhook's).
 * @param result the lint run (texts, deployments, projections, findings)
 */
export function planFileFixes(result: LintResult): FixPlanOfFiles {
  return planFixes(result, EditableDocs.fromTexts(result.texts));
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
      const original = new Map<string, ReturnType<typeof applyYamlEdits>>();
      for (const [file, fileOps] of byFileOf(fix.ops)) {
        const r = applyYamlEdits(file, texts.get(file)!, fileOps);
        original.set(file, r);
        edits.push(...r.edits);
      }
      const unseen = fix.ops.filter((o) => !seen.has(JSON.stringify(o)));
      for (const [file, fileOps] of byFileOf(unseen)) {
        // the same edit on the same text (the file's first fix, all its ops new): reuse it (each
        // applyYamlEdits parses the file once per op: 1 MB files, issue 13)
        const same = !after.has(file) && unseen.length === fix.ops.length;
        next.set(file, same ? original.get(file)!.text : applyYamlEdits(file, after.get(file) ?? texts.get(file)!, fileOps).text);
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
  // write first, then say what happened: a fix is "fixed" only when its files were written
  const failed = new Map<string, string>();
  for (const [file, text] of after) {
    const before = texts.get(file)!;
    if (text === before) continue;
    outcome.diff += unifiedDiff(file, before, text);
    if (mode === 'dry-run') {
      outcome.written++;
      continue;
    }
    try {
      writeFileAtomic(file, text, {}, before);
      outcome.written++;
    } catch (e) {
      if (!(e instanceof FixWriteError)) throw e;
      failed.set(file, e.message);
      outcome.failed = true;
    }
  }
  for (const fix of done) {
    const why = [...byFileOf(fix.ops).keys()].map((f) => failed.get(f)).find((m) => m !== undefined);
    if (why) err.write(`redis-lint: not fixed ${where(fix.finding)} ${fix.finding.ruleId}: ${why}\n`);
    else err.write(`redis-lint: ${mode === 'write' ? 'fixed' : 'would fix'} ${where(fix.finding)} ${fix.finding.ruleId}: ${fix.description}\n`);
  }
  for (const s of plan.skipped) err.write(`redis-lint: not fixed ${where(s.finding)} ${s.finding.ruleId}: ${s.reason}\n`);
  for (const message of new Set(failed.values())) err.write(`redis-lint: ${message}\n`);
  return outcome;
}

function where(f: Finding): string {
  return `${f.pos.file}:${f.pos.line}:${f.pos.column}`;
}
