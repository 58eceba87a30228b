/**
 * Reviews whose body is over LARGE_BODY_BYTES (256 KiB) are parsed, triaged and decided in a
 * review worker from their text (issue 13: the server's thread no longer parses a 1 MB body, so
 * /healthz does not wait behind it). They must be answered exactly as small ones: same decision,
 * ConfigMaps read between the worker's two calls, the same 400s, the uid echoed even when the
 * worker runs out of time. Uses the built server (dist/: its review workers are compiled files).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/policy/policy.js';
import type { ConfigMapReader } from '../../src/webhook/configmaps.js';
import type { WebhookServer, WebhookServerOptions } from '../../src/webhook/server.js';
import { LogLines, OPENSSL, admissionReview, deniedRules, exampleObject, makeCert, request, root, type TestCert } from './helpers.js';

const FORK = 'examples/incidents/fork-oom-statefulset.yaml';
const dist = (await import(pathToFileURL(path.join(root, 'dist/webhook/server.js')).href)) as typeof import('../../src/webhook/server.js');

/** The object with an annotation that takes its review over LARGE_BODY_BYTES. */
function padded(object: Record<string, unknown>): Record<string, unknown> {
  const meta = object.metadata as Record<string, unknown>;
  return { ...object, metadata: { ...meta, annotations: { ...(meta.annotations as object), 'example.com/padding': 'x'.repeat(dist.LARGE_BODY_BYTES + 1000) } } };
}

describe.skipIf(!OPENSSL)('large AdmissionReviews, decided from their text in a review worker (needs openssl and a build)', () => {
  let server: WebhookServer | undefined;
  let cert: TestCert;
  const logs = new LogLines();
  const start = async (opts: Partial<WebhookServerOptions>) => {
    cert = makeCert(mkdtempSync(path.join(tmpdir(), 'redis-lint-large-')), 'large');
    server = await dist.startWebhookServer({ policy: loadPolicy(), onError: 'deny', allowAnnotationExemptions: true, certFile: cert.certFile, keyFile: cert.keyFile, port: 0, host: '127.0.0.1', defaultMetrics: false, logger: { level: 'debug', stream: logs }, ...opts });
    return server;
  };
  const post = (body: unknown) => request(server!.port, 'POST', '/validate', cert.cert, body);
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a large workload is decided as a small one, its ConfigMap read between the two worker calls', async () => {
    const reads: string[] = [];
    const cm = exampleObject(FORK, 'ConfigMap');
    const reader: ConfigMapReader = {
      read: async (ns, name) => {
        reads.push(`${ns}/${name}`);
        return (cm.metadata as { name: string }).name === name ? cm : undefined;
      },
    };
    await start({ configMaps: reader });
    const small = await post(admissionReview(exampleObject(FORK, 'StatefulSet'), { uid: 'small' }));
    const bigBody = admissionReview(padded(exampleObject(FORK, 'StatefulSet')), { uid: 'large' });
    expect(JSON.stringify(bigBody).length).toBeGreaterThan(dist.LARGE_BODY_BYTES);
    const big = await post(bigBody);
    expect(big.status).toBe(200);
    expect(big.json.response.uid).toBe('large');
    expect(big.json.response.allowed).toBe(false);
    expect(deniedRules(big.json.response.status.message)).toEqual(deniedRules(small.json.response.status.message));
    expect(deniedRules(big.json.response.status.message)).toContain('maxmemory-above-limit');
    expect(big.json.response.warnings).toEqual(small.json.response.warnings);
    expect(reads).toEqual(['claude-code-hub/redis-config', 'claude-code-hub/redis-config']);
    const line = logs.records().find((l) => l.uid === 'large');
    expect(line).toMatchObject({ outcome: 'evaluated', kind: 'StatefulSet', configMaps: { found: ['redis-config'], missing: [], failed: [] } });
  });

  it('large reviews skip the decision cache (its key would cost what the engine costs): a repeat is evaluated again', async () => {
    await start({});
    const object = exampleObject(FORK, 'StatefulSet');
    for (const uid of ['s1', 's2']) await post(admissionReview(object, { uid }));
    for (const uid of ['l1', 'l2']) await post(admissionReview(padded(object), { uid }));
    const outcome = (uid: string) => logs.records().find((l) => l.uid === uid)?.outcome;
    expect([outcome('s1'), outcome('s2'), outcome('l1'), outcome('l2')]).toEqual(['evaluated', 'cached', 'evaluated', 'evaluated']);
  });

  it('large bodies that are not JSON or not an AdmissionReview get the same 400s as small ones', async () => {
    await start({});
    const notJson = await post('{"request": ' + ' '.repeat(dist.LARGE_BODY_BYTES) + '[');
    expect(notJson.status).toBe(400);
    expect(notJson.json.error).toBe('malformed-json');
    expect(notJson.json.message).toMatch(/^the body is not valid JSON: /);
    const notReview = await post({ kind: 'Pod', apiVersion: 'v1', pad: 'x'.repeat(dist.LARGE_BODY_BYTES) });
    expect(notReview.status).toBe(400);
    expect(notReview.json).toEqual({ error: 'not-an-admission-review', message: 'kind is "Pod", expected "AdmissionReview"' });
  });

  it('over the time budget: answered per --on-error with the uid and kind read from the text', async () => {
    await start({ reviewTimeoutMs: 1 });
    const a = await post(admissionReview(padded(exampleObject(FORK, 'StatefulSet')), { uid: 'slow' }));
    expect(a.status).toBe(200);
    expect(a.json.response).toEqual({ uid: 'slow', allowed: false, status: { code: 504, reason: 'Timeout', message: 'redis-lint could not check this StatefulSet: not decided within 0.001 s (--review-timeout): denied (--on-error deny)' } });
    expect(logs.records().find((l) => l.uid === 'slow')).toMatchObject({ outcome: 'unchecked', kind: 'StatefulSet', namespace: 'claude-code-hub' });
  });
});
