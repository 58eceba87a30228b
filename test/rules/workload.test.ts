/**
 * Workload inputs in the size rules: flags (`--dataset-size` etc.) > `redis-lint.io/*` annotations >
 * the policy's `workloads:` entries, and every size-rule message naming the inputs it used and
 * where they came from. Hand arithmetic (docs/model.md, default params, Redis 7.2):
 *
 *   StatefulSet `redis`: appendonly yes, maxmemory 1gb, limit 1536Mi, PVC `size`; no save points, no replicas
 *   with write rate 256Ki/s and no dataset input: Dset = maxmemory 1Gi; child = 1Gi / 100Mi/s = 10.24 s;
 *   cow by pages (fork-memory.ts, 64 B values): 256Ki x 10.24 s / 96 B = 27962 writes x 3.2 pages of
 *   262144: 262144 x (1 - e^(-89478/262144)) pages + 1.25Mi = 297.4Mi; forkPeak = 1Gi + 9Mi + 297.4Mi <= 1536Mi (no finding)
 *   with dataset 1400Mi from a flag: 14 s child, 38229 writes, 122334 touches of 358400 pages: cow = 406.1Mi;
 *   forkPeak = 1400 + 9 + 406.1 = 1815.1Mi (1.8Gi) > 1536Mi: limit at least 1816Mi
 */
import { describe, expect, it } from 'vitest';
import { lintDocuments } from '../../src/engine.js';
import { parseText } from '../../src/load/documents.js';
import { loadPolicy, type Policy } from '../../src/policy/policy.js';
import { YamlVNode } from '../../src/load/vnode.js';
import { readWorkloadEntries, type WorkloadFlags } from '../../src/sources/common.js';
import type { Finding } from '../../src/types.js';
import { FILE, yaml } from './fixtures/harness.js';
import { klamm50Mi } from './fixtures/inputs.js';

const MI = 1024 * 1024;
const CONFIG = '/nonexistent/redis-lint-rule-tests/policy.yaml';

/** The default policy plus `workloads:` entries written as YAML (file CONFIG). */
function policyWith(workloads: string): Policy {
  const { documents } = parseText(`workloads:\n${workloads}`, CONFIG);
  const root = YamlVNode.root(documents[0].doc, documents[0].ctx);
  return { ...loadPolicy(), workloads: readWorkloadEntries(root.child('workloads')) };
}

function lintWith(code: string, opts: { flags?: WorkloadFlags; policy?: Policy } = {}): Finding[] {
  const { documents } = parseText(code, FILE);
  return lintDocuments(documents, opts.policy ?? loadPolicy(), undefined, opts.flags).findings;
}

const message = (findings: Finding[], ruleId: string) => findings.find((f) => f.ruleId === ruleId)?.message ?? `(no ${ruleId})`;

function statefulSet(annotations: string[], size = '8Gi'): string {
  return yaml`
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: redis
      namespace: cache
      annotations:
        team: cache
        ${annotations.join('\n        ')}
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
              args: [--appendonly, "yes", --maxmemory, 1gb]
              resources:
                limits: {memory: 1536Mi}
              volumeMounts:
                - {name: data, mountPath: /data}
      volumeClaimTemplates:
        - metadata: {name: data}
          spec:
            resources:
              requests:
                storage: ${size}
  `;
}

describe('fork-memory-headroom with workload inputs', () => {
  it('a flag overrides the annotation, and the message says which input came from where', () => {
    const code = statefulSet(['redis-lint.io/dataset-size: 100Mi', 'redis-lint.io/write-rate: 256KiB/s']);
    // the annotation alone: Dset 100Mi, far below the limit
    expect(lintWith(code).map((f) => f.ruleId)).not.toContain('fork-memory-headroom');
    const m = message(lintWith(code, { flags: { datasetBytes: { value: 1400 * MI, flag: '--dataset-size' } } }), 'fork-memory-headroom');
    expect(m).toContain('fork peak 1.8Gi (1.4Gi in use + up to 397.1Mi copied on write;');
    expect(m).toContain('the limit to at least 1807Mi');
    expect(m).toContain('dataset 1.4Gi from --dataset-size; workload: write rate 256Ki/s from annotation redis-lint.io/write-rate');
    expect(m).not.toContain('dataset 100Mi');
  });

  it('an annotation overrides the config entry; the entry fills what the annotation leaves out', () => {
    const policy = policyWith('  - {kind: StatefulSet, namespace: cache, name: redis, datasetSize: 100Mi, writeRate: 256KiB/s}\n');
    const m = message(lintWith(statefulSet(['redis-lint.io/dataset-size: 1400Mi']), { policy }), 'fork-memory-headroom');
    expect(m).toContain('fork peak 1.8Gi (1.4Gi in use + up to 397.1Mi copied on write;');
    expect(m).toContain('the limit to at least 1807Mi');
    expect(m).toContain('dataset 1.4Gi from annotation redis-lint.io/dataset-size');
    expect(m).toContain(`write rate 256Ki/s from config ${CONFIG}:2`);
  });

  it('a config entry for another namespace or kind does not apply', () => {
    const policy = policyWith('  - {kind: StatefulSet, namespace: shop, name: redis, datasetSize: 1400Mi}\n  - {kind: Deployment, name: redis, datasetSize: 1400Mi}\n');
    // no workload input: Dset = maxmemory 1Gi, no rate: the 2x rule, 2057Mi
    const m = message(lintWith(statefulSet([]), { policy }), 'fork-memory-headroom');
    expect(m).toContain('the limit to at least 2057Mi');
    expect(m).not.toContain('workload');
  });

  it('a config entry without a namespace matches the object in any namespace', () => {
    const policy = policyWith('  - {kind: statefulset, name: redis, datasetSize: 1400Mi, writeRate: 1MiB/s}\n');
    expect(message(lintWith(statefulSet([]), { policy }), 'fork-memory-headroom')).toContain(`dataset 1.4Gi from config ${CONFIG}:2`);
  });
});

