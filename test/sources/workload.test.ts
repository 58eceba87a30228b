import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { CORPUS_DIR, HAS_CORPUS, NEEDS_CORPUS } from '../shared-dir.js';
import { parseText, type LoadedDocument } from '../../src/load/documents.js';
import { rootOf, type RunContext, type SourceResult } from '../../src/sources/common.js';
import { configMapDeployments, configMapEntry } from '../../src/sources/configmap.js';
import {
  PARTIAL_RULE,
  configMapsReferencedBy,
  isRedisWorkload,
  parseImage,
  persistentVolumeClaimEntry,
  shellWords,
  versionFromImage,
  workloadDeployments,
  type PvcEntry,
} from '../../src/sources/workload.js';
import { originPosition, type Origin, type RedisDeployment } from '../../src/types.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/workload/${name}`, import.meta.url), 'utf8');
const line = (o: Origin) => originPosition(o).line;
const col = (o: Origin) => originPosition(o).column;

function runOf(documents: LoadedDocument[]): RunContext {
  return { configMaps: documents.map(configMapEntry).filter((c) => c !== undefined), valuesFiles: [], ociRepositories: [], helmRepositories: [] };
}

/** All workload results of a YAML text (ConfigMaps and PVCs of the same text are in the run). */
function lint(text: string, file = 'test.yaml'): SourceResult & { documents: LoadedDocument[]; run: RunContext } {
  const { documents, errors } = parseText(text, file);
  expect(errors).toEqual([]);
  const run = runOf(documents);
  const pvcs = documents.map(persistentVolumeClaimEntry).filter((p): p is PvcEntry => p !== undefined);
  const out = { deployments: [] as RedisDeployment[], findings: [] as SourceResult['findings'], documents, run };
  for (const d of documents) {
    const r = workloadDeployments(d, run, pvcs);
    out.deployments.push(...r.deployments);
    out.findings.push(...r.findings);
  }
  return out;
}

function only(text: string, file?: string): RedisDeployment {
  const r = lint(text, file);
  expect(r.deployments).toHaveLength(1);
  return r.deployments[0];
}

describe('parseImage / versionFromImage', () => {
  it.each([
    ['redis:7.2.4', 'official', 'server', '7.2'],
    ['redis:7-alpine', 'official', 'server', '7.x'],
    ['redis:6', 'official', 'server', '6.x'],
    ['redis:latest', 'official', 'server', null],
    ['redis:alpine', 'official', 'server', null],
    ['redis', 'official', 'server', null],
    ['docker.io/bitnami/redis:7.2.4-debian-12-r0', 'bitnami', 'server', '7.2'],
    ['bitnami/redis:4.0.11-debian-9', 'bitnami', 'server', '4.0'],
    ['public.ecr.aws/docker/library/redis:8.10.1-alpine', 'official', 'server', '8.10'],
    ['localhost:5000/redis:6.2', 'official', 'server', '6.2'],
    ['valkey/valkey:8', 'valkey', 'server', 'valkey 8.x'],
    ['redis/redis-stack-server:7.2.0-v10', 'redis-stack', 'server', '7.2'],
    ['redis@sha256:0123456789abcdef', 'official', 'server', null],
    ['gcr.io/google-samples/microservices-demo/redis:alpine:v0.3.6', 'official', 'server', null],
    ['bitnami/redis-sentinel:7.2.4', 'bitnami', 'sentinel', null],
    ['oliver006/redis_exporter:v1.62.0', 'other', 'exporter', null],
    ['haproxy:3.0.8-alpine', 'other', 'other', null],
  ])('%s', (image, flavor, role, label) => {
    const ref = parseImage(image);
    expect(ref.flavor).toBe(flavor);
    expect(ref.role).toBe(role);
    expect(versionFromImage(ref)?.label ?? null).toBe(label);
  });

  it('keeps major and minor numbers', () => {
    expect(versionFromImage(parseImage('docker.io/bitnami/redis:7.2.4-debian-12-r0'))).toEqual({ major: 7, minor: 2, label: '7.2' });
    expect(versionFromImage(parseImage('redis:6'))).toEqual({ major: 6, minor: 0, label: '6.x' });
  });
});

