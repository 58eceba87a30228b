/**
 * Table tests for the disk rules (src/rules/disk.ts): aof-rewrite-unreachable, aof-disk-headroom,
 * persistence-ephemeral. Expected numbers are worked out by hand from the model (docs/model.md):
 *
 *   units     1Mi = 1mb = 1,048,576 B; 64mb = 67,108,864 B (auto-aof-rewrite-min-size default)
 *   dataset   Dset = workload, else maxmemory, else the memory limit
 *   RDB/BASE  R = B = Dset (rdbToMemoryRatio 1, aof-use-rdb-preamble yes)
 *   w         bytes written during a rewrite: 0 without a write rate
 *   trigger   T = max(min-size + 1, ceil(b × (100 + p) / 100)), b = B + w, p = 100 -> T = 2B
 *   start     S = T (+ w when save points or replicas can delay the rewrite)
 *   peak      AOF on: S + Dump + max(E, Tmp), E = B + w (7.x multi-part); Dump = Tmp = R when
 *             dump.rdb lives on the volume (save points, replica, disk full sync), else 0
 *   recommend peak / (1 − 0.2) rounded up to a whole Mi
 */
import { describe, expect, it } from 'vitest';
import { lint, ruleTester, yaml } from './fixtures/harness.js';
import { klamm50Mi } from './fixtures/inputs.js';

/** The post-mortem's plan: the same release grown to 100Mi. */
const klamm100Mi = klamm50Mi.replace('size: 50Mi', 'size: 100Mi');

