import type { Projection } from '../model/projection.js';
import type { RuleFix } from '../fix/operations.js';
import type { RedisDeployment, Severity, SourcePosition } from '../types.js';

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
  /**
   * Roles of one object that share the node report the very same finding once (engine.ts
   * `dedupe`). A message that carries a number differing per role (the capacity of each role's
   * volume) gives `key`, the message without that number, to be merged on, and `rank`: the roles'
   * findings become the one with the lowest rank (the tightest bound, which holds for every role).
   */
  merge?: { key: string; rank: number };
}

/** The SARIF/GitHub tag of a rule (properties.tags): what goes wrong when it fires. */
export type RuleCategory = 'data-loss' | 'reliability' | 'configuration' | 'maintainability';

/**
 * How sure a finding is (SARIF properties.precision; GitHub: very-high, high, medium, low):
 * `medium` when the numbers come from the projection model (dataset bound, copy-on-write, load
 * and save times), `very-high` for a setting or syntax read as written, `high` for the rest
 * (settings read directly, with chart/Redis/Kubernetes defaults and some inference).
 */
export type RulePrecision = 'very-high' | 'high' | 'medium';

/** An input that triggers the rule (`bad`) and the same input fixed (`good`), shown and linted as `file`. */
export interface RuleExample {
  /** the file name it is shown (and linted) as, e.g. values.yaml; example.yaml when absent */
  file?: string;
  bad: string;
  good?: string;
}

/**
 * What a rule is, for people and reports (ESLint's `meta`): the rule's docs page
 * (src/docs/rule-docs.ts, `npm run docs:rules`), SARIF's reportingDescriptor (src/report/sarif.ts)
 * and `redis-lint rules` read it; test/rules/registry.test.ts fails when a field is missing.
 */
export interface RuleMeta {
  /** what the rule checks; the first sentence is the short description */
  description: string;
  /** how to fix it, in general */
  remediation: string;
  /** the incident behind the rule */
  incident: string;
  category: RuleCategory;
  precision: RulePrecision;
  docs: {
    /**
     * `object`: findings are about a Kubernetes object (annotations and `exemptions:` reach them);
     * `file`: about a file or a comment in it (only a comment or `off` reaches them)
     */
    scope: 'object' | 'file';
    /** false for the rules a redis-lint-disable comment cannot suppress (it would hide itself) */
    commentSuppressible: boolean;
    /**
     * why an offline lint of the example does not show the rule firing (its facts come from a
     * cluster, or its findings from the suppression comments); absent: the docs test lints the
     * bad example and expects the rule, and the good one and expects none
     */
    exampleNotLinted?: string;
    /**
     * SARIF properties["security-severity"] (a CVSS-like score as a string) and the CWE tag. GitHub
     * files every result of a rule that has one under security alerts: only for a recognised weakness.
     */
    security?: { severity: string; cwe: string };
  };
  /** at least one; the first is the one the docs page shows */
  examples: readonly RuleExample[];
}

/** What the bundled policy sets for a rule unless policies/default.yaml or the user's config overrides it. */
export interface RuleDefaults {
  severity: Severity | 'off';
  /** thresholds the check reads (numParam), e.g. `{headroomPercent: 20}` */
  params?: Record<string, unknown>;
}

/**
 * A rule: one module (src/rules/<id>.ts) holding its id, metadata, defaults, check and fix
 * (ESLint's rule shape; kube-linter's split of code and data: the check knows how, the policy
 * says how bad). A rule without `check` is reported by the loader, a source adapter or the
 * suppression comments (`invalid-yaml`, `unresolved-values`, ...): it still has metadata,
 * defaults and docs. A rule never calls another rule: precedence is data (`supersedes`).
 */
export interface RuleDefinition {
  /** kebab-case, never changes */
  id: string;
  meta: RuleMeta;
  defaults: RuleDefaults;
  /**
   * whether the rule needs facts only a workload or chart has (volume, memory, probes); such
   * rules skip a ConfigMap's redis.conf that no workload in the run mounts
   */
  needsWorkload?: boolean;
  /**
   * Rules whose finding this rule's finding replaces when both are about the same object and
   * role: one root cause, one finding (the engine's applyPrecedence, after severities,
   * exemptions and suppressions). The superseding message carries the other's numbers and advice.
   */
  supersedes?: readonly string[];
  /**
   * The projected quantity the rule's findings are about, relative to what holds it: `disk`, the
   * projected peak disk use over the volume; `memory`, the projected fork peak over the memory
   * limit. The webhook judges an UPDATE that raises it for a role that had the finding already as
   * introducing the violation (it made it worse), not as an existing one. Absent: a finding the
   * old object had is existing whatever the change.
   */
  measure?: 'disk' | 'memory';
  check?(ctx: RuleContext): RuleResult[];
  /**
   * How to fix a finding: abstract operations (src/fix/operations.ts) that `--fix` applies to the
   * files and the webhook's /mutate to the object under review (where it carries the field)
   */
  fix?: RuleFix;
}

/** A rule that checks deployments (it has a `check`). */
export type Rule = RuleDefinition & { needsWorkload: boolean; check(ctx: RuleContext): RuleResult[] };

/**
 * Define a rule (ESLint's `defineRule`/`createRule`): checks the shape at import time, so a rule
 * with a missing or empty metadata field, a bad id or an unknown severity fails every test and
 * the build's docs generation, not a report at run time.
 * @throws Error naming the rule and the field
 */
export function defineRule<T extends RuleDefinition>(rule: T): T {
  const fail = (what: string) => {
    throw new Error(`rule ${rule.id || '(no id)'}: ${what}`);
  };
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(rule.id)) fail('the id must be kebab-case');
  const m = rule.meta;
  for (const k of ['description', 'remediation', 'incident'] as const) if (typeof m?.[k] !== 'string' || !m[k].trim()) fail(`meta.${k} is missing`);
  if (!['data-loss', 'reliability', 'configuration', 'maintainability'].includes(m.category)) fail('meta.category is missing');
  if (!['very-high', 'high', 'medium'].includes(m.precision)) fail('meta.precision is missing');
  if (!m.docs || (m.docs.scope !== 'object' && m.docs.scope !== 'file') || typeof m.docs.commentSuppressible !== 'boolean') fail('meta.docs is missing scope or commentSuppressible');
  if (!m.examples?.length || m.examples.some((e) => !e.bad?.trim())) fail('meta.examples needs at least one example with a bad input');
  if (!['error', 'warning', 'info', 'off'].includes(rule.defaults?.severity)) fail('defaults.severity is missing');
  if (rule.check && typeof rule.needsWorkload !== 'boolean') fail('a rule with a check says whether it needsWorkload');
  if (rule.fix && (!rule.check || typeof rule.fix.propose !== 'function' || !rule.fix.description?.trim())) fail('a fix needs a check, a propose function and a description');
  return rule;
}

/** A numeric param with a default. */
export function numParam(params: Record<string, unknown>, name: string, fallback: number): number {
  const v = params[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
