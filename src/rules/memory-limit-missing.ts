import { originLabel, originPosition } from '../types.js';
import { defineRule } from './rule.js';

/** memory-limit-missing: no memory limit on the Redis container. */
export const memoryLimitMissing = defineRule({
  id: 'memory-limit-missing',
  meta: {
    description: "The Redis container has no memory limit (chart resourcesPreset none, empty resources), so nothing bounds the dataset, the AOF or the fork.",
    remediation: "Set resources.limits.memory on the Redis container (master.resources / replica.resources for the Bitnami chart).",
    incident: "Without a limit a Redis on a shared node grows until the node evicts other pods.",
    category: 'reliability',
    precision: 'high',
    docs: { scope: 'object', commentSuppressible: true, // CWE-770 (allocation of resources without limits): a Redis without a memory limit can exhaust its node and get other tenants' pods evicted (a denial of service on a shared node), which Kubernetes security benchmarks (CIS 5.x, kube-linter, Checkov) flag too. Availability impact only, and it takes load on the Redis, so medium: 5.0.
      security: { severity: '5.0', cwe: 'external/cwe/cwe-770' } },
    examples: [{ file: "values.yaml", bad: `architecture: replication
sentinel:
  enabled: true
replica:
  replicaCount: 3
  resourcesPreset: none
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
    requests: {cpu: 250m, memory: 1Gi}
    limits: {memory: 1Gi}
` }],
  },
  defaults: { severity: 'warning' },
  needsWorkload: true,
  check({ dep }) {
    if (dep.memoryLimit.value !== null) return [];
    if (dep.memoryLimit.origin.kind === 'file' && /(^|\.)limits\.memory$/.test(dep.memoryLimit.origin.pos.yamlPath)) {
      // resources.limits.memory: 0 (the kubelet sets no cgroup limit for 0, as for an absent limit)
      return [{ message: 'this memory limit sets no limit (0 means none to the kubelet): nothing bounds the dataset, the AOF or a fork (set resources.limits.memory to a size)', pos: originPosition(dep.memoryLimit.origin) }];
    }
    const where = dep.chart ? ' (set master/replica resources.limits.memory, or a resourcesPreset other than none)' : ' (set resources.limits.memory)';
    return [
      {
        message: `no memory limit on the Redis container${originLabel(dep.memoryLimit.origin)}: nothing bounds the dataset, the AOF or a fork${where}`,
        pos: originPosition(dep.memoryLimit.origin),
      },
    ];
  },
});
