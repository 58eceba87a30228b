import { originLabel, originPosition } from '../types.js';
import { persistenceOn } from './facts.js';
import { defineRule } from './rule.js';
import { roleKey } from '../fix/operations.js';

/** The fsGroup data-volume-fsgroup recommends for a uid: 999 for the official redis/valkey user, else 1001 (bitnami/redis). */
export function fsGroupFor(uid: number | null): number {
  return uid === 999 ? 999 : 1001;
}

/**
 * data-volume-fsgroup: a persistent data volume, a non-root Redis, no pod fsGroup and no
 * volume-permissions init container: a fresh PVC is owned by root, so Redis cannot create its
 * AOF ("Can't open the append-only file: Permission denied").
 */
export const dataVolumeFsGroup = defineRule({
  id: 'data-volume-fsgroup',
  meta: {
    description: "A persistent data volume with a non-root Redis and no pod fsGroup and no volume-permissions init container, so Redis cannot write its AOF.",
    remediation: "Set the pod securityContext.fsGroup to the Redis group (1001 for bitnami/redis, 999 for the official image), or enable volumePermissions.",
    incident: "'Can't open the append-only file: Permission denied' on a fresh PVC.",
    category: 'reliability',
    precision: 'high',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "statefulset.yaml", bad: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 999
        runAsGroup: 999
      containers:
        - name: redis
          image: redis:7.2
          args: [redis-server, --appendonly, "yes", --maxmemory, 200mb]
          resources: {limits: {memory: 512Mi}}
          volumeMounts:
            - {name: data, mountPath: /data}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi}}}
`, good: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 999
        runAsGroup: 999
        fsGroup: 999   # the kubelet makes the volume group-writable
      containers:
        - name: redis
          image: redis:7.2
          args: [redis-server, --appendonly, "yes", --maxmemory, 200mb]
          resources: {limits: {memory: 512Mi}}
          volumeMounts:
            - {name: data, mountPath: /data}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi}}}
` }],
  },
  defaults: { severity: 'error' },
  needsWorkload: true,
  check({ dep }) {
    if (dep.volume.kind !== 'pvc' || !persistenceOn(dep)) return [];
    const uid = dep.runAsUser.value;
    if (uid === null || uid === 0 || dep.fsGroup.value !== null || dep.volumePermissionsInit) return [];
    const group = fsGroupFor(uid);
    return [
      {
        message: `Redis runs as uid ${uid}${originLabel(dep.runAsUser.origin)} on a persistent volume with no pod fsGroup and no volume-permissions init container: the AOF/RDB cannot be written (Permission denied); set securityContext.fsGroup: ${group}`,
        pos: originPosition(dep.fsGroup.origin),
      },
    ];
  },
  /**
   * Safe: it only adds what the rule found missing. The pod's securityContext.fsGroup (a
   * workload), or for the Bitnami chart `<role>.podSecurityContext` enabled and fsGroup; the group
   * is the one the rule names (999 for uid 999, else 1001).
   */
  fix: {
    safe: true,
    description: 'set the pod securityContext.fsGroup (Bitnami chart: <role>.podSecurityContext.enabled and fsGroup) to the Redis group',
    propose({ dep }) {
      const group = fsGroupFor(dep.runAsUser.value);
      if (dep.source === 'workload') return { operations: [{ op: 'set-pod-field', path: ['securityContext', 'fsGroup'], value: group }], description: `set {where}: ${group}` };
      const key = roleKey(dep);
      return {
        operations: [
          { op: 'set-values', key: [key, 'podSecurityContext', 'enabled'], value: true },
          { op: 'set-values', key: [key, 'podSecurityContext', 'fsGroup'], value: group },
        ],
        description: `set ${key}.podSecurityContext.enabled: true, fsGroup: ${group}`,
      };
    },
  },
});
