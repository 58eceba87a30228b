import type { Projection } from '../model/projection.js';
import { formatBytes } from '../model/units.js';
import { formatQuantityDown } from '../model/volume.js';
import { originLabel, originPosition, type RedisDeployment } from '../types.js';
import { mb, MIN_MAXMEMORY } from './memory-budget.js';
import { defineRule } from './rule.js';

/** memory-limit-missing: no memory limit on the Redis container. */
export const memoryLimitMissing = defineRule({
  id: 'memory-limit-missing',
  meta: {
    description: "The Redis container has no memory limit (chart resourcesPreset none, empty resources), so nothing bounds the dataset, the AOF or the fork. When no maxmemory or workload bounds the dataset either, the finding says how large a dataset the data volume carries (its AOF rewrite cycle, or dump.rdb and a BGSAVE's temp file, with the policy's headroom: docs/model.md, Capacity) and the maxmemory that keeps it there.",
    remediation: "Set resources.limits.memory on the Redis container (master.resources / replica.resources for the Bitnami chart), and a maxmemory no larger than what the volume carries; or size the volume for the data you expect.",
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
  check({ dep, projection }) {
    if (dep.memoryLimit.value !== null) return [];
    const { words: capacity, bytes } = capacityWords(dep, projection);
    // with maxmemory the dataset is bounded; the container is not (a fork's copy-on-write, buffers)
    const unbounded = projection.memory.maxmemoryBytes ? `maxmemory bounds the dataset, but nothing bounds a fork's copy-on-write or the buffers on top of it` : 'nothing bounds the dataset, the AOF or a fork';
    // master and replica sharing the node give one finding: the smaller capacity (the replica keeps dump.rdb), which bounds both
    const merge = (message: string) => ({ key: message.slice(0, message.length - capacity.length), rank: bytes ?? Infinity });
    if (dep.memoryLimit.origin.kind === 'file' && /(^|\.)limits\.memory$/.test(dep.memoryLimit.origin.pos.yamlPath)) {
      // resources.limits.memory: 0 (the kubelet sets no cgroup limit for 0, as for an absent limit)
      const message = `this memory limit sets no limit (0 means none to the kubelet): ${unbounded} (set resources.limits.memory to a size)${capacity}`;
      return [{ message, pos: originPosition(dep.memoryLimit.origin), merge: merge(message) }];
    }
    const where = dep.chart ? ` (${dep.chart.advice?.memoryLimit ?? 'set master/replica resources.limits.memory, or a resourcesPreset other than none'})` : ' (set resources.limits.memory)';
    const message = `no memory limit on the Redis container${originLabel(dep.memoryLimit.origin)}: ${unbounded}${where}${capacity}`;
    return [{ message, pos: originPosition(dep.memoryLimit.origin), merge: merge(message) }];
  },
});

/**
 * When nothing bounds the dataset (no maxmemory, no memory limit, no workload: dataset basis
 * `unknown`), what the data volume carries (docs/model.md "Capacity"), as a clause for the
 * message: "; the 100Mi PVC carries the AOF cycle of a dataset up to 15Mi: set maxmemory ≤ 15mb
 * and a memory limit, or size the PVC for the data you expect". Empty when the dataset is bounded,
 * the volume or its size is unknown, nothing is persisted on it, or the AOF is never rewritten
 * (aof-rewrite-unreachable says so; its cycle has no size).
 */
function capacityWords(dep: RedisDeployment, projection: Projection): { words: string; bytes: number | null } {
  const d = projection.disk;
  const none = { words: '', bytes: null };
  if (projection.dataset.basis !== 'unknown' || d.volumeBytes === null || d.rewriteUnreachable === true) return none;
  const largest = d.maxDatasetBytes;
  if (largest === null) return none;
  const cycle = d.aofEnabled ? 'AOF cycle' : 'RDB files';
  const kind = dep.volume.kind === 'pvc' ? 'PVC' : 'volume';
  const words =
    largest < MIN_MAXMEMORY
      ? `; the ${formatBytes(d.volumeBytes)} ${kind} carries the ${cycle} of no dataset of 1Mi or more with the policy's headroom: size the ${kind} for the data you expect`
      : `; the ${formatBytes(d.volumeBytes)} ${kind} carries the ${cycle} of a dataset up to ${formatQuantityDown(largest)}: set maxmemory ≤ ${mb(largest)} and a memory limit, or size the ${kind} for the data you expect`;
  return { words, bytes: largest };
}
