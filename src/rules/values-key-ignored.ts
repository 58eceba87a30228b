import { defineRule } from './rule.js';

/** values-key-ignored: reported by the Bitnami values adapter (src/sources/bitnami.ts), not by a check of its own; its metadata, defaults and docs live here. */
export const valuesKeyIgnored = defineRule({
  id: 'values-key-ignored',
  meta: {
    description: "A key the Bitnami chart (or Flux) does not read, e.g. a top-level resources or a misspelt sentinel, so the setting silently does nothing.",
    remediation: "Move the key where the chart reads it (master.resources, replica.resources) or fix its spelling.",
    incident: "A memory limit set at the top level of the values was never applied.",
    category: 'configuration',
    precision: 'very-high',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "values.yaml", bad: `architecture: replication
sentinal:
  enabled: true
commonConfiguration: |-
  appendonly yes
  save ""
  maxmemory 400mb
replica:
  replicaCount: 3
resources:
  limits:
    memory: 1Gi
`, good: `architecture: replication
sentinel:
  enabled: true
commonConfiguration: |-
  appendonly yes
  save ""
  maxmemory 400mb
replica:
  replicaCount: 3
  resources:
    limits:
      memory: 1Gi
` }],
  },
  defaults: { severity: 'warning' },
});
