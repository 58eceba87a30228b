/**
 * Table tests for the memory rules (src/rules/memory.ts): fork-memory-headroom, maxmemory-unset,
 * memory-limit-missing. Hand arithmetic from the model (docs/model.md "Fork memory"):
 *
 *   Dset      = workload, else maxmemory, else the container memory limit
 *   used      = Dset + baselineRss 8Mi + repl backlog 1Mi = Dset + 9Mi
 *   cow       = Dset without a write rate (the 2x rule),
 *             = min(Dset, ceil(rate × child × 40)), child = B / 100MiB/s, with a write rate
 *   forkPeak  = used + cow (Redis 7.x: no rewrite buffer)
 *   safe maxmemory = floor((limit − 9Mi) / (1 + cow/Dset)) in whole mb
 *   Bitnami chart 19+ resourcesPreset nano -> memory limit 192Mi
 */
import { ruleTester, yaml } from './fixtures/harness.js';
import { klamm50Mi } from './fixtures/inputs.js';

/** maxmemory 100mb via master.configuration and a 512Mi limit. */
const maxmemory100mb = yaml`
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
          maxmemory-policy allkeys-lru
        resources:
          limits:
            memory: 512Mi
        persistence:
          size: 1Gi
`;

/** A ConfigMap redis.conf with maxmemory 900mb mounted by a StatefulSet limited to 1Gi. */
const configMap900mb = yaml`
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: redis-conf
    namespace: cache
  data:
    redis.conf: |
      appendonly yes
      maxmemory 900mb
  ---
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: redis
    namespace: cache
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
            resources:
              limits:
                memory: 1Gi
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
              storage: 8Gi
`;

/**
 * maxmemory 1gb under a 1536Mi limit. With `writeRate`, the StatefulSet carries the
 * redis-lint.io/write-rate annotation; without, an unrelated annotation on the same line.
 */
function statefulSet1gb(writeRate?: string): string {
  return yaml`
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: redis
      annotations:
        ${writeRate ? `redis-lint.io/write-rate: ${writeRate}` : 'team: cache'}
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
                limits: {memory: 1536Mi}
              volumeMounts:
                - {name: data, mountPath: /data}
      volumeClaimTemplates:
        - metadata: {name: data}
          spec:
            resources:
              requests:
                storage: 8Gi
  `;
}

/**
 * Bitnami replication: master maxmemory 100mb, both roles limited to 512Mi, 2 replicas; `replicaConf`
 * is the replica.configuration text (line 11), or an unrelated replica key on lines 10-11.
 */
function replication100mb(replicaConf?: string): string {
  return yaml`
    architecture: replication
    master:
      configuration: |-
        maxmemory 100mb
      resources:
        limits:
          memory: 512Mi
    replica:
      replicaCount: 2
      ${replicaConf ? 'configuration: |-' : 'podLabels:'}
        ${replicaConf ?? 'tier: cache'}
      resources:
        limits:
          memory: 512Mi
  `;
}

