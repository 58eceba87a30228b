import { defineRule } from './rule.js';

/** invalid-yaml: reported by the loader (src/load/documents.ts) and the engine (lintPaths), not by a check of its own; its metadata, defaults and docs live here. */
export const invalidYaml = defineRule({
  id: 'invalid-yaml',
  meta: {
    description: "A file that concerns Redis (it names Redis, Valkey or KeyDB) is not valid YAML (or an embedded values string is not), so it cannot be checked. Files that do not concern Redis are invalid-yaml-skipped instead.",
    remediation: "Fix the syntax at the reported line and column.",
    incident: "A file that does not parse is a file no rule checked: redis-lint fails the run rather than pass it silently.",
    category: 'configuration',
    precision: 'very-high',
    docs: { scope: 'file', commentSuppressible: true },
    examples: [{ file: "values.yaml", bad: `image:
  repository: bitnamilegacy/redis
architecture: replication
sentinel:
  enabled: true
commonConfiguration: |-
  appendonly yes
  maxmemory 400mb
replica:
  replicaCount: 3
   resources:
    limits: {memory: 1Gi}
`, good: `image:
  repository: bitnamilegacy/redis
architecture: replication
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
  defaults: { severity: 'error' },
});
