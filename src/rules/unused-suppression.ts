import { defineRule } from './rule.js';

/** unused-suppression: reported by the inline suppressions (src/policy/suppressions.ts), not by a check of its own; its metadata, defaults and docs live here. */
export const unusedSuppression = defineRule({
  id: 'unused-suppression',
  meta: {
    description: "A redis-lint-disable comment that suppresses nothing: the problem was fixed, or the rule id or the line is wrong.",
    remediation: "Delete the comment, or move it to the line above the finding it is meant for.",
    incident: "Stale suppressions hide the next real problem on that line.",
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
  # redis-lint-disable-next-line memory-limit-missing -- the namespace LimitRange sets it
  resources:
    limits: {memory: 1Gi}
`, good: `architecture: replication
sentinel:
  enabled: true
commonConfiguration: |-
  appendonly yes
  maxmemory 400mb
replica:
  replicaCount: 3
  resources:
    limits: {memory: 1Gi}
` }],
  },
  defaults: { severity: 'warning' },
});
