/**
 * Kubernetes API responses for the audit tests, in the shapes the API server sends (Kubernetes API
 * reference, v1.30: StatefulSetList / DeploymentList apps/v1, StorageClassList storage.k8s.io/v1,
 * ConfigMap v1, a custom resource list of helm.toolkit.fluxcd.io/v2, and metav1 Status bodies for
 * 403 and 404). Written after `kubectl get --raw` output (list metadata.resourceVersion, items
 * without apiVersion/kind for built-in kinds, full metadata with uid, generation,
 * creationTimestamp, managedFields, the last-applied annotation, and status); not captured from a
 * live cluster, which cannot run on these machines.
 */

const managedFields = (manager: string, apiVersion: string) => [
  {
    manager,
    operation: 'Update',
    apiVersion,
    time: '2025-07-01T09:12:44Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } }, 'f:spec': { 'f:replicas': {} } },
  },
];

/** StatefulSet cache/redis: 50Mi AOF volume on StorageClass "standard" (no allowVolumeExpansion), redis.conf from ConfigMap redis-conf. */
export const redisCache = {
  metadata: {
    name: 'redis',
    namespace: 'cache',
    uid: '6f1c2a7e-1b7e-4a53-9d0e-2f4b8c1d9a01',
    resourceVersion: '884213',
    generation: 3,
    creationTimestamp: '2025-07-01T09:12:44Z',
    labels: { app: 'redis' },
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"annotations":{},"name":"redis","namespace":"cache"}}\n',
    },
    managedFields: managedFields('kubectl-client-side-apply', 'apps/v1'),
  },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'redis' } },
    serviceName: 'redis',
    podManagementPolicy: 'OrderedReady',
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    revisionHistoryLimit: 10,
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    template: {
      metadata: { creationTimestamp: null, labels: { app: 'redis' } },
      spec: {
        securityContext: { fsGroup: 999 },
        containers: [
          {
            name: 'redis',
            image: 'redis:7.2',
            command: ['redis-server', '/etc/redis/redis.conf'],
            ports: [{ containerPort: 6379, name: 'redis', protocol: 'TCP' }],
            resources: { limits: { memory: '512Mi' }, requests: { memory: '256Mi' } },
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            imagePullPolicy: 'IfNotPresent',
            volumeMounts: [
              { name: 'data', mountPath: '/data' },
              { name: 'config', mountPath: '/etc/redis' },
            ],
          },
        ],
        volumes: [{ name: 'config', configMap: { name: 'redis-conf', defaultMode: 420 } }],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        schedulerName: 'default-scheduler',
      },
    },
    volumeClaimTemplates: [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', creationTimestamp: null },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '50Mi' } }, volumeMode: 'Filesystem' },
        status: { phase: 'Pending' },
      },
    ],
  },
  status: { observedGeneration: 3, replicas: 1, readyReplicas: 1, currentReplicas: 1, updatedReplicas: 1, currentRevision: 'redis-7d9c8b6f5', updateRevision: 'redis-7d9c8b6f5', collisionCount: 0, availableReplicas: 1 },
};

/** StatefulSet other/sessions: 4Gi on the expandable class; AOF from args. */
export const redisOther = {
  metadata: {
    name: 'sessions',
    namespace: 'other',
    uid: '0d8e4b3c-77a2-4e0f-8c51-5a3b1e6f2c02',
    resourceVersion: '884377',
    generation: 1,
    creationTimestamp: '2025-07-02T10:00:00Z',
    labels: { app: 'sessions' },
    managedFields: managedFields('helm', 'apps/v1'),
  },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'sessions' } },
    serviceName: 'sessions',
    template: {
      metadata: { labels: { app: 'sessions' } },
      spec: {
        securityContext: { fsGroup: 999 },
        containers: [
          {
            name: 'redis',
            image: 'redis:7.2',
            args: ['redis-server', '--appendonly', 'yes', '--maxmemory', '200mb'],
            resources: { limits: { memory: '1Gi' } },
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          },
        ],
      },
    },
    volumeClaimTemplates: [
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'expandable', resources: { requests: { storage: '4Gi' } } } },
    ],
  },
  status: { observedGeneration: 1, replicas: 1, availableReplicas: 1 },
};

