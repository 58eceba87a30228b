/**
 * The admission webhook over real HTTPS (a self-signed certificate from openssl): AdmissionReviews
 * built from examples/incidents and examples/fixed, every source kind, mutation with JSON Patch,
 * exemptions, bad input, fast paths, --on-error, dry runs, per-namespace actions, metrics and
 * health endpoints.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsonpatch from 'fast-json-patch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintPaths } from '../../src/engine.js';
import { loadPolicy } from '../../src/policy/policy.js';
import type { ConfigMapReader } from '../../src/webhook/configmaps.js';
import {
  OPENSSL,
  admissionReview,
  bitnamiHelmRelease,
  clone,
  configFile,
  deniedRules,
  exampleObject,
  makeCert,
  request,
  root,
  startTestServer,
  warnedRules,
  type TestCert,
  type TestServer,
} from './helpers.js';

const KLAMM = 'examples/incidents/klamm-helmrelease-50mi.yaml';
const KLAMM_FIXED = 'examples/fixed/klamm-helmrelease-50mi.yaml';
const PERM = 'examples/incidents/permission-denied-statefulset.yaml';
const PERM_FIXED = 'examples/fixed/permission-denied-statefulset.yaml';
const FORK = 'examples/incidents/fork-oom-statefulset.yaml';
const FORK_FIXED = 'examples/fixed/fork-oom-statefulset.yaml';
const RUNBOOK = 'examples/incidents/runbook-prevention-values.yaml';

/** Reads the ConfigMaps of an example file, as a cluster would hold them. */
function readerOf(...files: string[]): ConfigMapReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async read(namespace, name) {
      reads.push(`${namespace}/${name}`);
      for (const f of files) {
        const cm = exampleObject(f, 'ConfigMap');
        if ((cm.metadata as { name: string }).name === name) return cm;
      }
      return undefined;
    },
  };
}

const helmRelease = bitnamiHelmRelease;

/** An Argo CD Application of the Bitnami redis chart 20.13.3 with the given helm section. */
function argoApplication(helm: Record<string, unknown>) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'cache', namespace: 'argocd' },
    spec: {
      project: 'default',
      destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
      source: { repoURL: 'https://charts.bitnami.com/bitnami', chart: 'redis', targetRevision: '20.13.3', helm },
    },
  };
}

