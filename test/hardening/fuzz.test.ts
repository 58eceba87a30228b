/**
 * Property tests (issue 6, hardening): any input gives a result or a clean error, never an
 * exception escaping. Each property feeds arbitrary input to one entry point and fails on any
 * throw; InputError / UnitError (the documented errors) are fine where documented.
 *
 * CI run: `npx vitest run test/hardening/fuzz.test.ts` (REDIS_LINT_FUZZ_RUNS, default 500 runs per
 * property, about 6 s). Long run: `npm run fuzz` (bench/fuzz.mjs: REDIS_LINT_FUZZ_RUNS=20000
 * and a random seed; a failure prints the seed and the shrunk counterexample). Reproduce a failure
 * with REDIS_LINT_FUZZ_SEED=<seed>.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintDocuments } from '../../src/engine.js';
import { loadPaths, parseText, type DocContext } from '../../src/load/documents.js';
import { UnitError, parseQuantity, parseRedisMemory, parseSize } from '../../src/model/units.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { parseRedisConf, splitArgs } from '../../src/sources/redis-conf.js';
import { InputError } from '../../src/types.js';
import { admit, type AdmissionOptions } from '../../src/webhook/admission.js';
import { objectDocument } from '../../src/webhook/document.js';
import { parseAdmissionReview } from '../../src/webhook/review.js';
import { OPENSSL, makeCert, startTestServer, type TestServer } from '../webhook/helpers.js';

const RUNS = Math.max(1, Number(process.env.REDIS_LINT_FUZZ_RUNS ?? 500) || 500);
const SEED = process.env.REDIS_LINT_FUZZ_SEED ? Number(process.env.REDIS_LINT_FUZZ_SEED) : undefined;
/** fast-check parameters; `scale` shrinks the count for the expensive properties */
const params = (scale = 1): fc.Parameters<unknown> => ({ numRuns: Math.max(5, Math.round(RUNS * scale)), ...(SEED !== undefined ? { seed: SEED } : {}) });
/** per-test timeout: grows with the run count so the long run does not time out */
const timeout = (scale = 1) => 30_000 + Math.round(RUNS * scale) * 40;

const policy = loadPolicy();

// ---------------------------------------------------------------------------------------------
// generators
// ---------------------------------------------------------------------------------------------

/** Strings a user might put where a quantity or Redis unit belongs, and near misses. */
const quantityish = fc.oneof(
  fc.stringMatching(/^[+-]?\d{0,25}(\.\d{0,5})?([eE][+-]?\d{1,3}|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[kmgKMG][bB]?|B|iB)?(\/s)?$/),
  fc.constantFrom('-1Gi', '1e30', '99999999999999999999Ei', '0', '8', '1.5Gi', '64mb', '64m', '.5', '5.', '1e-9', '50MiB/s', 'NaN', 'Infinity', ' 1Gi ', '1 Gi', '0x10'),
  fc.string({ maxLength: 12 }),
);

/** Leaf values of all kinds YAML and JSON give. */
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  quantityish,
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('yes', 'no', 'true', 'false', 'redis', 'redis:7.2', 'bitnami/redis:7.2.4', 'standalone', 'replication', 'none', 'nano', 'appendonly yes\nmaxmemory 1gb\n', 'maxmemory 0', 'save ""', '"unbalanced'),
);

/** A small JSON-ish value: leaves, arrays and objects. */
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('v'), { maxKeys: 3 })),
})).v;

