import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';

/**
 * Writing the files `redis-lint --fix` changed: a unified diff to show (`--fix --dry-run`) and an
 * atomic replacement of the file on disk.
 */

/** A fixed file could not be written; the message names the file and the reason. The original file is unchanged. */
export class FixWriteError extends Error {
  override name = 'FixWriteError';
  constructor(
    message: string,
    /** the file as given to {@link writeFileAtomic} */
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A unified diff (jsdiff) of one file, with git-style names: `--- a/<file>`, `+++ b/<file>`,
 * 3 lines of context; `\ No newline at end of file` where it applies. `file` is used as given
 * (backslashes become `/`, a leading `./` is dropped).
 * @returns the diff text ending with a newline, or '' when `before` equals `after`
 */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  const name = file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const patch = createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, { context: 3 });
  // jsdiff starts with a line of `=`; git-style diffs start with the file names
  return redactDiff(patch.replace(/^=+\r?\n/, ''));
}

/** Placeholder of a secret value in a diff. */
export const REDACTED = '<redacted>';

// a YAML/JSON key whose value is a secret: password, auth.password, sentinelPassword, token, apiToken, requirepass, ...
// (not a boolean or null: automountServiceAccountToken: false)
const SECRET_KEY = /^(\s*(?:-\s+)?["']?)([\w.-]*(?:password|passwd|pwd|token|apikey|api_key|requirepass|masterauth|auth-pass|credentials?))(["']?\s*:[ \t]+)(?![|>][-+\d]*\s*$)(?!(?:true|false|null|~)\s*(?:#.*)?$)(\S.*)$/i;
// a redis.conf directive that carries a password (in a ConfigMap or a values `configuration` block)
const SECRET_DIRECTIVE = /^(\s*)(requirepass|masterauth|sentinel\s+auth-pass\s+\S+)([ \t]+)(\S.*)$/i;
// a command-line flag that carries a password, with its value in the same line
const SECRET_FLAG = /(--(?:requirepass|masterauth)(?:=|["']?\s*,\s*["']?|\s+))([^\s"',\]]+)/gi;
// a secret key whose value is a block scalar on the next line(s)
const SECRET_BLOCK = /^\s*(?:-\s+)?["']?[\w.-]*(?:password|passwd|pwd|token|apikey|api_key|requirepass|masterauth|credentials?)["']?\s*:\s*[|>][-+\d]*\s*$/i;
// a flag or env var name whose value is on the next line (`- --requirepass` / `- name: REDIS_PASSWORD` then `value: ...`)
const SECRET_NEXT = /(?:^\s*-\s+["']?--(?:requirepass|masterauth)["']?\s*$)|(?:\bname:\s*["']?[\w.-]*(?:password|passwd|pwd|token|apikey|api_key|auth|secret)["']?\s*$)/i;

/**
 * Mask secret values in the lines of a unified diff: a fix never changes a password, but the
 * context lines around a change may show one (a HelmRelease's `auth.password`, a ConfigMap's
 * `requirepass`), and a diff goes to CI logs. The value of a key that looks secret (password,
 * token, requirepass, masterauth, ...), of a `requirepass`/`masterauth` redis.conf line, of a
 * `--requirepass`/`--masterauth` argument and of an env var whose name looks secret becomes
 * `<redacted>`, in context and changed lines alike (so the diff stays consistent); the file
 * names and hunk headers are kept. Such a diff is for reading: `git apply` needs the real
 * context (`patch` applies it with fuzz).
 */
export function redactDiff(diff: string): string {
  const masker = secretMasker();
  return diff
    .split('\n')
    .map((line) => {
      if (/^(?:--- |\+\+\+ |@@ |\\ )/.test(line) || line === '') {
        masker.reset();
        return line;
      }
      return line[0] + masker.mask(line.slice(1));
    })
    .join('\n');
}

/**
 * Mask secret values in plain file text (YAML, JSON, redis.conf), line by line, as
 * {@link redactDiff} does: for any output that quotes an input file (e.g. a report snippet).
 */
export function redactText(text: string): string {
  const masker = secretMasker();
  return text
    .split('\n')
    .map((line) => masker.mask(line))
    .join('\n');
}

/** Masks one line after another; a line may make the next one secret (`- --requirepass`, `- name: REDIS_PASSWORD`). */
function secretMasker(): { mask(line: string): string; reset(): void } {
  let pending = false;
  let block = false;
  return {
    reset() {
      pending = false;
      block = false;
    },
    mask(line) {
      const wasPending = pending;
      const wasBlock = block;
      pending = SECRET_NEXT.test(line);
      // `password: |`: the secret is the block scalar's (first) line
      block = SECRET_BLOCK.test(line);
      if (wasBlock && /\S/.test(line)) return /^\s*/.exec(line)![0] + REDACTED;
      if (wasPending) {
        const next = /^(\s*(?:-\s+|value:\s*)?)(\S.*)$/.exec(line);
        if (next && (next[1].includes('-') || next[1].includes('value'))) return next[1] + REDACTED;
      }
      const m = SECRET_KEY.exec(line) ?? SECRET_DIRECTIVE.exec(line);
      const body = m ? m[1] + m[2] + m[3] + REDACTED : line;
      return body.replace(SECRET_FLAG, (_all, flag: string) => flag + REDACTED);
    },
  };
}

/** Test hooks of {@link writeFileAtomic}. */
export interface WriteHooks {
  /** called after the temporary file is complete, just before it is renamed over the target (throw to simulate a failure) */
  beforeRename?: () => void;
}

function reason(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    const msg = e.message.split('\n')[0];
    return code && !msg.startsWith(code) ? `${code}: ${msg}` : msg;
  }
  return String(e);
}

/** Whether the current user may write a file with this stat: the write bit of owner, group or others that applies to us (root: any write bit). */
function mayWrite(target: string, st: fs.Stats): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) {
    // no POSIX ids (Windows): the read-only attribute is the owner write bit
    return (st.mode & 0o200) !== 0;
  }
  if (uid === 0) return (st.mode & 0o222) !== 0;
  if (st.uid === uid) return (st.mode & 0o200) !== 0;
  try {
    fs.accessSync(target, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Replace the content of `file` with `text` (UTF-8) atomically: the text goes to a temporary file
 * in the same directory (`.<basename>.redis-lint-<pid>-<random>.tmp`), is fsynced, gets the
 * original file's permission bits (and, when running as root, its owner and group, best effort)
 * and is renamed over the target; the directory is fsynced (best effort). A symbolic link is
 * followed: its resolved target (realpath) is replaced, so the link stays a link. A file that does
 * not exist yet is created (mode 0666 less the umask).
 * @param file the file to replace
 * @param hooks test hooks (see {@link WriteHooks})
 * @throws FixWriteError (message `cannot write <file>: <reason>`) when the target is not a regular
 *   file, is not writable for us (no write bit that applies to us, EACCES; checked before
 *   anything is written), or any step fails; the temporary file is removed and the target is left
 *   as it was
 */
export function writeFileAtomic(file: string, text: string, hooks: WriteHooks = {}): void {
  const fail = (why: string, cause?: unknown): never => {
    throw new FixWriteError(`cannot write ${file}: ${why}`, file, { cause });
  };
  let target: string;
  let st: fs.Stats | undefined;
  try {
    target = fs.realpathSync(file);
    st = fs.statSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return fail(reason(e), e);
    // a new file, or a dangling link: write where the link points
    target = path.resolve(file);
    try {
      if (fs.lstatSync(target).isSymbolicLink()) target = path.resolve(path.dirname(target), fs.readlinkSync(target));
    } catch {
      // does not exist at all
    }
  }
  if (st && !st.isFile()) return fail('not a regular file');
  if (st && !mayWrite(target, st)) return fail('the file is read-only (EACCES)');
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.redis-lint-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  let created = false;
  try {
    fd = fs.openSync(tmp, 'wx', st ? st.mode & 0o777 : 0o666);
    created = true;
    fs.writeFileSync(fd, text, 'utf8');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    if (st) {
      fs.chmodSync(tmp, st.mode & 0o7777);
      if (process.getuid?.() === 0) {
        try {
          fs.chownSync(tmp, st.uid, st.gid);
        } catch {
          // best effort
        }
      }
    }
    hooks.beforeRename?.();
    fs.renameSync(tmp, target);
    created = false;
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
    if (created) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // gone already
      }
    }
    return fail(reason(e), e);
  }
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // directories cannot be fsynced everywhere (Windows)
  }
}
