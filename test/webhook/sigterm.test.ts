/**
 * Graceful shutdown of the built CLI (`node dist/cli/main.js serve`, npm test builds first):
 * reviews in flight when SIGTERM arrives are all answered, over keep-alive connections as the
 * API server uses them, new connections are refused, and the process exits 0 promptly (not
 * after the 72 s keep-alive timeout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { OPENSSL, admissionReview, exampleObject, makeCert, request, root } from './helpers.js';

const bin = path.join(root, 'dist/cli/main.js');

describe.skipIf(!OPENSSL || !existsSync(bin))('redis-lint serve: SIGTERM (needs openssl and a build)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('finishes the reviews in flight, refuses new connections and exits 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-sigterm-'));
    const cert = makeCert(dir, 'webhook');
    child = spawn(process.execPath, [bin, 'serve', '--tls-cert-file', cert.certFile, '--tls-private-key-file', cert.keyFile, '--port', '0', '--host', '127.0.0.1', '--cache-size', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: Array<Record<string, unknown>> = [];
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      const rl = createInterface({ input: child!.stdout! });
      rl.on('line', (line) => {
        const rec = JSON.parse(line) as Record<string, unknown>;
        logs.push(rec);
        if (rec.msg === 'redis-lint webhook listening') resolve(rec.port as number);
      });
      void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });

    const agent = new https.Agent({ keepAlive: true, ca: cert.cert });
    // warm the keep-alive connections up, as the API server's would be
    const object = exampleObject('examples/incidents/permission-denied-statefulset.yaml', 'StatefulSet');
    const warm = await Promise.all(Array.from({ length: 4 }, () => request(port, 'POST', '/validate', cert.cert, admissionReview(object, { namespace: 'shop' }), 'application/json', agent)));
    expect(warm.map((w) => w.status)).toEqual([200, 200, 200, 200]);

    // reviews in flight: headers and half the body sent before SIGTERM, the rest after
    const inFlight = Array.from({ length: 12 }, (_, i) => {
      const body = JSON.stringify(admissionReview(object, { namespace: 'shop', uid: `in-flight-${i}` }));
      const half = body.length >> 1;
      let finish!: () => void;
      const answer = new Promise<{ status: number; uid?: string; allowed?: boolean; connection?: string }>((resolve, reject) => {
        const req = https.request(
          { host: '127.0.0.1', port, method: 'POST', path: '/validate', agent, servername: 'localhost', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => {
              const json = JSON.parse(text) as { response?: { uid: string; allowed: boolean } };
              resolve({ status: res.statusCode ?? 0, uid: json.response?.uid, allowed: json.response?.allowed, connection: res.headers.connection });
            });
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, half));
        finish = () => req.end(body.slice(half));
      });
      return { answer, finish: () => finish() };
    });
    await sleep(400);
    const t0 = Date.now();
    child.kill('SIGTERM');
    for (let i = 0; i < 200 && !logs.some((l) => l.msg === 'shutting down: finishing reviews in flight'); i++) await sleep(50);
    await sleep(200);
    // the listener is closed: a new connection is refused
    await expect(request(port, 'GET', '/healthz', cert.cert)).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
    for (const r of inFlight) r.finish();
    const answers = await Promise.all(inFlight.map((r) => r.answer));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(answers.map((a) => a.uid)).toEqual(Array.from({ length: 12 }, (_, i) => `in-flight-${i}`));
    expect(answers.every((a) => a.allowed === false && a.connection === 'close')).toBe(true);
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    agent.destroy();
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: finishing reviews in flight', 'webhook stopped']));
    expect(logs.filter((l) => l.msg === 'admission review' && String(l.uid).startsWith('in-flight-'))).toHaveLength(12);
  }, 30_000);
});