/** Keys that the adapters read (per kind), so random values land where they matter. */
const VALUES_PATHS = [
  'architecture', 'image.tag', 'image.repository', 'auth.enabled', 'commonConfiguration', 'sentinel.enabled', 'volumePermissions.enabled',
  'master.persistence.size', 'master.persistence.enabled', 'master.persistence.existingClaim', 'master.persistence.sizeLimit', 'master.persistence.path',
  'master.resources', 'master.resources.limits.memory', 'master.resources.requests.memory', 'master.resourcesPreset', 'master.configuration', 'master.extraFlags',
  'master.count', 'master.podSecurityContext.fsGroup', 'master.containerSecurityContext.runAsUser', 'master.livenessProbe.periodSeconds', 'master.livenessProbe',
  'master.startupProbe.enabled', 'master.terminationGracePeriodSeconds', 'replica.replicaCount', 'replica.persistence.size', 'replica.resources.limits.memory',
  'replica.extraFlags', 'replica.configuration', 'sentinel.terminationGracePeriodSeconds', 'resources', 'sentinal', 'global.storageClass', 'master', 'replica',
];
const META_PATHS = ['metadata', 'metadata.name', 'metadata.namespace', 'metadata.annotations', 'metadata.annotations.redis-lint.io/dataset-size', 'metadata.annotations.redis-lint.io/write-rate', 'metadata.annotations.redis-lint.io/rdb-size', 'metadata.annotations.redis-lint.io/ignore-all', 'kind', 'apiVersion'];
const POD = 'spec.template.spec';
const C0 = `${POD}.containers.0`;
const KIND_PATHS: Record<string, string[]> = {
  HelmRelease: [...META_PATHS, 'spec', 'spec.chart', 'spec.chart.spec.chart', 'spec.chart.spec.version', 'spec.chartRef', 'spec.values', 'spec.valuesFrom', 'values', ...VALUES_PATHS.map((p) => `spec.values.${p}`)],
  Application: [...META_PATHS, 'spec.source', 'spec.source.chart', 'spec.source.targetRevision', 'spec.source.path', 'spec.source.helm.values', 'spec.source.helm.valuesObject', 'spec.source.helm.parameters', 'spec.source.helm.valueFiles', 'spec.sources', ...VALUES_PATHS.map((p) => `spec.source.helm.valuesObject.${p}`)],
  StatefulSet: [
    ...META_PATHS, 'spec.replicas', 'spec.template', POD, `${POD}.containers`, C0, `${C0}.image`, `${C0}.command`, `${C0}.args`, `${C0}.args.0`, `${C0}.args.1`, `${C0}.env`,
    `${C0}.resources.limits.memory`, `${C0}.resources`, `${C0}.volumeMounts`, `${C0}.volumeMounts.0.mountPath`, `${C0}.volumeMounts.0.name`, `${C0}.livenessProbe`, `${C0}.startupProbe`,
    `${C0}.securityContext.runAsUser`, `${POD}.securityContext.fsGroup`, `${POD}.volumes`, `${POD}.volumes.0.configMap.name`, `${POD}.volumes.0.emptyDir.sizeLimit`, `${POD}.initContainers`,
    `${POD}.terminationGracePeriodSeconds`, 'spec.volumeClaimTemplates', 'spec.volumeClaimTemplates.0.metadata.name', 'spec.volumeClaimTemplates.0.spec.resources.requests.storage',
  ],
  ConfigMap: [...META_PATHS, 'data', 'data.redis.conf', 'data.other', 'binaryData'],
  values: VALUES_PATHS,
};

/** A valid-looking skeleton per kind, which the mutations then damage. */
function skeleton(kind: string): Record<string, unknown> {
  const meta = { name: 'redis', namespace: 'cache' };
  switch (kind) {
    case 'HelmRelease':
      return { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind, metadata: meta, spec: { chart: { spec: { chart: 'redis', version: '20.1.0', sourceRef: { kind: 'HelmRepository', name: 'bitnami' } } }, values: { architecture: 'standalone', master: { persistence: { size: '8Gi' } } } } };
    case 'Application':
      return { apiVersion: 'argoproj.io/v1alpha1', kind, metadata: meta, spec: { source: { repoURL: 'https://charts.bitnami.com/bitnami', chart: 'redis', targetRevision: '19.6.0', helm: { values: 'architecture: standalone\nmaster:\n  persistence:\n    size: 8Gi\n' } } } };
    case 'StatefulSet':
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata: meta,
        spec: {
          replicas: 1,
          template: { spec: { containers: [{ name: 'redis', image: 'redis:7.2', args: ['--appendonly', 'yes'], resources: { limits: { memory: '1Gi' } }, volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'conf', configMap: { name: 'redis-conf' } }] } },
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '10Gi' } } } }],
        },
      };
    case 'ConfigMap':
      return { apiVersion: 'v1', kind, metadata: { ...meta, name: 'redis-conf' }, data: { 'redis.conf': 'appendonly yes\nmaxmemory 512mb\n' } };
    default:
      return { architecture: 'standalone', master: { persistence: { size: '8Gi' } } };
  }
}

