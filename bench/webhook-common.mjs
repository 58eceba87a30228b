// Pieces shared by the webhook benchmarks (bench/webhook.mjs, bench/soak.mjs): a throwaway
// certificate, the RSS of a process, and starting a server process whose JSON log says when it
// listens.
import { execFileSync, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A self-signed EC certificate for localhost and 127.0.0.1, valid one day (openssl).
 * @returns {{certFile: string, keyFile: string, ca: Buffer}}
 */
export function makeCertificate(dir, commonName) {
  const certFile = path.join(dir, 'tls.crt');
  const keyFile = path.join(dir, 'tls.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', `/CN=${commonName}`, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  return { certFile, keyFile, ca: readFileSync(certFile) };
}

/** Resident set size of a process in bytes: /proc/<pid>/status VmRSS on Linux, else ps. */
export function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: ps
  }
  const out = execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  return Number(out) * 1024;
}

/**
 * Start `node <args>` in the project root with stdout to `logFile`; resolve once a JSON log line
 * with one of `messages` appears (its `port`), within 15 s.
 * @returns {Promise<{child: import('node:child_process').ChildProcess, port: number, stderr: () => string}>}
 */
export async function startServer(name, args, logFile, messages = ['redis-lint webhook listening']) {
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', fd, 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}: ${stderr}`);
    for (const l of readFileSync(logFile, 'utf8').split('\n').filter(Boolean)) {
      const rec = JSON.parse(l);
      if (messages.includes(rec.msg)) return { child, port: rec.port, stderr: () => stderr };
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start: ${stderr}`);
}
