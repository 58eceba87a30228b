import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { redactText } from '../core/redact.js';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { DecisionCache, admit, admitTextInWorker, type AdmissionOptions, type ReviewInfo, type ReviewResult, type ReviewTextAnswer, type ReviewTextTask, type WebhookPath } from './admission.js';
import { TimeBudgetError, type DecideTask, type Decision } from './decide.js';
import { createMetrics, recordReview, type WebhookMetrics } from './metrics.js';
import { parseAdmissionReview, reviewOut } from './review.js';
import { CertificateWatcher, readCertificatePair, type CertificatePair } from './tls.js';

/**
 * The admission webhook server (fastify over HTTPS only):
 *
 * - `POST /validate`, `POST /mutate`: AdmissionReview admission.k8s.io/v1 in and out (src/webhook/admission.ts);
 * - `GET /healthz` (the process answers), `GET /readyz` (certificate and policy loaded, not
 *   shutting down), `GET /metrics` (Prometheus text, src/webhook/metrics.ts).
 *
 * Bad requests get a JSON `{error, message}`: 413 for a body over 3 MiB (fastify's bodyLimit),
 * 400 for malformed JSON, an empty body or anything that is not an AdmissionReview v1 with a
 * `request.uid`, 415 for a Content-Type other than JSON; a request not fully received within
 * `requestTimeoutMs` (10 s) gets Node's 408 and its connection is closed. The certificate is reloaded from its
 * files without a restart (`server.setSecureContext`: connections open at the time keep theirs).
 * One JSON log line per review (fastify's pino logger): uid, kind, namespace/name, decision and
 * rule ids, never the object.
 */

/** Largest AdmissionReview body accepted, in bytes (3 MiB; the API server's own request limit is 3 MiB as well). */
export const BODY_LIMIT = 3 * 1024 * 1024;

/**
 * Default time a client has to send a whole request (headers and body), in ms: 10 s, the API
 * server's default webhook `timeoutSeconds` (it gives up on the review by then anyway). A client
 * that trickles its headers or body (slowloris) gets 408 and its connection is closed, instead of
 * holding it open for ever (fastify's own default is no request timeout).
 */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Default time budget of one review, in ms: 3 s, under the 5 s `timeoutSeconds` of
 * manifests/base/webhooks.yaml, so that the API server gets our --on-error answer rather than
 * applying its failurePolicy.
 */
export const REVIEW_TIMEOUT_MS = 3000;

/**
 * Bodies larger than this (in bytes) are not parsed by the server's thread: a review worker
 * parses, triages and decides them from the text (admission.ts admitText), so that /healthz never
 * waits behind the parse of a large body (JSON.parse of a 1 MB, 100,000-key HelmRelease: ~80 ms,
 * the depth check ~50 ms, the cache key ~32 ms, measured on a 2-core VM). Such reviews skip the decision cache.
 * Only with review workers.
 */
export const LARGE_BODY_BYTES = 256 * 1024;

/** Default number of review workers. */
export const REVIEW_WORKERS = 2;

/** Options of {@link startWebhookServer}. */
export interface WebhookServerOptions extends Omit<AdmissionOptions, 'cache' | 'runner'> {
  /** PEM certificate (chain) file, e.g. a cert-manager Secret's `tls.crt` */
  certFile: string;
  /** PEM private key file (`tls.key`) */
  keyFile: string;
  /** TCP port (default 8443; 0 picks a free one) */
  port?: number;
  /** listen address (default 0.0.0.0) */
  host?: string;
  /** how often the certificate files are read for a rotation, in ms (default 10000) */
  certPollIntervalMs?: number;
  /** how long new certificate files must stay unchanged before they are loaded, in ms (default 500) */
  certDebounceMs?: number;
  /** decisions kept for identical objects (default 1000; 0 turns the cache off) */
  cacheSize?: number;
  /** JSON log destination and level (default: stdout, info); false: no logs */
  logger?: { level?: string; stream?: NodeJS.WritableStream } | false;
  /** also export prom-client's process metrics (default true) */
  defaultMetrics?: boolean;
  /**
   * time a client has to send a whole request, headers and body, in ms (default
   * {@link REQUEST_TIMEOUT_MS}, 10 s); the headers alone get at most the same. Checked every
   * second (Node's own check runs every 30 s), so the cut comes within a second of the limit.
   */
  requestTimeoutMs?: number;
  /**
   * worker threads that run the engine (default {@link REVIEW_WORKERS}; 0: reviews run on the
   * event loop). Workers need the compiled worker (dist/webhook/review-worker.js): run from the
   * TypeScript sources (tests), reviews run on the event loop.
   */
  reviewWorkers?: number;
  /**
   * time budget of one review in a worker, from the moment it is queued, in ms (default
   * {@link REVIEW_TIMEOUT_MS}): past it, the worker is ended and the review is answered per
   * onError (`redis_lint_unchecked_reviews_total{reason="time-budget"}`)
   */
  reviewTimeoutMs?: number;
}