/** Set `v` at a dotted path (numeric segments index arrays), creating or replacing what is in the way. */
function setPath(root: Record<string, unknown>, dotted: string, v: unknown): void {
  // annotation keys hold dots and a slash: keep `redis-lint.io/...` as one segment
  const parts = dotted.replace(/redis-lint\.io\//g, 'redis-lint\u0000io/').split('.').map((p) => p.replace('\u0000', '.'));
  let cur: any = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = /^\d+$/.test(parts[i]) && Array.isArray(cur) ? Number(parts[i]) : parts[i];
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = /^\d+$/.test(parts[i + 1]) ? [] : {};
    cur = cur[k];
  }
  cur[parts[parts.length - 1]] = v;
}

/** An object of one kind with random values at random (mostly meaningful) keys. */
const kindObject = (kind: string) =>
  fc
    .array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KIND_PATHS[kind]) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 6 }) }), value), { maxLength: 6 })
    .map((edits) => {
      const o = skeleton(kind);
      for (const [p, v] of edits) setPath(o, p, v);
      return o;
    });

const anyKindObject = fc.constantFrom(...Object.keys(KIND_PATHS)).chain((k) => kindObject(k));

/** The documented outcome of lintDocuments: a result, never a throw. */
function lintObjects(objects: unknown[], asYaml: boolean): void {
  let docs;
  if (asYaml) {
    const text = objects.map((o) => YAML.stringify(o)).join('---\n');
    const r = parseText(text, 'fuzz.yaml');
    for (const e of r.errors) expect(e).toBeInstanceOf(InputError);
    docs = r.documents;
  } else {
    docs = objects.map((o, i) => objectDocument(o, `fuzz-${i}`));
  }
  const result = lintDocuments(docs, policy);
  expect(Array.isArray(result.findings)).toBe(true);
  for (const f of result.findings) {
    expect(typeof f.message).toBe('string');
    expect(f.message).not.toMatch(/\n\s+at /); // no stack trace in a message
    expect(Number.isFinite(f.pos.line)).toBe(true);
  }
}

// ---------------------------------------------------------------------------------------------
// properties
// ---------------------------------------------------------------------------------------------

describe('YAML loader', () => {
  it('parseText: any string gives documents and InputErrors, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.stringMatching(/^[-:\[\]{}&*!|>'"#%@`,? \n\ta-z0-9]{0,200}$/)), (text) => {
        const r = parseText(text, 'f.yaml');
        for (const e of r.errors) {
          expect(e).toBeInstanceOf(InputError);
          expect(e.pos.line).toBeGreaterThanOrEqual(1);
        }
        // the documents are usable by the engine
        lintDocuments(r.documents, policy);
      }),
      params(),
    );
  }, timeout());

  it('parseText: any value rendered by yaml stringify parses back without errors and lints', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 3 }), (values) => {
        const text = values.map((v) => new YAML.Document(v).toString()).join('---\n');
        const r = parseText(text, 'v.yaml');
        expect(r.errors.map((e) => e.message)).toEqual([]);
        lintDocuments(r.documents, policy);
      }),
      params(),
    );
  }, timeout());

  it('documents with anchors and aliases (a shared subtree) lint', () => {
    // regression: VNode.value() threw on any anchor ("reading 'set'") before the toJS fix
    fc.assert(
      fc.property(anyKindObject, value, fc.constantFrom('master', 'spec', 'metadata', 'data', 'extra'), (o, shared, at) => {
        const body = YAML.stringify(o).replace(new RegExp(`^${at}:.*$`, 'm'), '');
        const text = `${at}: *shared\n${body}`.replace(/^/, `x-shared: &shared ${JSON.stringify(shared) ?? 'null'}\n`);
        const r = parseText(text, 'a.yaml');
        for (const e of r.errors) expect(e).toBeInstanceOf(InputError);
        lintDocuments(r.documents, policy);
      }),
      params(0.5),
    );
  }, timeout(0.5));

  describe('loadPaths on arbitrary bytes in a file', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-fuzz-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it('gives documents or InputErrors, never a rejection', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 200 }).map((s) => new Uint8Array(Buffer.from('\ufeff' + s.replace(/\n/g, '\r\n'))))), async (bytes) => {
          const file = path.join(dir, `f${n++}.yaml`);
          writeFileSync(file, bytes);
          const r = await loadPaths([file]);
          for (const e of r.errors) expect(e).toBeInstanceOf(InputError);
          lintDocuments(r.documents, policy);
        }),
        params(0.5),
      );
    }, timeout(0.5));
  });
});