/** A StatefulSet of bitnami/redis on a PVC with no securityContext at all (uid 1001 from the image, no fsGroup). */
function bareBitnamiStatefulSet() {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'sessions', namespace: 'shop' },
    spec: {
      serviceName: 'sessions',
      replicas: 1,
      selector: { matchLabels: { app: 'sessions' } },
      template: {
        metadata: { labels: { app: 'sessions' } },
        spec: {
          containers: [
            {
              name: 'redis',
              image: 'bitnami/redis:7.2.4',
              command: ['redis-server', '--appendonly', 'yes', '--maxmemory', '200mb'],
              env: [{ name: 'REDIS_PASSWORD', value: 'sup3r-s3cret-value' }],
              resources: { limits: { memory: '512Mi' } },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}

function applyPatch(object: Record<string, unknown>, patchB64: string): Record<string, unknown> {
  const ops = JSON.parse(Buffer.from(patchB64, 'base64').toString('utf8')) as jsonpatch.Operation[];
  // validateOperation: true makes fast-json-patch throw on any operation that does not apply cleanly
  return jsonpatch.applyPatch(clone(object), ops, true, false).newDocument as Record<string, unknown>;
}

function expectWarningsBounded(warnings: string[] | undefined) {
  for (const w of warnings ?? []) {
    expect(w.length, w).toBeLessThanOrEqual(120);
    expect(w).not.toMatch(/^Warning:/i);
  }
  expect((warnings ?? []).length).toBeLessThanOrEqual(11);
}

describe.skipIf(!OPENSSL)('redis-lint serve over HTTPS (needs openssl)', () => {
  let dir: string;
  let cert: TestCert;
  let t: TestServer;
  let withConfigMaps: TestServer;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-webhook-'));
    cert = makeCert(dir, 'webhook');
    t = await startTestServer(cert);
    withConfigMaps = await startTestServer(cert, { configMaps: readerOf(FORK_FIXED) });
  });
  afterAll(async () => {
    await t?.close();
    await withConfigMaps?.close();
  });

  describe('validate: the examples', () => {
    it('the 50Mi HelmRelease is denied with its rule ids and the CLI messages', async () => {
      const r = await t.review('validate', exampleObject(KLAMM, 'HelmRelease'));
      expect(r.allowed).toBe(false);
      expect(r.status?.code).toBe(403);
      expect(deniedRules(r.status?.message).sort()).toEqual(['aof-rewrite-unreachable', 'fork-memory-headroom']);
      expect(r.status?.message).toMatch(/^redis-lint denied HelmRelease klamm-prod\/redis, 2 problems:/);
      // maxmemory-unset is superseded by fork-memory-headroom (one root cause, one finding)
      expect(warnedRules(r.warnings).sort()).toEqual(['replicas-failover']);
      // the same messages as the CLI, numbers included
      const cli = (await lintPaths([path.join(root, KLAMM)], { policy: loadPolicy() })).findings;
      for (const f of cli.filter((x) => x.severity === 'error')) expect(r.status?.message).toContain(`[${f.ruleId}] ${f.message}`);
      expect(r.status?.message).toContain('PVC 50Mi is below auto-aof-rewrite-min-size 64mb');
      expect(r.status?.message).toContain('without maxmemory Redis is also OOM-killed instead of evicting or refusing writes; set maxmemory to at most 91mb');
      expectWarningsBounded(r.warnings);
    });

    it('the permission-denied StatefulSet is denied for data-volume-fsgroup', async () => {
      const r = await t.review('validate', exampleObject(PERM, 'StatefulSet'), { namespace: 'shop' });
      expect(r.allowed).toBe(false);
      expect(deniedRules(r.status?.message)).toEqual(['data-volume-fsgroup']);
      expect(r.status?.message).toMatch(/Redis runs as uid 999 .*set securityContext\.fsGroup: 999/);
      expect(warnedRules(r.warnings).sort()).toEqual(['memory-limit-missing', 'replicas-failover']);
      expectWarningsBounded(r.warnings);
    });

    it('the fork-OOM StatefulSet, its ConfigMap read from the cluster, gets exactly the CLI findings', async () => {
      const reader = readerOf(FORK);
      const s = await startTestServer(cert, { configMaps: reader });
      try {
        const r = await s.review('validate', exampleObject(FORK, 'StatefulSet'));
        expect(reader.reads).toEqual(['claude-code-hub/redis-config']);
        const cli = (await lintPaths([path.join(root, FORK)], { policy: loadPolicy() })).findings;
        expect(r.allowed).toBe(false);
        expect(deniedRules(r.status?.message).sort()).toEqual(cli.filter((f) => f.severity === 'error').map((f) => f.ruleId).sort());
        expect(warnedRules(r.warnings).sort()).toEqual(cli.filter((f) => f.severity !== 'error').map((f) => f.ruleId).sort());
        for (const f of cli.filter((x) => x.severity === 'error')) expect(r.status?.message).toContain(`[${f.ruleId}] ${f.message}`);
        expect(r.status?.message).toMatch(/\[maxmemory-above-limit\] maxmemory 4gb is equal to the memory limit 4Gi/);
      } finally {
        await s.close();
      }
    });

    it('a ConfigMap read that fails or hangs does not fail the review: unresolved-values, and the log says why', async () => {
      const failing: ConfigMapReader = {
        read: async (_ns, name) => {
          if (name === 'redis-config') throw new Error('configmaps "redis-config" is forbidden');
          return undefined;
        },
      };
      const hanging: ConfigMapReader = { read: () => new Promise(() => {}) };
      for (const [reader, reason] of [
        [failing, 'redis-config: configmaps "redis-config" is forbidden'],
        [hanging, 'redis-config: timeout after 100 ms'],
      ] as const) {
        const s = await startTestServer(cert, { configMaps: reader, configMapTimeoutMs: 100 });
        try {
          const r = await s.review('validate', exampleObject(FORK, 'StatefulSet'), { uid: 'cm-failure' });
          // judged on Redis defaults in place of the unread redis.conf: warned, not denied
          expect(r.allowed).toBe(true);
          expect(r.warnings?.[0]).toBe('redis.conf in ConfigMap redis-config not read: findings are warnings, not denials');
          expect(warnedRules(r.warnings)).toContain('unresolved-values');
          expect(warnedRules(r.warnings)).toContain('fork-memory-headroom');
          const line = s.logs.records().find((l) => l.uid === 'cm-failure');
          expect(line?.configMaps).toEqual({ found: [], missing: [], failed: [reason] });
        } finally {
          await s.close();
        }
      }
    });

    it('without the cluster, the ConfigMap the StatefulSet mounts is unresolved-values, as in the CLI, and nothing is denied', async () => {
      const r = await t.review('validate', exampleObject(FORK, 'StatefulSet'));
      expect(r.allowed).toBe(true);
      expect(r.warnings?.some((w) => /^unresolved-values: redis\.conf "\/etc\/redis\/redis\.conf" comes from ConfigMap "redis-config"/.test(w))).toBe(true);
      expect(r.warnings).toContain('redis.conf in ConfigMap redis-config not read: findings are warnings, not denials');
    });

    it('without the cluster, the fixed fork-OOM StatefulSet (maxmemory in its ConfigMap) is not denied on Redis defaults', async () => {
      const r = await t.review('validate', exampleObject(FORK_FIXED, 'StatefulSet'));
      expect(r.allowed).toBe(true);
    });

    it('a redis.conf that is not mounted at all (baked into the image) is not judged on Redis defaults either', async () => {
      const obj = exampleObject(FORK, 'StatefulSet') as { spec: { template: { spec: { volumes?: Array<{ configMap?: unknown }> } } } };
      obj.spec.template.spec.volumes = (obj.spec.template.spec.volumes ?? []).filter((v) => !v.configMap);
      const r = await t.review('validate', obj);
      expect(r.allowed).toBe(true);
      expect(r.warnings?.[0]).toBe('redis.conf not readable: findings are warnings, not denials');
      expect(r.warnings?.some((w) => /^unresolved-values: redis\.conf "\/etc\/redis\/redis\.conf" is not mounted from a ConfigMap/.test(w))).toBe(true);
    });

    it('a ConfigMap volume the engine does not need (not a redis.conf) does not soften a denial', async () => {
      const obj = exampleObject(PERM, 'StatefulSet') as { spec: { template: { spec: { volumes?: unknown[] } } } };
      obj.spec.template.spec.volumes = [...(obj.spec.template.spec.volumes ?? []), { name: 'scripts', configMap: { name: 'health-scripts' } }];
      const r = await t.review('validate', obj);
      expect(r.allowed).toBe(false);
    });

    it('the OT-Container-Kit Argo CD Application is allowed with an unresolved-values warning', async () => {
      const r = await t.review('validate', exampleObject(RUNBOOK, 'Application'));
      expect(r.allowed).toBe(true);
      expect(warnedRules(r.warnings)).toEqual(['unresolved-values']);
      expect(r.warnings?.[0]).toMatch(/chart "redis" from https:\/\/ot-container-kit\.github\.io\/helm-charts is not the Bitnami redis chart/);
    });

    it.each([
      [KLAMM_FIXED, 'HelmRelease'],
      [PERM_FIXED, 'StatefulSet'],
    ])('the fixed %s is allowed without warnings', async (file, kind) => {
      const r = await t.review('validate', exampleObject(file, kind));
      expect(r).toMatchObject({ allowed: true });
      expect(r.warnings).toBeUndefined();
      expect(r.status).toBeUndefined();
    });

    it('the fixed fork-OOM StatefulSet with its ConfigMap from the cluster is allowed without warnings', async () => {
      const r = await withConfigMaps.review('validate', exampleObject(FORK_FIXED, 'StatefulSet'));
      expect(r.allowed).toBe(true);
      expect(r.warnings).toBeUndefined();
    });
  });

  describe('every source kind', () => {
    it.each(['helm.toolkit.fluxcd.io/v2beta1', 'helm.toolkit.fluxcd.io/v2beta2', 'helm.toolkit.fluxcd.io/v2'])('HelmRelease %s', async (apiVersion) => {
      const hr = { ...exampleObject(KLAMM, 'HelmRelease'), apiVersion };
      const r = await t.review('validate', hr);
      expect(r.allowed).toBe(false);
      expect(deniedRules(r.status?.message)).toContain('aof-rewrite-unreachable');
    });

    it('a HelmRelease of another apiVersion (v1) is not checked', async () => {
      const r = await t.review('validate', { ...exampleObject(KLAMM, 'HelmRelease'), apiVersion: 'helm.toolkit.fluxcd.io/v1' });
      expect(r).toMatchObject({ allowed: true });
      expect(r.warnings).toBeUndefined();
    });

    it('StatefulSet', async () => {
      const r = await t.review('validate', bareBitnamiStatefulSet());
      expect(r.allowed).toBe(false);
      expect(deniedRules(r.status?.message)).toEqual(['data-volume-fsgroup']);
      expect(r.status?.message).toMatch(/uid 1001 \(image default\)/);
    });

    it('Deployment (a PVC volume)', async () => {
      const sts = exampleObject(PERM, 'StatefulSet') as any;
      const deploy = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'redis', namespace: 'shop' },
        spec: { replicas: 1, selector: sts.spec.selector, template: clone(sts.spec.template) },
      };
      deploy.spec.template.spec.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'redis-data' } }];
      const r = await t.review('validate', deploy);
      expect(r.allowed).toBe(false);
      expect(deniedRules(r.status?.message)).toEqual(['data-volume-fsgroup']);
      expect(r.status?.message).toMatch(/^redis-lint denied Deployment shop\/redis/);
    });

    it('Argo CD Application (helm.valuesObject)', async () => {
      const app = argoApplication({ valuesObject: { architecture: 'standalone', master: { persistence: { enabled: true, size: '50Mi' } } } });
      const r = await t.review('validate', app);
      expect(r.allowed).toBe(false);
      expect(deniedRules(r.status?.message).sort()).toEqual(['aof-rewrite-unreachable', 'fork-memory-headroom']);
    });

    it('Argo CD Application (helm.values string)', async () => {
      const app = argoApplication({ values: 'architecture: standalone\nmaster:\n  persistence:\n    size: 50Mi\n' });
      const r = await t.review('validate', app);
      expect(deniedRules(r.status?.message)).toContain('aof-rewrite-unreachable');
    });

    it('a HelmRelease with valuesFrom gets unresolved-values, as in the CLI', async () => {
      const hr = exampleObject(KLAMM_FIXED, 'HelmRelease') as any;
      hr.spec.valuesFrom = [{ kind: 'Secret', name: 'redis-values' }];
      const r = await t.review('validate', hr);
      expect(r.allowed).toBe(true);
      expect(r.warnings).toEqual(['unresolved-values: values from Secret/redis-values cannot be read offline']);
    });
  });

  describe('mutate', () => {
    it('the permission-denied StatefulSet gets fsGroup 999; the patched object passes validate for the rule', async () => {
      const sts = exampleObject(PERM, 'StatefulSet');
      const r = await t.review('mutate', sts, { namespace: 'shop' });
      expect(r.allowed).toBe(true);
      expect(r.patchType).toBe('JSONPatch');
      const ops = JSON.parse(Buffer.from(r.patch!, 'base64').toString('utf8'));
      expect(ops).toEqual([{ op: 'add', path: '/spec/template/spec/securityContext/fsGroup', value: 999 }]);
      expect(r.warnings).toEqual(['data-volume-fsgroup: mutated, set spec.template.spec.securityContext.fsGroup: 999']);
      const patched = applyPatch(sts, r.patch!);
      const v = await t.review('validate', patched, { namespace: 'shop' });
      expect(v.allowed).toBe(true);
      expect(warnedRules(v.warnings)).not.toContain('data-volume-fsgroup');
    });

    it('missing parents are added first (a pod spec without securityContext)', async () => {
      const sts = bareBitnamiStatefulSet();
      const r = await t.review('mutate', sts);
      const ops = JSON.parse(Buffer.from(r.patch!, 'base64').toString('utf8'));
      expect(ops).toEqual([{ op: 'add', path: '/spec/template/spec/securityContext', value: { fsGroup: 1001 } }]);
      const v = await t.review('validate', applyPatch(sts, r.patch!));
      expect(v.allowed).toBe(true);
    });

    it('a HelmRelease with master.podSecurityContext disabled gets it back (spec.values)', async () => {
      const hr = helmRelease({ architecture: 'standalone', master: { podSecurityContext: { enabled: false }, persistence: { size: '8Gi' } } });
      expect(deniedRules((await t.review('validate', hr)).status?.message)).toContain('data-volume-fsgroup');
      const r = await t.review('mutate', hr);
      const ops = JSON.parse(Buffer.from(r.patch!, 'base64').toString('utf8'));
      expect(ops).toEqual([
        { op: 'replace', path: '/spec/values/master/podSecurityContext/enabled', value: true },
        { op: 'add', path: '/spec/values/master/podSecurityContext/fsGroup', value: 1001 },
      ]);
      expect(r.warnings).toEqual(['data-volume-fsgroup: mutated, set master.podSecurityContext.enabled: true, fsGroup: 1001']);
      const v = await t.review('validate', applyPatch(hr, r.patch!));
      expect(deniedRules(v.status?.message)).not.toContain('data-volume-fsgroup');
      expect(warnedRules(v.warnings)).not.toContain('data-volume-fsgroup');
    });

    it('a Sentinel release is fixed under replica.* in an Argo CD valuesObject', async () => {
      const app = argoApplication({ valuesObject: { architecture: 'replication', sentinel: { enabled: true }, replica: { podSecurityContext: { enabled: false } } } });
      const r = await t.review('mutate', app);
      const ops = JSON.parse(Buffer.from(r.patch!, 'base64').toString('utf8'));
      expect(ops.map((o: { path: string }) => o.path)).toEqual(['/spec/source/helm/valuesObject/replica/podSecurityContext/enabled', '/spec/source/helm/valuesObject/replica/podSecurityContext/fsGroup']);
      const v = await t.review('validate', applyPatch(app, r.patch!));
      expect(deniedRules(v.status?.message)).not.toContain('data-volume-fsgroup');
    });

    it('values in an Argo CD helm.values string are not patched (a valuesObject would replace them)', async () => {
      const app = argoApplication({ values: 'master:\n  podSecurityContext:\n    enabled: false\n' });
      expect(deniedRules((await t.review('validate', app)).status?.message)).toContain('data-volume-fsgroup');
      const r = await t.review('mutate', app);
      expect(r).toMatchObject({ allowed: true });
      expect(r.patch).toBeUndefined();
    });

    it('fixes that are not safe are opt-in per rule (mutate: true)', async () => {
      const sts = exampleObject(FORK, 'StatefulSet');
      const plain = await t.review('mutate', sts);
      expect(plain.patch).toBeUndefined();
      const s = await startTestServer(cert, { policy: loadPolicy(configFile('rules:\n  shutdown-grace-too-short:\n    mutate: true\n')) });
      try {
        const r = await s.review('mutate', sts);
        const ops = JSON.parse(Buffer.from(r.patch!, 'base64').toString('utf8'));
        expect(ops).toEqual([{ op: 'add', path: '/spec/template/spec/terminationGracePeriodSeconds', value: 51 }]);
        expect(r.warnings).toEqual(['shutdown-grace-too-short: mutated, set spec.template.spec.terminationGracePeriodSeconds: 51']);
        const v = await s.review('validate', applyPatch(sts, r.patch!));
        expect(warnedRules(v.warnings)).not.toContain('shutdown-grace-too-short');
      } finally {
        await s.close();
      }
    });

    it('a safe fix can be turned off (mutate: false) and a dry run still gets the patch', async () => {
      const sts = exampleObject(PERM, 'StatefulSet');
      expect((await t.review('mutate', sts, { dryRun: true })).patchType).toBe('JSONPatch');
      const s = await startTestServer(cert, { policy: loadPolicy(configFile('rules:\n  data-volume-fsgroup:\n    mutate: false\n')) });
      try {
        expect((await s.review('mutate', sts)).patch).toBeUndefined();
      } finally {
        await s.close();
      }
    });
  });

  describe('exemptions', () => {
    const perm = () => exampleObject(PERM, 'StatefulSet') as any;

    it('the annotation ignore-check.redis-lint.io/<rule-id> allows the object', async () => {
      const sts = perm();
      sts.metadata.annotations = { 'ignore-check.redis-lint.io/data-volume-fsgroup': 'fsGroup set by the PSA defaults of this cluster' };
      const r = await t.review('validate', sts, { namespace: 'shop' });
      expect(r.allowed).toBe(true);
      expect(warnedRules(r.warnings).sort()).toEqual(['memory-limit-missing', 'replicas-failover']);
      // nothing to fix either
      expect((await t.review('mutate', sts, { namespace: 'shop' })).patch).toBeUndefined();
    });

    it('redis-lint.io/ignore-all drops every finding, the sources notices included', async () => {
      const hr = exampleObject(KLAMM, 'HelmRelease') as any;
      hr.spec.valuesFrom = [{ kind: 'ConfigMap', name: 'more-values' }];
      hr.metadata.annotations = { 'redis-lint.io/ignore-all': 'migrating off Bitnami this sprint' };
      const r = await t.review('validate', hr);
      expect(r).toMatchObject({ allowed: true });
      expect(r.warnings).toBeUndefined();
    });

    it('a config exemption allows the object; an expired one no longer does and the answer says so', async () => {
      const now = new Date();
      const today = now.toISOString().slice(0, 10);
      const later = new Date(now.getTime() + 86_400_000 * 30).toISOString().slice(0, 10);
      const config = configFile(
        [
          'rules: {}',
          'exemptions:',
          '  - {kind: StatefulSet, namespace: shop, name: redis, rules: [data-volume-fsgroup], reason: "volume pre-chowned by the storage class", expires: "' + later + '"}',
          '  - {kind: statefulset, namespace: legacy, name: redis, rules: ["*"], reason: "decommissioned in Q1", expires: "' + today + '"}',
        ].join('\n') + '\n',
      );
      const s = await startTestServer(cert, { policy: loadPolicy(config) });
      try {
        const ok = await s.review('validate', perm(), { namespace: 'shop' });
        expect(ok.allowed).toBe(true);
        const expired = await s.review('validate', perm(), { namespace: 'legacy' });
        expect(expired.allowed).toBe(false);
        expect(deniedRules(expired.status?.message)).toEqual(['data-volume-fsgroup']);
        expect(expired.warnings?.[0]).toBe(`exemption 1 (statefulset legacy/redis: *) expired ${today}: its rules apply again`);
        expectWarningsBounded(expired.warnings);
      } finally {
        await s.close();
      }
    });

    it('warnings stay bounded: 10, then one "and N more"', async () => {
      const entries = Array.from({ length: 14 }, (_, i) => `  - {kind: StatefulSet, name: redis, rules: ["*"], reason: "ticket OPS-${i}", expires: "2001-01-${String(i + 1).padStart(2, '0')}"}`);
      const s = await startTestServer(cert, { policy: loadPolicy(configFile(['rules: {}', 'exemptions:', ...entries].join('\n') + '\n')) });
      try {
        const r = await s.review('validate', perm(), { namespace: 'shop' });
        expect(r.warnings).toHaveLength(11);
        expect(r.warnings![0]).toBe('exemption 0 (StatefulSet redis: *) expired 2001-01-01: its rules apply again');
        expect(r.warnings![10]).toMatch(/^and 6 more: expired exemption, (replicas-failover, memory-limit-missing|memory-limit-missing, replicas-failover)$/);
        expectWarningsBounded(r.warnings);
      } finally {
        await s.close();
      }
    });

    it('--disallow-annotation-exemptions ignores the annotations', async () => {
      const sts = perm();
      sts.metadata.annotations = { 'ignore-check.redis-lint.io/data-volume-fsgroup': 'trust me' };
      const s = await startTestServer(cert, { allowAnnotationExemptions: false });
      try {
        const r = await s.review('validate', sts, { namespace: 'shop' });
        expect(r.allowed).toBe(false);
        expect(deniedRules(r.status?.message)).toEqual(['data-volume-fsgroup']);
        // the fixed example's own ignore-check for replicas-failover no longer counts either
        const fixed = await s.review('validate', exampleObject(PERM_FIXED, 'StatefulSet'));
        expect(fixed.allowed).toBe(true);
        expect(warnedRules(fixed.warnings)).toEqual(['replicas-failover']);
      } finally {
        await s.close();
      }
    });
  });

  describe('bad input', () => {
    it('a body over 3 MiB is refused with 413', async () => {
      const big = admissionReview(exampleObject(PERM, 'StatefulSet')) as any;
      big.request.object.metadata.annotations = { padding: 'x'.repeat(3 * 1024 * 1024) };
      const a = await t.post('validate', big);
      expect(a.status).toBe(413);
      expect(a.json).toMatchObject({ error: 'body-too-large' });
      expect(a.json.message).toMatch(/larger than 3145728 bytes \(3 MiB\)/);
    });

    it('a body just under 3 MiB is reviewed', async () => {
      const big = admissionReview(exampleObject(PERM_FIXED, 'StatefulSet')) as any;
      const base = JSON.stringify(big).length;
      big.request.object.metadata.annotations.padding = 'x'.repeat(3 * 1024 * 1024 - base - 200);
      const a = await t.post('validate', big);
      expect(a.status).toBe(200);
      expect(a.json.response.allowed).toBe(true);
    });

    it.each([
      ['malformed JSON', '{"apiVersion": "admission.k8s.io/v1", "kind": ', /not valid JSON/],
      ['an empty body', '', /empty/],
      ['a JSON array', '[]', /not a JSON object/],
      ['apiVersion v1beta1', { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'x' } }, /apiVersion is "admission\.k8s\.io\/v1beta1", expected "admission\.k8s\.io\/v1"/],
      ['another kind', { apiVersion: 'admission.k8s.io/v1', kind: 'ConversionReview', request: { uid: 'x' } }, /kind is "ConversionReview", expected "AdmissionReview"/],
      ['no request', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, /request is missing/],
      ['no request.uid', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { operation: 'CREATE' } }, /request\.uid is missing/],
      ['an empty request.uid', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: '' } }, /request\.uid/],
    ])('%s is a 400 with a clear message', async (_name, body, message) => {
      const a = await t.post('validate', body);
      expect(a.status).toBe(400);
      expect(a.json.message).toMatch(message);
    });

    it('a Content-Type other than JSON is a 415', async () => {
      const a = await request(t.port, 'POST', '/validate', cert.cert, 'hello', 'text/plain');
      expect(a.status).toBe(415);
      expect(a.json.message).toMatch(/application\/json/);
    });
  });

  describe('fast paths: allowed without the engine', () => {
    let s: TestServer;
    beforeAll(async () => {
      // an engine that always fails: a fast path that ran it would be denied (--on-error deny)
      s = await startTestServer(cert, {
        onError: 'deny',
        lint: () => {
          throw new Error('the engine ran');
        },
      });
    });
    afterAll(() => s.close());

    it('DELETE', async () => {
      const r = await s.review('validate', exampleObject(PERM, 'StatefulSet'), { operation: 'DELETE' });
      expect(r).toEqual({ uid: expect.any(String), allowed: true });
    });

    it('a Deployment that runs no Redis', async () => {
      const nginx = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'CACHE', value: 'none' }] }] } } } };
      expect(await s.review('validate', nginx)).toEqual({ uid: expect.any(String), allowed: true });
      expect(await s.review('mutate', nginx)).toEqual({ uid: expect.any(String), allowed: true });
    });

    it('a HelmRelease of another chart, a ConfigMap, an object being deleted', async () => {
      const other = helmRelease({});
      (other.spec.chart.spec as { chart: string }).chart = 'podinfo';
      expect((await s.review('validate', other)).allowed).toBe(true);
      expect((await s.review('validate', exampleObject(FORK, 'ConfigMap'))).allowed).toBe(true);
      const deleting = exampleObject(PERM, 'StatefulSet') as any;
      deleting.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
      expect((await s.review('validate', deleting, { operation: 'UPDATE' })).allowed).toBe(true);
      const skipped = s.logs.records().filter((l) => l.msg === 'admission review skipped').map((l) => l.skipReason);
      expect(skipped).toEqual(expect.arrayContaining(['not a Redis object', 'v1 ConfigMap is not checked', 'object being deleted']));
    });
  });

  describe('--on-error', () => {
    const failing = () => {
      throw new Error('injected failure');
    };

    it('allow (the default): allowed with a warning, counted, logged', async () => {
      const s = await startTestServer(cert, { onError: 'allow', lint: failing });
      try {
        const r = await s.review('validate', exampleObject(PERM, 'StatefulSet'));
        expect(r.allowed).toBe(true);
        expect(r.warnings).toEqual(['redis-lint could not check this StatefulSet (internal error): allowed unchecked (--on-error allow)']);
        const m = (await s.get('/metrics')).text;
        expect(m).toContain('redis_lint_internal_errors_total{webhook="validate"} 1');
        expect(s.logs.records().some((l) => l.msg === 'admission review failed' && l.error === 'injected failure')).toBe(true);
      } finally {
        await s.close();
      }
    });

    it('deny: denied with code 500 and the reason', async () => {
      const s = await startTestServer(cert, { onError: 'deny', lint: failing });
      try {
        const r = await s.review('validate', exampleObject(PERM_FIXED, 'StatefulSet'));
        expect(r.allowed).toBe(false);
        expect(r.status).toMatchObject({ code: 500, message: 'redis-lint could not check this StatefulSet (internal error): denied (--on-error deny)' });
        const m = await s.review('mutate', exampleObject(PERM_FIXED, 'StatefulSet'));
        expect(m.allowed).toBe(false);
      } finally {
        await s.close();
      }
    });
  });

  describe('dry runs, actions per namespace, metrics, logs', () => {
    let s: TestServer;
    beforeAll(async () => {
      const config = configFile(
        ['rules:', '  memory-limit-missing:', '    action: audit', 'namespaces:', '  sandbox:', '    rules:', '      data-volume-fsgroup: {action: warn}', '      replicas-failover: {severity: "off"}'].join('\n') + '\n',
      );
      s = await startTestServer(cert, { policy: loadPolicy(config), cacheSize: 0 });
    });
    afterAll(() => s.close());

    it('a namespace override turns a deny into a warning there only', async () => {
      const sts = exampleObject(PERM, 'StatefulSet');
      const sandbox = await s.review('validate', sts, { namespace: 'sandbox' });
      expect(sandbox.allowed).toBe(true);
      expect(warnedRules(sandbox.warnings)).toEqual(['data-volume-fsgroup']);
      const prod = await s.review('validate', sts, { namespace: 'prod' });
      expect(prod.allowed).toBe(false);
      // audit: neither denied nor warned, but logged
      expect(warnedRules(prod.warnings)).toEqual(['replicas-failover']);
      const line = s.logs.records().find((l) => l.msg === 'admission review' && l.namespace === 'prod');
      expect(line).toMatchObject({ allowed: false, denied: ['data-volume-fsgroup'], audited: ['memory-limit-missing'], warned: ['replicas-failover'] });
    });

    it('a dry run is evaluated like any review but counted apart', async () => {
      const r = await s.review('validate', exampleObject(PERM, 'StatefulSet'), { namespace: 'dry', dryRun: true });
      expect(r.allowed).toBe(false);
      const m = (await s.get('/metrics')).text;
      expect(m).toMatch(/redis_lint_admission_requests_total\{webhook="validate",operation="CREATE",kind="StatefulSet",allowed="false",dry_run="true"\} 1\n/);
      // enforcement counters leave dry runs out: the only data-volume-fsgroup deny counted is prod's
      expect(m).toMatch(/redis_lint_findings_total\{rule="data-volume-fsgroup",severity="error",action="deny"\} 1\n/);
    });

    it('/metrics has every metric with its labels', async () => {
      await s.post('validate', '{oops');
      const a = await s.get('/metrics');
      expect(a.status).toBe(200);
      expect(a.headers['content-type']).toMatch(/^text\/plain/);
      const m = a.text;
      expect(m).toMatch(/redis_lint_admission_requests_total\{webhook="validate",operation="CREATE",kind="StatefulSet",allowed="true",dry_run="false"\} \d+/);
      expect(m).toMatch(/redis_lint_admission_review_duration_seconds_bucket\{le="0\.005",webhook="validate"\} \d+/);
      expect(m).toMatch(/redis_lint_admission_review_duration_seconds_count\{webhook="validate"\} \d+/);
      expect(m).toMatch(/redis_lint_findings_total\{rule="memory-limit-missing",severity="warning",action="audit"\} \d+/);
      expect(m).toMatch(/redis_lint_findings_total\{rule="data-volume-fsgroup",severity="error",action="warn"\} 1/);
      expect(m).toMatch(/redis_lint_admission_invalid_requests_total\{reason="malformed-json"\} 1/);
      expect(m).toContain('# TYPE redis_lint_internal_errors_total counter');
      const expiry = /redis_lint_certificate_expiry_timestamp_seconds (\d+)/.exec(m);
      const notAfter = new (await import('node:crypto')).X509Certificate(cert.cert).validTo;
      expect(Number(expiry?.[1])).toBe(Date.parse(notAfter) / 1000);
    });

    it('logs are JSON lines with uid, kind, namespace/name and rule ids, never the object', async () => {
      const sts = bareBitnamiStatefulSet();
      const uid = 'log-check-uid';
      await s.review('validate', sts, { uid });
      const line = s.logs.lines.find((l) => l.includes(uid));
      expect(JSON.parse(line!)).toMatchObject({ uid, webhook: 'validate', operation: 'CREATE', kind: 'StatefulSet', namespace: 'shop', name: 'sessions', allowed: false, outcome: 'evaluated', denied: ['data-volume-fsgroup'] });
      expect(s.logs.lines.join('\n')).not.toContain('sup3r-s3cret-value');
    });

    it('/healthz and /readyz answer ok; /readyz is 503 once the server closes', async () => {
      expect((await s.get('/healthz')).text).toBe('ok');
      const r = await s.get('/readyz');
      expect([r.status, r.text]).toEqual([200, 'ok']);
      const other = await startTestServer(cert);
      expect(other.server.ready).toBe(true);
      await other.close();
      expect(other.server.ready).toBe(false);
    });
  });

  describe('decision cache', () => {
    it('an identical object is answered from the cache, with its own uid, and counted', async () => {
      const s = await startTestServer(cert, { cacheSize: 10 });
      try {
        const sts = exampleObject(PERM, 'StatefulSet');
        const a = await s.review('validate', sts, { uid: 'first' });
        const updated = clone(sts) as any;
        updated.metadata.resourceVersion = '12345';
        updated.metadata.managedFields = [{ manager: 'kubectl', time: '2025-01-01T00:00:00Z' }];
        const b = await s.review('validate', updated, { uid: 'second' });
        expect(b).toEqual({ ...a, uid: 'second' });
        // an UPDATE's decision depends on the old object too (existing violations): its own entry
        const u1 = await s.review('validate', updated, { uid: 'u1', operation: 'UPDATE', oldObject: sts });
        const again = clone(updated) as any;
        again.metadata.resourceVersion = '12346';
        const u2 = await s.review('validate', again, { uid: 'u2', operation: 'UPDATE', oldObject: sts });
        expect(u2).toEqual({ ...u1, uid: 'u2' });
        const changed = clone(sts) as any;
        changed.spec.template.spec.securityContext.fsGroup = 999;
        expect((await s.review('validate', changed)).allowed).toBe(true);
        expect(s.logs.records().filter((l) => l.msg === 'admission review').map((l) => l.outcome)).toEqual(['evaluated', 'cached', 'evaluated', 'cached', 'evaluated']);
        expect((await s.get('/metrics')).text).toContain('redis_lint_decision_cache_hits_total 2');
      } finally {
        await s.close();
      }
    });
  });
});
