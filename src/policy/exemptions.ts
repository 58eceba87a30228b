import { didYouMean } from '../core/did-you-mean.js';
import { asString, type YamlVNode } from '../load/vnode.js';
import { InputError, type SourcePosition } from '../types.js';

/**
 * Exemptions: which rules do not apply to which object, and why. One implementation for every
 * front end (the CLI's `lintPaths`, the webhook), called from `lintDocuments` in src/engine.ts.
 *
 * Two kinds, as Polaris and kube-linter have them:
 * - annotations on the object's own metadata: `ignore-check.redis-lint.io/<rule-id>: "<reason>"`
 *   and `redis-lint.io/ignore-all: "<reason>"` (the webhook can refuse them:
 *   `--disallow-annotation-exemptions`);
 * - entries of the config file's `exemptions:` list (`{kind, namespace?, name, rules, reason,
 *   expires?}`), for objects a team cannot or will not annotate.
 */

/** Annotation on an object that exempts it from one rule (`ignore-check.redis-lint.io/<rule-id>: "<reason>"`), as kube-linter does. */
export const IGNORE_CHECK_PREFIX = 'ignore-check.redis-lint.io/';
/** Annotation that exempts an object from every rule. */
export const IGNORE_ALL = 'redis-lint.io/ignore-all';

/** One entry of the config file's `exemptions:` list, validated. */
export interface ExemptionEntry {
  /** the object's kind, compared case-insensitively (`StatefulSet`, `HelmRelease`, `Application`) */
  kind: string;
  /** absent: the entry matches the object in any namespace (as `workloads:` entries do) */
  namespace?: string;
  name: string;
  /** rule ids the object is exempt from; `*` stands for every rule */
  rules: string[];
  /** why, for reviewers and for the webhook's log */
  reason: string;
  /** `YYYY-MM-DD` as written: the entry applies before 00:00 UTC of that day, not from then on */
  expires?: string;
  /** `expires` as milliseconds since the epoch (00:00 UTC of that day) */
  expiresAt?: number;
  /** position in the `exemptions:` list (0-based), for messages (`exemptions[2]`) */
  index: number;
  /** the entry (list item) in the config file */
  pos: SourcePosition;
}

/** How a run treats exemptions. */
export interface ExemptionOptions {
  /** the time expiry dates are compared with; default: now */
  now?: Date;
  /** honour the `ignore-check.redis-lint.io/*` and `redis-lint.io/ignore-all` annotations (default true) */
  annotations?: boolean;
}

/** Why a rule does not apply to an object. */
export type Exemption =
  | { via: 'annotation'; /** the annotation key */ key: string; reason: string }
  | { via: 'config'; entry: ExemptionEntry };

/** The parts of an object an exemption looks at (an ObjectRef has them all). */
export interface ExemptableObject {
  kind: string;
  namespace?: string;
  name: string;
  /** `metadata.annotations` (string values) */
  annotations: Record<string, string>;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Read the config file's `exemptions:` list (already validated against the schema's shape):
 * check each `expires` is a real calendar date and each rule id is known.
 * @param list the `exemptions` node (missing: no entries)
 * @param knownRules rule ids the policy has (built-in and the user's own)
 * @param what start of an error message, naming the file's role ("invalid policy")
 * @returns the entries in file order
 * @throws InputError at the value's file:line:col for a date that does not exist (`2025-02-30`)
 *   or a rule id the policy does not know (a typo would silently exempt nothing)
 */
export function readExemptionEntries(list: YamlVNode, knownRules: ReadonlySet<string>, what = 'invalid policy'): ExemptionEntry[] {
  return list.items().map((_, i) => {
    const item = list.child(i);
    const str = (k: string) => asString(item.get(k).value());
    const rulesNode = item.child('rules');
    const rules = rulesNode.items().map((r, j) => {
      const id = asString(r.value()) ?? '';
      if (id !== '*' && !knownRules.has(id)) {
        throw new InputError(`${what}: exemptions.${i}.rules.${j}: "${id}" is not a rule of the policy${didYouMean(id, knownRules)} (use "*" for every rule)`, rulesNode.child(j).valuePos());
      }
      return id;
    });
    const entry: ExemptionEntry = { kind: str('kind') ?? '', name: str('name') ?? '', rules, reason: str('reason') ?? '', index: i, pos: item.pos() };
    const ns = str('namespace');
    if (ns !== undefined) entry.namespace = ns;
    const expiresNode = item.child('expires');
    const expires = str('expires');
    if (expires !== undefined) {
      const at = dateStart(expires);
      if (at === undefined) throw new InputError(`${what}: exemptions.${i}.expires: "${expires}" is not a date (YYYY-MM-DD)`, expiresNode.valuePos());
      entry.expires = expires;
      entry.expiresAt = at;
    }
    return entry;
  });
}

/** 00:00 UTC of a `YYYY-MM-DD` date in milliseconds, undefined when the date does not exist. */
function dateStart(s: string): number | undefined {
  const m = DATE.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : undefined;
}

/**
 * Whether a config entry names an object: same kind (case-insensitive) and name, and a namespace
 * that matches; a side without a namespace matches any (the `workloads:` rule: manifests often
 * leave the namespace to `kubectl -n` or Flux's targetNamespace).
 */
export function entryMatches(entry: Pick<ExemptionEntry, 'kind' | 'namespace' | 'name'>, object: { kind: string; namespace?: string; name: string }): boolean {
  if (entry.kind.toLowerCase() !== object.kind.toLowerCase() || entry.name !== object.name) return false;
  return entry.namespace === undefined || object.namespace === undefined || entry.namespace === object.namespace;
}

/** True when the entry has an `expires` date at or before `now`. */
export function isExpired(entry: ExemptionEntry, now: Date): boolean {
  return entry.expiresAt !== undefined && now.getTime() >= entry.expiresAt;
}

/**
 * Why `ruleId` does not apply to `object`, or undefined when it does. Annotations first
 * (`ignore-check.redis-lint.io/<rule-id>`, then `redis-lint.io/ignore-all`, unless
 * `opts.annotations` is false), then the first config entry that matches the object, names the
 * rule (or `*`) and has not expired.
 * @param entries the config file's `exemptions:` entries
 */
export function findExemption(object: ExemptableObject, ruleId: string, entries: readonly ExemptionEntry[] = [], opts: ExemptionOptions = {}): Exemption | undefined {
  if (opts.annotations !== false) {
    const a = object.annotations;
    const key = IGNORE_CHECK_PREFIX + ruleId;
    if (a[key] !== undefined) return { via: 'annotation', key, reason: a[key] };
    if (a[IGNORE_ALL] !== undefined) return { via: 'annotation', key: IGNORE_ALL, reason: a[IGNORE_ALL] };
  }
  if (!entries.length) return undefined;
  const now = opts.now ?? new Date();
  for (const e of entries) {
    if ((e.rules.includes(ruleId) || e.rules.includes('*')) && entryMatches(e, object) && !isExpired(e, now)) return { via: 'config', entry: e };
  }
  return undefined;
}

/** The config entries that match `object` but have expired: they no longer apply, and a front end should say so. */
export function expiredExemptions(object: { kind: string; namespace?: string; name: string }, entries: readonly ExemptionEntry[] = [], now: Date = new Date()): ExemptionEntry[] {
  return entries.filter((e) => isExpired(e, now) && entryMatches(e, object));
}
