/**
 * Table tests for the pod rules (src/rules/pod.ts): data-volume-fsgroup, liveness-kills-loading,
 * shutdown-grace-too-short. Hand arithmetic from the model (docs/model.md "Start-up load and
 * shutdown save"), with rdbLoad 100MiB/s, aofReplay 20MiB/s, rdbSave 100MiB/s:
 *
 *   load (AOF, preamble yes) = B / 100MiB/s + (S + w − B) / 20MiB/s
 *   shutdown SAVE            = R / 100MiB/s with save points, else 0
 *   liveness budget          = initialDelaySeconds + periodSeconds × failureThreshold
 */
import { describe, expect, it } from 'vitest';
import { lint, ruleTester, yaml } from './fixtures/harness.js';

/** A StatefulSet running the official image as uid 999 on a PVC; `annotations` and `fsGroup` vary. */
function uid999(opts: { annotation?: string; fsGroup?: boolean } = {}): string {
  return yaml`
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: redis
      annotations:
        ${opts.annotation ?? 'team: cache'}
    spec:
      serviceName: redis
      selector:
        matchLabels: {app: redis}
      template:
        metadata:
          labels: {app: redis}
        spec:
          securityContext:
            runAsUser: 999
            ${opts.fsGroup ? 'fsGroup: 999' : 'runAsNonRoot: true'}
          containers:
            - name: redis
              image: redis:7.2.4
              command: [redis-server, --appendonly, "yes"]
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

ruleTester('data-volume-fsgroup', {
  valid: [
    {
      name: 'StatefulSet uid 999 with pod fsGroup 999',
      code: uid999({ fsGroup: true }),
    },
    {
      // no command: the official entrypoint starts as root, chowns /data and drops to uid 999
      name: 'StatefulSet with the official image entrypoint (args only, no runAsUser)',
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
    {
      name: 'Bitnami values: podSecurityContext disabled but volumePermissions enabled',
      code: yaml`
        architecture: standalone
        volumePermissions:
          enabled: true
        master:
          podSecurityContext:
            enabled: false
      `,
    },
    {
      name: 'StatefulSet exempted with ignore-check.redis-lint.io/data-volume-fsgroup',
      code: uid999({ annotation: 'ignore-check.redis-lint.io/data-volume-fsgroup: "fsGroup set by a mutating webhook"' }),
    },
  ],
  invalid: [
    {
      // fsGroup is missing: its closest existing parent is the pod securityContext
      name: 'StatefulSet runAsUser 999 on a PVC without fsGroup',
      code: uid999(),
      errors: [{ line: 15, column: 7, at: 'securityContext:', includes: ['uid 999', 'no pod fsGroup', 'fsGroup: 999'] }],
    },
    {
      name: 'Bitnami values: master.podSecurityContext.enabled false (bitnami/redis runs as 1001)',
      code: yaml`
        architecture: standalone
        master:
          podSecurityContext:
            enabled: false
      `,
      errors: [{ line: 4, column: 5, at: 'enabled: false', includes: ['uid 1001 (chart default)', 'fsGroup: 1001'] }],
    },
  ],
});

/**
 * A StatefulSet with AOF and maxmemory 512mb, 1MiB/s write rate. Load time:
 * Dset = B = 512Mi; child = 5.12 s; w = ceil(1Mi × 5.12) = 5,368,710 B; b = B + w;
 * T = 2b = 1,084,479,244 B; default save points can delay the rewrite: S = T + w;
 * largest AOF S + w = 1,095,216,664 B;
 * load = 5.12 s + (1,095,216,664 − 536,870,912) / 20,971,520 = 5.12 + 26.624 = 31.744 s.
 * `liveness` (line 22) and `startup` (line 23) are one-line container entries.
 */
function loading512mb(liveness: string, opts: { startup?: string; maxmemory?: string } = {}): string {
  return yaml`
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: redis
      annotations:
        redis-lint.io/write-rate: 1MiB/s
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
              args: [--appendonly, "yes", --maxmemory, ${opts.maxmemory ?? '512mb'}]
              resources:
                limits: {memory: 2Gi}
              ${liveness}
              ${opts.startup ?? 'imagePullPolicy: IfNotPresent'}
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

/** Requires PONG: `redis-cli ping` alone exits 0 on a LOADING error reply; grep makes the probe fail while loading. */
const pongLiveness = 'livenessProbe: {exec: {command: [sh, -c, "redis-cli ping | grep PONG"]}, initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3}';

/** Bitnami values with maxmemory 1gb, 3Gi limit; `extra` adds master-level lines (indented by 2). */
function bitnami1gb(extra = ''): string {
  return yaml`
    architecture: standalone
    commonConfiguration: |-
      appendonly yes
      save ""
    master:
      configuration: |-
        maxmemory 1gb
      resources:
        limits:
          memory: 3Gi
      persistence:
        size: 8Gi
  ` + extra;
}

ruleTester('liveness-kills-loading', {
  valid: [
    {
      // load 61.44 s (see below) > chart liveness budget 20 + 5 × 5 = 45 s, but the chart's probe is
      // /health/ping_liveness_local.sh, which accepts a LOADING reply (templates/health-configmap.yaml)
      name: "Bitnami values: the chart's own liveness probe accepts LOADING",
      code: bitnami1gb(),
    },
    {
      // tuning the chart probe's timings keeps the chart's script
      name: "Bitnami values: the chart's liveness probe with user timings",
      code: bitnami1gb(yaml`
          livenessProbe:
            initialDelaySeconds: 5
      `.replace(/^/gm, '  ')),
    },
    {
      name: 'StatefulSet with a startupProbe holding liveness back',
      code: loading512mb(pongLiveness, { startup: 'startupProbe: {tcpSocket: {port: 6379}, periodSeconds: 5, failureThreshold: 60}' }),
    },
    {
      // maxmemory 100mb, 1Mi/s: B = 100Mi; child 1 s; w = 1Mi; b = 101Mi; T = 202Mi; S = T + w = 203Mi;
      // largest AOF 204Mi; load = 1 s + (204 − 100) / 20 = 6.2 s <= budget 5 + 5 × 3 = 20 s
      name: 'StatefulSet with a 100mb dataset loads within the 20 s liveness budget',
      code: loading512mb(pongLiveness, { maxmemory: '100mb' }),
    },
    {
      name: 'StatefulSet tcpSocket liveness probe does not kill a loading Redis',
      code: loading512mb('livenessProbe: {tcpSocket: {port: 6379}, initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3}'),
    },
  ],
  invalid: [
    {
      // budget 5 + 5 × 3 = 20 s < load 31.744 s ("32s"); startupProbe budget above ceil(31.744) = 32 s
      name: 'StatefulSet PONG liveness probe with a 20 s budget, 512mb dataset at 1MiB/s',
      code: loading512mb(pongLiveness),
      errors: [{ line: 22, column: 11, at: 'livenessProbe:', includes: ['liveness budget 20s', 'initialDelaySeconds 5 + periodSeconds 5 x failureThreshold 3', 'load time 32s', 'above 32s'] }],
    },
    {
      // Dset = 1Gi; B = 1Gi; w = 0; T = S = 2Gi (no save points, standalone)
      // load = 1024Mi / 100 + (2048 − 1024)Mi / 20 = 10.24 + 51.2 = 61.44 s ("61s"); budget 10 + 10 × 3 = 40 s
      name: 'Bitnami values: customLivenessProbe with a 40 s budget, 1gb dataset',
      code: bitnami1gb(yaml`
          customLivenessProbe:
            exec:
              command: [sh, -c, "redis-cli ping | grep -q PONG"]
            initialDelaySeconds: 10
            periodSeconds: 10
            failureThreshold: 3
      `.replace(/^/gm, '  ')),
      errors: [{ line: 13, column: 3, at: 'customLivenessProbe:', includes: ['liveness budget 40s', 'load time 61s', 'above 62s'] }],
    },
  ],
});

/** StatefulSet with RDB only (save points as `save`), maxmemory 4gb; `grace` is the pod-spec line. */
function rdb4gb(save: string, grace = 'enableServiceLinks: false'): string {
  return yaml`
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
          ${grace}
          securityContext: {fsGroup: 999}
          containers:
            - name: redis
              image: redis:7.2.4
              args: [--appendonly, "no", --save, ${save}, --maxmemory, 4gb]
              resources:
                limits: {memory: 10Gi}
              volumeMounts:
                - {name: data, mountPath: /data}
      volumeClaimTemplates:
        - metadata: {name: data}
          spec:
            resources:
              requests:
                storage: 20Gi
  `;
}

ruleTester('shutdown-grace-too-short', {
  valid: [
    {
      // SAVE 4096Mi / 100MiB/s = 40.96 s <= 60 s
      name: 'StatefulSet 4gb RDB with terminationGracePeriodSeconds 60',
      code: rdb4gb('"900", "1"', 'terminationGracePeriodSeconds: 60'),
    },
    {
      // no save points: SIGTERM fsyncs the AOF, no SAVE
      name: 'Bitnami values: AOF only (save "") with a 1gb dataset',
      code: bitnami1gb(),
    },
  ],
  invalid: [
    {
      // R = 4gb = 4096Mi; SAVE = 40.96 s ("41s") > 30 s Kubernetes default; suggest above ceil(40.96) + 10 = 51
      // the missing terminationGracePeriodSeconds' closest parent is the pod spec
      name: 'StatefulSet 4gb RDB with the default 30 s grace period',
      code: rdb4gb('"900", "1"'),
      errors: [{ line: 12, column: 5, at: 'spec:', includes: ['terminationGracePeriodSeconds 30 (kubernetes default)', 'final SAVE on SIGTERM (41s)', 'above 51'] }],
    },
    {
      // R = 2gb = 2048Mi; SAVE = 20.48 s ("20s") > 10 s; suggest above ceil(20.48) + 10 = 31
      name: 'Bitnami values: master.terminationGracePeriodSeconds 10 with save 60 1 and 2gb',
      code: yaml`
        architecture: standalone
        commonConfiguration: |-
          appendonly no
          save 60 1
        master:
          configuration: |-
            maxmemory 2gb
          resources:
            limits:
              memory: 5Gi
          terminationGracePeriodSeconds: 10
      `,
      errors: [{ line: 11, column: 3, at: 'terminationGracePeriodSeconds: 10', includes: ['terminationGracePeriodSeconds 10', '(20s)', 'above 31'] }],
    },
    {
      // sentinel mode: the node StatefulSet takes sentinel.terminationGracePeriodSeconds
      // (templates/sentinel/statefulset.yaml); replica.terminationGracePeriodSeconds is not rendered.
      // R = 4gb; SAVE = 40.96 s ("41s") > 20 s; suggest above 51
      name: 'HelmRelease with Sentinel: sentinel.terminationGracePeriodSeconds 20 governs the node pods',
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
            commonConfiguration: |-
              appendonly no
              save 900 1
            sentinel:
              enabled: true
              terminationGracePeriodSeconds: 20
            replica:
              replicaCount: 3
              configuration: |-
                maxmemory 4gb
              resources:
                limits:
                  memory: 10Gi
              terminationGracePeriodSeconds: 120
              persistence:
                size: 20Gi
      `,
      errors: [{ line: 20, column: 7, at: 'terminationGracePeriodSeconds: 20', includes: ['terminationGracePeriodSeconds 20', '(41s)', 'above 51'], role: 'sentinel-node' }],
    },
    {
      name: 'StatefulSet --save "900 1" as one argument is a save point',
      code: rdb4gb('"900 1"'),
      errors: [{ line: 12, column: 5, at: 'spec:', includes: ['(41s)'] }],
    },
  ],
});

describe('annotation exemptions on a StatefulSet', () => {
  it('ignore-check.redis-lint.io/<rule-id> drops only that rule', () => {
    const plain = lint(uid999()).map((f) => f.ruleId);
    const exempt = lint(uid999({ annotation: 'ignore-check.redis-lint.io/data-volume-fsgroup: "fsGroup set by a mutating webhook"' })).map((f) => f.ruleId);
    expect(plain).toContain('data-volume-fsgroup');
    expect(exempt).not.toContain('data-volume-fsgroup');
    expect(exempt).toEqual(plain.filter((id) => id !== 'data-volume-fsgroup'));
    expect(exempt).toContain('replicas-failover');
  });

  it('redis-lint.io/ignore-all drops every deployment rule', () => {
    expect(lint(uid999({ annotation: 'redis-lint.io/ignore-all: "managed elsewhere"' }))).toEqual([]);
  });
});