describe('redis.conf parser', () => {
  const ctx = (text: string): DocContext => ({ file: 'redis.conf', text, locate: (o) => ({ line: 1, col: o + 1 }), pathPrefix: [] });
  it('parseRedisConf: any text gives directives and problems, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.stringMatching(/^([a-z-]{0,12}( ("[^\n]{0,8}"?|'[^\n]{0,8}'?|[^\s]{0,8})){0,3}\r?\n){0,8}$/)), (text) => {
        const r = parseRedisConf(text, ctx(text));
        for (const d of r.directives) expect(d.name).toBe(d.name.toLowerCase());
        for (const p of r.problems) expect(p.message).toMatch(/unbalanced quotes|Redis refuses to start/);
        splitArgs(text);
      }),
      params(),
    );
  }, timeout());

  it('any redis.conf text in a mounted ConfigMap lints', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (conf) => {
        const cm = skeleton('ConfigMap');
        (cm.data as Record<string, string>)['redis.conf'] = conf;
        const sts = skeleton('StatefulSet');
        setPath(sts, `${C0}.command`, ['redis-server', '/etc/redis/redis.conf']);
        setPath(sts, `${C0}.volumeMounts`, [{ name: 'conf', mountPath: '/etc/redis' }, { name: 'data', mountPath: '/data' }]);
        lintObjects([cm, sts], true);
      }),
      params(0.5),
    );
  }, timeout(0.5));
});

describe('unit parsers', () => {
  const clean = (parse: (s: string) => number, nonNegative: (s: string) => boolean) => (s: string) => {
    let n: number;
    try {
      n = parse(s);
    } catch (e) {
      expect(e).toBeInstanceOf(UnitError);
      return;
    }
    expect(Number.isSafeInteger(n)).toBe(true);
    if (nonNegative(s)) expect(n).toBeGreaterThanOrEqual(0);
  };
  const input = fc.oneof(quantityish, fc.string({ maxLength: 30 }));
  it('parseQuantity: a safe integer (negative only for a leading "-") or a UnitError', () => {
    fc.assert(fc.property(input, clean(parseQuantity, (s) => !s.trim().startsWith('-'))), params(3));
  });
  it('parseQuantity of a number (YAML `size: 8`, `1e30`): a safe integer or a UnitError', () => {
    fc.assert(
      fc.property(fc.double(), (d) => clean((s) => parseQuantity(Number(s)), (s) => Number(s) >= 0)(String(d))),
      params(3),
    );
  });
  it('parseRedisMemory: a non-negative safe integer or a UnitError', () => {
    fc.assert(fc.property(input, clean(parseRedisMemory, () => true)), params(3));
  });
  it('parseSize: a non-negative safe integer or a UnitError', () => {
    fc.assert(fc.property(input, clean(parseSize, () => true)), params(3));
  });
});

describe('source adapters through lintDocuments', () => {
  for (const kind of Object.keys(KIND_PATHS)) {
    it(`${kind}: random values at random keys give a result, never a throw (as objects and as YAML)`, () => {
      fc.assert(
        fc.property(kindObject(kind), fc.boolean(), (o, asYaml) => lintObjects([o], asYaml)),
        params(0.5),
      );
    }, timeout(0.5));
  }
  it('several documents of mixed kinds in one run (ConfigMaps referenced by workloads, values beside releases)', () => {
    fc.assert(
      fc.property(fc.array(anyKindObject, { minLength: 1, maxLength: 4 }), fc.boolean(), (os, asYaml) => lintObjects(os, asYaml)),
      params(0.3),
    );
  }, timeout(0.3));
});

