import { defineRule } from './rule.js';

/** invalid-suppression: reported by the inline suppressions (src/policy/suppressions.ts), not by a check of its own; its metadata, defaults and docs live here. */
export const invalidSuppression = defineRule({
  id: 'invalid-suppression',
  meta: {
    description: "A redis-lint-disable comment without a reason (-- <why>) or naming a rule that does not exist, so it suppresses nothing.",
    remediation: "Write it as # redis-lint-disable-next-line <rule-id> -- <reason>, with an id from redis-lint rules.",
    incident: "A suppression without a reason cannot be reviewed; a misspelt rule id silently suppresses nothing.",
    category: 'maintainability',
    precision: 'very-high',
    docs: { scope: 'file', commentSuppressible: false, exampleNotLinted: "its findings come from the suppression comments (src/policy/suppressions.ts), which test/policy/suppressions.test.ts covers" },
    examples: [{ file: "values.yaml", bad: `architecture: replication
sentinel:
  enabled: true
commonConfiguration: |-
  appendonly yes
  maxmemory 400mb
replica:
  replicaCount: 3
  # redis-lint-disable-next-line memory-limit-missing
  resourcesPreset: none
`, good: `architecture: replication
sentinel:
  enabled: true
commonConfiguration: |-
  appendonly yes
  maxmemory 400mb
replica:
  replicaCount: 3
  # redis-lint-disable-next-line memory-limit-missing -- staging: the namespace LimitRange sets 1Gi
  resourcesPreset: none
` }],
  },
  defaults: { severity: 'error' },
});
