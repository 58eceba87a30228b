/**
 * Table tests for the source-level ids (reported by src/sources, severities from the policy):
 * unresolved-values (input that cannot be evaluated offline) and values-key-ignored (keys the chart
 * or Flux ignores). Also checks that every rule id has a table in test/rules.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/index.js';
import { ruleTester, yaml } from './fixtures/harness.js';

ruleTester('unresolved-values', {
  valid: [
    {
      name: 'HelmRelease with a pinned chart version and inline values only',
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
      `,
    },
    {
      name: 'Argo CD Application with targetRevision 19.6.0 and helm.valuesObject',
      code: yaml`
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
              valuesObject:
                architecture: standalone
      `,
    },
  ],
  invalid: [
    {
      name: 'HelmRelease valuesFrom a ConfigMap and a Secret',
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
          valuesFrom:
            - kind: ConfigMap
              name: redis-values
            - kind: Secret
              name: redis-secret-values
          values:
            architecture: standalone
      `,
      errors: [{ line: 14, column: 3, at: 'valuesFrom:', includes: ['ConfigMap/redis-values', 'Secret/redis-secret-values', 'cannot be read offline'] }],
    },
    {
      name: 'Argo CD Application helm.valueFiles',
      code: yaml`
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
              valueFiles:
                - values-prod.yaml
                - values-eu.yaml
      `,
      errors: [{ line: 14, column: 7, at: 'valueFiles:', includes: ['values-prod.yaml, values-eu.yaml', '--values'] }],
    },
    {
      name: 'HelmRelease with a chart version that is not a version ("latest")',
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
              version: latest
              sourceRef:
                kind: HelmRepository
                name: bitnami
          values:
            architecture: standalone
      `,
      errors: [{ line: 10, column: 7, at: 'version: latest', includes: ['"latest"', 'judged as 23.', 'newest released'] }],
    },
    {
      name: 'HelmRelease with a chart major newer than the known ones (24.1.0)',
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
              version: 24.1.0
              sourceRef:
                kind: HelmRepository
                name: bitnami
          values:
            architecture: standalone
      `,
      errors: [{ line: 10, column: 7, at: 'version: 24.1.0', includes: ['24.1.0', '23.x'] }],
    },
    {
      // a plain values file has no version of its own: the notice sits at the document root
      name: 'Bitnami values file without a Chart.yaml beside it',
      code: yaml`
        architecture: standalone
        master:
          persistence:
            size: 8Gi
      `,
      errors: [{ line: 1, column: 1, includes: ['chart version unknown', '23.x'] }],
    },
  ],
});

ruleTester('values-key-ignored', {
  valid: [
    {
      name: 'Bitnami values with master.resources (where the chart reads it)',
      code: yaml`
        architecture: standalone
        master:
          resources:
            limits:
              memory: 1Gi
      `,
    },
    {
      // unknown keys that are not near a chart key may belong to a wrapper chart: not reported
      name: 'HelmRelease spec.values with an unrelated wrapper key',
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
            myCompanyDashboards:
              enabled: true
      `,
    },
  ],
  invalid: [
    {
      name: 'Bitnami values: top-level resources (not applied)',
      code: yaml`
        architecture: standalone
        resources:
          limits:
            memory: 1Gi
      `,
      errors: [{ line: 2, column: 1, at: 'resources:', includes: ['"resources"', 'master.resources', 'not applied'] }],
    },
    {
      name: 'Bitnami values: sentinal typo',
      code: yaml`
        architecture: replication
        sentinal:
          enabled: true
      `,
      errors: [{ line: 2, column: 1, at: 'sentinal:', includes: ['"sentinal"', 'did you mean "sentinel"'] }],
    },
    {
      name: 'HelmRelease: values outside spec',
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
      `,
      errors: [{ line: 14, column: 1, at: 'values:', includes: ['outside spec', 'spec.values'] }],
    },
  ],
});

describe('coverage of the rule tables', () => {
  it('every rule of the registry and both source-level ids have a ruleTester table', () => {
    const dir = new URL('./', import.meta.url);
    const text = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => readFileSync(new URL(f, dir), 'utf8'))
      .join('\n');
    for (const id of [...RULES.map((r) => r.id), 'unresolved-values', 'values-key-ignored']) {
      expect(text, id).toContain(`ruleTester('${id}'`);
    }
  });
});
