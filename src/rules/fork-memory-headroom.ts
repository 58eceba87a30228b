import { formatBytes } from '../model/units.js';
import { formatQuantity } from '../model/volume.js';
import { confBytes } from '../sources/redis-defaults.js';
import { originLabel, originPosition } from '../types.js';
import { datasetWords, namedByDatasetWords, workloadList } from './words.js';
import { defineRule, numParam } from './rule.js';
import { limitTooSmallWords, mb, MIN_MAXMEMORY, safeMaxmemory } from './memory-budget.js';
import { maxmemoryFix } from './memory-budget.js';

/**
 * fork-memory-headroom: while a fork child runs (BGSAVE, BGREWRITEAOF, full sync), the memory
 * charged to the container is the parent's memory plus pages copied on write (the model's
 * forkPeakBytes); above the limit the kernel OOM-kills Redis or the child. Supersedes
 * maxmemory-unset (same limit, same numbers): without maxmemory its message carries that advice too.
 */
export const forkMemoryHeadroom = defineRule({
  id: 'fork-memory-headroom',
  measure: 'memory',
  meta: {
    description: "The memory limit is below the projected peak while a fork child runs (BGSAVE, BGREWRITEAOF, replica full sync), when copy-on-write can duplicate the dataset.",
    remediation: "Set maxmemory to at most half the memory limit minus overhead (the \"2x\" rule), or raise the memory limit.",
    incident: "BGSAVE / BGREWRITEAOF forks OOM-killed because the limit left no room for copy-on-write.",
    category: 'reliability',
    precision: 'medium',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "redis.yaml", bad: `apiVersion: v1
kind: ConfigMap
metadata: {name: redis-conf}
data:
  redis.conf: |
    appendonly yes
    maxmemory 3gb
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      securityContext: {fsGroup: 999}
      terminationGracePeriodSeconds: 60
      containers:
        - name: redis
          image: redis:7.2
          args: [redis-server, /etc/redis/redis.conf]
          resources: {limits: {memory: 4Gi}}
          volumeMounts: [{name: conf, mountPath: /etc/redis}, {name: data, mountPath: /data}]
      volumes: [{name: conf, configMap: {name: redis-conf}}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}
`, good: `apiVersion: v1
kind: ConfigMap
metadata: {name: redis-conf}
data:
  redis.conf: |
    appendonly yes
    # at most half the limit, minus overhead
    maxmemory 1536mb
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      securityContext: {fsGroup: 999}
      terminationGracePeriodSeconds: 60
      containers:
        - name: redis
          image: redis:7.2
          args: [redis-server, /etc/redis/redis.conf]
          resources: {limits: {memory: 4Gi}}
          volumeMounts: [{name: conf, mountPath: /etc/redis}, {name: data, mountPath: /data}]
      volumes: [{name: conf, configMap: {name: redis-conf}}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}
` }],
  },
  defaults: { severity: 'error', params: {"headroomPercent": 0} },
  needsWorkload: true,
  supersedes: ['maxmemory-unset'],
  check({ dep, projection, params }) {
    const m = projection.memory;
    const limit = dep.memoryLimit.value;
    if (!m.forkHappens || limit === null || m.forkPeakBytes === null) return [];
    const headroom = numParam(params, 'headroomPercent', 0) / 100;
    const usable = limit * (1 - headroom);
    if (m.forkPeakBytes <= usable) return [];
    const maxmemory = confBytes(dep, 'maxmemory');
    const safe = safeMaxmemory(usable, projection);
    const inputs = workloadList(dep, namedByDatasetWords(projection));
    const why = `${datasetWords(dep, projection)}${inputs ? `; workload: ${inputs}` : ''}`;
    const unset = !maxmemory.value && !dep.masterMaxmemory;
    let advice: string;
    if (unset) {
      // maxmemory-unset's advice, folded in: one finding for the one root cause
      advice = `without maxmemory Redis is also OOM-killed instead of evicting or refusing writes; ${
        safe >= MIN_MAXMEMORY ? `set maxmemory to at most ${mb(safe)} (what the limit carries through a fork) and a maxmemory-policy` : limitTooSmallWords(usable, projection, null)
      }`;
    } else {
      const neededLimit = formatQuantity(Math.ceil(m.forkPeakBytes / (1 - headroom)));
      advice = safe >= MIN_MAXMEMORY ? `set maxmemory to at most ${mb(safe)} or the limit to at least ${neededLimit}` : `the limit is too small for any maxmemory: raise it to at least ${neededLimit}`;
    }
    return [
      {
        message:
          `fork peak ${formatBytes(m.forkPeakBytes)} (${formatBytes(m.usedBytes ?? 0)} in use + up to ${formatBytes(m.cowBytes ?? 0)} copied on write; ${why}) ` +
          `exceeds the memory limit ${formatBytes(limit)}${originLabel(dep.memoryLimit.origin)}${headroom ? ` minus ${Math.round(headroom * 100)}%` : ''}: ` +
          `BGSAVE/BGREWRITEAOF is OOM-killed; ${advice}`,
        // the maxmemory line when one is written (also `maxmemory 0`, which is no limit), else the memory limit
        pos: originPosition(maxmemory.value || dep.config.has('maxmemory') ? maxmemory.origin : dep.memoryLimit.origin),
      },
    ];
  },
  fix: maxmemoryFix,
});