/** HelmRelease on an existing claim (size unknown); `rewrite` is a commonConfiguration line (line 18). */
function existingClaim(rewrite: string): string {
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
        architecture: standalone
        commonConfiguration: |-
          appendonly yes
          ${rewrite}
          save ""
        master:
          persistence:
            existingClaim: redis-data
  `;
}

ruleTester('aof-rewrite-unreachable', {
  valid: [
    {
      // 100Mi = 104,857,600 B > 64mb = 67,108,864 B: the first rewrite can start (aof-disk-headroom's case)
      name: 'HelmRelease 100Mi volume is above auto-aof-rewrite-min-size',
      code: klamm100Mi,
    },
    {
      name: 'Bitnami values with AOF off (RDB only) on a 50Mi volume',
      code: yaml`
        architecture: standalone
        commonConfiguration: |-
          appendonly no
          save 900 1
        master:
          persistence:
            size: 50Mi
      `,
    },
    {
      // min-size 16mb = 16,777,216 B < 50Mi = 52,428,800 B
      name: 'StatefulSet + ConfigMap lowering auto-aof-rewrite-min-size below the volume',
      code: yaml`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: redis-conf
        data:
          redis.conf: |
            appendonly yes
            auto-aof-rewrite-min-size 16mb
            maxmemory 8mb
        ---
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
                  command: [redis-server, /etc/redis/redis.conf]
                  volumeMounts:
                    - {name: data, mountPath: /data}
                    - {name: conf, mountPath: /etc/redis}
              volumes:
                - name: conf
                  configMap: {name: redis-conf}
          volumeClaimTemplates:
            - metadata: {name: data}
              spec:
                accessModes: [ReadWriteOnce]
                resources:
                  requests:
                    storage: 50Mi
      `,
    },
    {
      // an existing claim's size is unknown: nothing to compare min-size with
      name: 'HelmRelease existingClaim (size unknown) with the default rewrite settings',
      code: existingClaim('auto-aof-rewrite-percentage 100'),
    },
  ],
  invalid: [
    {
      // 50Mi = 52,428,800 B < 64mb = 67,108,864 B: serverCron needs aof_current_size > min-size
      name: 'HelmRelease chart 20.x standalone with a 50Mi PVC (the Klamm incident)',
      code: klamm50Mi,
      errors: [{ line: 21, column: 9, at: 'size: 50Mi', includes: ['PVC 50Mi', 'below', 'auto-aof-rewrite-min-size 64mb', 'redis default'], role: 'standalone' }],
    },
    {
      // 64Mi = 67,108,864 B = 64mb: the test is strict (>), so "not above"
      name: 'Argo CD Application valuesObject with a 64Mi PVC, exactly min-size',
      code: yaml`
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: redis
          namespace: argocd
        spec:
          destination:
            server: https://kubernetes.default.svc
            namespace: cache
          source:
            repoURL: https://charts.bitnami.com/bitnami
            chart: redis
            targetRevision: 20.13.3
            helm:
              valuesObject:
                architecture: standalone
                master:
                  persistence:
                    size: 64Mi
      `,
      errors: [{ line: 19, column: 13, at: 'size: 64Mi', includes: ['PVC 64Mi', 'not above', '64mb'] }],
    },
    {
      // percentage 0 disables automatic rewrites whatever the volume: the directive is the line to change
      name: 'StatefulSet + ConfigMap with auto-aof-rewrite-percentage 0 points at the directive',
      code: yaml`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: redis-conf
        data:
          redis.conf: |
            appendonly yes
            maxmemory 256mb
            auto-aof-rewrite-percentage 0
        ---
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
              securityContext: {fsGroup: 999}
              containers:
                - name: redis
                  image: redis:7.2.4
                  command: [redis-server, /etc/redis/redis.conf]
                  volumeMounts:
                    - {name: data, mountPath: /data}
                    - {name: conf, mountPath: /etc/redis}
              volumes:
                - name: conf
                  configMap: {name: redis-conf}
          volumeClaimTemplates:
            - metadata: {name: data}
              spec:
                resources:
                  requests:
                    storage: 2Gi
      `,
      errors: [{ line: 9, column: 5, at: 'auto-aof-rewrite-percentage 0', includes: ['auto-aof-rewrite-percentage 0', 'PVC 2Gi'] }],
    },
    {
      // rule fix: percentage 0 needs no volume size; an existingClaim (size unknown) used to pass silently
      name: 'HelmRelease existingClaim (size unknown) with auto-aof-rewrite-percentage 0 in commonConfiguration',
      code: existingClaim('auto-aof-rewrite-percentage 0'),
      errors: [{ line: 18, column: 7, at: 'auto-aof-rewrite-percentage 0', includes: ['auto-aof-rewrite-percentage 0', 'disables automatic AOF rewrites', 'PVC volume'] }],
    },
  ],
});

ruleTester('aof-disk-headroom', {
  valid: [
    {
      // Dset = maxmemory 100mb; B = 100Mi; T = 200Mi; no dump.rdb (save ""); peak = 200 + 0 + 100 = 300Mi
      // usable = 1Gi × 0.8 = 819.2Mi >= 300Mi
      name: 'HelmRelease 1Gi with maxmemory 100mb: peak 300Mi fits 819.2Mi',
      code: yaml`
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
            architecture: standalone
            master:
              configuration: |-
                maxmemory 100mb
              resources:
                limits:
                  memory: 512Mi
              persistence:
                size: 1Gi
      `,
    },
    {
      name: 'Bitnami values for a pure cache (appendonly no, save "") on 100Mi',
      code: yaml`
        architecture: standalone
        commonConfiguration: |-
          appendonly no
          save ""
        master:
          persistence:
            size: 100Mi
      `,
    },
  ],
  invalid: [
    {
      // alone (aof-rewrite-unreachable off or exempt) the 50Mi volume still gets this finding; with both
      // on, the engine keeps only aof-rewrite-unreachable's (supersedes), see test/rules/precedence.test.ts
      name: 'HelmRelease 50Mi: reported on its own when aof-rewrite-unreachable is off',
      code: klamm50Mi,
      errors: [{ line: 21, at: 'size: 50Mi', includes: ['PVC 50Mi', 'recommended volume 720Mi'] }],
    },
    {
      // chart 20.x: Redis 7.4 (multi-part AOF), commonConfiguration appendonly yes + save "", preset nano 192Mi
      // Dset = 192Mi (no maxmemory: the limit); B = 192Mi; w = 0; b = 192Mi; T = max(64Mi + 1, 2 × 192Mi) = 384Mi
      // no save points, no replicas: S = T = 384Mi, Dump = 0; E = B + w = 192Mi
      // peak = 384 + 0 + max(192, 0) = 576Mi > usable 100Mi × 0.8 = 80Mi; recommended 576 / 0.8 = 720Mi
      name: 'HelmRelease grown to 100Mi still cannot hold a rewrite (recommended volume 720Mi)',
      code: klamm100Mi,
      errors: [
        {
          line: 21,
          column: 9,
          at: 'size: 100Mi',
          includes: ['projected peak disk use 576Mi', 'AOF rewrite at 384Mi', 'new BASE 192Mi', '192Mi memory limit', 'PVC 100Mi', '(80Mi)', 'recommended volume 720Mi'],
        },
      ],
    },
    {
      // Redis 7.2, default save points (3600 1 300 100 60 10000) -> dump.rdb on the volume
      // Dset = maxmemory 1gb = 1Gi; R = B = 1Gi; w = 0; T = 2Gi; S = 2Gi (+ w = 0)
      // peak = S + Dump + max(E, Tmp) = 2 + 1 + max(1, 1) = 4Gi > usable 2Gi × 0.8 = 1.6Gi
      // recommended 4Gi / 0.8 = 5Gi
      name: 'StatefulSet 2Gi volumeClaimTemplate with maxmemory 1gb, AOF and default RDB save points',
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
              securityContext: {fsGroup: 999}
              containers:
                - name: redis
                  image: redis:7.2.4
                  args: [--appendonly, "yes", --maxmemory, 1gb]
                  resources:
                    limits: {memory: 3Gi}
                  volumeMounts:
                    - {name: data, mountPath: /data}
          volumeClaimTemplates:
            - metadata: {name: data}
              spec:
                resources:
                  requests:
                    storage: 2Gi
      `,
      errors: [
        {
          line: 27,
          column: 13,
          at: 'storage: 2Gi',
          includes: ['projected peak disk use 4Gi', 'AOF rewrite at 2Gi', 'new BASE 1Gi', 'dump.rdb 1Gi', 'maxmemory 1gb', 'PVC 2Gi', '(1.6Gi)', 'recommended volume 5Gi'],
        },
      ],
    },
  ],
});

