/**
 * Table tests for volume-not-expandable (src/rules/storage.ts) through offline lint: it needs the
 * cluster's StorageClasses, which only `redis-lint audit` reads and hands to it, so offline lint
 * never reports it, whatever the input holds. Its firing cases run through the audit pipeline in
 * test/audit/rule.test.ts.
 */
import { ruleTester, yaml } from './fixtures/harness.js';

ruleTester('volume-not-expandable', {
  valid: [
    {
      name: 'a StorageClass without allowVolumeExpansion and a StatefulSet on it, in one file: no cluster facts offline',
      code: yaml`
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: standard
          annotations: {storageclass.kubernetes.io/is-default-class: "true"}
        provisioner: ebs.csi.aws.com
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: redis
        spec:
          template:
            spec:
              containers:
                - name: redis
                  image: redis:7.2
                  args: [redis-server, --appendonly, "yes"]
                  volumeMounts: [{name: data, mountPath: /data}]
          volumeClaimTemplates:
            - metadata: {name: data}
              spec: {storageClassName: standard, resources: {requests: {storage: 50Mi}}}
      `,
    },
    {
      name: 'the 50Mi HelmRelease on the default class',
      code: yaml`
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: redis
          namespace: klamm-prod
        spec:
          chart:
            spec:
              chart: redis
              version: 20.13.3
              sourceRef: {kind: HelmRepository, name: bitnami}
          values:
            master:
              persistence:
                storageClass: standard
                size: 50Mi
      `,
    },
  ],
  invalid: [],
});