describe('shellWords', () => {
  it('splits like a shell: quotes, empty words, operators, continuations, comments', () => {
    const words = shellWords('set -e; exec redis-server --save "" --requirepass \'p a\' \\\n  --dir /data 2>&1 # comment\necho done');
    expect(words.map((w) => (w.op ? `<${w.text.replace('\n', 'NL')}>` : w.text))).toEqual([
      'set', '-e', '<;>', 'exec', 'redis-server', '--save', '', '--requirepass', 'p a', '--dir', '/data', '2>&1', '<NL>', 'echo', 'done',
    ]);
  });

  it('keeps $(...) in one word and splits && and |', () => {
    expect(shellWords('redis-server --port $(echo 1 2) && a | b').map((w) => w.text)).toEqual(['redis-server', '--port', '$(echo 1 2)', '&&', 'a', '|', 'b']);
  });
});

describe('workloadDeployments: StatefulSet with flags (fixtures/workload/statefulset-flags.yaml)', () => {
  const dep = only(fixture('statefulset-flags.yaml'), 'statefulset-flags.yaml');

  it('reads identity, version and role', () => {
    expect(dep.source).toBe('workload');
    expect(dep.object).toMatchObject({ kind: 'StatefulSet', name: 'cache', namespace: 'shop', apiVersion: 'apps/v1', file: 'statefulset-flags.yaml' });
    expect(dep.role).toBe('standalone');
    expect(dep.redisVersion.value).toEqual({ major: 7, minor: 2, label: '7.2' });
    expect(line(dep.redisVersion.origin)).toBe(24);
    expect(dep.image?.value).toBe('docker.io/library/redis:7.2.4');
    expect(dep.workload.datasetBytes?.value).toBe(2 * 1024 ** 3);
  });

  it('turns args into directives at their own lines; the exporter sidecar is not Redis', () => {
    const appendonly = dep.config.get('appendonly')!;
    expect(appendonly.args).toEqual(['yes']);
    expect(line(appendonly.origin)).toBe(26);
    expect(dep.config.get('save')!.args).toEqual([]);
    expect(line(dep.config.get('save')!.origin)).toBe(28);
    expect(dep.config.get('maxmemory')!.args).toEqual(['1gb']);
    expect(line(dep.config.get('maxmemory')!.origin)).toBe(30);
    expect(dep.configAnchor.line).toBe(25);
    expect(dep.configAnchor.yamlPath).toBe('spec.template.spec.containers.0.args');
  });

  it('finds the volumeClaimTemplate behind /data with its size line', () => {
    expect(dep.volume.kind).toBe('pvc');
    expect(dep.volume.claimName).toBe('data');
    expect(dep.volume.mountPath).toBe('/data');
    expect(line(dep.volume.origin)).toBe(46);
    expect(dep.volume.size?.value).toBe(50 * 1024 * 1024);
    expect(line(dep.volume.size!.origin)).toBe(52);
    expect(originPosition(dep.volume.size!.origin).yamlPath).toBe('spec.volumeClaimTemplates.0.spec.resources.requests.storage');
  });

  it('reads resources, security and probes with Kubernetes defaults', () => {
    expect(dep.memoryLimit.value).toBe(1024 ** 3);
    expect(line(dep.memoryLimit.origin)).toBe(35);
    expect(dep.memoryRequest?.value).toBe(512 * 1024 ** 2);
    expect(dep.fsGroup).toMatchObject({ value: 999 });
    expect(line(dep.fsGroup.origin)).toBe(21);
    // official image started as root through its entrypoint: chowns /data, drops to uid 999
    expect(dep.runAsUser.value).toBe(999);
    expect(dep.runAsUser.origin.kind).toBe('absent');
    expect(dep.volumePermissionsInit).toBe(true);
    expect(dep.livenessProbe.value).toEqual({ initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3, acceptsLoading: true }); // tcpSocket: the port is open while loading
    expect(line(dep.livenessProbe.origin)).toBe(36);
    expect(dep.startupProbe.value).toBeNull();
    expect(dep.startupProbe.origin).toMatchObject({ kind: 'absent' });
    expect(line(dep.startupProbe.origin)).toBe(23); // anchored at the container
    expect(dep.terminationGracePeriodSeconds.value).toBe(30);
    expect(dep.terminationGracePeriodSeconds.origin).toMatchObject({ kind: 'default', source: 'kubernetes default' });
    expect(line(dep.terminationGracePeriodSeconds.origin)).toBe(19); // the pod spec (`spec:` of the template)
    expect(dep.replicas.value).toBe(1);
    expect(line(dep.replicas.origin)).toBe(11);
    expect(dep.failover.value).toBe('none');
    expect(dep.replicaCount.value).toBe(0);
  });
});

