/**
 * `redis-lint calibrate --url redis://host:port [--seconds 60]`: samples a live Redis (INFO every
 * second, CONFIG GET once), prints the workload annotations to paste into the manifest and a
 * one-screen projection. Measurement logic: src/calibrate/live.ts; rendering: src/calibrate/report.ts.
 *
 * Credentials: the password comes from the URL or, as with redis-cli, from env `REDISCLI_AUTH`
 * (the URL wins). It is never printed: the target is shown as `redis://user:***@host:port`, and
 * every line written to stdout/stderr is scrubbed of the password as a second guard.
 */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import {
  CALIBRATE_CONFIG_KEYS,
  calibrate,
  infoSample,
  type CalibrateConfigKey,
  type InfoSample,
} from '../calibrate/live.js';
import { formatCalibrationJson, formatCalibrationText } from '../calibrate/report.js';
import { UnitError, parseSize } from '../model/units.js';

const USAGE = `Usage: redis-lint calibrate --url redis://[user:password@]host:port[/db] [options]

Samples a live Redis (INFO every second, CONFIG GET once) and prints the redis-lint.io/*
workload annotations to paste into its manifest, plus a one-screen projection.

Options:
      --url URL            redis:// or rediss:// (TLS) address (required); the password may
                           instead come from env REDISCLI_AUTH, like redis-cli
      --seconds N          length of the measurement window (default 60)
      --volume Q           data volume size (e.g. 8Gi) for the time-to-full projection
      --memory-limit Q     container memory limit (e.g. 4Gi) for the fork memory check
      --format FORMAT      text (default) | json
      --timeout S          seconds to wait for the connection and each reply (default 5)
  -h, --help               this help

stdout carries the report only; progress goes to stderr. The password is never printed.
Exit codes: 0 measured, 2 usage, connection, authentication or timeout errors.`;

/** A parsed --url, with the credentials kept apart from what may be shown. */
interface Target {
  tls: boolean;
  host: string;
  port: number;
  db: number | undefined;
  username: string | undefined;
  password: string | undefined;
  /** `redis://user:***@host:port/db` (the `:***` when a password is used, from the URL or REDISCLI_AUTH). */
  display: string;
}

/** Thrown for bad arguments (exit 2, message without any secret). */
class UsageError extends Error {}

/** Thrown when Redis does not answer in time. */
class TimeoutError extends Error {}

/** Scrubs secrets from every line written; secrets shorter than 4 characters are left to construction alone. */
class Scrubber {
  private readonly secrets: string[] = [];
  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    for (const s of [secret, encodeURIComponent(secret)]) if (!this.secrets.includes(s)) this.secrets.push(s);
    this.secrets.sort((a, b) => b.length - a.length);
  }
  scrub(text: string): string {
    let t = text;
    for (const s of this.secrets) t = t.split(s).join('***');
    return t;
  }
}

function parseTarget(url: string, envPassword: string | undefined): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // never echo the URL: it may hold the password
    throw new UsageError('--url is not a valid URL (expected redis://[user:password@]host:port[/db])');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UsageError(`--url must start with redis:// or rediss://, not ${u.protocol}//`);
  }
  const tls = u.protocol === 'rediss:';
  let host = u.hostname;
  if (!host) throw new UsageError('--url has no host');
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = u.port ? Number(u.port) : 6379;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const username = u.username ? decode(u.username) : undefined;
  const password = u.password ? decode(u.password) : envPassword || undefined;
  const hostText = host.includes(':') ? `[${host}]` : host;
  const auth = username !== undefined || password !== undefined ? `${username ? encodeURIComponent(username) : ''}${password !== undefined ? ':***' : ''}@` : '';
  const path = u.pathname.replace(/^\/+/, '');
  let db: number | undefined;
  if (path !== '') {
    if (!/^\d+$/.test(path)) throw new UsageError('--url database (the /db part) must be a number');
    db = Number(path);
  }
  const display = `${u.protocol}//${auth}${hostText}:${port}${db === undefined ? '' : `/${db}`}`;
  return { tls, host, port, db, username, password, display };
}