ruleTester('persistence-ephemeral', {
  valid: [
    {
      name: 'Bitnami values: persistence disabled for a pure cache (appendonly no, save "")',
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
    {
      name: 'StatefulSet with AOF on a volumeClaimTemplate',
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
    },
  ],
  invalid: [
    {
      // the chart renders an emptyDir when persistence is disabled; commonConfiguration keeps appendonly yes
      name: 'Bitnami values: persistence.enabled false with the chart default appendonly yes',
      code: yaml`
        architecture: standalone
        master:
          persistence:
            enabled: false
      `,
      errors: [{ line: 4, column: 5, at: 'enabled: false', includes: ['appendonly yes (chart default)', 'an emptyDir'] }],
    },
    {
      // no volumeMounts and no volumes: dir (/data, the image WORKDIR) is the container's writable layer;
      // the closest existing parent of the missing volume is the container
      name: 'Deployment running redis-server --appendonly yes with no volume at all',
      code: yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: redis
        spec:
          selector:
            matchLabels: {app: redis}
          template:
            metadata:
              labels: {app: redis}
            spec:
              containers:
                - name: redis
                  image: redis:7.2.4
                  args: [--appendonly, "yes", --save, ""]
      `,
      errors: [{ line: 13, column: 11, at: 'name: redis', includes: ['appendonly yes', 'container filesystem'] }],
    },
  ],
});

describe('aof-rewrite-unreachable vs aof-disk-headroom on the Klamm release', () => {
  it('50Mi gets only aof-rewrite-unreachable; 100Mi gets only aof-disk-headroom', () => {
    const ids = (code: string) => lint(code).map((f) => f.ruleId).filter((id) => id.startsWith('aof-'));
    expect(ids(klamm50Mi)).toEqual(['aof-rewrite-unreachable']);
    expect(ids(klamm100Mi)).toEqual(['aof-disk-headroom']);
  });
});