describe('AdmissionReview handler', () => {
  const opts: AdmissionOptions = { policy, onError: 'deny', allowAnnotationExemptions: true };
  const WEBHOOK_KINDS = ['HelmRelease', 'Application', 'StatefulSet'];
  /** a request as the API server sends it, with a random object of a checked kind, or random fields */
  const request = fc.record({
    uid: fc.string({ minLength: 1, maxLength: 10 }),
    object: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...WEBHOOK_KINDS, 'Deployment').chain((k) => kindObject(k === 'Deployment' ? 'StatefulSet' : k).map((o) => (k === 'Deployment' ? { ...o, kind: k } : o))) }, { weight: 1, arbitrary: value }),
    operation: fc.oneof(fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT'), leaf),
    namespace: fc.oneof(fc.constant('cache'), leaf),
    name: fc.oneof(fc.constant('redis'), leaf),
    kind: fc.oneof(fc.constant(undefined), value, fc.constantFrom({ group: 'apps', version: 'v1', kind: 'StatefulSet' }, { group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease' }, { group: 'argoproj.io', version: 'v1alpha1', kind: 'Application' })),
    subResource: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: leaf }),
    dryRun: fc.oneof(fc.boolean(), leaf),
  });
  const envelope = request.map((request) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }));

  it('parseAdmissionReview: any JSON body gives a request or an error string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), value, envelope), (body) => {
        const r = parseAdmissionReview(body);
        if ('error' in r) expect(typeof r.error).toBe('string');
        else expect(typeof r.request.uid).toBe('string');
      }),
      params(2),
    );
  });

  for (const webhook of ['validate', 'mutate'] as const) {
    it(`admit (${webhook}): every valid envelope is answered with its uid, never an internal error`, async () => {
      await fc.assert(
        fc.asyncProperty(envelope, async (body) => {
          const parsed = parseAdmissionReview(JSON.parse(JSON.stringify(body)));
          if ('error' in parsed) return;
          const { response, info } = await admit(webhook, parsed.request, opts);
          expect(response.uid).toBe(parsed.request.uid);
          expect(typeof response.allowed).toBe('boolean');
          // admit turns an exception into an `error` outcome (answered per --on-error): for the fuzzer that is an escaped exception
          expect(info.error ?? '').toBe('');
          expect(info.outcome).not.toBe('error');
          if (response.patch) expect(Array.isArray(JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')))).toBe(true);
        }),
        params(0.5),
      );
    }, timeout(0.5));
  }

  describe.skipIf(!OPENSSL)('over HTTPS (a started test server)', () => {
    let t: TestServer;
    beforeAll(async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-fuzz-tls-'));
      t = await startTestServer(makeCert(dir, 'fuzz'), { logger: false, onError: 'deny' });
    });
    afterAll(async () => t?.close());
    it('answers any body with a valid AdmissionReview (200) or a 4xx, never a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(envelope, fc.jsonValue(), fc.string({ maxLength: 100 })),
          fc.boolean(),
          fc.constantFrom('validate', 'mutate') as fc.Arbitrary<'validate' | 'mutate'>,
          async (body, raw, webhook) => {
            const payload = typeof body === 'string' && raw ? body : JSON.stringify(body) ?? 'null';
            const a = await t.post(webhook, payload);
            if (a.status === 200) {
              expect(a.json).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' });
              expect(a.json.response.uid).toBe((body as { request: { uid: string } }).request.uid);
              expect(a.json.response.status?.code).not.toBe(500);
            } else {
              expect(a.status).toBeGreaterThanOrEqual(400);
              expect(a.status).toBeLessThan(500);
              expect(a.json).toMatchObject({ error: expect.any(String), message: expect.any(String) });
            }
          },
        ),
        params(0.2),
      );
    }, timeout(0.2) + 20_000);
  });
});
