/**
 * The one redaction step of every output that may quote input: report messages and snippets in
 * all formats, the `--fix-dry-run` diff, `project` text, webhook answers and logs. A secret value
 * becomes `<redacted>`; what names a secret (a Secret's name, `existingSecretPasswordKey`,
 * `usePasswordFiles: true`) stays readable, as do booleans and nulls.
 *
 * Masked (issue 6, issue 13):
 * - YAML/JSON keys whose name holds a secret: `password`, `passwd`, `pass`, `pwd`, `token`,
 *   `apikey`, `requirepass`, `masterauth`, `auth-pass`, `credentials`, env-style `*_SECRET`
 *   (also as a block scalar on the next lines);
 * - redis.conf `requirepass`, `masterauth`, `sentinel auth-pass` lines, and ACL rules: in
 *   `user <name> on >PW ~* +@all` (and `ACL SETUSER`) every `>password`, `<password`,
 *   `#<sha256>` and `!<sha256>` (redis.conf, "ACL rules": redis.io/docs/latest/operate/oss_and_stack/management/security/acl);
 * - `--requirepass` / `--masterauth` arguments, same item or the next one;
 * - env vars whose name looks secret (`*_PASS`, `*_PASSWORD`, `*_TOKEN`, `*_SECRET`, `*AUTH`,
 *   `REDISCLI_AUTH`), block style (`- name: X` then `value: PW`), flow style
 *   (`- {name: X, value: PW}`) and shell style (`REDISCLI_AUTH=PW`);
 * - passwords inside URLs (`redis://:PW@host`, `rediss://user:PW@host`, any scheme);
 * - references to secret-looking variables (`${VALKEY_PASSWORD}`, `$(KEYDB_PASSWORD)`), wherever quoted;
 * - the lines of CRLF files alike.
 */

/** Placeholder of a secret value. */
export const REDACTED = '<redacted>';

