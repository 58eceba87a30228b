import type { Projection } from '../model/projection.js';
import type { RedisDeployment, SourcePosition } from '../types.js';

/** What a rule sees: one deployment role, its projection and the rule's params from the policy. */
export interface RuleContext {
  dep: RedisDeployment;
  projection: Projection;
  params: Record<string, unknown>;
}

/** A rule's verdict: the message (with the numbers) and the node to change. */
export interface RuleResult {
  message: string;
  pos: SourcePosition;
}

/**
 * A check template (kube-linter's templates, ESLint's rules): code that knows how to check;
 * severity, thresholds and texts come from the policy (policies/default.yaml).
 */
export interface Rule {
  /** kebab-case, never changes */
  id: string;
  /**
   * whether the rule needs facts only a workload or chart has (volume, memory, probes); such
   * rules skip a ConfigMap's redis.conf that no workload in the run mounts
   */
  needsWorkload: boolean;
  /**
   * Rules whose finding this rule's finding replaces when both are about the same object and
   * role: one root cause, one finding (the engine's applyPrecedence, after severities,
   * exemptions and suppressions). The superseding message carries the other's numbers and advice.
   */
  supersedes?: readonly string[];
  check(ctx: RuleContext): RuleResult[];
}

/** A numeric param with a default. */
export function numParam(params: Record<string, unknown>, name: string, fallback: number): number {
  const v = params[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
