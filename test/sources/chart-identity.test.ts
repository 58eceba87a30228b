import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintPaths } from '../../src/engine.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { identifyChart, isBitnamiRepoUrl } from '../../src/sources/chart-identity.js';
import { isBitnamiRedisValues } from '../../src/sources/bitnami-chart.js';
import { parseImage } from '../../src/sources/workload.js';

/**
 * Issue 15: a chart is known by the URL of its repository (as Helm, Flux and Argo CD know it),
 * not by what the HelmRepository object is named; when redis-lint cannot tell, it says so.
 */
async function lintText(name: string, text: string): Promise<string[]> {
  const d = mkdtempSync(path.join(tmpdir(), 'redis-lint-id-'));
  writeFileSync(path.join(d, name), text);
  const r = await lintPaths([path.join(d, name)], { policy: loadPolicy() });
  return r.findings.map((f) => `${f.ruleId}@${f.pos.line}: ${f.message}`);
}

const RELEASE = (repoName: string, kind = 'HelmRepository') => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: cache, namespace: apps}
spec:
  chart:
    spec:
      chart: redis
      version: 20.13.3
      sourceRef: {kind: ${kind}, name: ${repoName}, namespace: flux-system}
  values:
    master:
      persistence:
        size: 50Mi
`;

describe('chart identity by repository URL', () => {
  it('knows the Bitnami repositories and mirrors, whatever the object is named', () => {
    for (const u of ['oci://registry-1.docker.io/bitnamicharts', 'https://charts.bitnami.com/bitnami', 'oci://registry-1.docker.io/bitnamicharts/redis', 'docker.io/bitnamicharts', 'oci://harbor.example/dockerhub/bitnamicharts', 'https://github.com/bitnami/charts', 'oci://registry-1.docker.io/bitnamichartslegacy']) {
      expect(isBitnamiRepoUrl(u), u).toBe(true);
    }
    for (const u of ['https://valkey.io/valkey-helm/', 'oci://ghcr.io/bjw-s-labs/helm', 'https://dandydeveloper.github.io/charts', 'https://charts.example.com/redis']) expect(isBitnamiRepoUrl(u), u).toBe(false);
  });

  it('a HelmRepository named oci-registry with the Bitnami OCI URL in the same file: evaluated (the 50Mi incident is found)', async () => {
    const f = await lintText('release.yaml', `${RELEASE('oci-registry')}---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: oci-registry, namespace: flux-system}
spec: {type: oci, url: 'oci://registry-1.docker.io/bitnamicharts'}
`);
    expect(f.some((x) => x.startsWith('aof-rewrite-unreachable@13:'))).toBe(true);
    expect(f.join('\n')).not.toMatch(/is not the Bitnami/);
  });

  it('a HelmRepository of another namespace does not lend its URL', async () => {
    const f = await lintText('release.yaml', `${RELEASE('oci-registry')}---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: oci-registry, namespace: other}
spec: {type: oci, url: 'oci://registry-1.docker.io/bitnamicharts'}
`);
    expect(f).toEqual([expect.stringMatching(/^unresolved-values@6: cannot tell whether chart "redis" from HelmRepository\/oci-registry is the Bitnami redis chart/)]);
  });

  it('an unknown repository and values that show nothing: "cannot tell", not "is not"', () => {
    const id = identifyChart('redis', 'https://charts.example.com/stable', { master: { persistence: { size: '1Gi' } } });
    expect(id.verdict).toBe('unknown');
    expect(identifyChart('redis', undefined, { architecture: 'standalone', master: { configuration: 'appendonly yes' } }).verdict).toBe('yes');
    expect(identifyChart('redis', undefined, { primary: {}, auth: { postgresPassword: 'x' } }).verdict).toBe('no');
    expect(identifyChart('redis-cluster', 'oci://registry-1.docker.io/bitnamicharts', {}).verdict).toBe('no');
  });

  it('an Argo CD Application with a directory/kustomize source is not called a chart', async () => {
    const f = await lintText('app.yaml', `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: redis, namespace: argocd}
spec:
  destination: {namespace: redis, server: https://kubernetes.default.svc}
  source: {repoURL: https://github.com/example/gitops, path: manifests/redis/overlay, targetRevision: main}
`);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatch(/directory source "manifests\/redis\/overlay" of https:\/\/github.com\/example\/gitops \(plain manifests or kustomize, not a chart\)/);
    expect(f[0]).not.toMatch(/chart "manifests/);
  });

  it('an Argo CD Application of the Bitnami OCI repository is evaluated', async () => {
    const f = await lintText('app.yaml', `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: redis, namespace: argocd}
spec:
  destination: {namespace: redis, server: https://kubernetes.default.svc}
  source:
    repoURL: registry-1.docker.io/bitnamicharts
    chart: redis
    targetRevision: 20.13.3
    helm:
      valuesObject:
        master: {persistence: {size: 50Mi}}
`);
    expect(f.some((x) => x.startsWith('aof-rewrite-unreachable@12:'))).toBe(true);
  });

  it('bitnamilegacy/redis images count as the Bitnami image', () => {
    expect(parseImage('docker.io/bitnamilegacy/redis:7.2.5-debian-12-r0').flavor).toBe('bitnami');
    expect(parseImage('mirror.gcr.io/bitnamilegacy/redis:8.2.1').flavor).toBe('bitnami');
  });
});

describe('non-Redis Bitnami values are never read as Redis', () => {
  it('PostgreSQL, MySQL, MongoDB and Valkey values are not Bitnami redis values', () => {
    expect(isBitnamiRedisValues({ architecture: 'replication', primary: { persistence: { size: '50Mi' } }, auth: { postgresPassword: 'x' } })).toBe(false);
    expect(isBitnamiRedisValues({ architecture: 'replication', auth: { rootPassword: 'x' }, secondary: { replicaCount: 1 } })).toBe(false);
    expect(isBitnamiRedisValues({ architecture: 'replicaset', auth: { rootPassword: 'x', replicaSetKey: 'k' } })).toBe(false);
    expect(isBitnamiRedisValues({ architecture: 'standalone', auth: { enabled: false }, primary: { persistence: { enabled: false } } })).toBe(false);
  });

  it('a Bitnami PostgreSQL values file gets no finding', async () => {
    expect(await lintText('values.yaml', 'architecture: replication\nauth:\n  postgresPassword: x\nprimary:\n  persistence:\n    size: 50Mi\n  resourcesPreset: nano\n')).toEqual([]);
  });

  it('Bitnami valkey values in a valkey directory: read as Bitnami valkey values (primary.persistence.size, not the redis master defaults)', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'redis-lint-id-'));
    const dir = path.join(d, 'valkey');
    (await import('node:fs')).mkdirSync(dir);
    writeFileSync(path.join(dir, 'values.yaml'), 'architecture: standalone\nauth:\n  enabled: false\nprimary:\n  persistence:\n    size: 50Mi\n  configuration: |\n    appendonly yes\n');
    const r = await lintPaths([path.join(dir, 'values.yaml')], { policy: loadPolicy() });
    const f = r.findings.map((x) => `${x.pos.line} ${x.ruleId}: ${x.message}`);
    expect(f).toContainEqual(expect.stringMatching(/^1 unresolved-values: Bitnami valkey chart version unknown: assumed chart 4\.x defaults \(Valkey 8\.1\)/));
    // the 50Mi primary volume is judged (the redis chart's master default would be 8Gi)
    expect(f).toContainEqual(expect.stringMatching(/^6 aof-rewrite-unreachable: PVC 50Mi/));
    expect(f.join('\n')).not.toMatch(/Bitnami redis/);
  });
});