ruleTester('fork-memory-headroom', {
  valid: [
    {
      // Dset = 100Mi; used = 109Mi; cow = 100Mi; forkPeak = 209Mi <= 512Mi
      name: 'HelmRelease with maxmemory 100mb in master.configuration and a 512Mi limit',
      code: maxmemory100mb,
    },
    {
      // appendonly no, save "", standalone (no replicas): Redis never forks
      name: 'Bitnami values for a pure cache never fork',
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
      // write rate 256Ki/s: child = 1Gi / 100Mi/s = 10.24 s; cow = min(1Gi, 1Mi + ceil(256Ki × 10.24 × 120)) = 323,171,124 B (308.2Mi)
      // forkPeak = 1Gi + 9Mi + 308.2Mi = 1,406,350,132 B (1341.2Mi) <= 1536Mi = 1,610,612,736 B
      name: 'StatefulSet maxmemory 1gb / limit 1536Mi with a measured write rate of 256KiB/s',
      code: statefulSet1gb('256KiB/s'),
    },
    {
      // real replica: Dset ~ master maxmemory 100Mi; forkPeak = 100 + 9 + 100 = 209Mi <= 512Mi
      name: 'Bitnami replication: replicas of a master with maxmemory 100mb under 512Mi limits',
      code: replication100mb(),
    },
  ],
  invalid: [
    {
      // Dset = limit 192Mi; used = 201Mi; cow = 192Mi; forkPeak = 393Mi > 192Mi
      // safe = floor((192 − 9) / 2) = 91mb. The limit is the chart default: point at master (its closest parent).
      name: 'HelmRelease 50Mi with chart defaults (preset nano 192Mi, no maxmemory)',
      code: klamm50Mi,
      errors: [{ line: 18, column: 5, at: 'master:', includes: ['fork peak 393Mi', '201Mi in use', '192Mi copied on write', 'memory limit 192Mi (chart default)', 'at most 91mb', 'without maxmemory Redis is also OOM-killed'], excludes: ['at least'] }],
    },
    {
      // Dset = 900Mi; used = 909Mi; cow = 900Mi; forkPeak = 1809Mi (1.8Gi) > 1Gi
      // safe = floor((1024 − 9) / 2) = 507mb; needed limit 1809Mi. maxmemory is set: point at its directive.
      name: 'ConfigMap maxmemory 900mb under a 1Gi StatefulSet limit points at the directive',
      code: configMap900mb,
      errors: [{ line: 9, column: 5, at: 'maxmemory 900mb', includes: ['fork peak 1.8Gi', 'maxmemory 900mb', 'memory limit 1Gi', 'at most 507mb', 'at least 1809Mi'] }],
    },
    {
      // no write rate: cow = Dset = 1Gi; forkPeak = 1Gi + 9Mi + 1Gi = 2057Mi > 1536Mi
      // safe = floor((1536 − 9) / 2) = 763mb; needed 2057Mi. Points at the --maxmemory flag.
      name: 'StatefulSet maxmemory 1gb / limit 1536Mi without a write rate (2x rule)',
      code: statefulSet1gb(),
      errors: [{ line: 19, column: 39, at: '--maxmemory', includes: ['memory limit 1.5Gi', 'at most 763mb', 'at least 2057Mi'] }],
    },
  ],
});

ruleTester('maxmemory-unset', {
  valid: [
    {
      // safe = floor((512 − 9) / 2) = 251mb >= 100mb
      name: 'HelmRelease with maxmemory 100mb and a 512Mi limit',
      code: maxmemory100mb,
    },
    {
      name: 'StatefulSet without a memory limit (memory-limit-missing reports it)',
      code: statefulSetWithArgs('[--appendonly, "yes"]'),
    },
    {
      // rule fix: replica-ignore-maxmemory yes (default since Redis 5) makes a replica ignore its own
      // maxmemory (evict.c performEvictions); with no failover it is never promoted, so no advice for it
      name: 'Bitnami replication: replica without maxmemory follows the master (replica-ignore-maxmemory default yes)',
      code: replication100mb(),
    },
  ],
  invalid: [
    {
      // limit 192Mi (preset nano), no maxmemory: safe = floor((192 − 9) / 2) = 91mb; the missing
      // master.configuration's closest parent is master
      name: 'HelmRelease 50Mi with the preset limit and no maxmemory',
      code: klamm50Mi,
      errors: [{ line: 18, column: 5, at: 'master:', includes: ['memory limit 192Mi (chart default) without maxmemory', 'at most 91mb', 'through a fork'] }],
    },
    {
      // maxmemory 900mb > safe floor((1024 − 9) / 2) = 507mb
      name: 'ConfigMap maxmemory 900mb above what a 1Gi limit carries through a fork',
      code: configMap900mb,
      errors: [{ line: 9, column: 5, at: 'maxmemory 900mb', includes: ['maxmemory 900mb is above', '1Gi memory limit', 'at most 507mb'] }],
    },
    {
      // the replica evicts on its own: safe = floor((512 − 9) / 2) = 251mb; points at replica.configuration
      name: 'Bitnami replication: replica with replica-ignore-maxmemory no and no maxmemory',
      code: replication100mb('replica-ignore-maxmemory no'),
      errors: [{ line: 10, column: 3, at: 'configuration: |-', includes: ['memory limit 512Mi without maxmemory', 'at most 251mb'], role: 'replica' }],
    },
  ],
});

