import { formatSeconds } from '../model/units.js';
import { originPosition } from '../types.js';
import { defineRule } from './rule.js';
import { roleKey } from '../fix/operations.js';

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
  fix: {
    safe: false,
    description: "add a startupProbe (the liveness probe's check) whose budget covers the projected load time",
    propose({ dep, projection, valueAt }) {
      const load = projection?.loadSeconds;
      if (load === null || load === undefined) return 'no projected load time';
      const period = 10;
      // budget: the projected load time x 1.5 plus 30 s for the process to start, in whole periods
      const failureThreshold = Math.max(3, Math.ceil((load * 1.5 + 30) / period));
      const why = `(the model's load time ${Math.ceil(load)}s x 1.5 + 30s = ${failureThreshold * period}s)`;
      if (dep.source === 'workload') {
        const live = dep.livenessProbe.origin;
        if (live.kind !== 'file' || !/(^|\.)livenessProbe$/.test(live.pos.yamlPath)) return 'the liveness probe is not in the input';
        const probe = valueAt(live) as Record<string, unknown> | undefined;
        const handler = Object.fromEntries(Object.entries(probe ?? {}).filter(([k]) => ['exec', 'tcpSocket', 'httpGet', 'grpc'].includes(k)));
        if (!Object.keys(handler).length) return 'the liveness probe has no handler to copy';
        const value = { ...handler, periodSeconds: period, timeoutSeconds: Number(probe?.timeoutSeconds ?? 5), failureThreshold };
        return { operations: [{ op: 'set-beside', origin: live, key: 'startupProbe', value }], description: `add {where} with the liveness probe's check, periodSeconds ${period}, failureThreshold ${failureThreshold} ${why}` };
      }
      const role = dep.role === 'sentinel-node' ? 'sentinel' : roleKey(dep);
      return {
        operations: [
          { op: 'set-values', key: [role, 'startupProbe', 'enabled'], value: true },
          { op: 'set-values', key: [role, 'startupProbe', 'periodSeconds'], value: period },
          { op: 'set-values', key: [role, 'startupProbe', 'failureThreshold'], value: failureThreshold },
        ],
        description: `set ${role}.startupProbe.enabled: true, periodSeconds: ${period}, failureThreshold: ${failureThreshold} ${why}`,
      };
    },
  },
});