export const statefulSetList = (items: unknown[]) => ({ kind: 'StatefulSetList', apiVersion: 'apps/v1', metadata: { resourceVersion: '884400' }, items });
export const deploymentList = (items: unknown[]) => ({ kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: { resourceVersion: '884400' }, items });

export const configMapRedisConf = {
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: {
    name: 'redis-conf',
    namespace: 'cache',
    uid: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c03',
    resourceVersion: '884100',
    creationTimestamp: '2025-07-01T09:12:40Z',
    managedFields: managedFields('kubectl-client-side-apply', 'v1'),
  },
  data: { 'redis.conf': 'appendonly yes\nappendfsync everysec\nsave ""\nmaxmemory 200mb\nmaxmemory-policy allkeys-lru\n' },
};

export const storageClassList = {
  kind: 'StorageClassList',
  apiVersion: 'storage.k8s.io/v1',
  metadata: { resourceVersion: '884400' },
  items: [
    {
      metadata: {
        name: 'standard',
        uid: 'c0ffee00-0000-4000-8000-000000000001',
        resourceVersion: '310',
        creationTimestamp: '2024-11-20T08:00:00Z',
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
        managedFields: managedFields('kube-addon-manager', 'storage.k8s.io/v1'),
      },
      provisioner: 'kubernetes.io/no-provisioner',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    },
    {
      metadata: { name: 'expandable', uid: 'c0ffee00-0000-4000-8000-000000000002', resourceVersion: '311', creationTimestamp: '2024-11-20T08:00:00Z' },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3' },
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: true,
      volumeBindingMode: 'WaitForFirstConsumer',
    },
  ],
};

/** HelmRelease klamm-prod/redis (the 50Mi incident), no storageClass: the default class "standard". */
export const helmRelease = (apiVersion: string) => ({
  apiVersion,
  kind: 'HelmRelease',
  metadata: {
    name: 'redis',
    namespace: 'klamm-prod',
    uid: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a804',
    resourceVersion: '884250',
    generation: 2,
    creationTimestamp: '2025-07-01T09:00:00Z',
    finalizers: ['finalizers.fluxcd.io'],
    managedFields: managedFields('kustomize-controller', apiVersion),
  },
  spec: {
    interval: '10m',
    chart: { spec: { chart: 'redis', version: '20.13.3', sourceRef: { kind: 'HelmRepository', name: 'bitnami', namespace: 'flux-system' }, reconcileStrategy: 'ChartVersion' } },
    values: { architecture: 'standalone', master: { persistence: { enabled: true, size: '50Mi' } } },
  },
  status: { observedGeneration: 2, conditions: [{ type: 'Ready', status: 'True', reason: 'UpgradeSucceeded', message: 'Helm upgrade succeeded', lastTransitionTime: '2025-07-01T09:01:00Z' }], lastAttemptedRevision: '20.13.3' },
});

export const helmReleaseList = (apiVersion: string, items: unknown[]) => ({ apiVersion, kind: 'HelmReleaseList', metadata: { continue: '', resourceVersion: '884400' }, items });

/** metav1.Status of a 404 for a resource the server does not serve (CRD not installed). */
export const notFound = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 };

/** metav1.Status of a 403 for a list the user may not do. */
export const forbidden = (resource: string, group: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: `${resource}${group ? '.' + group : ''} is forbidden: User "system:serviceaccount:redis-lint:auditor" cannot list resource "${resource}" in API group "${group}" at the cluster scope`,
  reason: 'Forbidden',
  details: { group, kind: resource },
  code: 403,
});
