/**
 * `redis-lint serve`: the admission webhook (src/webhook). Argument parsing, start-up checks and
 * shutdown only. fastify, prom-client and the Kubernetes client are loaded from here (and this
 * file from main.ts) on demand, so `redis-lint lint` never loads them.
 *
 * Start-up errors (bad flags, an invalid --config, an unreadable or mismatched certificate, a
 * port in use) are one line on stderr and exit 2. Once listening, logs are JSON lines on stdout.
 * SIGTERM/SIGINT (close-with-grace): /readyz turns 503, the listener closes, reviews in flight are
 * answered, then the process exits 0 (1 when --shutdown-timeout runs out first).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InputError } from '../types.js';

const USAGE = `Usage: redis-lint serve --tls-cert-file FILE --tls-private-key-file FILE [options]

Run the admission webhook over HTTPS: POST /validate and /mutate take an AdmissionReview
(admission.k8s.io/v1) for StatefulSets, Deployments, Flux HelmReleases and Argo CD
Applications; GET /healthz, /readyz and /metrics (Prometheus).

Options:
      --tls-cert-file FILE       PEM certificate (chain), e.g. a cert-manager Secret's tls.crt (required)
      --tls-private-key-file FILE  PEM private key, tls.key (required)
      --port N                   HTTPS port (default 8443)
      --host ADDR                listen address (default 0.0.0.0)
      --config FILE              policy file (the --policy format, plus per-rule action and
                                 mutate, namespaces: and exemptions:), over the bundled policy
      --on-error allow|deny      answer when a review fails inside redis-lint (default allow,
                                 with a warning and redis_lint_internal_errors_total)
      --disallow-annotation-exemptions
                                 ignore ignore-check.redis-lint.io/* and redis-lint.io/ignore-all
      --configmap-lookup auto|off  read ConfigMaps a StatefulSet/Deployment mounts from the cluster
                                 (auto: when running in a cluster; needs RBAC get on configmaps)
      --cache-size N             decisions kept for identical objects (default 1000, 0: off)
      --review-timeout S         time budget of one review, in seconds (default 3): past it the
                                 review is answered per --on-error and counted in
                                 redis_lint_unchecked_reviews_total{reason="time-budget"}
      --review-workers N         worker threads that run the checks (default 2; 0: on the
                                 event loop, without a time budget)
      --cert-poll-interval S     seconds between reads of the certificate files (default 10)
      --shutdown-timeout S       seconds to finish reviews in flight on SIGTERM (default 20)
      --log-level LEVEL          fatal | error | warn | info (default) | debug | trace | silent
  -h, --help                     this help

Exit codes: 0 after a clean shutdown, 1 when the shutdown timed out, 2 usage, config or
certificate errors at start-up.`;

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * Run `redis-lint serve`. Resolves when the server has shut down (a signal: close-with-grace then
 * exits the process), or at once with 2 for a start-up error.
 * @param argv the arguments after `serve`
 * @param out JSON log lines
 * @param err start-up errors and help
 */