/** The compiled review worker beside this module, or undefined when running from the TypeScript sources. */
function reviewWorkerFile(): string | undefined {
  const file = fileURLToPath(new URL('./review-worker.js', import.meta.url));
  return existsSync(file) ? file : undefined;
}

/** Runners that decide reviews in a piscina pool within a time budget: a parsed review's engine part, or a whole review from its text. */
function reviewPool(
  workers: number,
  budgetMs: number,
): { run: (task: DecideTask) => Promise<Decision>; review: (task: ReviewTextTask) => Promise<ReviewTextAnswer>; pool: Piscina } | undefined {
  const filename = workers > 0 ? reviewWorkerFile() : undefined;
  if (!filename) return undefined;
  const pool = new Piscina({ filename, minThreads: workers, maxThreads: workers, idleTimeout: 60_000 });
  const runTask = async (task: DecideTask | ReviewTextTask): Promise<unknown> => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), budgetMs);
    try {
      return await pool.run(task, { signal: ac.signal });
    } catch (e) {
      if (ac.signal.aborted) throw new TimeBudgetError(budgetMs / 1000);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    pool,
    run: async (task) => (await runTask(task)) as Decision,
    review: async (task) => (await runTask(task)) as ReviewTextAnswer,
  };
}

/** A running webhook server. */
export interface WebhookServer {
  app: FastifyInstance;
  /** the port it listens on */
  port: number;
  metrics: WebhookMetrics;
  /** the certificate being served now */
  certificate(): CertificatePair;
  /** /readyz answers 200 */
  readonly ready: boolean;
  /**
   * Stop: /readyz turns 503, no new connections, requests in flight are answered, then the
   * server closes. Answers carry `Connection: close`; a keep-alive connection is closed once it
   * has been idle for 1 s (a review sent on it meanwhile is still answered, not reset).
   */
  close(): Promise<void>;
}

const RESPONSE_HEADERS = { 'cache-control': 'no-store' };

/** The JSON text of each request's body, beside its parse (see the application/json parser). */
const RAW_BODY = new WeakMap<FastifyRequest, string>();

/** The body of a request whose text is over {@link LARGE_BODY_BYTES}: not parsed here (the text is in RAW_BODY). */
const LARGE_BODY: unique symbol = Symbol('large AdmissionReview body');

/**
 * Load the certificate, start the HTTPS server and the certificate watcher.
 * @throws CertificateError when the certificate or key cannot be read or do not match
 * @throws the listen error (e.g. EADDRINUSE)
 */
