/**
 * The fields of an AdmissionReview's `request` a server needs to answer it without the object:
 * read from the JSON text by a linear scan, without parsing the rest (for a review the server did
 * not parse itself, src/webhook/server.ts, when the worker that decides it runs out of time).
 */

/** `request.uid`, `request.kind.kind`, `request.namespace`, `request.name`, `request.operation` when present as strings. */
export interface ReviewHead {
  uid?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  operation?: string;
}

const WANTED: ReadonlyMap<string, keyof ReviewHead> = new Map([
  ['request\0uid', 'uid'],
  ['request\0kind\0kind', 'kind'],
  ['request\0namespace', 'namespace'],
  ['request\0name', 'name'],
  ['request\0operation', 'operation'],
]);

/** Keys deeper than this are not decoded (the wanted fields are at most 3 levels down). */
const MAX_DEPTH = 3;

/**
 * Scan JSON text once, left to right, for the {@link ReviewHead} fields. Linear in the text's
 * length, no recursion, stops as soon as all five are found (the API server writes them before
 * `object`: k8s.io/api admission/v1 AdmissionRequest field order). Malformed JSON gives whatever
 * was found before the damage; never throws.
 */
export function reviewHead(text: string): ReviewHead {
  const head: ReviewHead = {};
  let found = 0;
  // per open container: its current key (objects) or null (arrays)
  const keys: Array<string | null> = [];
  let expectKey = false;
  const n = text.length;
  let i = 0;
  while (i < n && found < WANTED.size) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      keys.push('');
      expectKey = true;
      i++;
    } else if (c === 0x5b /* [ */) {
      keys.push(null);
      expectKey = false;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      keys.pop();
      expectKey = false;
      i++;
    } else if (c === 0x2c /* , */) {
      expectKey = keys.length > 0 && keys[keys.length - 1] !== null;
      i++;
    } else if (c === 0x3a /* : */) {
      expectKey = false;
      i++;
    } else if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      const shallow = keys.length <= MAX_DEPTH && !keys.includes(null);
      if (expectKey) keys[keys.length - 1] = shallow ? decode(text.slice(i, j + 1)) ?? '' : '';
      else if (shallow && keys.length > 0) {
        const field = WANTED.get(keys.join('\0'));
        if (field && head[field] === undefined) {
          const v = decode(text.slice(i, j + 1));
          if (v !== undefined) {
            head[field] = v;
            found++;
          }
        }
      }
      i = j + 1;
    } else i++;
  }
  return head;
}

function decode(token: string): string | undefined {
  try {
    const v: unknown = JSON.parse(token);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
