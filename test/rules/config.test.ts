/**
 * Table tests for the redis.conf rules (src/rules/config.ts): appendfsync-policy and
 * aof-load-truncated-off. A directive inside a `|` block (ConfigMap redis.conf, Bitnami
 * commonConfiguration / configuration) is reported at its own line and indentation column; a
 * command-line flag at its `--name` argument.
 */
import { ruleTester, yaml } from './fixtures/harness.js';

/** HelmRelease with a commonConfiguration block; `fsync` is the appendfsync line. */
function helmRelease(fsync: string): string {
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
          ${fsync}
          save ""
  `;
}

/** Argo CD Application whose helm.values is a YAML string holding a commonConfiguration block. */
const argoValuesString = yaml`
  apiVersion: argoproj.io/v1alpha1
  kind: Application
  metadata:
    name: redis
    namespace: argocd
  spec:
    destination:
      namespace: cache
    source:
      repoURL: https://charts.bitnami.com/bitnami
      chart: redis
      targetRevision: 19.6.0
      helm:
        values: |
          architecture: standalone
          commonConfiguration: |-
            appendonly yes
            appendfsync always
            save ""
`;

ruleTester('appendfsync-policy', {
  valid: [
    {
      name: 'HelmRelease commonConfiguration with appendfsync everysec',
      code: helmRelease('appendfsync everysec'),
    },
    {
      // appendfsync only matters with AOF on
      name: 'ConfigMap redis.conf with appendfsync no but appendonly no',
      code: yaml`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: redis-conf
        data:
          redis.conf: |
            appendonly no
            appendfsync no
            save 900 1
      `,
    },
    {
      // extraFlags come after the --include'd configuration on the command line and win
      name: 'Bitnami values: master.extraFlags --appendfsync everysec overrides configuration always',
      code: yaml`
        architecture: standalone
        master:
          configuration: |-
            appendfsync always
          extraFlags:
            - --appendfsync everysec
      `,
    },
  ],
  invalid: [
    {
      name: 'HelmRelease: appendfsync no inside the commonConfiguration block points at that line',
      code: helmRelease('appendfsync no'),
      errors: [{ line: 18, column: 7, at: 'appendfsync no', includes: ['appendfsync no', '~30 s', 'everysec'] }],
    },
    {
      name: 'StatefulSet args: --appendfsync always points at the flag',
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
                  args:
                    - --appendonly
                    - "yes"
                    - --appendfsync
                    - always
      `,
      errors: [{ line: 19, column: 15, at: '--appendfsync', includes: ['appendfsync always', 'fsync error'] }],
    },
    {
      // a ConfigMap no workload mounts is still checked for config-only rules
      name: 'ConfigMap alone: no-appendfsync-on-rewrite yes',
      code: yaml`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: redis-conf
        data:
          redis.conf: |
            appendonly yes
            appendfsync everysec
            no-appendfsync-on-rewrite yes
      `,
      errors: [{ line: 9, column: 5, at: 'no-appendfsync-on-rewrite yes', includes: ['no-appendfsync-on-rewrite yes', '~30 s'] }],
    },
    {
      name: 'Argo CD helm.values string: the directive line inside the nested block',
      code: argoValuesString,
      errors: [{ line: 18, at: 'appendfsync always', includes: ['appendfsync always'] }],
    },
    {
      name: 'Argo CD helm.values string: the directive column inside the nested block',
      code: argoValuesString,
      errors: [{ line: 18, column: 11, at: 'appendfsync always' }],
    },
  ],
});

ruleTester('aof-load-truncated-off', {
  valid: [
    {
      name: 'ConfigMap redis.conf with aof-load-truncated yes',
      code: yaml`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: redis-conf
        data:
          redis.conf: |
            appendonly yes
            aof-load-truncated yes
      `,
    },
    {
      // no AOF is loaded at start-up
      name: 'Bitnami values with aof-load-truncated no but appendonly no',
      code: yaml`
        architecture: standalone
        commonConfiguration: |-
          appendonly no
          aof-load-truncated no
      `,
    },
  ],
  invalid: [
    {
      name: 'StatefulSet + ConfigMap: aof-load-truncated no in the mounted redis.conf',
      code: yaml`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: redis-conf
        data:
          redis.conf: |
            appendonly yes
            aof-load-truncated no
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
                    - {name: conf, mountPath: /etc/redis}
              volumes:
                - name: conf
                  configMap: {name: redis-conf}
      `,
      errors: [{ line: 8, column: 5, at: 'aof-load-truncated no', includes: ['aof-load-truncated no', 'redis-check-aof'] }],
    },
    {
      // start-master.sh passes each extraFlags entry as one argv element; Redis reads "--name value" as one config line
      name: 'Bitnami values: master.extraFlags "--aof-load-truncated no"',
      code: yaml`
        architecture: standalone
        master:
          extraFlags:
            - --maxmemory 64mb
            - --aof-load-truncated no
      `,
      errors: [{ line: 5, column: 7, at: '--aof-load-truncated no', includes: ['aof-load-truncated no'] }],
    },
  ],
});