describe('workloadDeployments: Deployment with a ConfigMap redis.conf (fixtures/workload/deployment-configmap.yaml)', () => {
  const r = lint(fixture('deployment-configmap.yaml'), 'deployment-configmap.yaml');
  const dep = r.deployments[0];

  it('reads the mounted redis.conf, its include, then the flags on top', () => {
    expect(r.deployments).toHaveLength(1);
    expect(r.findings).toEqual([]);
    expect(dep.config.get('appendonly')!.args).toEqual(['yes']);
    expect(line(dep.config.get('appendonly')!.origin)).toBe(9);
    const fsync = dep.config.get('appendfsync')!;
    expect(fsync.args).toEqual(['no']);
    expect(originPosition(fsync.origin)).toMatchObject({ line: 10, column: 5, yamlPath: 'data.redis.conf' });
    // include /usr/local/etc/redis/extra.conf -> key extra.conf of the same ConfigMap
    expect(line(dep.config.get('maxmemory-policy')!.origin)).toBe(14);
    expect(line(dep.config.get('aof-load-truncated')!.origin)).toBe(15);
    // the flag wins over the file
    expect(dep.config.get('maxmemory')!.args).toEqual(['1gb']);
    expect(line(dep.config.get('maxmemory')!.origin)).toBe(31);
    expect(dep.configAnchor.line).toBe(29);
  });

  it('runs as root when command overrides the entrypoint, and sizes the claim from the PVC in the run', () => {
    expect(dep.runAsUser.value).toBe(0);
    expect(dep.volumePermissionsInit).toBe(false);
    expect(dep.volume).toMatchObject({ kind: 'pvc', claimName: 'redis-data', mountPath: '/data' });
    expect(dep.volume.size?.value).toBe(2 * 1024 ** 3);
    expect(line(dep.volume.size!.origin)).toBe(55);
    expect(dep.replicas).toMatchObject({ value: 1, origin: { kind: 'default', source: 'kubernetes default' } });
    expect(dep.redisVersion.value?.label).toBe('7.x');
    expect(dep.memoryLimit.value).toBeNull();
    expect(dep.memoryLimit.origin.kind).toBe('absent');
    expect(line(dep.memoryLimit.origin)).toBe(26); // no resources: the container
  });

  it('leaves size unknown without the PVC', () => {
    const { documents } = parseText(fixture('deployment-configmap.yaml'), 'x.yaml');
    const d = workloadDeployments(documents[1], runOf(documents)).deployments[0];
    expect(d.volume.kind).toBe('pvc');
    expect(d.volume.size).toBeUndefined();
  });

  it('marks the ConfigMap as referenced, so it yields no config-only deployment', () => {
    const referenced = configMapsReferencedBy(r.documents, r.run);
    expect([...referenced].map((c) => c.name)).toEqual(['redis-conf']);
    expect(configMapDeployments(r.documents[0], r.run, referenced).deployments).toEqual([]);
    expect(configMapDeployments(r.documents[0], r.run, new Set()).deployments).toHaveLength(1);
  });

  it('reports a ConfigMap that is not among the inputs, at its name', () => {
    const { documents } = parseText(fixture('deployment-configmap.yaml'), 'x.yaml');
    const res = workloadDeployments(documents[1], { configMaps: [], valuesFiles: [], ociRepositories: [], helmRepositories: [] });
    expect(res.deployments).toHaveLength(1);
    expect(res.deployments[0].config.get('appendonly')).toBeUndefined();
    expect(res.findings).toHaveLength(1);
    expect(res.findings[0]).toMatchObject({ ruleId: PARTIAL_RULE, pos: { line: 41 }, object: { kind: 'Deployment', name: 'redis', namespace: 'shop' } });
    expect(res.findings[0].message).toContain('ConfigMap "redis-conf"');
  });
});

