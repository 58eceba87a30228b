/**
 * JSON pointers (RFC 6901) and the RFC 6902 JSON Patch operations that make a fix's `set`
 * operations happen on a JSON object: the webhook's `/mutate` sends them as its `patch`; the
 * later `--fix` CLI applies the same `set` operations to YAML instead.
 */

/** One change a fix asks for: the value at `path` (a JSON pointer) becomes `value`; missing parents are created as maps. */
export interface SetOperation {
  op: 'set';
  /** JSON pointer into the object, e.g. `/spec/template/spec/securityContext/fsGroup` */
  path: string;
  value: unknown;
}

/** The RFC 6902 operations this module emits. */
export interface JsonPatchOperation {
  op: 'add' | 'replace';
  path: string;
  value: unknown;
}

/** A `set` that cannot be made on this object (a parent is a list where a map is needed, an index is out of range). */
export class PatchError extends Error {
  override name = 'PatchError';
}

/** Escape one reference token: `~` -> `~0`, `/` -> `~1` (RFC 6901 section 3; `~` first). */
export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A JSON pointer from reference tokens: `['metadata', 'annotations', 'a/b']` -> `/metadata/annotations/a~1b`. */
export function pointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => '/' + escapeToken(t)).join('');
}

/**
 * The reference tokens of a JSON pointer (`~1` -> `/`, then `~0` -> `~`).
 * @throws PatchError for a pointer that is not empty and does not start with `/`
 */
export function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new PatchError(`"${p}" is not a JSON pointer`);
  return p
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The RFC 6902 operations that make one `set` happen on `doc`, and `doc` changed accordingly
 * (call it in order for several sets: each sees the changes of the ones before).
 * - the value is already there: no operation;
 * - the parent exists: `add` (new member) or `replace` (existing member);
 * - a parent is missing, `null` or a scalar: one `add`/`replace` of the first such parent with a
 *   nested map holding the value, so the patch applies cleanly to the object as it was sent.
 * Lists are walked by index, never created.
 * @param doc the working copy of the object (changed in place)
 * @throws PatchError when the path goes through a list with a non-index token or an index out of range
 */
export function setToPatch(doc: unknown, set: SetOperation): JsonPatchOperation[] {
  const tokens = parsePointer(set.path);
  if (!tokens.length) throw new PatchError('cannot set the whole object');
  let cur: unknown = doc;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const last = i === tokens.length - 1;
    let key: string | number = token;
    let has: boolean;
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= cur.length) throw new PatchError(`${pointer(tokens.slice(0, i + 1))}: no such list item`);
      key = Number(token);
      has = true;
    } else if (isMap(cur)) {
      has = Object.hasOwn(cur, token);
    } else {
      throw new PatchError(`${pointer(tokens.slice(0, i))} is not a map`);
    }
    const container = cur as Record<string | number, unknown>;
    const existing = has ? container[key] : undefined;
    if (last) {
      if (has && jsonEqual(existing, set.value)) return [];
      container[key] = structuredClone(set.value);
      return [{ op: has ? 'replace' : 'add', path: pointer(tokens), value: set.value }];
    }
    if (typeof existing === 'object' && existing !== null) {
      cur = existing;
      continue;
    }
    // missing, null or a scalar: put the rest of the path there as nested maps
    let nested: unknown = set.value;
    for (let j = tokens.length - 1; j > i; j--) nested = { [tokens[j]]: nested };
    container[key] = structuredClone(nested);
    return [{ op: has ? 'replace' : 'add', path: pointer(tokens.slice(0, i + 1)), value: nested as Json }];
  }
  return [];
}