export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  let pair = readCertificatePair(opts.certFile, opts.keyFile);
  const metrics = createMetrics(opts.defaultMetrics ?? true);
  metrics.certExpiry.set(pair.notAfter.getTime() / 1000);
  const logger = opts.logger === false ? false : { level: opts.logger?.level ?? 'info', ...(opts.logger?.stream ? { stream: opts.logger.stream } : {}) };
  const requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const app = Fastify({
    // headersTimeout and connectionsCheckingInterval are Node http.Server options: slow clients are cut off
    https: { cert: pair.cert, key: pair.key, minVersion: 'TLSv1.2', headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(1000, requestTimeout) },
    requestTimeout,
    bodyLimit: BODY_LIMIT,
    logger,
    // one line per review (logReview) instead of fastify's two per request
    logController: new LogController({ disableRequestLogging: true }),
    // Draining, requests arriving on an open keep-alive connection are still reviewed (with
    // `Connection: close`), not answered 503: the API server would count a 503 as a failed call.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  });
  const connections = trackConnections(app);
  const cacheSize = opts.cacheSize ?? 1000;
  const workers = reviewPool(opts.reviewWorkers ?? REVIEW_WORKERS, opts.reviewTimeoutMs ?? REVIEW_TIMEOUT_MS);
  const admission: AdmissionOptions = { ...opts, cache: cacheSize > 0 ? new DecisionCache(cacheSize) : undefined, runner: workers?.run };
  let ready = false;
  let closing = false;
  // Draining: answers carry `Connection: close`, so a keep-alive client (the API server) does not
  // hold its connection open until the keep-alive timeout (72 s) and delay the exit. (In the
  // handlers rather than an onSend hook: a hook costs every request a promise.)
  const headers = (reply: FastifyReply) => {
    reply.headers(RESPONSE_HEADERS);
    if (closing) reply.header('connection', 'close');
  };
  // AdmissionReviews are JSON; fastify would also take text/plain bodies as strings
  app.removeContentTypeParser('text/plain');
  // fastify's own JSON parser, keeping the text: reviews go to a worker as text (RAW_BODY)
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    RAW_BODY.set(request, body as string);
    if (workers && (body as string).length > LARGE_BODY_BYTES) done(null, LARGE_BODY);
    else jsonParser(request, body as string, done);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const invalid = (status: number, reason: string, message: string) => {
      metrics.invalidRequests.inc({ reason });
      request.log.warn({ url: request.url, status, reason }, message);
      headers(reply);
      return reply.code(status).send({ error: reason, message });
    };
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return invalid(413, 'body-too-large', `the AdmissionReview is larger than ${BODY_LIMIT} bytes (3 MiB)`);
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return invalid(400, 'malformed-json', `the body is not valid JSON: ${error.message}`);
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return invalid(400, 'empty-body', 'the body is empty (expected an AdmissionReview)');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return invalid(415, 'unsupported-media-type', `Content-Type ${request.headers['content-type'] ?? '(none)'} is not supported: send application/json`);
    }
    if (error instanceof SyntaxError || error.statusCode === 400) return invalid(400, 'malformed-json', `the body is not valid JSON: ${error.message}`);
    if (error.statusCode && error.statusCode < 500) return invalid(error.statusCode, 'bad-request', error.message);
    request.log.error({ err: { message: error.message, stack: error.stack } }, 'request failed');
    headers(reply);
    return reply.code(500).send({ error: 'internal-error', message: 'internal error' });
  });

  const route = (webhook: WebhookPath) => async (request: FastifyRequest, reply: FastifyReply) => {
    const t0 = process.hrtime.bigint();
    const badRequest = (reason: string, message: string, logMessage: string) => {
      metrics.invalidRequests.inc({ reason });
      request.log.warn({ webhook, status: 400 }, logMessage);
      reply.code(400);
      headers(reply);
      return { error: reason, message };
    };
    let result: ReviewResult;
    if (request.body === LARGE_BODY && workers) {
      const answer = await admitTextInWorker(webhook, RAW_BODY.get(request)!, admission, workers.review);
      if ('badRequest' in answer) {
        const { reason, message } = answer.badRequest;
        return badRequest(reason, message, reason === 'malformed-json' ? message : `bad AdmissionReview: ${message}`);
      }
      result = answer.result;
    } else {
      const parsed = parseAdmissionReview(request.body);
      if ('error' in parsed) return badRequest('not-an-admission-review', parsed.error, `bad AdmissionReview: ${parsed.error}`);
      result = await admit(webhook, parsed.request, admission, RAW_BODY.get(request));
    }
    const { response, info } = result;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    recordReview(metrics, info, seconds);
    logReview(request.log, info, seconds);
    headers(reply);
    return reviewOut(response);
  };
  app.post('/validate', route('validate'));
  app.post('/mutate', route('mutate'));
  app.get('/healthz', async (_req, reply) => {
    headers(reply);
    return 'ok';
  });
  app.get('/readyz', async (_req, reply) => {
    headers(reply);
    if (ready) return 'ok';
    reply.code(503);
    return 'not ready';
  });
  app.get('/metrics', async (_req, reply) => {
    headers(reply);
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  const watcher = new CertificateWatcher({
    certFile: opts.certFile,
    keyFile: opts.keyFile,
    current: pair,
    intervalMs: opts.certPollIntervalMs ?? 10_000,
    debounceMs: opts.certDebounceMs ?? 500,
    onRotate(next) {
      app.server.setSecureContext({ cert: next.cert, key: next.key, minVersion: 'TLSv1.2' });
      pair = next;
      metrics.certExpiry.set(next.notAfter.getTime() / 1000);
      metrics.certReloads.inc({ result: 'success' });
      app.log.info({ serial: next.serial, notAfter: next.notAfter.toISOString(), subject: next.subject }, 'certificate reloaded');
    },
    onReject(error) {
      metrics.certReloads.inc({ result: 'failure' });
      app.log.error({ serial: pair.serial, notAfter: pair.notAfter.toISOString() }, `new certificate refused, still serving the old one: ${error.message}`);
    },
  });

  try {
    await app.listen({ port: opts.port ?? 8443, host: opts.host ?? '0.0.0.0' });
  } catch (e) {
    await workers?.pool.destroy();
    throw e;
  }
  const port = (app.server.address() as AddressInfo).port;
  watcher.start();
  ready = true;
  app.log.info(
    { port, host: opts.host ?? '0.0.0.0', serial: pair.serial, notAfter: pair.notAfter.toISOString(), onError: opts.onError, annotationExemptions: opts.allowAnnotationExemptions, configMapLookup: !!opts.configMaps, cacheSize, reviewWorkers: workers ? workers.pool.maxThreads : 0, reviewTimeoutMs: workers ? (opts.reviewTimeoutMs ?? REVIEW_TIMEOUT_MS) : undefined },
    'redis-lint webhook listening',
  );
  let shutdown: Promise<void> | undefined;
  return {
    app,
    port,
    metrics,
    certificate: () => pair,
    get ready() {
      return ready;
    },
    close() {
      shutdown ??= (async () => {
        ready = false;
        closing = true;
        watcher.stop();
        // Keep-alive connections idle now are not closed at once (Node's server.close() and
        // fastify would): a client may be writing its next review on one this very moment, and
        // would get a reset instead of an answer (a dropped review: the API server applies the
        // webhook's failurePolicy). Each is closed once it has been idle for DRAIN_IDLE_MS; a
        // review arriving on it before that is answered with `Connection: close`.
        app.server.closeIdleConnections = () => undefined;
        const sweep = setInterval(() => connections.closeIdle(DRAIN_IDLE_MS), 100);
        sweep.unref();
        try {
          await app.close();
        } finally {
          clearInterval(sweep);
          await workers?.pool.destroy();
        }
      })();
      return shutdown;
    },
  };
}

/** On close, how long a keep-alive connection must have been idle before it is closed, in ms. */
const DRAIN_IDLE_MS = 1000;

/**
 * The server's TLS connections and since when each is idle (no request in progress), so that a
 * shutdown closes only those that have stayed idle for a while.
 */
function trackConnections(app: FastifyInstance): { closeIdle(ms: number): void } {
  // idle since (ms), or -1 while a request is in progress
  const idleSince = new Map<TLSSocket, number>();
  app.server.on('secureConnection', (socket: TLSSocket) => {
    idleSince.set(socket, Date.now());
    socket.once('close', () => idleSince.delete(socket));
  });
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket as TLSSocket;
    if (!idleSince.has(socket)) return;
    idleSince.set(socket, -1);
    res.once('close', () => {
      if (idleSince.has(socket)) idleSince.set(socket, Date.now());
    });
  });
  return {
    closeIdle(ms) {
      const now = Date.now();
      for (const [socket, since] of idleSince) if (since >= 0 && now - since >= ms) socket.destroy();
    },
  };
}

