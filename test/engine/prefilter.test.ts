import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintPaths } from '../../src/engine.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { skimForRedis } from '../../src/sources/prefilter.js';
import { CORPUS_DIR, HAS_CORPUS, NEEDS_CORPUS, SHARED_DIR } from '../shared-dir.js';

/**
 * The cheap first pass (src/sources/prefilter.ts) must not change a single finding: the same run
 * with and without it gives the same findings, deployments and file count, on the real corpus and on
 * two whole real GitOps repositories (../shared/bench-repos), and on the cases a text scan alone
 * would miss.
 */
const policy = loadPolicy();

async function both(paths: string[]) {
  const fast = await lintPaths(paths, { policy });
  const full = await lintPaths(paths, { policy, prefilter: false });
  const view = (r: typeof fast) => ({
    findings: r.findings.map((f) => `${f.pos.file}:${f.pos.line}:${f.pos.column} ${f.severity} ${f.ruleId} ${f.message}`),
    deployments: r.deployments.map((d) => `${d.object.kind}/${d.object.name}/${d.role}`),
    files: r.files.length,
    inputErrors: r.inputErrors.map((e) => e.message).sort(),
  });
  return { fast: view(fast), full: view(full) };
}

describe('the first pass changes no finding', () => {
  it('values that never name Redis, a redis.conf ConfigMap without the word, the claim a Redis Deployment mounts', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'redis-lint-prefilter-'));
    writeFileSync(path.join(d, 'values.yaml'), 'architecture: standalone\nauth:\n  enabled: true\nmaster:\n  persistence:\n    size: 50Mi\ncommonConfiguration: |-\n  appendonly yes\n');
    writeFileSync(path.join(d, 'cache-conf.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cache-conf\ndata:\n  app.conf: |\n    appendonly yes\n    appendfsync always\n');
    writeFileSync(path.join(d, 'repo.yaml'), 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: oci-registry\nspec:\n  type: oci\n  url: oci://registry-1.docker.io/bitnamicharts\n');
    writeFileSync(path.join(d, 'pvc.yaml'), 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: cache-data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 50Mi\n');
    writeFileSync(
      path.join(d, 'deploy.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cache\nspec:\n  template:\n    spec:\n      containers:\n        - name: cache\n          image: redis:7.2\n          args: [--appendonly, "yes"]\n          volumeMounts: [{name: data, mountPath: /data}]\n      volumes:\n        - name: data\n          persistentVolumeClaim: {claimName: cache-data}\n',
    );
    writeFileSync(path.join(d, 'unrelated.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n');
    const { fast, full } = await both([d]);
    expect(fast).toEqual(full);
    expect(full.findings.some((f) => f.includes('values.yaml') && f.includes('aof-rewrite-unreachable'))).toBe(true);
    expect(full.findings.some((f) => f.includes('cache-conf.yaml') && f.includes('appendfsync-policy'))).toBe(true);
    // the claim's size, read through the reference pass
    expect(full.findings.some((f) => f.includes('pvc.yaml') && f.includes('aof-rewrite-unreachable'))).toBe(true);
  });

  it('skim: what it passes on to the full parse', () => {
    expect(skimForRedis('image: bitnamilegacy/redis\n')).toEqual({ concernsRedis: true });
    expect(skimForRedis('architecture: replication\nmaster:\n  persistence:\n    size: 1Gi\nreplica:\n  replicaCount: 3\n')).toEqual({ concernsRedis: true });
    expect(skimForRedis('kind: Service\nmetadata:\n  name: web\n---\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n')).toEqual({
      concernsRedis: false,
      objects: [
        { kind: 'Service', name: 'web' },
        { kind: 'ConfigMap', name: 'x' },
      ],
    });
    expect(skimForRedis('a: [1\n')).toBeUndefined();
    expect(skimForRedis('a: 1\na: 2\n')).toBeUndefined(); // a duplicate key: the full parse says so
  });

  describe.skipIf(!HAS_CORPUS)(`on real files ${NEEDS_CORPUS}`, () => {
    it('the whole corpus as one run', async () => {
      const { fast, full } = await both([CORPUS_DIR]);
      expect(fast).toEqual(full);
      expect(full.findings.length).toBeGreaterThan(100);
    }, 120_000);

    it.each(['arthurgeek+home-k8s', 'auricom+home-ops'])('bench repository %s', async (repo) => {
      const { fast, full } = await both([path.join(SHARED_DIR, 'bench-repos', repo)]);
      expect(fast).toEqual(full);
      expect(full.files).toBeGreaterThan(300);
    }, 120_000);
  });
});