describe('workloadDeployments: sh -c script, sentinel sidecar, init chown (fixtures/workload/sentinel-shell.yaml)', () => {
  const dep = only(fixture('sentinel-shell.yaml'), 'sentinel-shell.yaml');

  it('finds valkey-server in the script and positions each flag exactly', () => {
    const appendonly = dep.config.get('appendonly')!;
    expect(appendonly.args).toEqual(['yes']);
    expect(originPosition(appendonly.origin)).toMatchObject({ line: 27, column: 34 });
    expect(dep.config.get('save')!.args).toEqual([]);
    expect(originPosition(dep.config.get('save')!.origin)).toMatchObject({ line: 28, column: 17 });
    expect(dep.config.get('dir')!.args).toEqual(['/data/valkey']); // 2>&1 is a redirection, not an argument
    expect(dep.configAnchor.line).toBe(25);
    expect(dep.redisVersion.value?.label).toBe('valkey 8.0');
  });

  it('is a master with sentinel failover and replicas-1 replicas', () => {
    expect(dep.role).toBe('master');
    expect(dep.replicas.value).toBe(3);
    expect(dep.replicaCount.value).toBe(2);
    expect(dep.failover.value).toBe('sentinel');
    expect(line(dep.failover.origin)).toBe(32);
  });

  it('finds the emptyDir under dir /data/valkey and the init container chown', () => {
    expect(dep.volume).toMatchObject({ kind: 'emptyDir', mountPath: '/data' });
    expect(line(dep.volume.origin)).toBe(36);
    expect(dep.volume.size?.value).toBe(1024 ** 3);
    expect(line(dep.volume.size!.origin)).toBe(38);
    expect(dep.runAsUser.value).toBe(999);
    expect(line(dep.runAsUser.origin)).toBe(21);
    expect(dep.volumePermissionsInit).toBe(true);
    expect(dep.terminationGracePeriodSeconds.value).toBe(10);
    expect(dep.terminationGracePeriodSeconds.origin.kind).toBe('file');
  });
});

