import { formatSeconds } from '../model/units.js';
import { originPosition } from '../types.js';
import { defineRule } from './rule.js';

/**
 * liveness-kills-loading: Redis answers LOADING until the dataset is loaded; a liveness probe
 * whose budget (initialDelaySeconds + periodSeconds x failureThreshold) is shorter than the
 * projected load time kills it mid-load, forever, unless a startupProbe holds liveness back.
 */
export const livenessKillsLoading = defineRule({
  id: 'liveness-kills-loading',
  meta: {
    description: "The liveness budget (initialDelaySeconds + periodSeconds x failureThreshold) is shorter than the projected time to load the dataset at start-up, and there is no startupProbe.",
    remediation: "Add a startupProbe whose budget covers the load time, or raise the liveness initialDelaySeconds.",
    incident: "A large AOF replay at start-up outlived the liveness probe: killed while loading, forever.",
    category: 'reliability',
    precision: 'medium',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "statefulset.yaml", bad: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
  annotations:
    redis-lint.io/dataset-size: 6Gi
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      securityContext: {fsGroup: 999}
      terminationGracePeriodSeconds: 300
      containers:
        - name: redis
          image: redis:7.2
          args: [redis-server, --appendonly, "yes", --maxmemory, 7gb]
          resources: {limits: {memory: 16Gi}}
          livenessProbe:
            exec: {command: [redis-cli, ping]}
            initialDelaySeconds: 10
            periodSeconds: 10
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
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      securityContext: {fsGroup: 999}
      terminationGracePeriodSeconds: 300
      containers:
        - name: redis
          image: redis:7.2
          args: [redis-server, --appendonly, "yes", --maxmemory, 7gb]
          resources: {limits: {memory: 16Gi}}
          startupProbe:   # up to 10 minutes to load the dataset
            exec: {command: [redis-cli, ping]}
            periodSeconds: 10
            failureThreshold: 60
          livenessProbe: {exec: {command: [redis-cli, ping]}, periodSeconds: 10}
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
    const live = dep.livenessProbe.value;
    const load = projection.loadSeconds;
    if (!live || live.acceptsLoading || dep.startupProbe.value || load === null) return [];
    const budget = live.initialDelaySeconds + live.periodSeconds * live.failureThreshold;
    if (budget >= load) return [];
    return [
      {
        message: `liveness budget ${budget}s (initialDelaySeconds ${live.initialDelaySeconds} + periodSeconds ${live.periodSeconds} x failureThreshold ${live.failureThreshold}) is shorter than the projected load time ${formatSeconds(load)} and there is no startupProbe: the pod is killed while loading; add a startupProbe with a budget above ${Math.ceil(load)}s`,
        pos: originPosition(dep.livenessProbe.origin),
      },
    ];
  },
});
