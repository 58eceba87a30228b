import { formatBytes } from '../model/units.js';
import { formatQuantity } from '../model/volume.js';
import { confBytes } from '../sources/redis-defaults.js';
import { originLabel, originPosition } from '../types.js';
import { limitFor, limitTooSmallWords, maxmemoryFix, maxmemoryWords, mb, MIN_MAXMEMORY, safeMaxmemory } from './memory-budget.js';
import { defineRule } from './rule.js';

/**
 * maxmemory-above-limit: maxmemory at or above the container's memory limit. maxmemory bounds the
 * dataset Redis counts (used_memory minus replication and AOF buffers, evict.c
 * getMaxmemoryState), not the process: Redis's own memory, allocator fragmentation and a fork's
 * copy-on-write come on top, so the cgroup limit is reached, and the kernel OOM-kills Redis, before
 * performEvictions ever runs. The most specific memory finding: it supersedes fork-memory-headroom
 * and maxmemory-unset (same maxmemory, same limit) and carries their advice.
 */
export const maxmemoryAboveLimit = defineRule({
  id: 'maxmemory-above-limit',
  measure: 'memory',
  meta: {
    description: 'maxmemory is at or above the container memory limit: Redis is OOM-killed before it evicts a key or refuses a write, whatever maxmemory-policy says.',
    remediation: 'Lower maxmemory to what the limit carries through a fork (about half the limit minus Redis overhead without a write rate), or raise the memory limit to at least the projected fork peak.',
    incident:
      'A StatefulSet with "maxmemory 4gb" and limits.memory 4Gi was OOM-killed and restart-looped (review of claude-code-hub deploy/k8s/redis/statefulset.yaml, PR 1048): RSS passes the limit before the dataset reaches maxmemory.',
    category: 'reliability',
    precision: 'high',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [
      {
        file: 'redis.yaml',
        bad: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      securityContext: {fsGroup: 999}
      containers:
        - name: redis
          image: redis:7.2
          args: [redis-server, --save, "", --maxmemory, 90mb]
          resources: {limits: {memory: 60Mi}}
`,
        good: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      securityContext: {fsGroup: 999}
      containers:
        - name: redis
          image: redis:7.2
          # below the limit minus Redis's own memory (nothing forks: no AOF, no save points)
          args: [redis-server, --save, "", --maxmemory, 50mb]
          resources: {limits: {memory: 60Mi}}
`,
      },
    ],
  },
  defaults: { severity: 'error' },
  needsWorkload: true,
  supersedes: ['fork-memory-headroom', 'maxmemory-unset'],
  check({ dep, projection }) {
    const limit = dep.memoryLimit.value;
    const maxmemory = confBytes(dep, 'maxmemory');
    if (limit === null || !maxmemory.value || maxmemory.value < limit) return [];
    const through = projection.memory.forkHappens ? ' through a fork' : '';
    const safe = safeMaxmemory(limit, projection);
    const peak = projection.memory.forkPeakBytes;
    const needed = peak !== null ? formatQuantity(peak) : limitFor(maxmemory.value, projection);
    const advice = safe >= MIN_MAXMEMORY ? `set maxmemory to at most ${mb(safe)} (what the limit carries${through}) or the limit to at least ${needed}` : limitTooSmallWords(limit, projection, maxmemory.value);
    return [
      {
        message:
          `${maxmemoryWords(dep)} is ${maxmemory.value === limit ? 'equal to' : 'above'} the memory limit ${formatBytes(limit)}${originLabel(dep.memoryLimit.origin)}: ` +
          `maxmemory counts only the dataset, not Redis's own memory, fragmentation or a fork's copy-on-write, so the kernel OOM-kills Redis before it evicts a key (${peak !== null ? `projected peak ${formatBytes(peak)}` : 'no projected peak'}); ${advice}`,
        pos: originPosition(maxmemory.origin),
      },
    ];
  },
  fix: maxmemoryFix,
});