describe('workloadDeployments: small cases', () => {
  it('reads a one-line sh -c string with exact columns', () => {
    const dep = only(`apiVersion: v1
kind: Pod
metadata:
  name: r
spec:
  containers:
    - name: redis
      image: redis:7.2
      command: ["sh", "-c"]
      args: ["redis-server --appendonly yes --appendfsync always"]
`);
    expect(dep.config.get('appendfsync')!.args).toEqual(['always']);
    expect(originPosition(dep.config.get('appendfsync')!.origin)).toMatchObject({ line: 10, column: 45 });
    expect(dep.replicas).toMatchObject({ value: 1 });
    expect(dep.runAsUser.value).toBe(0); // command bypasses the entrypoint: root
    expect(dep.volume.kind).toBe('none');
    expect(dep.volume.origin).toMatchObject({ kind: 'absent' });
    expect(line(dep.volume.origin)).toBe(7); // no volumes: the container
  });

  it('takes the Bitnami image defaults: uid 1001, /bitnami/redis/data, AOF on unless REDIS_AOF_ENABLED=no', () => {
    const text = `apiVersion: apps/v1beta2
kind: StatefulSet
metadata:
  name: b
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: redis
          image: docker.io/bitnami/redis:7.2.4-debian-12-r0
          env:
            - name: REDIS_AOF_ENABLED
              value: "no"
          volumeMounts:
            - name: redis-data
              mountPath: /bitnami/redis/data
            - name: scratch
              mountPath: /data
      volumes:
        - name: scratch
          emptyDir: {}
  volumeClaimTemplates:
    - metadata:
        name: redis-data
      spec:
        resources:
          requests:
            storage: 8Gi
`;
    const dep = only(text);
    expect(dep.runAsUser.value).toBe(1001);
    expect(dep.runAsUser.origin).toMatchObject({ kind: 'default', source: 'image default' });
    expect(dep.fsGroup.value).toBeNull();
    expect(dep.volume).toMatchObject({ kind: 'pvc', mountPath: '/bitnami/redis/data', claimName: 'redis-data' });
    expect(dep.config.get('appendonly')!.args).toEqual(['no']);
    expect(line(dep.config.get('appendonly')!.origin)).toBe(14);
    const noEnv = only(text.replace(/ {10}env:\n.*\n.*\n/, ''));
    expect(noEnv.config.get('appendonly')).toMatchObject({ args: ['yes'], origin: { kind: 'default', source: 'image default' } });
  });

  it('honours an explicit runAsUser, and an init container chown only when it mounts the data volume', () => {
    const base = (initMount: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: r
spec:
  template:
    spec:
      securityContext:
        runAsUser: 1000
      initContainers:
        - name: perms
          image: busybox
          command: ["chmod", "777", "/x"]
          volumeMounts:
            - name: ${initMount}
              mountPath: /x
      containers:
        - name: redis
          image: redis:7.2
          volumeMounts:
            - name: data
              mountPath: /data
      volumes:
        - name: data
          hostPath:
            path: /srv/redis
        - name: other
          emptyDir: {}
`;
    const withData = only(base('data'));
    expect(withData.runAsUser.value).toBe(1000);
    expect(line(withData.runAsUser.origin)).toBe(9);
    expect(withData.volume.kind).toBe('hostPath');
    expect(withData.volumePermissionsInit).toBe(true);
    expect(only(base('other')).volumePermissionsInit).toBe(false);
  });

  it('recognizes replicas, cluster mode and the defaults of missing apiVersion', () => {
    const replica = only(`kind: Deployment
metadata:
  name: r
spec:
  template:
    spec:
      containers:
        - name: redis
          image: redis:7.2
          args: ["--replicaof", "redis-master", "6379"]
`);
    expect(replica.object.apiVersion).toBeUndefined();
    expect(replica.role).toBe('replica');
    expect(replica.config.get('replicaof')!.args).toEqual(['redis-master', '6379']);
    const cluster = only(`apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: c
spec:
  replicas: 6
  template:
    spec:
      containers:
        - name: redis
          image: redis:7.2
          args: ["--cluster-enabled", "yes"]
`);
    expect(cluster.role).toBe('master');
    expect(cluster.failover.value).toBe('cluster');
    expect(line(cluster.failover.origin)).toBe(12);
    expect(cluster.replicaCount.value).toBe(0);
  });

  it('recognizes redis-server in a custom image command, and not sentinels, exporters or redis-cli', () => {
    const wl = (containers: string, kind = 'Deployment', apiVersion = 'apps/v1') => `apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: x
spec:
  template:
    spec:
      containers:
${containers}`;
    expect(lint(wl('        - name: a\n          image: example.com/cache:1.0\n          command: ["/usr/bin/redis-server", "--port", "7000"]\n')).deployments).toHaveLength(1);
    expect(lint(wl('        - name: s\n          image: bitnami/redis-sentinel:7.2\n')).deployments).toHaveLength(0);
    expect(lint(wl('        - name: s\n          image: redis:7.2\n          args: ["/etc/sentinel.conf", "--sentinel"]\n')).deployments).toHaveLength(0);
    expect(lint(wl('        - name: s\n          image: redis:7.2\n          command: ["redis-cli", "ping"]\n')).deployments).toHaveLength(0);
    expect(lint(wl('        - name: s\n          image: redis:7.2\n          command: ["sh", "/scripts/fix-split-brain.sh"]\n')).deployments).toHaveLength(0);
    expect(lint(wl('        - name: e\n          image: oliver006/redis_exporter:v1.62.0\n')).deployments).toHaveLength(0);
    expect(lint(wl('        - name: h\n          image: haproxy:3.0\n')).deployments).toHaveLength(0);
    expect(lint(wl('        - name: r\n          image: redis:7.2\n', 'Deployment', 'example.io/v1')).deployments).toHaveLength(0);
    expect(lint(wl('        - name: r\n          image: redis:7.2\n', 'DaemonSet')).deployments).toHaveLength(0);
    const { documents } = parseText(wl('        - name: r\n          image: redis:7.2\n'), 'x.yaml');
    expect(isRedisWorkload(rootOf(documents[0]))).toBe(true);
  });

  it('reports a config file that is not mounted from any ConfigMap', () => {
    const r = lint(`apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: redis
      image: redis:7.2
      args: ["/etc/redis/custom.conf"]
`);
    expect(r.deployments).toHaveLength(1);
    expect(r.findings).toMatchObject([{ ruleId: PARTIAL_RULE, pos: { line: 9 } }]);
  });
});

describe.skipIf(!HAS_CORPUS)(`corpus: every StatefulSet/other file ${NEEDS_CORPUS}`, () => {
  /** Redis deployments per file (workloads + config-only ConfigMaps), from reading each file and SOURCES.tsv. */
  const expected: Record<string, number> = {
    'statefulset/GoogleCloudPlatform__microservices-demo__kubernetes-manifests__redis.yaml': 1,
    'statefulset/argoproj__argo-cd__manifests__base__redis__argocd-redis-deployment.yaml': 1,
    'statefulset/dockersamples__example-voting-app__k8s-specifications__redis-deployment.yaml': 1,
    'statefulset/ffddorf__netbox-kubernetes__redis__statefulset.yaml': 1,
    'statefulset/googleforgames__space-agon__redis-config.yaml': 1,
    // ConfigMap + PVC + Deployment: the ConfigMap is the Deployment's, no separate deployment
    'statefulset/jasoncolburne__kels__services__redis__manifests.yml.tpl': 1,
    'statefulset/kubernetes__website__content__en__examples__pods__config__redis-pod.yaml': 1,
    'statefulset/leoluyi__redis-sentinel-k8s__redis-statefulset.yaml': 1,
    'statefulset/replicatedhq__kots-sentry__redis-statefulset.yaml': 1,
    'statefulset/shaardie__matrix-kubernetes-deployment__redis__statefulset.yaml': 1,
    'statefulset/vandorjw__gitops__apps__redis.yaml': 1,
    'statefulset/wheelingsoft__speckle-infra__argocd__manifests__redis__statefulset.yaml': 1,
    // Bitnami ConfigMap alone: redis.conf + master.conf make one config-only deployment
    'other/Five-Borough-Fedi-Project__masto.nyc__redis__configmap.yaml': 1,
    'other/Five-Borough-Fedi-Project__masto.nyc__redis__master__application.yaml': 1,
    // redis-ha: the redis StatefulSet (sentinel and split-brain-fix sidecars are not servers); haproxy is not Redis
    'other/argoproj__argo-cd__manifests__ha__base__redis-ha__chart__upstream.yaml': 1,
    'other/kubernetes__website__content__en__examples__pods__config__example-redis-config.yaml': 1,
    'other/lucky-xin__k8s-redis-sentinel__redis-config.yaml': 1,
    'other/mranest__kubernetes-statefulsets__redis__redis-configmap.yaml': 1,
    'other/navikt__syfoperson__redis-config.yaml': 0,
    'other/team-xquare__k8s-resource__redis__configmap.yaml': 1,
    'other/thefirstofthe300__k3s-cluster-config__redis__configmap.yaml': 1,
    'other/thefirstofthe300__k3s-cluster-config__redis__master__application.yaml': 1,
  };
  const corpus = pathToFileURL(CORPUS_DIR + '/');
  const files = !HAS_CORPUS ? [] : ['statefulset', 'other'].flatMap((dir) => readdirSync(new URL(`${dir}/`, corpus)).map((f) => `${dir}/${f}`)).sort();

  function lintFile(rel: string) {
    const { documents, errors } = parseText(readFileSync(new URL(rel, corpus), 'utf8'), rel);
    expect(errors).toEqual([]);
    const run = runOf(documents);
    const referenced = configMapsReferencedBy(documents, run);
    const deployments: RedisDeployment[] = [];
    const findings: SourceResult['findings'] = [];
    for (const d of documents) {
      for (const r of [workloadDeployments(d, run), configMapDeployments(d, run, referenced)]) {
        deployments.push(...r.deployments);
        findings.push(...r.findings);
      }
    }
    return { deployments, findings };
  }

  it('knows every file', () => {
    expect(files).toEqual(Object.keys(expected).sort());
  });

  it.each(files)('%s', (rel) => {
    const { deployments } = lintFile(rel);
    expect(deployments.length).toBe(expected[rel]);
    for (const d of deployments) {
      expect(d.object.file).toBe(rel);
      expect(d.configAnchor.line).toBeGreaterThan(0);
    }
  });

  it('reads the redis-ha StatefulSet: sentinel sidecar, redis.conf copied from the ConfigMap, emptyDir data', () => {
    const [dep] = lintFile('other/argoproj__argo-cd__manifests__ha__base__redis-ha__chart__upstream.yaml').deployments;
    expect(dep.object.name).toBe('argocd-redis-ha-server');
    expect(dep).toMatchObject({ role: 'master', replicas: { value: 3 }, replicaCount: { value: 2 }, failover: { value: 'sentinel' } });
    expect(dep.config.get('save')!.args).toEqual([]);
    expect(line(dep.config.get('save')!.origin)).toBe(56);
    expect(dep.config.get('maxmemory-policy')!.args).toEqual(['volatile-lru']);
    expect(dep.volume.kind).toBe('emptyDir');
    expect(dep.runAsUser.value).toBe(1000);
    expect(dep.fsGroup.value).toBe(1000);
    expect(dep.redisVersion.value?.label).toBe('8.10');
  });

  it('follows items key -> path for the ConfigMap of the vandorjw Deployment', () => {
    const [dep] = lintFile('statefulset/vandorjw__gitops__apps__redis.yaml').deployments;
    expect(dep.config.get('maxmemory')!.args).toEqual(['100mb']);
    expect(line(dep.config.get('maxmemory')!.origin)).toBe(16);
    expect(dep.volume.kind).toBe('none');
    expect(dep.redisVersion.value).toBeNull();
    expect(dep.redisVersion.origin.kind).toBe('absent');
  });

  it('reads "--loglevel warning" as one argv element (ffddorf)', () => {
    const [dep] = lintFile('statefulset/ffddorf__netbox-kubernetes__redis__statefulset.yaml').deployments;
    expect(dep.config.get('loglevel')!.args).toEqual(['warning']);
    expect(dep.config.get('save')!.args).toEqual(['60', '1']);
    expect(dep.volume.size?.value).toBe(1024 ** 3);
  });

  it('reads Bitnami chart output whole when its ConfigMap is in the run: start-master.sh includes redis.conf + master.conf', () => {
    const files = ['other/thefirstofthe300__k3s-cluster-config__redis__configmap.yaml', 'other/thefirstofthe300__k3s-cluster-config__redis__master__application.yaml'];
    const documents = files.flatMap((rel) => parseText(readFileSync(new URL(rel, corpus), 'utf8'), rel).documents);
    const run = runOf(documents);
    const referenced = configMapsReferencedBy(documents, run);
    expect(configMapDeployments(documents[0], run, referenced).deployments).toEqual([]);
    const r = workloadDeployments(documents[1], run);
    expect(r.findings).toEqual([]);
    const c = r.deployments[0].config;
    expect(c.get('appendonly')).toMatchObject({ args: ['yes'], origin: { kind: 'file', pos: { file: files[0], line: 15 } } });
    expect(c.get('save')!.args).toEqual([]);
    expect(c.get('dir')).toMatchObject({ args: ['/data'], origin: { pos: { line: 20 } } });
    expect(r.deployments[0].volume).toMatchObject({ kind: 'emptyDir', mountPath: '/data' });
    expect(r.deployments[0].configAnchor).toMatchObject({ file: files[0], line: 12 }); // `redis.conf: |-`
  });

  it('says when the mounted ConfigMap is in another file (Bitnami chart output)', () => {
    const { deployments, findings } = lintFile('other/thefirstofthe300__k3s-cluster-config__redis__master__application.yaml');
    expect(deployments[0]).toMatchObject({ role: 'master', runAsUser: { value: 1001 }, fsGroup: { value: 1001 }, volume: { kind: 'emptyDir' } });
    expect(findings).toMatchObject([{ ruleId: PARTIAL_RULE, pos: { line: 125 } }]);
  });
});
