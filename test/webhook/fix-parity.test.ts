/**
 * One fix engine: the webhook's /mutate (over real HTTPS) returns, for a StatefulSet and a
 * HelmRelease, the same changes `--fix` writes into their files. Both run on the incident
 * examples with every fix enabled (`mutate: true` for each fixable rule); the file fixed by
 * `--fix` and the object patched by /mutate must be equal, document for document. A change
 * `--fix` makes in another object (the ConfigMap's redis.conf) is not the StatefulSet's to patch.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import jsonpatch from 'fast-json-patch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { lintPaths } from '../../src/engine.js';
import { applyFilePlans, planFileFixes } from '../../src/fix/files.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { RULE_DEFINITIONS } from '../../src/rules/index.js';
import { OPENSSL, clone, configFile, exampleObject, makeCert, root, startTestServer, type TestServer } from './helpers.js';

const STS = 'examples/incidents/fork-oom-statefulset.yaml';
const HR = 'examples/incidents/klamm-helmrelease-50mi.yaml';

/** Every fix on, in the webhook too. */
const ALL_FIXES = `rules:\n${RULE_DEFINITIONS.filter((r) => r.fix)
  .map((r) => `  ${r.id}: {mutate: true}`)
  .join('\n')}\n`;

/** `--fix` on a copy of an example file: the fixed documents, by kind, and what it said. */
async function cliFix(file: string): Promise<{ docs: Map<string, unknown>; said: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-parity-'));
  const copy = path.join(dir, path.basename(file));
  copyFileSync(path.join(root, file), copy);
  const result = await lintPaths([copy], { policy: loadPolicy() });
  let said = '';
  const err = new Writable({ write: (c, _e, cb) => ((said += String(c)), cb()) });
  applyFilePlans(planFileFixes(result), result.texts, 'write', err);
  const docs = new Map(YAML.parseAllDocuments(readFileSync(copy, 'utf8')).map((d) => [(d.toJS() as { kind: string }).kind, d.toJS() as unknown]));
  return { docs, said };
}

function patched(object: Record<string, unknown>, patch: string | undefined): Record<string, unknown> {
  if (!patch) return object;
  const ops = JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as jsonpatch.Operation[];
  return jsonpatch.applyPatch(clone(object), ops, true, false).newDocument as Record<string, unknown>;
}

describe.skipIf(!OPENSSL)('/mutate makes the changes --fix makes (needs openssl)', () => {
  let t: TestServer;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-parity-'));
    const cm = exampleObject(STS, 'ConfigMap');
    t = await startTestServer(makeCert(dir, 'webhook'), {
      policy: loadPolicy(configFile(ALL_FIXES)),
      // the cluster holds the StatefulSet's ConfigMap, as the file does
      configMaps: { read: async (_ns, name) => ((cm.metadata as { name: string }).name === name ? cm : undefined) },
    });
  });
  afterAll(async () => t?.close());

  it('a HelmRelease: volume size and maxmemory, the same values in the same places', async () => {
    const hr = exampleObject(HR, 'HelmRelease');
    const cli = await cliFix(HR);
    const r = await t.review('mutate', hr);
    expect(r.patchType).toBe('JSONPatch');
    const mutated = patched(hr, r.patch);
    expect(mutated).toEqual(cli.docs.get('HelmRelease'));
    // it changed something real: the 50Mi volume and a maxmemory
    expect(mutated).not.toEqual(hr);
    expect(JSON.stringify(mutated)).toContain('maxmemory 91mb');
    expect(cli.said).toMatch(/fixed .* fork-memory-headroom: set maxmemory 91mb in spec\.values\.master\.configuration/);
    expect(r.warnings?.some((w) => w.startsWith('fork-memory-headroom: mutated, set maxmemory 91mb'))).toBe(true);
  });

  it('a StatefulSet: the changes in the StatefulSet are the same; the ConfigMap is --fix only', async () => {
    const sts = exampleObject(STS, 'StatefulSet');
    const cli = await cliFix(STS);
    const r = await t.review('mutate', sts);
    const mutated = patched(sts, r.patch);
    expect(mutated).toEqual(cli.docs.get('StatefulSet'));
    expect(mutated).not.toEqual(sts);
    // --fix also lowered maxmemory in the ConfigMap, which the webhook does not patch (another object)
    expect(JSON.stringify(cli.docs.get('ConfigMap'))).not.toEqual(JSON.stringify(exampleObject(STS, 'ConfigMap')));
    expect(r.warnings?.some((w) => w.startsWith('fork-memory-headroom'))).toBe(false);
  });
});
