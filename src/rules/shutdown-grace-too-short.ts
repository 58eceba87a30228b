import { formatSeconds } from '../model/units.js';
import { originLabel, originPosition } from '../types.js';
import { defineRule } from './rule.js';
import { roleKey } from '../fix/operations.js';

/**
 * shutdown-grace-too-short: on SIGTERM Redis with save points does a final blocking SAVE
 * (prepareForShutdown in server.c); a grace period shorter than that gets it SIGKILLed mid-save.
 */
export const shutdownGraceTooShort = defineRule({
  id: 'shutdown-grace-too-short',
  meta: {
    description: "terminationGracePeriodSeconds is shorter than the projected final save on SIGTERM, so the pod is killed mid-save.",
    remediation: "Raise terminationGracePeriodSeconds above the projected save time.",
    incident: "SIGKILL during the shutdown SAVE left a truncated dump.",
    category: 'data-loss',
    precision: 'medium',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "statefulset.yaml", bad: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
  annotations:
    redis-lint.io/dataset-size: 6Gi
    redis-lint.io/rdb-size: 3Gi
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      securityContext: {fsGroup: 999}
      terminationGracePeriodSeconds: 10
      containers:
        - name: redis
          image: redis:7.2
          args: [redis-server, --save, "3600 1", --maxmemory, 7gb]
          resources: {limits: {memory: 16Gi}}
          volumeMounts:
            - {name: data, mountPath: /data}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 40Gi}}}
`, good: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
  annotations:
    redis-lint.io/dataset-size: 6Gi
    redis-lint.io/rdb-size: 3Gi
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      securityContext: {fsGroup: 999}
      terminationGracePeriodSeconds: 60   # above the projected final SAVE
      containers:
        - name: redis
          image: redis:7.2
          args: [redis-server, --save, "3600 1", --maxmemory, 7gb]
          resources: {limits: {memory: 16Gi}}
          volumeMounts:
            - {name: data, mountPath: /data}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 40Gi}}}
` }],
  },
  defaults: { severity: 'warning' },
  needsWorkload: true,
  check({ dep, projection }) {
    const save = projection.shutdownSaveSeconds;
    const grace = dep.terminationGracePeriodSeconds;
    if (save === null || save <= 0 || grace.value >= save) return [];
    return [
      {
        message: `terminationGracePeriodSeconds ${grace.value}${originLabel(grace.origin)} is shorter than the projected final SAVE on SIGTERM (${formatSeconds(save)}): the pod is killed mid-save; set it above ${Math.ceil(save) + 10}`,
        pos: originPosition(grace.origin),
      },
    ];
  },
  /** Not safe: a longer grace period slows every rollout and drain. The value is the one the message recommends. */
  fix: {
    safe: false,
    description: 'raise terminationGracePeriodSeconds above the projected final SAVE',
    propose({ dep, projection }) {
      const save = projection?.shutdownSaveSeconds;
      if (save === null || save === undefined) return 'no projected SAVE time';
      const seconds = Math.ceil(save) + 10;
      if (dep.source === 'workload') return { operations: [{ op: 'set-pod-field', path: ['terminationGracePeriodSeconds'], value: seconds }], description: `set {where}: ${seconds}` };
      const key = dep.role === 'sentinel-node' ? 'sentinel' : roleKey(dep);
      return { operations: [{ op: 'set-values', key: [key, 'terminationGracePeriodSeconds'], value: seconds }], description: `set {where}: ${seconds}` };
    },
  },
});
