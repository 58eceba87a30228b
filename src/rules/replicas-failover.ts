import { originLabel, originPosition } from '../types.js';
import { persistenceOn } from './facts.js';
import { defineRule } from './rule.js';

/**
 * replicas-failover: a persistent Redis with no failover (no Sentinel, no cluster) or fewer than
 * 2 replicas, and replicas of a master that does not persist: a master restarted empty is
 * replicated as empty, wiping the replicas (redis.io "Safety of replication when master has
 * persistence turned off").
 */
export const replicasFailover = defineRule({
  id: 'replicas-failover',
  meta: {
    description: "A persistent Redis with fewer than 2 replicas or no failover (no Sentinel, no cluster), or replicas of a master that does not persist (a restarted empty master wipes them).",
    remediation: "Use architecture replication with sentinel.enabled and at least 2 replicas, and keep persistence on the master.",
    incident: "A single replica with no failover: one pod restart is an outage.",
    category: 'reliability',
    precision: 'high',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "helmrelease.yaml", bad: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: redis
  namespace: sessions
spec:
  interval: 10m
  chart:
    spec:
      chart: redis
      version: 20.13.3
      sourceRef: {kind: HelmRepository, name: bitnami}
  values:
    architecture: standalone
    master:
      persistence:
        size: 8Gi
`, good: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: redis
  namespace: sessions
spec:
  interval: 10m
  chart:
    spec:
      chart: redis
      version: 20.13.3
      sourceRef: {kind: HelmRepository, name: bitnami}
  values:
    architecture: replication
    sentinel:
      enabled: true
    replica:
      replicaCount: 3
      persistence:
        size: 8Gi
` }],
  },
  defaults: { severity: 'warning' },
  needsWorkload: true,
  check({ dep }) {
    if (dep.role === 'replica') {
      if (dep.masterPersistent !== false) return [];
      return [
        {
          message: `replicas of a master without persistence: a master restarted empty wipes its ${dep.replicas.value} replica(s) on the next sync; persist the master or disable its automatic restart`,
          pos: originPosition(dep.replicas.origin),
        },
      ];
    }
    if (!persistenceOn(dep) || dep.volume.kind !== 'pvc') return [];
    if (dep.failover.value === 'none') {
      const who = dep.role === 'master' && dep.replicaCount.value > 0 ? `a master with ${dep.replicaCount.value} replica(s) and no Sentinel` : `a single Redis (replicas ${dep.replicas.value}${originLabel(dep.replicas.origin)})`;
      return [
        {
          message: `${who} has no failover: one pod restart or node loss is an outage; ${dep.chart ? (dep.chart.advice?.failover ?? 'enable Sentinel (sentinel.enabled) with at least 2 replicas') : 'run replicas with Sentinel (or an operator) for failover'}`,
          pos: originPosition(dep.failover.origin),
        },
      ];
    }
    // a Redis Cluster shard is its master and its replicas (replicaCount: replicas per master)
    const nodes = dep.role === 'sentinel-node' ? dep.replicas.value : dep.failover.value === 'cluster' ? dep.replicaCount.value + 1 : dep.replicaCount.value;
    const count = dep.failover.value === 'cluster' ? dep.replicaCount : dep.replicas;
    if (nodes < 2) {
      return [
        {
          message: `${dep.failover.value} failover with ${nodes} node(s)${dep.failover.value === 'cluster' ? ' per shard' : ''}${originLabel(count.origin)}: nothing to fail over to; run at least 2 (3 for a Sentinel quorum)`,
          pos: originPosition(count.origin),
        },
      ];
    }
    return [];
  },
});
