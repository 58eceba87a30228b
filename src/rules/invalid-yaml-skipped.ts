import { defineRule } from './rule.js';

/** invalid-yaml-skipped: reported by the loader (src/load: a file that does not parse and names no Redis, Valkey or KeyDB), not by a check of its own; its metadata, defaults and docs live here. */
export const invalidYamlSkipped = defineRule({
  id: 'invalid-yaml-skipped',
  meta: {
    description: "A file that is not valid YAML and names no Redis, Valkey or KeyDB was skipped. A file that concerns Redis and does not parse is invalid-yaml (an error) instead.",
    remediation: "Fix the syntax at the reported line if the file is yours, or leave it out: --exclude GLOB or ignorePaths: in .redis-lint.yaml.",
    incident: "Whole-repository runs exited 2 on a Cilium HelmRelease with a duplicate key, unrelated to Redis, and hid the Redis findings.",
    category: 'configuration',
    precision: 'very-high',
    docs: { scope: 'file', commentSuppressible: true },
    examples: [{ file: "cilium.yaml", bad: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: cilium
spec:
  values:
    ipam:
      mode: kubernetes
    ipam:
      mode: cluster-pool
`, good: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: cilium
spec:
  values:
    ipam:
      mode: kubernetes
` }],
  },
  defaults: { severity: 'warning' },
});