/**
 * One log line per review: who, what, the decision and the rule ids; never the object. Level:
 * error for an internal error; info for a review the engine ran and for a denial; debug for a
 * skipped review and for an allowed one answered from the cache (an identical object whose
 * decision was logged at info when it was made: GitOps re-syncs would otherwise repeat that line
 * every few minutes per object).
 */
function logReview(log: FastifyInstance['log'], info: ReviewInfo, seconds: number): void {
  const fields = {
    uid: info.uid,
    webhook: info.webhook,
    operation: info.operation,
    kind: info.kind,
    namespace: info.namespace,
    name: info.name,
    dryRun: info.dryRun,
    allowed: info.allowed,
    outcome: info.outcome,
    ms: Math.round(seconds * 1e5) / 100,
    ...(info.skipReason ? { skipReason: info.skipReason } : {}),
    ...(info.findings.length
      ? {
          denied: info.findings.filter((f) => f.action === 'deny').map((f) => f.rule),
          warned: info.findings.filter((f) => f.action === 'warn').map((f) => f.rule),
          audited: info.findings.filter((f) => f.action === 'audit').map((f) => f.rule),
        }
      : {}),
    ...(info.mutated.length ? { mutated: info.mutated } : {}),
    ...(info.configMaps ? { configMaps: info.configMaps } : {}),
    ...(info.error ? { error: redactText(info.error) } : {}),
  };
  if (info.outcome === 'error') log.error(fields, 'admission review failed');
  else if (info.outcome === 'unchecked') log.warn({ ...fields, uncheckedReason: info.uncheckedReason }, 'admission review not checked');
  else if (info.outcome === 'skipped') log.debug(fields, 'admission review skipped');
  else if (info.outcome === 'cached' && info.allowed) log.debug(fields, 'admission review');
  else log.info(fields, 'admission review');
}
