import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createSecureContext } from 'node:tls';

/**
 * The serving certificate: read from files (a cert-manager Secret mounted as a volume: `tls.crt`,
 * `tls.key`), checked, and watched for rotation. The kubelet swaps a Secret volume's files in
 * one step (a `..data` symlink), but other writers do not, so a change is taken only once both
 * files have stayed the same for a short while, and a pair that does not load (unreadable,
 * not PEM, key not matching the certificate) is refused: the server keeps serving the old one.
 */

/** A checked certificate and key. */
export interface CertificatePair {
  cert: Buffer;
  key: Buffer;
  /** serial number, hex as node:crypto prints it */
  serial: string;
  /** end of validity */
  notAfter: Date;
  subject: string;
}

/** A certificate or key that cannot be served (message says which file and why). */
export class CertificateError extends Error {
  override name = 'CertificateError';
}

/**
 * Check a certificate (PEM, first of a chain) and key (PEM): both parse, the key matches the
 * certificate, and Node builds a TLS context from them.
 * @throws CertificateError naming the file and the reason
 */
export function checkCertificatePair(cert: Buffer, key: Buffer, files: { certFile: string; keyFile: string }): CertificatePair {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (e) {
    throw new CertificateError(`${files.certFile}: not a PEM certificate (${(e as Error).message})`);
  }
  let keyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch (e) {
    throw new CertificateError(`${files.keyFile}: not a PEM private key (${(e as Error).message})`);
  }
  if (!x509.checkPrivateKey(keyObject)) throw new CertificateError(`${files.keyFile} is not the private key of the certificate in ${files.certFile}`);
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    throw new CertificateError(`${files.certFile}, ${files.keyFile}: ${(e as Error).message}`);
  }
  return { cert, key, serial: x509.serialNumber, notAfter: new Date(x509.validTo), subject: x509.subject };
}

/**
 * Read and check the pair from its files (at start-up).
 * @throws CertificateError for a file that cannot be read or a pair that does not load
 */
export function readCertificatePair(certFile: string, keyFile: string): CertificatePair {
  const read = (f: string) => {
    try {
      return readFileSync(f);
    } catch (e) {
      throw new CertificateError(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  return checkCertificatePair(read(certFile), read(keyFile), { certFile, keyFile });
}

/** Options of {@link CertificateWatcher}. */
export interface CertificateWatcherOptions {
  certFile: string;
  keyFile: string;
  /** the pair being served */
  current: CertificatePair;
  /** how often both files are read and compared, in ms (a directory watch also triggers a read) */
  intervalMs: number;
  /** how long both files must stay unchanged before a new pair is loaded, in ms */
  debounceMs: number;
  /** a new, checked pair: serve it */
  onRotate(pair: CertificatePair): void;
  /** a new pair that does not load: the old one stays; called once per distinct bad content */
  onReject(error: CertificateError): void;
}

const digest = (a: Buffer, b: Buffer) => createHash('sha256').update(a).update('\0').update(b).digest('hex');

/**
 * Polls the certificate and key files (content, not mtime: a rewrite within the same second
 * still counts) and watches their directories; calls onRotate with a new pair once it has been
 * stable for `debounceMs` and checks out, onReject once for a pair that does not.
 */
export class CertificateWatcher {
  private served: string;
  private candidate: { digest: string; since: number } | undefined;
  private rejected: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private watchers: FSWatcher[] = [];
  private busy = false;
  private stopped = false;

  constructor(private readonly opts: CertificateWatcherOptions) {
    this.served = digest(opts.current.cert, opts.current.key);
  }

  /** Start polling and watching (timers do not keep the process alive). */
  start(): void {
    this.timer = setInterval(() => void this.check(), this.opts.intervalMs);
    this.timer.unref();
    for (const dir of new Set([path.dirname(this.opts.certFile), path.dirname(this.opts.keyFile)])) {
      try {
        const w = watch(dir, { persistent: false }, () => this.checkSoon(this.opts.debounceMs));
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // polling alone still picks up the change
      }
    }
  }

  /** Stop polling and watching. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.soon);
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  private checkSoon(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.soon);
    this.soon = setTimeout(() => void this.check(), ms);
    this.soon.unref();
  }

  /** Read both files; load them when they differ from the served pair and have been stable for debounceMs. */
  async check(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      let cert: Buffer;
      let key: Buffer;
      try {
        [cert, key] = await Promise.all([readFile(this.opts.certFile), readFile(this.opts.keyFile)]);
      } catch {
        return; // mid-swap or removed: keep serving, look again later
      }
      const d = digest(cert, key);
      if (d === this.served) {
        this.candidate = undefined;
        return;
      }
      const now = Date.now();
      if (this.candidate?.digest !== d) {
        this.candidate = { digest: d, since: now };
        this.checkSoon(this.opts.debounceMs);
        return;
      }
      if (now - this.candidate.since < this.opts.debounceMs) {
        this.checkSoon(this.opts.debounceMs - (now - this.candidate.since));
        return;
      }
      if (d === this.rejected) return;
      let pair: CertificatePair;
      try {
        pair = checkCertificatePair(cert, key, this.opts);
      } catch (e) {
        this.rejected = d;
        this.opts.onReject(e instanceof CertificateError ? e : new CertificateError((e as Error).message));
        return;
      }
      this.served = d;
      this.candidate = undefined;
      this.opts.onRotate(pair);
    } finally {
      this.busy = false;
    }
  }
}
