import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/load/documents.js';
import { collectDeployments } from '../../src/sources/index.js';

/** Issue 15 "never silent": each Redis-family input no adapter evaluates gets exactly one unresolved-values notice naming it. */
function notices(text: string): string[] {
  const r = collectDeployments(parseText(text, 'in.yaml').documents);
  expect(r.deployments).toEqual([]);
  return r.findings.map((f) => `${f.ruleId}: ${f.message}`);
}

describe('never silent on Redis-family inputs that are not evaluated', () => {
  it.each([
    // (valkey-io's valkey chart is evaluated since its adapter: test/cli/chart-kinds.test.ts)
    ['kustomize helmCharts', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nhelmCharts:\n  - {name: redis-stack-server, repo: https://redis-stack.github.io/helm-redis-stack/, version: 0.4.0}\n', /chart "redis-stack-server" from https:\/\/redis-stack\.github\.io\/helm-redis-stack\/ is not the Bitnami redis chart/],
    ['KeyDB Deployment', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: k}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: k, image: "eqalpha/keydb:x86_64_v6.3.4"}\n', /Deployment running eqalpha\/keydb/],
  ])('%s', (_name, text, re) => {
    const f = notices(text);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatch(/^unresolved-values: /);
    expect(f[0]).toMatch(re);
  });

  it('a Sentinel StatefulSet (redis image, --sentinel) beside an evaluated server is not named', () => {
    const r = collectDeployments(parseText('apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: s, image: "redis:7.2", command: [redis-sentinel, /etc/sentinel.conf]}\n', 'in.yaml').documents);
    expect(r.findings).toEqual([]);
  });
});
