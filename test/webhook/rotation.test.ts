/**
 * Certificate rotation without a restart: the certificate and key files are rewritten (one after
 * the other, as a careless writer would) while requests keep coming over new TLS connections.
 * No request may fail, and new connections get the new certificate. A pair that does not load
 * is refused and the old one stays.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { OPENSSL, admissionReview, exampleObject, makeCert, request, startTestServer, type TestServer } from './helpers.js';

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe.skipIf(!OPENSSL)('certificate rotation (needs openssl)', () => {
  let s: TestServer | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('is picked up under concurrent requests with zero failures; new connections get the new serial', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-rotate-'));
    const files = { certFile: path.join(dir, 'tls.crt'), keyFile: path.join(dir, 'tls.key') };
    const first = makeCert(dir, 'first', files);
    const second = makeCert(mkdtempSync(path.join(tmpdir(), 'redis-lint-rotate-next-')), 'second');
    expect(second.serial).not.toBe(first.serial);
    s = await startTestServer(first, { certPollIntervalMs: 50, certDebounceMs: 150, cacheSize: 0 });
    const port = s.port;
    const ca = [first.cert, second.cert];
    const body = admissionReview(exampleObject('examples/incidents/permission-denied-statefulset.yaml', 'StatefulSet'), { namespace: 'shop' });

    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const served = new Map<string, number>();
    const worker = async () => {
      while (!stop) {
        try {
          const a = await request(port, 'POST', '/validate', ca, body);
          if (a.status !== 200 || a.json?.response?.uid !== body.request.uid || a.json.response.allowed !== false) failures.push(`HTTP ${a.status}: ${a.text.slice(0, 200)}`);
          else ok++;
          served.set(a.serial, (served.get(a.serial) ?? 0) + 1);
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await sleep(300);
    // not atomic: the certificate first, the key 40 ms later (a pair that does not match in between)
    writeFileSync(first.certFile, second.cert);
    await sleep(40);
    writeFileSync(first.keyFile, second.key);
    await waitFor(() => s!.server.certificate().serial === second.serial, 10_000, 'the new certificate');
    await sleep(300);
    stop = true;
    await Promise.all(workers);

    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
    expect(served.get(first.serial)).toBeGreaterThan(0);
    expect(served.get(second.serial)).toBeGreaterThan(0);
    // from now on, only the new certificate, and a client that trusts only it is satisfied
    const after = await request(port, 'GET', '/readyz', second.cert);
    expect([after.status, after.serial]).toEqual([200, second.serial]);
    const m = (await request(port, 'GET', '/metrics', second.cert)).text;
    expect(m).toMatch(/redis_lint_certificate_reloads_total\{result="success"\} 1/);
    const notAfter = Date.parse(new (await import('node:crypto')).X509Certificate(second.cert).validTo) / 1000;
    expect(m).toContain(`redis_lint_certificate_expiry_timestamp_seconds ${notAfter}`);
    expect(s.logs.records().some((l) => l.msg === 'certificate reloaded' && l.serial === second.serial)).toBe(true);
  });

  it('a new pair that does not load is refused and logged; the old one is still served', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-rotate-bad-'));
    const files = { certFile: path.join(dir, 'tls.crt'), keyFile: path.join(dir, 'tls.key') };
    const first = makeCert(dir, 'first', files);
    const other = makeCert(mkdtempSync(path.join(tmpdir(), 'redis-lint-rotate-other-')), 'other');
    s = await startTestServer(first, { certPollIntervalMs: 50, certDebounceMs: 100 });
    // a certificate whose key is not in tls.key
    writeFileSync(first.certFile, other.cert);
    await waitFor(() => s!.logs.records().some((l) => /new certificate refused/.test(String(l.msg))), 10_000, 'the refusal');
    const refused = s.logs.records().find((l) => /new certificate refused/.test(String(l.msg)))!;
    expect(refused.msg).toMatch(/is not the private key of the certificate/);
    expect(refused.level).toBe(50);
    expect(s.server.certificate().serial).toBe(first.serial);
    const a = await request(s.port, 'GET', '/healthz', first.cert);
    expect([a.status, a.serial]).toEqual([200, first.serial]);
    // garbage is refused too, and only logged once however often it is polled
    writeFileSync(first.certFile, 'not a certificate');
    await waitFor(() => s!.logs.records().filter((l) => /new certificate refused/.test(String(l.msg))).length === 2, 10_000, 'the second refusal');
    await sleep(400);
    expect(s.logs.records().filter((l) => /new certificate refused/.test(String(l.msg)))).toHaveLength(2);
    expect((await s.get('/metrics')).text).toMatch(/redis_lint_certificate_reloads_total\{result="failure"\} 2/);
    // a good pair afterwards is loaded
    writeFileSync(first.keyFile, other.key);
    writeFileSync(first.certFile, other.cert);
    await waitFor(() => s!.server.certificate().serial === other.serial, 10_000, 'the good pair');
  });
});