function positiveNumber(name: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number of seconds, not "${text}"`);
  return n;
}

function sizeOption(name: string, text: string | undefined): number | null {
  if (text === undefined) return null;
  try {
    return parseSize(text);
  } catch (e) {
    if (e instanceof UnitError) throw new UsageError(`${name}: ${e.message}`);
    throw e;
  }
}

/** Races a promise against a timer; the loser's rejection is swallowed (no unhandled rejection). */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  p.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no reply within ${ms / 1000} s (${what})`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0].trim();
}

/** One-line description of a connection/command failure; never includes the password (target is redacted). */
function describeError(e: unknown, target: string): string {
  const err = e as { message?: string; code?: string; name?: string; constructor?: { name?: string } };
  const msg = firstLine(String(err?.message ?? e));
  const kind = err?.constructor?.name ?? '';
  if (e instanceof TimeoutError) return `${target}: ${msg}`;
  if (kind === 'ConnectionTimeoutError') return `${target}: connection timed out`;
  if (/^(WRONGPASS|NOAUTH)\b|invalid password|invalid username-password|^ERR AUTH\b|^ERR (?:Client sent AUTH|.*without any password)/i.test(msg)) {
    return `authentication failed at ${target}: ${msg}`;
  }
  if (/^NOPERM\b/.test(msg)) return `permission denied at ${target}: ${msg}`;
  switch (err?.code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${target}: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${target}: host not found`;
    case 'ETIMEDOUT':
      return `cannot connect to ${target}: connection timed out`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `${target}: connection reset`;
  }
  if (kind === 'SocketClosedUnexpectedlyError') return `${target}: connection closed unexpectedly`;
  return `${target}: ${msg}`;
}

/** A CONFIG GET reply (RESP2 flat array or RESP3 map) → value of `key`, or undefined. */
function configValue(reply: unknown, key: string): string | undefined {
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) if (String(reply[i]).toLowerCase() === key) return String(reply[i + 1]);
    return undefined;
  }
  if (reply && typeof reply === 'object') {
    const v = (reply as Record<string, unknown>)[key];
    return v === undefined ? undefined : String(v);
  }
  return undefined;
}

/**
 * Runs `redis-lint calibrate`.
 *
 * @param argv everything after the word `calibrate`
 * @param out  receives the report only (text or JSON)
 * @param err  receives progress lines and one-line errors
 * @returns 0 after a measurement; 2 for usage errors and connection, authentication, permission
 *   or timeout failures (one line on `err`, no stack trace, no password); 0 for --help
 */
export async function runCalibrate(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const scrubber = new Scrubber();
  const envPassword = process.env.REDISCLI_AUTH;
  scrubber.add(envPassword);
  // any URL-looking argument may carry a password, even a misspelt option: scrub it from every message
  for (const arg of argv) {
    const i = arg.indexOf('://');
    if (i < 0) continue;
    try {
      const u = new URL(arg.slice(arg.lastIndexOf('=', i) + 1));
      if (u.password) {
        scrubber.add(u.password);
        try {
          scrubber.add(decodeURIComponent(u.password));
        } catch {
          // keep the raw form only
        }
      }
    } catch {
      // not a URL: nothing to scrub
    }
  }
  const write = (stream: NodeJS.WritableStream, text: string) => stream.write(scrubber.scrub(text));
  const fail = (message: string) => {
    write(err, `redis-lint calibrate: ${message.replace(/\s*\r?\n\s*/g, ' ')}\n`);
    return 2;
  };

  let target: Target;
  let seconds: number;
  let timeoutMs: number;
  let format: 'text' | 'json';
  let volumeBytes: number | null;
  let memoryLimitBytes: number | null;
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: false,
        options: {
          url: { type: 'string' },
          seconds: { type: 'string', default: '60' },
          volume: { type: 'string' },
          'memory-limit': { type: 'string' },
          format: { type: 'string', default: 'text' },
          timeout: { type: 'string', default: '5' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (e) {
      throw new UsageError(firstLine((e as Error).message));
    }
    const opts = parsed.values;
    if (opts.help) {
      write(out, USAGE + '\n');
      return 0;
    }
    if (opts.url === undefined) throw new UsageError('--url is required, e.g. --url redis://127.0.0.1:6379');
    target = parseTarget(opts.url, envPassword);
    scrubber.add(target.password);
    seconds = positiveNumber('--seconds', opts.seconds);
    timeoutMs = positiveNumber('--timeout', opts.timeout) * 1000;
    if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format must be text or json, not "${opts.format}"`);
    format = opts.format;
    volumeBytes = sizeOption('--volume', opts.volume);
    memoryLimitBytes = sizeOption('--memory-limit', opts['memory-limit']);
  } catch (e) {
    if (e instanceof UsageError) return fail(`${e.message} (see --help)`);
    throw e;
  }

  const { createClient } = await import('redis');
  let client: ReturnType<typeof createClient> | undefined;
  const command = (args: string[]) => {
    const c = client as ReturnType<typeof createClient>;
    return withTimeout(c.sendCommand<unknown>(args), timeoutMs, args.slice(0, 2).join(' '));
  };
  const info = async (): Promise<InfoSample> => {
    const reply = await command(['INFO']);
    return infoSample(String(reply), Date.now());
  };

  try {
    client = createClient({
      RESP: 2,
      username: target.username,
      password: target.password,
      database: target.db,
      socket: target.tls
        ? { host: target.host, port: target.port, tls: true, servername: isIP(target.host) ? undefined : target.host, connectTimeout: timeoutMs, reconnectStrategy: false }
        : { host: target.host, port: target.port, connectTimeout: timeoutMs, reconnectStrategy: false },
    });
    // node-redis emits 'error' for socket failures; without a listener Node would throw it. The
    // failing command or connect() rejects with the same error, which is reported below.
    client.on('error', () => {});
    write(err, `redis-lint calibrate: connecting to ${target.display}…\n`);
    await withTimeout(client.connect(), timeoutMs, 'connect');
    const samples: InfoSample[] = [await info()];
    const start = Date.now();

    const configGet: Partial<Record<CalibrateConfigKey, string>> = {};
    let configError: string | undefined;
    for (const key of CALIBRATE_CONFIG_KEYS) {
      try {
        const v = configValue(await command(['CONFIG', 'GET', key]), key);
        if (v !== undefined) configGet[key] = v;
      } catch (e) {
        // CONFIG renamed/disabled (managed Redis) or not permitted: fall back, say so. Connection trouble is fatal.
        const msg = firstLine(String((e as Error)?.message ?? e));
        const redisErrorReply = !(e instanceof TimeoutError) && /^[A-Z]{2,}\b/.test(msg);
        if (!redisErrorReply || /^(NOAUTH|WRONGPASS)\b/.test(msg)) throw e;
        configError = msg;
        break;
      }
    }

    const intervals = Math.max(1, Math.ceil(seconds));
    const stepMs = (seconds * 1000) / intervals;
    write(err, `redis-lint calibrate: sampling INFO every ${(stepMs / 1000).toFixed(stepMs % 1000 ? 2 : 0)} s for ${seconds} s…\n`);
    for (let k = 1; k <= intervals; k++) {
      await sleep(start + k * stepMs - Date.now());
      samples.push(await info());
    }
    const connected = client;
    await withTimeout(connected.close(), timeoutMs, 'close').catch(() => connected.destroy());

    const report = calibrate(target.display, samples, configGet, { volumeBytes, memoryLimitBytes }, configError);
    write(out, format === 'json' ? formatCalibrationJson(report) : formatCalibrationText(report));
    return 0;
  } catch (e) {
    return fail(describeError(e, target.display));
  } finally {
    if (client?.isOpen) client.destroy();
  }
}
