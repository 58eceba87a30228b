/**
 * Helpers of the webhook tests: a self-signed certificate made with openssl, AdmissionReviews
 * built from the repository's examples, HTTPS requests that verify the server's certificate.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { loadPolicy } from '../../src/policy/policy.js';
import { startWebhookServer, type WebhookServer, type WebhookServerOptions } from '../../src/webhook/server.js';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** openssl on PATH (the certificates of these tests are made with it). */
export const OPENSSL = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
if (!OPENSSL) console.warn('test/webhook: openssl not found on PATH: the HTTPS webhook tests are skipped');

/** A certificate and key on disk. */
export interface TestCert {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
  serial: string;
}

/**
 * A self-signed P-256 certificate for localhost/127.0.0.1, valid 2 days.
 * @param dir where `<name>.crt` and `<name>.key` are written (unless `files` names others)
 */
export function makeCert(dir: string, name: string, files?: { certFile: string; keyFile: string }): TestCert {
  const tmp = mkdtempSync(path.join(tmpdir(), 'redis-lint-cert-'));
  const certTmp = path.join(tmp, 'tls.crt');
  const keyTmp = path.join(tmp, 'tls.key');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyTmp, '-out', certTmp, '-days', '2', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  const certFile = files?.certFile ?? path.join(dir, `${name}.crt`);
  const keyFile = files?.keyFile ?? path.join(dir, `${name}.key`);
  const cert = readFileSync(certTmp, 'utf8');
  const key = readFileSync(keyTmp, 'utf8');
  writeFileSync(certFile, cert);
  writeFileSync(keyFile, key);
  return { certFile, keyFile, cert, key, serial: new X509Certificate(cert).serialNumber };
}

/** The YAML documents of a file of the repository, as JSON objects. */
export function exampleObjects(file: string): Array<Record<string, unknown>> {
  return YAML.parseAllDocuments(readFileSync(path.join(root, file), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
}

/** The one document of `kind` in a file of the repository. */
export function exampleObject(file: string, kind: string): Record<string, unknown> {
  const o = exampleObjects(file).find((d) => d.kind === kind);
  if (!o) throw new Error(`${file} has no ${kind}`);
  return o;
}

let uids = 0;

/** Options of {@link admissionReview}. */
export interface ReviewOptions {
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  namespace?: string;
  dryRun?: boolean;
  uid?: string;
  /** UPDATE: the object before the change (default: the object itself) */
  oldObject?: Record<string, unknown> | null;
}

/** An AdmissionReview admission.k8s.io/v1 for an object, as the API server sends it. */
export function admissionReview(object: Record<string, unknown>, opts: ReviewOptions = {}) {
  const apiVersion = String(object.apiVersion ?? 'v1');
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const meta = (object.metadata ?? {}) as Record<string, unknown>;
  const namespace = opts.namespace ?? (meta.namespace as string | undefined) ?? 'default';
  const kind = String(object.kind);
  const resource = kind.toLowerCase() + (kind.endsWith('s') ? 'es' : 's');
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: opts.uid ?? `0000-${++uids}-${Date.now()}`,
      kind: { group, version, kind },
      resource: { group, version, resource },
      requestKind: { group, version, kind },
      requestResource: { group, version, resource },
      name: meta.name,
      namespace,
      operation: opts.operation ?? 'CREATE',
      userInfo: { username: 'system:serviceaccount:flux-system:kustomize-controller', groups: ['system:serviceaccounts'] },
      object: opts.operation === 'DELETE' ? null : object,
      oldObject: opts.oldObject !== undefined ? opts.oldObject : opts.operation === 'DELETE' || opts.operation === 'UPDATE' ? object : null,
      dryRun: opts.dryRun ?? false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  };
}

/** An HTTP answer. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
  /** serial of the certificate the server presented */
  serial: string;
}

/**
 * One request over a new TLS connection (no keep-alive), verifying the server's certificate against `ca`.
 * @param body a value to send as JSON, or a string/Buffer sent as is
 */
export function request(port: number, method: string, urlPath: string, ca: string | string[], body?: unknown, contentType = 'application/json', agent: https.Agent | false = false): Promise<Answer> {
  const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        ca,
        agent,
        servername: 'localhost',
        timeout: 10_000,
        headers: payload === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const serial = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().serialNumber ?? '';
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, serial });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A log stream that keeps every line. */
export class LogLines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  }
  /** the parsed JSON log records */
  records(): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

/** A running test server and what the tests need of it. */
export interface TestServer {
  server: WebhookServer;
  logs: LogLines;
  port: number;
  ca: string;
  post(webhook: 'validate' | 'mutate', body: unknown): Promise<Answer>;
  /** POST a review of the object; the AdmissionReview `response` */
  review(webhook: 'validate' | 'mutate', object: Record<string, unknown>, opts?: ReviewOptions): Promise<{ uid: string; allowed: boolean; status?: { code: number; message: string }; warnings?: string[]; patchType?: string; patch?: string }>;
  get(urlPath: string): Promise<Answer>;
  close(): Promise<void>;
}

/** A policy file in a new temp directory. */
export function configFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'redis-lint-config-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

/**
 * Start a webhook on 127.0.0.1, a free port, with the bundled policy unless `opts.policy`, logs
 * kept in memory at debug level.
 */
export async function startTestServer(cert: TestCert, opts: Partial<WebhookServerOptions> = {}): Promise<TestServer> {
  const logs = new LogLines();
  const server = await startWebhookServer({
    policy: loadPolicy(),
    onError: 'allow',
    allowAnnotationExemptions: true,
    certFile: cert.certFile,
    keyFile: cert.keyFile,
    port: 0,
    host: '127.0.0.1',
    defaultMetrics: false,
    logger: { level: 'debug', stream: logs },
    ...opts,
  });
  const t: TestServer = {
    server,
    logs,
    port: server.port,
    ca: cert.cert,
    post: (webhook, body) => request(server.port, 'POST', `/${webhook}`, cert.cert, body),
    async review(webhook, object, ropts = {}) {
      const body = admissionReview(object, ropts);
      const a = await t.post(webhook, body);
      if (a.status !== 200) throw new Error(`HTTP ${a.status}: ${a.text}`);
      if (a.json.response.uid !== body.request.uid) throw new Error('uid not echoed');
      return a.json.response;
    },
    get: (urlPath) => request(server.port, 'GET', urlPath, cert.cert),
    close: () => server.close(),
  };
  return t;
}

/** The rule ids named in a denial message (`[rule-id]` or `[rule-id role]`). */
export function deniedRules(message: string | undefined): string[] {
  return [...(message ?? '').matchAll(/^\[([a-z0-9-]+)[\] ]/gm)].map((m) => m[1]);
}

/** The rule ids of warnings (`rule-id: ...` or `rule-id (role): ...`). */
export function warnedRules(warnings: string[] | undefined): string[] {
  return (warnings ?? []).map((w) => /^([a-z0-9-]+)[ :]/.exec(w)?.[1] ?? w);
}

/** A deep copy of a JSON object. */
export function clone<T>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}

/** A Flux HelmRelease `shop/cache` of the Bitnami redis chart 20.13.3 with the given values. */
export function bitnamiHelmRelease(values: Record<string, unknown>, apiVersion = 'helm.toolkit.fluxcd.io/v2') {
  return {
    apiVersion,
    kind: 'HelmRelease',
    metadata: { name: 'cache', namespace: 'shop' },
    spec: { interval: '10m', chart: { spec: { chart: 'redis', version: '20.13.3', sourceRef: { kind: 'HelmRepository', name: 'bitnami' } } }, values },
  };
}
