/**
 * The rule registry: every rule redis-lint knows, one module each (src/rules/<id>.ts, made with
 * defineRule). Adding a rule = its module, one line here, its test table and `npm run docs:rules`.
 * Report order is the order of {@link RULE_DEFINITIONS}.
 */
import { aofDiskHeadroom } from './aof-disk-headroom.js';
import { aofLoadTruncatedOff } from './aof-load-truncated-off.js';
import { aofRewriteUnreachable } from './aof-rewrite-unreachable.js';
import { appendfsyncPolicy } from './appendfsync-policy.js';
import { dataVolumeFsGroup } from './data-volume-fsgroup.js';
import { forkMemoryHeadroom } from './fork-memory-headroom.js';
import { helmTemplateSkipped } from './helm-template-skipped.js';
import { invalidSuppression } from './invalid-suppression.js';
import { invalidYaml } from './invalid-yaml.js';
import { invalidYamlSkipped } from './invalid-yaml-skipped.js';
import { livenessKillsLoading } from './liveness-kills-loading.js';
import { maxmemoryAboveLimit } from './maxmemory-above-limit.js';
import { maxmemoryUnset } from './maxmemory-unset.js';
import { memoryLimitMissing } from './memory-limit-missing.js';
import { persistenceEphemeral } from './persistence-ephemeral.js';
import { redisConfSyntax } from './redis-conf-syntax.js';
import { replicasFailover } from './replicas-failover.js';
import type { Rule, RuleDefinition } from './rule.js';
import { shutdownGraceTooShort } from './shutdown-grace-too-short.js';
import { unresolvedValues } from './unresolved-values.js';
import { unusedSuppression } from './unused-suppression.js';
import { valuesKeyIgnored } from './values-key-ignored.js';
import { volumeNotExpandable } from './volume-not-expandable.js';

/** Every rule, checked ones first (in report order), then those the loader, sources and suppression comments report. */
export const RULE_DEFINITIONS: readonly RuleDefinition[] = [
  aofRewriteUnreachable,
  aofDiskHeadroom,
  maxmemoryAboveLimit,
  forkMemoryHeadroom,
  maxmemoryUnset,
  memoryLimitMissing,
  dataVolumeFsGroup,
  appendfsyncPolicy,
  persistenceEphemeral,
  replicasFailover,
  aofLoadTruncatedOff,
  livenessKillsLoading,
  shutdownGraceTooShort,
  volumeNotExpandable,
  unresolvedValues,
  valuesKeyIgnored,
  redisConfSyntax,
  invalidYaml,
  helmTemplateSkipped,
  invalidYamlSkipped,
  unusedSuppression,
  invalidSuppression,
];

/** The rules with a check: the engine runs them on every deployment role. */
export const RULES: readonly Rule[] = RULE_DEFINITIONS.filter((r): r is Rule => typeof r.check === 'function');

/** Ids reported by the sources, the loader and the inline suppressions (src/policy/suppressions.ts) rather than by a check. */
export const SOURCE_RULE_IDS: readonly string[] = RULE_DEFINITIONS.filter((r) => !r.check).map((r) => r.id);

/** Every rule id redis-lint knows, in `redis-lint rules` order: the checked rules, then the source-level ids. */
export const ALL_RULE_IDS: readonly string[] = RULE_DEFINITIONS.map((r) => r.id);

const BY_ID: ReadonlyMap<string, RuleDefinition> = new Map(RULE_DEFINITIONS.map((r) => [r.id, r]));

/** The rule of an id, undefined for an unknown id. */
export function ruleById(id: string): RuleDefinition | undefined {
  return BY_ID.get(id);
}