// a YAML/JSON key whose value is a secret: password, auth.password, sentinelPassword, token, apiToken, requirepass, REDIS_PASS, ...
// (not a boolean or null: automountServiceAccountToken: false)
const KEY_NAME = String.raw`[\w.-]*(?:password|passwd|pass|pwd|token|apikey|api_key|requirepass|masterauth|auth-pass|credentials?)|[A-Z0-9_]*_SECRET`;
const SECRET_KEY = new RegExp(String.raw`^(\s*(?:-\s+)?["']?)(` + KEY_NAME + String.raw`)(["']?\s*:[ \t]+)(?![|>][-+\d]*\s*$)(?!(?:true|false|null|~)\s*(?:#.*)?$)(\S.*)$`, 'i');
// a redis.conf directive that carries a password (in a ConfigMap or a values `configuration` block)
const SECRET_DIRECTIVE = /^(\s*)(requirepass|masterauth|sentinel\s+auth-pass\s+\S+)([ \t]+)(\S.*)$/i;
// a command-line flag that carries a password, with its value in the same line
const SECRET_FLAG = /(--(?:requirepass|masterauth)(?:=|["']?\s*,\s*["']?|\s+))([^\s"',\]]+)/gi;
// a secret key whose value is a block scalar on the next line(s)
const SECRET_BLOCK = new RegExp(String.raw`^\s*(?:-\s+)?["']?(?:` + KEY_NAME + String.raw`)["']?\s*:\s*[|>][-+\d]*\s*$`, 'i');
// an env var name that looks secret
const ENV_NAME = String.raw`[\w.-]*(?:password|passwd|pass|pwd|token|apikey|api_key|auth|secret|credentials?)`;
// a flag or env var name whose value is on the next line (`- --requirepass` / `- name: REDIS_PASSWORD` then `value: ...`)
const SECRET_NEXT = new RegExp(String.raw`(?:^\s*-\s+["']?--(?:requirepass|masterauth)["']?\s*$)|(?:\bname:\s*["']?` + ENV_NAME + String.raw`["']?\s*$)`, 'i');
// a flow-style env entry: `{name: REDIS_PASSWORD, value: PW}` (either order of the two keys)
const FLOW_ENV = new RegExp(String.raw`(\bname["']?\s*:\s*["']?` + ENV_NAME + String.raw`["']?\s*,\s*["']?value["']?\s*:\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^,}\]\s][^,}\]]*)`, 'gi');
const FLOW_ENV_VALUE_FIRST = new RegExp(String.raw`(\bvalue["']?\s*:\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^,}\]\s][^,}\]]*)(\s*,\s*["']?name["']?\s*:\s*["']?` + ENV_NAME + String.raw`\b)`, 'gi');
// shell style: `REDISCLI_AUTH=PW`, `export REDIS_PASSWORD=PW`
const SHELL_ENV = /\b((?:REDISCLI_AUTH|[A-Za-z0-9_]*(?:_PASS|_PASSWORD|_PASSWD|_TOKEN|_SECRET|_AUTH))=)("[^"]*"|'[^']*'|[^\s"',;&|)]+)/g;
// a reference to a secret-looking variable (`${VALKEY_PASSWORD}`, Flux substitution; `$(KEYDB_PASSWORD)`,
// Kubernetes env expansion): it names where a secret comes from, and it is what stands where the
// secret would, so it is masked wherever it is quoted (a comment above the args included)
const SECRET_VAR_REF = /\$[{(][A-Za-z0-9_]*(?:PASS|PASSWORD|PASSWD|TOKEN|SECRET|AUTH)[A-Za-z0-9_]*[)}]/gi;
// user:password@ in a URL (any scheme), and :password@ without a user
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"']*:)([^\s@/"']+)(@)/gi;
// an ACL rule line: `user default on >PW ~* +@all`, `ACL SETUSER bob on >PW` (also in a list item or a quoted string)
const ACL_LINE = /(?:^|[\s"'-])(?:user|acl\s+setuser)\s+\S+/i;
const ACL_SECRET = /(^|[\s"',[])([><])(\S+?)(?=$|[\s"',\]])|(^|[\s"',[])([#!])([0-9a-f]{64})(?=$|[\s"',\]])/gi;

/**
 * Mask secret values in the lines of a unified diff: a fix never changes a password, but the
 * context lines around a change may show one (a HelmRelease's `auth.password`, a ConfigMap's
 * `requirepass`), and a diff goes to CI logs. Every form listed in this module's comment is
 * masked in context and changed lines alike (so the diff stays consistent); file names and hunk
 * headers are kept. Such a diff is for reading: `git apply` needs the real context (`patch`
 * applies it with fuzz).
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
 * Mask secret values in any text that may quote input (file text, a report message, a webhook
 * message or log field), line by line, as {@link redactDiff} does.
 */
export function redactText(text: string): string {
  if (!text) return text;
  const masker = secretMasker();
  return text
    .split('\n')
    .map((line) => masker.mask(line))
    .join('\n');
}

/** Mask secrets in one line, on its own (no state from earlier lines). */
function maskInline(line: string): string {
  let out = line
    .replace(SECRET_FLAG, (_all, flag: string) => flag + REDACTED)
    .replace(URL_PASSWORD, (_all, head: string, _pw: string, at: string) => head + REDACTED + at)
    .replace(SHELL_ENV, (_all, head: string) => head + REDACTED)
    .replace(SECRET_VAR_REF, REDACTED)
    .replace(FLOW_ENV, (_all, head: string) => head + REDACTED)
    .replace(FLOW_ENV_VALUE_FIRST, (_all, head: string, _v: string, tail: string) => head + REDACTED + tail);
  if (ACL_LINE.test(out)) {
    out = out.replace(ACL_SECRET, (all, p1: string | undefined, op: string | undefined, _pw, p2: string | undefined, hop: string | undefined) =>
      op !== undefined ? `${p1}${op}${REDACTED}` : hop !== undefined ? `${p2}${hop}${REDACTED}` : all,
    );
  }
  return out;
}

/** Masks one line after another; a line may make the next one secret (`- --requirepass`, `- name: REDIS_PASSWORD`, `password: |`). */
function secretMasker(): { mask(line: string): string; reset(): void } {
  let pending = false;
  let block = false;
  return {
    reset() {
      pending = false;
      block = false;
    },
    mask(raw) {
      // a CRLF file's lines end with \r, which `.` in the patterns below does not match: mask without it
      if (raw.endsWith('\r')) return this.mask(raw.slice(0, -1)) + '\r';
      const line = raw;
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
      return maskInline(m ? m[1] + m[2] + m[3] + REDACTED : line);
    },
  };
}

/**
 * Make input-derived text safe to print on a terminal or in a CI log: control characters (C0
 * including newline and ESC, DEL, C1) and the Unicode bidirectional overrides become visible
 * escapes (`\n`, `\x1b`, `\u202e`), so an object named `x\n::error file=a::pwned` or carrying
 * ANSI escapes cannot write a GitHub workflow command or terminal codes into a log (issue 13).
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
