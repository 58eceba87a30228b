/**
 * Webhook faults under load (issue 6, docs/reliability.md), over real HTTPS on 127.0.0.1:
 *
 * (a) the certificate files are replaced twice while 8 keep-alive clients keep sending reviews:
 *     zero failed requests, and new connections see each new certificate;
 * (b) SIGTERM to the built CLI (`node dist/cli/main.js serve`) while 8 keep-alive clients keep
 *     sending reviews: every request sent got a full, valid answer, or (after SIGTERM only) a
 *     clean connection refusal; exit code 0;
 * (c) slowloris connections (headers, then a byte of body now and then) and bodies over the
 *     3 MiB limit do not starve normal reviews; oversized bodies get 413 at once, slow ones are cut
 *     off with 408 after the request timeout.
 *
 * Every load loop is bounded in time and count.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_TIMEOUT_MS } from '../../src/webhook/server.js';
import { OPENSSL, admissionReview, exampleObject, makeCert, request, root, startTestServer, type TestServer } from '../webhook/helpers.js';

const bin = path.join(root, 'dist/cli/main.js');
const MAX_REQUESTS_PER_WORKER = 5000;

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const sts = () => exampleObject('examples/incidents/permission-denied-statefulset.yaml', 'StatefulSet');

describe.skipIf(!OPENSSL)('webhook faults under load (needs openssl)', () => {
  let s: TestServer | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it('(a) certificate rotated twice during load: zero failures, new connections get the new certificate', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-faults-rotate-'));
    const files = { certFile: path.join(dir, 'tls.crt'), keyFile: path.join(dir, 'tls.key') };
    const first = makeCert(dir, 'first', files);
    const spare = mkdtempSync(path.join(tmpdir(), 'redis-lint-faults-next-'));
    const second = makeCert(spare, 'second');
    const third = makeCert(spare, 'third');
    s = await startTestServer(first, { certPollIntervalMs: 50, certDebounceMs: 150, cacheSize: 0, logger: false });
    const port = s.port;
    const ca = [first.cert, second.cert, third.cert];
    const agent = new https.Agent({ keepAlive: true, maxSockets: 8 });
    const object = sts();
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const freshSerials = new Set<string>();
    const worker = async (w: number) => {
      for (let i = 0; !stop && i < MAX_REQUESTS_PER_WORKER; i++) {
        const body = admissionReview(object, { namespace: 'shop', uid: `rot-${w}-${i}` });
        try {
          // mostly keep-alive, as the API server; every 10th over a new connection
          const a = await request(port, 'POST', '/validate', ca, body, 'application/json', i % 10 === 9 ? false : agent);
          if (a.status !== 200 || a.json?.response?.uid !== body.request.uid || a.json.response.allowed !== false) failures.push(`HTTP ${a.status}: ${a.text.slice(0, 200)}`);
          else ok++;
          if (i % 10 === 9) freshSerials.add(a.serial);
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
    };
    const t0 = Date.now();
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    await sleep(1000);
    // rotation 1: a careless writer, certificate first and key 40 ms later
    writeFileSync(files.certFile, second.cert);
    await sleep(40);
    writeFileSync(files.keyFile, second.key);
    await waitFor(() => s!.server.certificate().serial === second.serial, 5000, 'the second certificate');
    expect((await request(port, 'GET', '/healthz', second.cert)).serial).toBe(second.serial);
    await sleep(1500);
    // rotation 2: atomic renames, as the kubelet swaps a Secret volume
    writeFileSync(path.join(dir, '.tls.crt.new'), third.cert);
    writeFileSync(path.join(dir, '.tls.key.new'), third.key);
    renameSync(path.join(dir, '.tls.crt.new'), files.certFile);
    renameSync(path.join(dir, '.tls.key.new'), files.keyFile);
    await waitFor(() => s!.server.certificate().serial === third.serial, 5000, 'the third certificate');
    expect((await request(port, 'GET', '/healthz', third.cert)).serial).toBe(third.serial);
    await sleep(Math.max(500, 6000 - (Date.now() - t0)));
    stop = true;
    await Promise.all(workers);
    agent.destroy();

    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(100);
    expect([...freshSerials].sort()).toEqual([first.serial, second.serial, third.serial].sort());
    // a client that trusts only the newest certificate is satisfied; one that trusts only the first is not
    expect((await request(port, 'GET', '/readyz', third.cert)).status).toBe(200);
    await expect(request(port, 'GET', '/readyz', first.cert)).rejects.toThrow();
    console.log(`[webhook-faults] rotation under load: ${ok} reviews in ${Date.now() - t0} ms, 0 failures`);
  }, 30_000);

  it.skipIf(!existsSync(bin))('(b) SIGTERM under load: every review sent is answered, or refused after close began; exit 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-faults-sigterm-'));
    const cert = makeCert(dir, 'webhook');
    child = spawn(process.execPath, [bin, 'serve', '--tls-cert-file', cert.certFile, '--tls-private-key-file', cert.keyFile, '--port', '0', '--host', '127.0.0.1', '--cache-size', '0', '--configmap-lookup', 'off'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = child;
    let stderr = '';
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const logs: Array<Record<string, unknown>> = [];
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        const rec = JSON.parse(line) as Record<string, unknown>;
        logs.push(rec);
        if (rec.msg === 'redis-lint webhook listening') resolve(rec.port as number);
      });
      void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    const agent = new https.Agent({ keepAlive: true, maxSockets: 8 });
    const object = sts();
    let sigtermAt = Infinity;
    let deadline = Date.now() + 15_000;
    const tally = { sent: 0, answered: 0, refused: 0, refusedBeforeClose: 0, answeredAfterClose: 0 };
    const dropped: string[] = [];
    const worker = async (w: number) => {
      for (let i = 0; Date.now() < deadline && i < MAX_REQUESTS_PER_WORKER; i++) {
        const body = admissionReview(object, { namespace: 'shop', uid: `term-${w}-${i}` });
        tally.sent++;
        try {
          const a = await request(port, 'POST', '/validate', cert.cert, body, 'application/json', agent);
          if (a.status === 200 && a.json?.response?.uid === body.request.uid && a.json.response.allowed === false) {
            tally.answered++;
            if (Date.now() >= sigtermAt) tally.answeredAfterClose++;
          } else dropped.push(`HTTP ${a.status}: ${a.text.slice(0, 200)}`);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ECONNREFUSED') {
            tally.refused++;
            if (Date.now() < sigtermAt) tally.refusedBeforeClose++;
            return; // the listener is gone: this client is done
          }
          dropped.push(`${code ?? ''} ${(e as Error).message}`);
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    await sleep(1500);
    sigtermAt = Date.now();
    proc.kill('SIGTERM');
    deadline = sigtermAt + 5000;
    await Promise.all(workers);
    const code = await exited;
    agent.destroy();

    console.log(`[webhook-faults] SIGTERM under load: ${JSON.stringify(tally)}, dropped ${dropped.length}, exit ${code} after ${Date.now() - sigtermAt} ms`);
    expect(dropped).toEqual([]);
    expect(tally.sent).toBe(tally.answered + tally.refused);
    expect(tally.refusedBeforeClose).toBe(0);
    expect(tally.answered).toBeGreaterThan(20);
    expect(code).toBe(0);
    expect(Date.now() - sigtermAt).toBeLessThan(10_000);
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: finishing reviews in flight', 'webhook stopped']));
  }, 30_000);

  it('(c) slowloris and oversized bodies do not starve normal reviews; 413 at once, 408 after the request timeout', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-faults-slow-'));
    const cert = makeCert(dir, 'webhook');
    // the default is a request timeout of 10 s (headers too), checked every second
    const dflt = await startTestServer(cert, { logger: false, defaultMetrics: false });
    expect([dflt.server.app.server.requestTimeout, dflt.server.app.server.headersTimeout]).toEqual([REQUEST_TIMEOUT_MS, REQUEST_TIMEOUT_MS]);
    expect(REQUEST_TIMEOUT_MS).toBe(10_000);
    await dflt.close();

    const TIMEOUT = 1500;
    s = await startTestServer(cert, { requestTimeoutMs: TIMEOUT, cacheSize: 0, logger: false });
    const port = s.port;
    const body = JSON.stringify(admissionReview(sts(), { namespace: 'shop' }));

    // 6 slowloris connections: headers announcing 50 kB, then one byte every 200 ms (bounded: 60 bytes)
    const slow = Array.from({ length: 6 }, () => {
      const t0 = Date.now();
      return new Promise<{ ms: number; status: string }>((resolve) => {
        const sock = tls.connect({ host: '127.0.0.1', port, ca: cert.cert, servername: 'localhost' }, () => {
          sock.write(`POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 50000\r\n\r\n{`);
          let n = 0;
          const t = setInterval(() => {
            if (n++ >= 60 || sock.destroyed) return clearInterval(t);
            sock.write(' ');
          }, 200);
          sock.on('close', () => clearInterval(t));
        });
        let text = '';
        sock.on('data', (c: Buffer) => (text += c.toString()));
        sock.on('error', () => undefined);
        sock.on('close', () => resolve({ ms: Date.now() - t0, status: text.split('\r\n')[0] }));
      });
    });
    // 4 bodies over the 3 MiB limit (announced and sent)
    const big = Buffer.alloc(3 * 1024 * 1024 + 4096, 0x20);
    const oversized = Array.from({ length: 4 }, async () => {
      const t0 = Date.now();
      try {
        const a = await request(port, 'POST', '/validate', cert.cert, big);
        return { ms: Date.now() - t0, status: a.status, error: a.json?.error };
      } catch (e) {
        return { ms: Date.now() - t0, status: 0, error: (e as Error).message };
      }
    });
    // meanwhile: normal reviews, one after another, for ~3 s (bounded: 200)
    const BOUND_MS = 1000;
    const latencies: number[] = [];
    const bad: string[] = [];
    const end = Date.now() + 3000;
    for (let i = 0; i < 200 && Date.now() < end; i++) {
      const t0 = Date.now();
      const a = await request(port, 'POST', '/validate', cert.cert, body);
      latencies.push(Date.now() - t0);
      if (a.status !== 200 || a.json?.response?.allowed !== false) bad.push(`HTTP ${a.status}`);
    }
    const big413 = await Promise.all(oversized);
    const cut = await Promise.all(slow);
    console.log(
      `[webhook-faults] slow/oversized: ${latencies.length} normal reviews, max ${Math.max(...latencies)} ms (bound ${BOUND_MS}); 413 in ${big413.map((b) => b.ms).join('/')} ms; slowloris cut after ${cut.map((c) => c.ms).join('/')} ms (timeout ${TIMEOUT})`,
    );
    expect(bad).toEqual([]);
    expect(latencies.length).toBeGreaterThan(10);
    expect(Math.max(...latencies)).toBeLessThan(BOUND_MS);
    for (const b of big413) {
      expect([b.status, b.error]).toEqual([413, 'body-too-large']);
      expect(b.ms).toBeLessThan(3000);
    }
    for (const c of cut) {
      expect(c.status).toMatch(/^HTTP\/1\.1 408/);
      expect(c.ms).toBeGreaterThanOrEqual(TIMEOUT - 100);
      expect(c.ms).toBeLessThan(TIMEOUT + 2500);
    }
    expect((await s.get('/healthz')).status).toBe(200);
  }, 30_000);
});
