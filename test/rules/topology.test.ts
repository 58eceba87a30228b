/**
 * Table tests for replicas-failover (src/rules/topology.ts): a persistent Redis without failover
 * or with fewer than 2 nodes, and replicas of a master that does not persist.
 */
import { ruleTester, yaml } from './fixtures/harness.js';

/** HelmRelease with sentinel enabled and `replicaCount` nodes. */
function sentinelRelease(replicaCount: number): string {
  return yaml`
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata:
      name: redis
      namespace: shop
    spec:
      chart:
        spec:
          chart: redis
          version: 20.13.3
          sourceRef:
            kind: HelmRepository
            name: bitnami
      values:
        sentinel:
          enabled: true
        replica:
          replicaCount: ${replicaCount}
  `;
}

ruleTester('replicas-failover', {
  valid: [
    {
      name: 'HelmRelease with Sentinel and 3 nodes',
      code: sentinelRelease(3),
    },
    {
      // nothing persists, so there is nothing to fail over for durability
      name: 'Bitnami values: standalone pure cache on an emptyDir',
      code: yaml`
        architecture: standalone
        commonConfiguration: |-
          appendonly no
          save ""
        master:
          persistence:
            enabled: false
      `,
    },
  ],
  invalid: [
    {
      // sentinel.enabled is missing: its closest existing parent is spec.values
      name: 'HelmRelease 50Mi standalone (the Klamm release) has no failover',
      code: yaml`
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: redis
          namespace: klamm-prod
        spec:
          interval: 10m
          chart:
            spec:
              chart: redis
              version: 20.13.3
              sourceRef:
                kind: HelmRepository
                name: bitnami
                namespace: flux-system
          values:
            architecture: standalone
            master:
              persistence:
                enabled: true
                size: 50Mi
      `,
      errors: [{ line: 16, column: 3, at: 'values:', includes: ['a single Redis (replicas 1 (chart default))', 'no failover'], role: 'standalone' }],
    },
    {
      name: 'HelmRelease with Sentinel and replica.replicaCount 1',
      code: sentinelRelease(1),
      errors: [{ line: 18, column: 7, at: 'replicaCount: 1', includes: ['sentinel failover with 1 node(s)', 'at least 2'], role: 'sentinel-node' }],
    },
    {
      // master: persistence off (emptyDir, appendonly no, save ""); 2 replicas resync from it after a restart
      name: 'Bitnami values: 2 replicas of a master without persistence',
      code: yaml`
        architecture: replication
        commonConfiguration: |-
          appendonly no
          save ""
        master:
          persistence:
            enabled: false
        replica:
          replicaCount: 2
      `,
      errors: [{ line: 9, column: 3, at: 'replicaCount: 2', includes: ['master without persistence', '2 replica(s)'], role: 'replica' }],
    },
    {
      // no sentinel container, no cluster mode: the failover anchor is the containers list
      name: 'StatefulSet: one AOF pod on a PVC, no Sentinel',
      code: yaml`
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: redis
        spec:
          serviceName: redis
          selector:
            matchLabels: {app: redis}
          template:
            metadata:
              labels: {app: redis}
            spec:
              containers:
                - name: redis
                  image: redis:7.2.4
                  args: [--appendonly, "yes"]
                  volumeMounts:
                    - {name: data, mountPath: /data}
          volumeClaimTemplates:
            - metadata: {name: data}
              spec:
                resources:
                  requests:
                    storage: 8Gi
      `,
      errors: [{ line: 13, column: 7, at: 'containers:', includes: ['a single Redis (replicas 1 (kubernetes default))', 'no failover'] }],
    },
  ],
});
