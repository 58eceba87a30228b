/**
 * Hostile AdmissionReviews over real HTTPS (issue 13): objects an attacker or a careless chart
 * can send through the API server must be decided in bounded time, never answered "internal
 * error", and never freeze /healthz.
 *
 * - a 100,000-key HelmRelease (1 MB) is decided (denied for its 50Mi PVC), in linear time;
 * - a 2,000-level list under an unrelated key (`spec.values.extraDeploy`) does not stop the check
 *   (the same HelmRelease is still denied); a 10,000-level one (Go's JSON limit) is answered per
 *   --on-error with the reason, never as an internal error.
 *
 * Time bounds are loose sanity bounds (about 10x what was measured on a 2-core VM); the numbers
 * to watch are in `npm run bench` (bench/hostile.mjs).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_OBJECT_DEPTH } from '../../src/webhook/document.js';
import { OPENSSL, admissionReview, bitnamiHelmRelease, deniedRules, makeCert, startTestServer, type TestServer } from '../webhook/helpers.js';

/** A HelmRelease of the Bitnami redis chart with a 50Mi PVC (aof-rewrite-unreachable) and `extra` merged into spec.values. */
function helmRelease(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return bitnamiHelmRelease({ architecture: 'standalone', master: { persistence: { size: '50Mi' } }, ...extra });
}

/** The review body as a string with a list nested `depth` levels deep at spec.values.extraDeploy (JSON.stringify cannot write 10,000 levels). */
function deepReviewBody(depth: number): string {
  const body = JSON.stringify(admissionReview(helmRelease({ extraDeploy: '@DEEP@' })));
  return body.replace('"@DEEP@"', '['.repeat(depth) + '"x"' + ']'.repeat(depth));
}

describe.skipIf(!OPENSSL)('hostile AdmissionReviews (needs openssl)', () => {
  let s: TestServer | undefined;
  const cert = () => makeCert(mkdtempSync(path.join(tmpdir(), 'redis-lint-hostile-wh-')), 'hostile');
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('a 100,000-key HelmRelease (1 MB) is decided, not frozen on: denied for its 50Mi PVC, < 10 s', async () => {
    s = await startTestServer(cert(), { cacheSize: 0 });
    const extra: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) extra[`k${i}`] = 1;
    const t0 = Date.now();
    const r = await s.review('validate', helmRelease(extra));
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.allowed).toBe(false);
    expect(deniedRules(r.status?.message)).toContain('aof-rewrite-unreachable');
  });

  it('a 2,000-level list under an unrelated key: still checked and denied for the 50Mi PVC', async () => {
    s = await startTestServer(cert(), { cacheSize: 0 });
    const a = await s.post('validate', deepReviewBody(2000));
    expect(a.status).toBe(200);
    expect(a.json.response.allowed).toBe(false);
    expect(deniedRules(a.json.response.status?.message)).toContain('aof-rewrite-unreachable');
  });

  it(`a 10,000-level list (Go's JSON limit): answered per --on-error with the reason (more than ${MAX_OBJECT_DEPTH} levels), counted, never "internal error"`, async () => {
    s = await startTestServer(cert(), { cacheSize: 0, onError: 'allow' });
    const a = await s.post('validate', deepReviewBody(10_000));
    expect(a.status).toBe(200);
    expect(a.json.response.allowed).toBe(true);
    expect(a.json.response.warnings).toEqual([`redis-lint could not check this HelmRelease: nested more than ${MAX_OBJECT_DEPTH} levels deep: allowed unchecked (--on-error allow)`]);
    const metrics = (await s.get('/metrics')).text;
    expect(metrics).toMatch(/redis_lint_unchecked_reviews_total\{webhook="validate",reason="too-deep"\} 1/);
    expect(metrics).not.toMatch(/redis_lint_internal_errors_total\{webhook="validate"\} [1-9]/);
    const log = s.logs.records().find((l) => l.uid === a.json.response.uid);
    expect(log?.error).toMatch(/^nested more than \d+ levels deep \(at spec\.values\.extraDeploy\.0\.0/);
    await s.close();

    s = await startTestServer(cert(), { cacheSize: 0, onError: 'deny' });
    const d = await s.post('validate', deepReviewBody(10_000));
    expect(d.json.response.allowed).toBe(false);
    expect(d.json.response.status).toEqual({ code: 422, reason: 'Invalid', message: expect.stringMatching(/^redis-lint could not check this HelmRelease: nested more than \d+ levels deep \(at spec\.values\.extraDeploy\.0\.0.*\): denied \(--on-error deny\)$/) });
    expect(d.json.response.status.message).not.toMatch(/internal error/i);
  });
});
