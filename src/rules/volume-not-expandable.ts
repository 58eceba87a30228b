import { formatBytes } from '../model/units.js';
import { originLabel, originPosition } from '../types.js';
import { persistenceOn } from './facts.js';
import { defineRule } from './rule.js';
import { factsOf, storageClaimKey } from './storage-facts.js';

/**
 * volume-not-expandable: the data volume is a PVC whose StorageClass (the one named, else the
 * cluster's default class) lacks `allowVolumeExpansion: true`, or the claim binds statically
 * (`storageClassName: ""`): the volume cannot be grown in place when it fills up, which was the
 * fix of the 50Mi incident. Needs the cluster's StorageClasses ({@link StorageFacts}); without them
 * (offline lint) it reports nothing. A class the cluster does not have is left alone (its claims
 * stay Pending, which is visible anyway).
 */
export const volumeNotExpandable = defineRule({
  id: 'volume-not-expandable',
  meta: {
    description: "The StorageClass of the data PVC (the one named, else the cluster's default class) does not set allowVolumeExpansion true, or the claim binds statically, so the volume cannot be grown in place when it fills up. Only redis-lint audit checks it, because only the cluster knows its StorageClasses.",
    remediation: "Set allowVolumeExpansion true on the StorageClass (it applies to existing claims too), or move the data to a StorageClass that has it, before the volume is needed in an incident.",
    incident: "The 50Mi incident: the AOF filled the volume and the fix was to grow the PVC. On a StorageClass without allowVolumeExpansion, kubectl edit pvc is refused and the only way out is a new volume, with the data copied or lost.",
    category: 'configuration',
    precision: 'high',
    docs: { scope: 'object', commentSuppressible: true, exampleNotLinted: "it needs the cluster's StorageClasses, which only redis-lint audit reads; test/audit/rule.test.ts runs the example through audit" },
    examples: [{ file: "cluster.yaml", bad: `apiVersion: storage.k8s.io/v1
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
  namespace: cache
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
          args: [redis-server, --appendonly, "yes", --maxmemory, 100mb]
          resources: {limits: {memory: 512Mi}}
          volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {storageClassName: standard, accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi}}}
`, good: `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: ebs.csi.aws.com
allowVolumeExpansion: true
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
  namespace: cache
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
          args: [redis-server, --appendonly, "yes", --maxmemory, 100mb]
          resources: {limits: {memory: 512Mi}}
          volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {storageClassName: standard, accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi}}}
` }],
  },
  defaults: { severity: 'warning' },
  needsWorkload: true,
  check({ dep, params }) {
    const facts = factsOf(params);
    if (!facts || !persistenceOn(dep)) return [];
    const key = storageClaimKey(dep);
    if (!key) return [];
    const claim = facts.claims[dep.object.file]?.[key];
    if (!claim) return [];
    const size = dep.volume.size;
    const what = size ? `PVC ${formatBytes(size.value)}${originLabel(size.origin)}` : 'the data PVC';
    const pos = claim.pos ?? originPosition(dep.volume.origin);
    const via = claim.via ? ` (${claim.via})` : '';
    if (claim.storageClassName === '') {
      return [
        {
          message: `${what} binds statically (storageClassName ""${via}): a statically provisioned volume cannot be expanded, so it cannot be grown when it fills up; use a StorageClass with allowVolumeExpansion: true`,
          pos,
        },
      ];
    }
    const cls =
      claim.storageClassName === null ? facts.classes.find((c) => c.isDefault) : facts.classes.find((c) => c.name === claim.storageClassName);
    if (!cls || cls.allowVolumeExpansion) return [];
    const named = claim.storageClassName === null ? `the default StorageClass "${cls.name}" (no storageClassName${via})` : `StorageClass "${cls.name}"${via}`;
    const alternatives = facts.classes.filter((c) => c.allowVolumeExpansion).map((c) => `"${c.name}"`);
    const instead = alternatives.length ? `, or move to one that has it (${alternatives.join(', ')})` : '';
    return [
      {
        message: `${what} is on ${named}, which does not set allowVolumeExpansion: true: the volume cannot be grown when it fills up (growing the PVC was the fix of the 50Mi incident); set allowVolumeExpansion: true on the StorageClass${instead}`,
        pos,
      },
    ];
  },
});