export async function runServe(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        'tls-cert-file': { type: 'string' },
        'tls-private-key-file': { type: 'string' },
        port: { type: 'string', default: '8443' },
        host: { type: 'string', default: '0.0.0.0' },
        config: { type: 'string' },
        'on-error': { type: 'string', default: 'allow' },
        'disallow-annotation-exemptions': { type: 'boolean', default: false },
        'configmap-lookup': { type: 'string', default: 'auto' },
        'cache-size': { type: 'string', default: '1000' },
        'review-timeout': { type: 'string', default: '3' },
        'review-workers': { type: 'string', default: '2' },
        'cert-poll-interval': { type: 'string', default: '10' },
        'shutdown-timeout': { type: 'string', default: '20' },
        'log-level': { type: 'string', default: 'info' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return usage(err, (e as Error).message);
  }
  const o = parsed.values;
  if (o.help) {
    out.write(USAGE + '\n');
    return 0;
  }
  const certFile = o['tls-cert-file'];
  const keyFile = o['tls-private-key-file'];
  if (!certFile || !keyFile) return usage(err, 'serve needs --tls-cert-file and --tls-private-key-file');
  const port = integer(o.port!, 0, 65535);
  if (port === undefined) return oneLine(err, `--port must be a port number (0-65535), not "${o.port}"`);
  const onError = o['on-error'];
  if (onError !== 'allow' && onError !== 'deny') return oneLine(err, `--on-error must be allow or deny, not "${onError}"`);
  const lookup = o['configmap-lookup'];
  if (lookup !== 'auto' && lookup !== 'off') return oneLine(err, `--configmap-lookup must be auto or off, not "${lookup}"`);
  const cacheSize = integer(o['cache-size']!, 0, 1_000_000);
  if (cacheSize === undefined) return oneLine(err, `--cache-size must be a whole number from 0 to 1000000, not "${o['cache-size']}"`);
  const reviewTimeout = Number(o['review-timeout']);
  if (!(reviewTimeout >= 0.1 && reviewTimeout <= 60)) return oneLine(err, `--review-timeout must be seconds from 0.1 to 60, not "${o['review-timeout']}"`);
  const reviewWorkers = integer(o['review-workers']!, 0, 64);
  if (reviewWorkers === undefined) return oneLine(err, `--review-workers must be a whole number from 0 to 64, not "${o['review-workers']}"`);
  const poll = Number(o['cert-poll-interval']);
  if (!(poll >= 0.05 && poll <= 3600)) return oneLine(err, `--cert-poll-interval must be seconds from 0.05 to 3600, not "${o['cert-poll-interval']}"`);
  const shutdown = Number(o['shutdown-timeout']);
  if (!(shutdown > 0 && shutdown <= 3600)) return oneLine(err, `--shutdown-timeout must be seconds from 1 to 3600, not "${o['shutdown-timeout']}"`);
  const level = o['log-level']!;
  if (!LOG_LEVELS.has(level)) return oneLine(err, `--log-level must be one of ${[...LOG_LEVELS].join(', ')}, not "${level}"`);

  const { loadPolicy } = await import('../policy/policy.js');
  let policy;
  try {
    policy = loadPolicy(o.config);
  } catch (e) {
    if (e instanceof InputError) return oneLine(err, `${e.pos.file}:${e.pos.line}:${e.pos.column}: ${e.message}`);
    return oneLine(err, `cannot read config: ${(e as Error).message}`);
  }

  const [{ startWebhookServer }, { CertificateError }, { inClusterConfigMapReader }, { default: closeWithGrace }] = await Promise.all([
    import('../webhook/server.js'),
    import('../webhook/tls.js'),
    import('../webhook/configmaps.js'),
    import('close-with-grace'),
  ]);
  let configMaps;
  try {
    configMaps = lookup === 'auto' ? await inClusterConfigMapReader() : undefined;
  } catch (e) {
    return oneLine(err, `cannot set up the Kubernetes client for ConfigMap lookups: ${(e as Error).message} (--configmap-lookup off skips them)`);
  }
  let server;
  try {
    server = await startWebhookServer({
      policy,
      certFile,
      keyFile,
      port,
      host: o.host,
      onError,
      allowAnnotationExemptions: !o['disallow-annotation-exemptions'],
      configMaps,
      cacheSize,
      ownNamespace: ownNamespace(),
      reviewTimeoutMs: reviewTimeout * 1000,
      reviewWorkers,
      certPollIntervalMs: poll * 1000,
      logger: { level, stream: out },
    });
  } catch (e) {
    if (e instanceof CertificateError) return oneLine(err, e.message);
    return oneLine(err, `cannot start the webhook: ${(e as Error).message}`);
  }
  const log = server.app.log;
  return new Promise<number>((resolve) => {
    closeWithGrace({ delay: shutdown * 1000, logger: { error: (m: unknown) => log.error(typeof m === 'string' ? m : { err: m }, 'shutdown') } }, async ({ signal, err: error }) => {
      if (error) log.error({ err: { message: (error as Error).message, stack: (error as Error).stack } }, 'uncaught error, shutting down');
      else log.info({ signal }, 'shutting down: finishing reviews in flight');
      await server.close();
      log.info('webhook stopped');
      resolve(error ? 1 : 0);
    });
  });
}

/** The namespace the webhook runs in (POD_NAMESPACE, else the service account's namespace file), exempt from its own checks. */
function ownNamespace(): string | undefined {
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  try {
    return readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function integer(s: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= min && n <= max ? n : undefined;
}

function usage(err: NodeJS.WritableStream, message: string): number {
  err.write(`redis-lint serve: ${message}\n\n${USAGE}\n`);
  return 2;
}

function oneLine(err: NodeJS.WritableStream, message: string): number {
  err.write(`redis-lint serve: ${message}\n`);
  return 2;
}
