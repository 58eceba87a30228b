import { defineRule } from './rule.js';

/** unresolved-values: reported by the source adapters (src/sources) and the engine (workload annotations that are not sizes, a deployment the model cannot project), not by a check of its own; its metadata, defaults and docs live here. */
export const unresolvedValues = defineRule({
  id: 'unresolved-values',
  meta: {
    description: "Part of the input cannot be evaluated offline (valuesFrom, external value files, unknown chart or chart version); says what was assumed.",
    remediation: "Pass the missing values with --values, or pin the chart version.",
    incident: "A HelmRelease whose settings come from valuesFrom looked clean to every linter.",
    category: 'configuration',
    precision: 'high',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "helmrelease.yaml", bad: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: redis
  namespace: cache
spec:
  interval: 10m
  chart:
    spec:
      chart: redis
      version: 20.13.3
      sourceRef: {kind: HelmRepository, name: bitnami}
  valuesFrom:
    - kind: Secret
      name: redis-values
`, good: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: redis
  namespace: cache
spec:
  interval: 10m
  chart:
    spec:
      chart: redis
      version: 20.13.3
      sourceRef: {kind: HelmRepository, name: bitnami}
  values:
    architecture: replication
    auth:
      existingSecret: redis-auth
    sentinel:
      enabled: true
    commonConfiguration: |-
      appendonly yes
      save ""
      maxmemory 400mb
    replica:
      replicaCount: 3
      resources:
        limits: {memory: 1Gi}
` }],
  },
  defaults: { severity: 'info' },
});