ruleTester('memory-limit-missing', {
  valid: [
    {
      name: 'HelmRelease chart 20.x: the default resourcesPreset nano sets a 192Mi limit',
      code: klamm50Mi,
    },
    {
      name: 'StatefulSet with resources.limits.memory',
      code: configMap900mb,
    },
    {
      // a ConfigMap no workload mounts says nothing about resources (needsWorkload rules skip it)
      name: 'ConfigMap redis.conf alone',
      code: yaml`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: redis-conf
        data:
          redis.conf: |
            appendonly yes
      `,
    },
  ],
  invalid: [
    {
      // requests only: the missing limits.memory's closest existing parent is resources
      name: 'StatefulSet with memory requests but no limit',
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
                  resources:
                    requests:
                      memory: 256Mi
      `,
      errors: [{ line: 17, column: 11, at: 'resources:', includes: ['no memory limit', 'resources.limits.memory'] }],
    },
    {
      // maxmemory bounds the dataset: the message says what is still unbounded (not "nothing bounds the dataset")
      name: 'StatefulSet with maxmemory and no memory limit',
      code: statefulSetWithArgs('[--maxmemory, 100mb]'),
      errors: [{ line: 14, column: 11, includes: ["no memory limit", "maxmemory bounds the dataset, but nothing bounds a fork's copy-on-write"], excludes: ['nothing bounds the dataset'] }],
    },
    {
      // resources set without a memory limit: the chart renders them as is and ignores the preset
      name: 'Bitnami values with master.resources.limits.cpu only',
      code: yaml`
        architecture: standalone
        master:
          resources:
            limits:
              cpu: 500m
      `,
      errors: [{ line: 4, column: 5, at: 'limits:', includes: ['no memory limit', 'master/replica resources.limits.memory'] }],
    },
    {
      // resourcesPreset none renders no resources: the finding points at the user's `resourcesPreset: none`, not at a chart default
      name: 'Argo CD Application helm.valuesObject with resourcesPreset none',
      code: argoApplication('19.6.0', ['architecture: standalone', 'master:', '  resourcesPreset: none']),
      errors: [{ line: 17, column: 11, at: 'resourcesPreset: none', includes: ['no memory limit'], excludes: ['(chart default)'] }],
    },
    {
      // nothing bounds the dataset: the finding gives what the volume carries (docs/model.md "Capacity":
      // the first rewrite starts at 64Mi + 1 byte next to the new BASE, 64Mi + 1 + B <= 80Mi, so 16Mi - 1 byte)
      name: 'Bitnami values, 100Mi PVC, no limit, no maxmemory: the capacity of the PVC',
      code: noLimitValues('100Mi'),
      errors: [{ line: 3, column: 3, at: 'resourcesPreset: none', includes: ['no memory limit', '; the 100Mi PVC carries the AOF cycle of a dataset up to 15Mi: set maxmemory ≤ 15mb and a memory limit, or size the PVC for the data you expect'] }],
    },
    {
      // 1Gi above the min-size bound: old AOF 2B + new BASE B <= 819.2Mi, so 273Mi
      name: 'Bitnami values, 1Gi PVC, no limit: 273Mi',
      code: noLimitValues('1Gi'),
      errors: [{ line: 3, column: 3, includes: ['the 1Gi PVC carries the AOF cycle of a dataset up to 273Mi: set maxmemory ≤ 273mb'] }],
    },
    {
      // AOF off, save points: dump.rdb + the BGSAVE temp file, 2R <= 80Mi
      name: 'Bitnami values, 100Mi PVC, AOF off with save points: the RDB files',
      code: noLimitValues('100Mi', ['appendonly no', 'save 60 1']),
      errors: [{ line: 6, column: 3, includes: ['the 100Mi PVC carries the RDB files of a dataset up to 40Mi: set maxmemory ≤ 40mb'] }],
    },
    {
      // maxmemory bounds the dataset: the projection has a peak, no capacity advice
      name: 'Bitnami values with maxmemory and no limit: no capacity clause',
      code: noLimitValues('100Mi', ['maxmemory 10mb']),
      errors: [{ line: 5, column: 3, includes: ['no memory limit'], excludes: ['carries', 'set maxmemory'] }],
    },
    {
      // chart 18's default resourcesPreset none for both roles, one node: one finding, with the replica's
      // capacity (it keeps dump.rdb from its full sync next to the AOF: 2B + R + B <= 6553.6Mi, 1638Mi),
      // which bounds the master's replicated dataset too; the master alone would carry 2184Mi
      name: 'Argo CD Application chart 18.14.0 replication, no resources: one finding, the tighter capacity',
      code: argoApplication('18.14.0', ['architecture: replication']),
      errors: [{ line: 14, column: 7, role: 'replica', includes: ['the 8Gi PVC carries the AOF cycle of a dataset up to 1638Mi: set maxmemory ≤ 1638mb'], excludes: ['2184'] }],
    },
    {
      // a volume too small for any dataset of 1Mi: never advise maxmemory 0mb (no limit)
      name: 'Bitnami values, 3Mi PVC, min-size 1mb: no dataset of 1Mi fits',
      code: noLimitValues('3Mi', ['appendonly yes', 'auto-aof-rewrite-min-size 1mb']),
      errors: [{ line: 6, column: 3, includes: ['the 3Mi PVC carries the AOF cycle of no dataset of 1Mi or more', 'size the PVC for the data you expect'], excludes: ['0mb'] }],
    },
  ],
});

/** Bitnami values: standalone, resourcesPreset none (no memory limit), a PVC of `size`, and `conf` lines as commonConfiguration. */
/** A one-container StatefulSet of redis:7.2.4 without resources, with these args (a YAML flow list); its container item is line 14. */
function statefulSetWithArgs(args: string): string {
  return [
    'apiVersion: apps/v1',
    'kind: StatefulSet',
    'metadata:',
    '  name: redis',
    'spec:',
    '  serviceName: redis',
    '  selector:',
    '    matchLabels: {app: redis}',
    '  template:',
    '    metadata:',
    '      labels: {app: redis}',
    '    spec:',
    '      containers:',
    '        - name: redis',
    '          image: redis:7.2.4',
    `          args: ${args}`,
  ].join('\n') + '\n';
}

function noLimitValues(size: string, conf: string[] = []): string {
  const common = conf.length ? ['commonConfiguration: |-', ...conf.map((l) => `  ${l}`)] : [];
  return ['architecture: standalone', ...common, 'master:', '  resourcesPreset: none', '  persistence:', `    size: ${size}`].join('\n') + '\n';
}

/** An Argo CD Application of the Bitnami redis chart `version` with `values` lines as helm.valuesObject (its first line is 14). */
function argoApplication(version: string, values: string[]): string {
  const head = ['apiVersion: argoproj.io/v1alpha1', 'kind: Application', 'metadata:', '  name: redis', '  namespace: argocd', 'spec:', '  destination:', '    namespace: cache', '  source:', '    repoURL: https://charts.bitnami.com/bitnami', '    chart: redis', `    targetRevision: ${version}`, '    helm:', '      valuesObject:'];
  return [...head, ...values.map((l) => `        ${l}`)].join('\n') + '\n';
}
