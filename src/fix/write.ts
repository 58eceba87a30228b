import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { redactDiff } from '../core/redact.js';

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

/** Whether a file holds exactly `text` (UTF-8), by SHA-256 of the bytes. */
function sameContent(file: string, text: string): boolean {
  const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  try {
    return hash(fs.readFileSync(file)) === hash(Buffer.from(text, 'utf8'));
  } catch {
    return false;
  }
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
 * @param expected the file's content as it was read: when the file no longer holds it just before
 *   the rename (edited meanwhile), nothing is written (FixWriteError `<file> changed since
 *   redis-lint read it`)
 * @throws FixWriteError (message `cannot write <file>: <reason>`) when the target is not a regular
 *   file, is not writable for us (no write bit that applies to us, EACCES; checked before
 *   anything is written), or any step fails; the temporary file is removed and the target is left
 *   as it was
 */
export function writeFileAtomic(file: string, text: string, hooks: WriteHooks = {}, expected?: string): void {
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
    // an edit saved since the file was read (an editor, another tool) is not overwritten: compare
    // contents right before the rename (the window left is the rename itself)
    if (expected !== undefined && st && !sameContent(target, expected)) throw new FixWriteError(`${file} changed since redis-lint read it: left as it is (run --fix again)`, file);
    fs.renameSync(tmp, target);
    created = false;
  } catch (e) {
    const changed = e instanceof FixWriteError;
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
    if (changed) throw e;
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