describe('maxmemory-unset and the disk rules name their workload inputs', () => {
  it('maxmemory-unset: the fork it budgets for uses the write rate', () => {
    const policy = loadPolicy();
    const alone = { ...policy, rules: { ...policy.rules, 'fork-memory-headroom': { ...policy.rules['fork-memory-headroom'], severity: 'off' as const } } };
    const m = message(lintWith(klamm50Mi, { flags: { writeRateBytesPerSec: { value: MI, flag: '--write-rate' } }, policy: alone }), 'maxmemory-unset');
    expect(m).toContain('(what the limit carries through a fork; workload: write rate 1Mi/s from --write-rate)');
    // with both on, fork-memory-headroom supersedes it and names the same input
    expect(message(lintWith(klamm50Mi, { flags: { writeRateBytesPerSec: { value: MI, flag: '--write-rate' } } }), 'fork-memory-headroom')).toContain('workload: write rate 1Mi/s from --write-rate');
  });

  it('aof-rewrite-unreachable: the time to full names the dataset and the write rate', () => {
    // no rewrite can run: from an empty AOF, 50Mi / 1Mi/s = 50 s
    const flags: WorkloadFlags = { writeRateBytesPerSec: { value: MI, flag: '--write-rate' }, datasetBytes: { value: 10 * MI, flag: '--dataset-size' } };
    const m = message(lintWith(klamm50Mi, { flags }), 'aof-rewrite-unreachable');
    expect(m).toContain('grows until the disk is full (full in 50s; dataset 10Mi from --dataset-size; workload: write rate 1Mi/s from --write-rate)');
  });

  it('aof-rewrite-unreachable without a write rate names no workload input', () => {
    const m = message(lintWith(klamm50Mi, { flags: { datasetBytes: { value: 10 * MI, flag: '--dataset-size' } } }), 'aof-rewrite-unreachable');
    expect(m).toMatch(/grows until the disk is full; recommended volume \d+Mi$/);
  });

  it('aof-disk-headroom: the real dataset instead of the maxmemory bound, with its source', () => {
    // RDB 300Mi from the annotation (= BASE), no rate: b = 300Mi, T = S = 600Mi; the default save points keep
    // dump.rdb (300Mi) on the volume: peak = 600 + 300 + max(300, 300) = 1200Mi > 80% of 1Gi
    const code = statefulSet(['redis-lint.io/rdb-size: 300Mi'], '1Gi');
    const m = message(lintWith(code, { flags: { datasetBytes: { value: 400 * MI, flag: '--dataset-size' } } }), 'aof-disk-headroom');
    expect(m).toContain('projected peak disk use 1.2Gi (AOF rewrite at 600Mi + new BASE 300Mi, dump.rdb 300Mi;');
    expect(m).toContain('dataset 400Mi from --dataset-size; workload: RDB 300Mi from annotation redis-lint.io/rdb-size');
  });

  it('an annotation that is not a size is reported at its line and left out', () => {
    const code = statefulSet(['redis-lint.io/write-rate: fast']);
    const f = lintWith(code).find((x) => x.ruleId === 'unresolved-values');
    expect(f?.message).toMatch(/^annotation redis-lint.io\/write-rate is ignored: not a Kubernetes quantity: "fast"/);
    expect(f?.pos.line).toBe(8);
    expect(message(lintWith(code), 'fork-memory-headroom')).not.toContain('workload');
  });
});
