/**
 * maxmemory-above-limit (src/rules/maxmemory-above-limit.ts): its table, its precedence over the
 * other memory rules, and its fix made by `--fix` and by the webhook's /mutate from the same code.
 * Arithmetic (docs/model.md "Fork memory"): used = Dset + 9Mi; cow = Dset without a write rate;
 * forkPeak = used + cow; safe maxmemory = floor((limit − 9Mi) / 2) in whole mb.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lintDocuments, lintPaths } from '../../src/engine.js';
import { applyFilePlans, planFileFixes } from '../../src/fix/files.js';
import { planMutation } from '../../src/fix/json-patch.js';
import { parseText } from '../../src/load/documents.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { objectDocument } from '../../src/webhook/document.js';
import { lint, ruleTester, yaml } from './fixtures/harness.js';

const sts = (limit: string, args: string) => yaml`
  apiVersion: apps/v1
  kind: StatefulSet
  metadata: {name: redis, namespace: cache}
  spec:
    serviceName: redis
    selector: {matchLabels: {app: redis}}
    template:
      metadata: {labels: {app: redis}}
      spec:
        containers:
          - name: redis
            image: redis:7.2
            args: [redis-server, ${args}]
            resources: {limits: {memory: ${limit}}}
`;

/** A HelmRelease with maxmemory in master.configuration and a memory limit. */
const helmRelease = (maxmemory: string, limit: string) => yaml`
  apiVersion: helm.toolkit.fluxcd.io/v2
  kind: HelmRelease
  metadata: {name: redis, namespace: shop}
  spec:
    chart:
      spec: {chart: redis, version: 20.13.3, sourceRef: {kind: HelmRepository, name: bitnami}}
    values:
      architecture: standalone
      master:
        configuration: |-
          maxmemory ${maxmemory}
          maxmemory-policy allkeys-lru
        resources:
          limits: {memory: ${limit}}
        persistence:
          size: 8Gi
`;

ruleTester('maxmemory-above-limit', {
  valid: [
    { name: 'maxmemory 100mb under a 512Mi limit', code: helmRelease('100mb', '512Mi') },
    // 500mb is above what 512Mi carries through a fork (fork-memory-headroom), but below the limit itself
    { name: 'maxmemory below the limit (the fork is the other rules\' business)', code: helmRelease('500mb', '512Mi') },
    { name: 'no memory limit', code: sts('null', '--maxmemory, 4gb') },
    { name: 'no maxmemory', code: sts('60Mi', '--appendonly, "yes"') },
  ],
  invalid: [
    {
      // no persistence: nothing forks; used = 90 + 9 = 99Mi; safe = 60 − 9 = 51mb
      name: 'StatefulSet --maxmemory 90mb under a 60Mi limit, nothing forking',
      code: sts('60Mi', '--save, "", --maxmemory, 90mb'),
      errors: [{ line: 13, at: '--maxmemory', includes: ['maxmemory 90mb is above the memory limit 60Mi', 'OOM-kills Redis before it evicts', 'at most 51mb (what the limit carries)'], excludes: ['through a fork'] }],
    },
    {
      // AOF on: forkPeak = 4096 + 9 + 4096 = 8201Mi; safe = floor((4096 − 9) / 2) = 2043mb
      name: 'maxmemory 4gb equal to a 4Gi limit, with AOF (the fork-OOM incident)',
      code: sts('4Gi', '--appendonly, "yes", --maxmemory, 4gb'),
      errors: [{ line: 13, includes: ['maxmemory 4gb is equal to the memory limit 4Gi', 'projected peak 8Gi', 'at most 2043mb (what the limit carries through a fork)', 'at least 8201Mi'] }],
    },
    {
      // the Bitnami chart forks (AOF on by default): safe = floor((512 − 9) / 2) = 251mb
      name: 'HelmRelease maxmemory 1gb above a 512Mi limit, at the directive',
      code: helmRelease('1gb', '512Mi'),
      errors: [{ line: 11, at: 'maxmemory 1gb', includes: ['maxmemory 1gb is above the memory limit 512Mi', 'at most 251mb'] }],
    },
    {
      // raw bytes are shown with their size; a limit too small for Redis itself says what it needs
      name: 'maxmemory 94371840 (90Mi) under an 8Mi limit: the limit is too small, never "at most 0mb"',
      code: sts('8Mi', '--save, "", --maxmemory, "94371840"'),
      errors: [{ line: 13, includes: ['maxmemory 94371840 (90Mi) is above', 'the 8Mi memory limit is too small to carry any maxmemory', 'raise it to at least 99Mi (for maxmemory 90mb)'], excludes: ['at most 0mb', 'maxmemory 0'] }],
    },
  ],
});

describe('maxmemory-above-limit: one finding, one fix for --fix and /mutate', () => {
  it('supersedes fork-memory-headroom and maxmemory-unset on the same deployment', () => {
    const ids = lint(helmRelease('1gb', '512Mi')).map((f) => f.ruleId);
    expect(ids).toContain('maxmemory-above-limit');
    expect(ids).not.toContain('fork-memory-headroom');
    expect(ids).not.toContain('maxmemory-unset');
  });

  it('--fix and the webhook lower maxmemory to the same value in the same place', async () => {
    const code = helmRelease('1gb', '512Mi');
    // --fix on a file
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-above-limit-'));
    const file = path.join(dir, 'helmrelease.yaml');
    writeFileSync(file, code);
    const result = await lintPaths([file], { policy: loadPolicy() });
    let said = '';
    const err = new Writable({ write: (c, _e, cb) => ((said += String(c)), cb()) });
    const outcome = applyFilePlans(planFileFixes(result), result.texts, 'dry-run', err);
    expect(outcome.diff).toMatch(/\n- +maxmemory 1gb\n\+ +maxmemory 251mb\n/);
    expect(said).toMatch(/would fix .* maxmemory-above-limit: set maxmemory 251mb \(was 1gb\) in spec\.values\.master\.configuration/);
    // /mutate on the object (the fix is opt-in there: selected here as `mutate: true` would)
    const object = parseText(code, 'x').documents[0].doc.toJS() as Record<string, unknown>;
    const docs = [objectDocument(object, 'admission:HelmRelease/shop/redis')];
    const plan = planMutation(object, docs, lintDocuments(docs, loadPolicy()), (id) => id === 'maxmemory-above-limit');
    expect(plan.applied.map((a) => a.ruleId)).toEqual(['maxmemory-above-limit']);
    expect(plan.patch).toEqual([{ op: 'replace', path: '/spec/values/master/configuration', value: 'maxmemory 251mb\nmaxmemory-policy allkeys-lru' }]);
  });
});
