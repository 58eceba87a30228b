import { createHash } from 'node:crypto';
import type { lintDocuments } from '../engine.js';
import type { JsonObject } from '../fix/json-patch.js';
import { policyForNamespace, type Policy } from '../policy/policy.js';
import { fetchConfigMaps, referencedConfigMaps, type ConfigMapReader, type FetchedConfigMaps } from './configmaps.js';
import { decide, TimeBudgetError, type Decision, type DecideTask, type ReviewFinding } from './decide.js';
import { ObjectTooDeepError, objectDepthProblem } from './document.js';
import { fit } from './messages.js';
import { reviewHead } from './review-head.js';
import { parseAdmissionReview, type AdmissionRequest, type AdmissionResponse } from './review.js';

/**
 * The decision for one admission request, without HTTP: which objects are checked, how the
 * object becomes the engine's input, and how findings become an answer.
 *
 * - `validate`: each finding gets the action of its rule (policy `action`, per-namespace
 *   override, default error -> deny, warning/info -> warn); any `deny` denies with one message,
 *   `warn` findings become `warnings`, `audit` findings are only logged and counted.
 * - `mutate`: the fixes (src/fix) of the rules whose `mutate` is on (default: safe fixes) as one
 *   JSON Patch; every change is also a warning. Always allowed (denying is `validate`'s job).
 *
 * Objects checked: apps StatefulSet and Deployment whose containers mention redis or valkey;
 * Flux HelmRelease (helm.toolkit.fluxcd.io v2beta1, v2beta2, v2) and Argo CD Application
 * (argoproj.io) whose chart or path mentions redis or valkey. Everything else, DELETE, CONNECT,
 * subresources and objects being deleted are allowed at once, without the engine.
 */

/** The two admission endpoints. */
export type { WebhookPath } from './decide.js';
import type { WebhookPath } from './decide.js';

/** How reviews are decided (fixed for the life of a server). */
export interface AdmissionOptions {
  /** the policy (config file over the bundled default) */
  policy: Policy;
  /** the answer when the review fails inside redis-lint: allow (with a warning) or deny */
  onError: 'allow' | 'deny';
  /** honour ignore-check / ignore-all annotations (false: `--disallow-annotation-exemptions`) */
  allowAnnotationExemptions: boolean;
  /** reads ConfigMaps a workload mounts from the cluster; absent: they are not read (unresolved-values) */
  configMaps?: ConfigMapReader;
  /** how long to wait for each ConfigMap, in ms (default 2000) */
  configMapTimeoutMs?: number;
  /** decisions of identical objects, reused (absent: every review runs the engine) */
  cache?: DecisionCache;
  /** the webhook's own namespace, always exempt (serve reads it from the service account) */
  ownNamespace?: string;
  /** the clock for exemption expiry (tests) */
  now?: () => Date;
  /** the engine (tests inject failures); when given, reviews run in this thread */
  lint?: typeof lintDocuments;
  /**
   * runs a decision elsewhere (the server's worker pool) and may reject with a
   * {@link TimeBudgetError}; absent: decisions run in this thread
   */
  runner?: (task: DecideTask) => Promise<Decision>;
}

/** Why a review was answered per onError without a decision (the `reason` label of `redis_lint_unchecked_reviews_total`). */
export type UncheckedReason = 'too-deep' | 'time-budget';

export type { ReviewFinding } from './decide.js';

/** What happened in one review, for the log line and the metrics (never the object's content). */
export interface ReviewInfo {
  webhook: WebhookPath;
  uid: string;
  operation: string;
  kind: string;
  namespace?: string;
  name?: string;
  dryRun: boolean;
  /**
   * skipped: allowed without the engine; evaluated: the engine ran; cached: an identical object's
   * decision; unchecked: the object could not be checked for a known reason (`uncheckedReason`),
   * answered per onError; error: an internal error, answered per onError
   */
  outcome: 'skipped' | 'evaluated' | 'cached' | 'unchecked' | 'error';
  /** why an `unchecked` review was not checked: nested too deeply, or over the time budget */
  uncheckedReason?: UncheckedReason;
  /** why a review was skipped (`DELETE`, `not a Redis object`, ...) */
  skipReason?: string;
  allowed: boolean;
  /** validate: every finding with its action (mutate: none) */
  findings: ReviewFinding[];
  /** mutate: rule ids of the fixes in the patch */
  mutated: string[];
  /** the internal error's message (outcome error) */
  error?: string;
  /** ConfigMaps read from the cluster: names found, missing, failed */
  configMaps?: { found: string[]; missing: string[]; failed: string[] };
}

/** An answer and what to log about it. */
export interface ReviewResult {
  response: AdmissionResponse;
  info: ReviewInfo;
}

/** What a cache entry holds: the answer without its uid, and what to log and count about it. */
export type CachedDecision = { response: Omit<AdmissionResponse, 'uid'>; findings: ReviewFinding[]; mutated: string[] };

/**
 * Decisions by object content, least recently used first out. GitOps controllers (Flux, Argo CD)
 * re-apply and server-side dry-run the same objects at every sync, so most reviews repeat an
 * earlier one. The key holds everything a decision depends on: the endpoint, the namespace, the
 * UTC day (exemptions expire by date) and the whole object minus what changes on every write
 * (metadata.resourceVersion, generation, uid, creationTimestamp, managedFields; status). The
 * policy and flags are fixed for a server's life. Reviews that read ConfigMaps from the cluster
 * are not cached (the ConfigMaps may change).
 */
export class DecisionCache {
  private readonly map = new Map<string, CachedDecision>();

  /** @param max entries kept (at least 1) */
  constructor(readonly max: number) {}

  /** entries held now */
  get size(): number {
    return this.map.size;
  }

  /** The decision stored under `key` (now the most recently used), or undefined. */
  get(key: string): CachedDecision | undefined {
    const v = this.map.get(key);
    if (v) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** Store a decision; the least recently used entry goes when there are more than `max`. */
  set(key: string, value: CachedDecision): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

const VOLATILE_METADATA: ReadonlySet<string> = new Set(['resourceVersion', 'generation', 'uid', 'creationTimestamp', 'managedFields']);

function cacheKey(webhook: WebhookPath, namespace: string | undefined, day: string, object: JsonObject): string {
  const { metadata, status: _status, ...rest } = object;
  let meta = metadata;
  if (isObject(metadata)) {
    const m: Record<string, unknown> = {};
    for (const k in metadata) if (!VOLATILE_METADATA.has(k)) m[k] = metadata[k];
    meta = m;
  }
  return createHash('sha256')
    .update(`${webhook}\0${namespace ?? ''}\0${day}\0`)
    .update(JSON.stringify([meta, rest]))
    .digest('base64');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const get = (v: unknown, k: string): unknown => (isObject(v) ? v[k] : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const REDISH = /redis|valkey/i;
const HELM_RELEASE_API = /^helm\.toolkit\.fluxcd\.io\/v2(beta1|beta2)?$/;

/** The object's API version and kind: from `request.kind`, else from the object. */
function identity(req: AdmissionRequest, object: JsonObject): { apiVersion: string; kind: string } {
  const gvk = req.kind;
  if (gvk?.kind) return { apiVersion: gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version, kind: gvk.kind };
  return { apiVersion: str(object.apiVersion) ?? '', kind: str(object.kind) ?? '' };
}

/** Which input kind redis-lint reads this as: a workload (pod template) or a chart object; undefined for kinds it does not check. */
function targetOf(id: { apiVersion: string; kind: string }): 'workload' | 'chart' | undefined {
  const group = id.apiVersion.includes('/') ? id.apiVersion.split('/')[0] : '';
  if ((id.kind === 'StatefulSet' || id.kind === 'Deployment') && group === 'apps') return 'workload';
  if (id.kind === 'HelmRelease' && HELM_RELEASE_API.test(id.apiVersion)) return 'chart';
  if (id.kind === 'Application' && group === 'argoproj.io') return 'chart';
  return undefined;
}

/**
 * A cheap, conservative test that the engine could find a Redis here: a container image,
 * command or argument, or a chart name, chart reference or Argo CD source path that mentions
 * redis or valkey. The engine's own tests are narrower, so nothing it would check is skipped.
 */
function mentionsRedis(object: JsonObject, kind: string, target: 'workload' | 'chart'): boolean {
  const spec = get(object, 'spec');
  if (target === 'workload') {
    const containers = get(get(get(spec, 'template'), 'spec'), 'containers');
    if (!Array.isArray(containers)) return false;
    return containers.some((c) => {
      const words = [get(c, 'image'), ...(Array.isArray(get(c, 'command')) ? (get(c, 'command') as unknown[]) : []), ...(Array.isArray(get(c, 'args')) ? (get(c, 'args') as unknown[]) : [])];
      return words.some((w) => typeof w === 'string' && REDISH.test(w));
    });
  }
  if (kind === 'HelmRelease') return REDISH.test(JSON.stringify(get(spec, 'chart') ?? null) + JSON.stringify(get(spec, 'chartRef') ?? null));
  const sources = Array.isArray(get(spec, 'sources')) ? (get(spec, 'sources') as unknown[]) : [get(spec, 'source')];
  return sources.some((s) => [get(s, 'chart'), get(s, 'path')].some((w) => typeof w === 'string' && REDISH.test(w)));
}

/** What a review needs before the engine runs: the object, how it is read, and the log record so far. */
interface Triaged {
  object: JsonObject;
  id: { apiVersion: string; kind: string };
  target: 'workload' | 'chart';
  info: ReviewInfo;
}

/**
 * Everything about a review that comes before the engine, on an already parsed request: the
 * answers without the engine (DELETE, CONNECT, subresources, objects being deleted, exempt
 * namespaces, kinds not checked, objects nested too deeply, objects that mention no Redis), or
 * what to evaluate. Synchronous and without I/O: it runs in the server's thread or in a review
 * worker ({@link admitText}).
 */
function triage(webhook: WebhookPath, req: AdmissionRequest, opts: Pick<AdmissionOptions, 'policy' | 'onError' | 'ownNamespace'>): { result: ReviewResult } | Triaged {
  const object = isObject(req.object) ? (req.object as JsonObject) : undefined;
  const id = identity(req, object ?? {});
  const meta = get(object, 'metadata');
  const info: ReviewInfo = {
    webhook,
    uid: req.uid,
    operation: req.operation ?? '',
    kind: id.kind,
    namespace: str(req.namespace) ?? str(get(meta, 'namespace')),
    name: str(req.name) ?? str(get(meta, 'name')),
    dryRun: req.dryRun === true,
    outcome: 'skipped',
    allowed: true,
    findings: [],
    mutated: [],
  };
  const skip = (reason: string): { result: ReviewResult } => {
    info.skipReason = reason;
    return { result: { response: { uid: req.uid, allowed: true }, info } };
  };
  if (req.operation === 'DELETE' || req.operation === 'CONNECT') return skip(req.operation);
  if (req.subResource) return skip(`subresource ${req.subResource}`);
  if (!object) return skip('no object');
  if (get(meta, 'deletionTimestamp') !== undefined) return skip('object being deleted');
  if (info.namespace !== undefined && exemptNamespaces(opts).has(info.namespace)) return skip(`namespace ${info.namespace} is exempt`);
  const target = targetOf(id);
  if (!target) return skip(`${id.apiVersion} ${id.kind} is not checked`);
  // before anything walks the object recursively (JSON.stringify, the engine): Go lets the API
  // server send JSON nested 10,000 deep
  const deep = objectDepthProblem(object);
  if (deep) return { result: uncheckedResult(req.uid, id.kind, info, opts, 'too-deep', deep.message, `at ${deep.path}`) };
  if (!mentionsRedis(object, id.kind, target)) return skip('not a Redis object');
  return { object, id, target, info };
}

/**
 * The answer to a review whose evaluation threw: a known reason (too deep, over the time budget)
 * is answered as unchecked; anything else is an internal error, answered per `opts.onError`
 * (allowed with a warning, or denied with code 500), with `info.outcome` `error`.
 */
function failedResult(e: unknown, uid: string, kind: string, info: ReviewInfo, opts: Pick<AdmissionOptions, 'onError'>): ReviewResult {
  if (e instanceof ObjectTooDeepError) return uncheckedResult(uid, kind, info, opts, 'too-deep', e.message, `at ${e.path}`);
  if (e instanceof TimeBudgetError) return uncheckedResult(uid, kind, info, opts, 'time-budget', e.message);
  info.outcome = 'error';
  info.error = (e as Error)?.message ?? String(e);
  info.allowed = opts.onError === 'allow';
  info.findings = [];
  info.mutated = [];
  const what = `redis-lint could not check this ${kind} (internal error)`;
  return {
    response:
      opts.onError === 'allow'
        ? { uid, allowed: true, warnings: [fit(`${what}: allowed unchecked (--on-error allow)`)] }
        : { uid, allowed: false, status: { code: 500, reason: 'InternalError', message: `${what}: denied (--on-error deny)` } },
    info,
  };
}

/**
 * Decide one admission request (already checked by parseAdmissionReview).
 * @param reviewJson the request body the review was parsed from (sent to a worker instead of the object)
 * Never throws: an internal error is answered per `opts.onError` (allowed with a warning, or
 * denied with code 500), with `info.outcome` `error`.
 */
export async function admit(webhook: WebhookPath, req: AdmissionRequest, opts: AdmissionOptions, reviewJson?: string): Promise<ReviewResult> {
  const t = triage(webhook, req, opts);
  if ('result' in t) return t.result;
  try {
    return await evaluate(webhook, req, t, opts, reviewJson);
  } catch (e) {
    return failedResult(e, req.uid, t.id.kind, t.info, opts);
  }
}

/**
 * A review decided whole in a review worker from its JSON text: the server's thread neither
 * parses nor walks a large body (JSON.parse of a 1 MB, 100,000-key HelmRelease alone holds a
 * thread for about 80 ms, the depth check ~50 ms and the cache key ~32 ms (measured on a 2-core VM): /healthz waited
 * behind them, issue 13). Structured-cloneable in and out.
 */
export interface ReviewTextTask {
  type: 'review';
  webhook: WebhookPath;
  /** the request body, as received */
  text: string;
  policy: Policy;
  onError: 'allow' | 'deny';
  allowAnnotationExemptions: boolean;
  ownNamespace?: string;
  /** ISO time exemption expiry dates are compared with */
  now: string;
  /** the server reads ConfigMaps from the cluster: a workload that mounts some is answered with their names first */
  configMapLookup: boolean;
  /** the second call for such a workload: the ConfigMaps read, and what the read gave (for the log) */
  configMaps?: { found: JsonObject[]; info: NonNullable<ReviewInfo['configMaps']> };
}

/** What a worker answers to a {@link ReviewTextTask}. */
export type ReviewTextAnswer =
  | { result: ReviewResult }
  /** not JSON, or not an AdmissionReview: a 400 with this reason and message */
  | { badRequest: { reason: 'malformed-json' | 'not-an-admission-review'; message: string } }
  /** a workload that mounts these ConfigMaps: read them and call again with `configMaps` */
  | { configMapRefs: string[]; namespace: string };

/**
 * Decide a review from its JSON text, as {@link admit} does, without the decision cache (a large
 * body is rare; its key alone would cost what the engine costs) and without I/O (ConfigMaps are
 * read by the caller between two calls). Never throws.
 */
export function admitText(task: ReviewTextTask): ReviewTextAnswer {
  let body: unknown;
  try {
    body = JSON.parse(task.text);
  } catch (e) {
    return { badRequest: { reason: 'malformed-json', message: `the body is not valid JSON: ${(e as Error).message}` } };
  }
  const parsed = parseAdmissionReview(body);
  if ('error' in parsed) return { badRequest: { reason: 'not-an-admission-review', message: parsed.error } };
  const req = parsed.request;
  const opts: AdmissionOptions = { policy: task.policy, onError: task.onError, allowAnnotationExemptions: task.allowAnnotationExemptions, ownNamespace: task.ownNamespace };
  const t = triage(task.webhook, req, opts);
  if ('result' in t) return t;
  try {
    const namespace = t.info.namespace;
    if (!task.configMaps && task.configMapLookup && t.target === 'workload' && namespace) {
      const refs = referencedConfigMaps(t.object);
      if (refs.length) return { configMapRefs: refs, namespace };
    }
    t.info.outcome = 'evaluated';
    if (task.configMaps) t.info.configMaps = task.configMaps.info;
    const now = new Date(task.now);
    const decision = decide(decideTask(task.webhook, req, t, opts, now, task.configMaps?.found ?? []));
    return { result: decided(req.uid, t.info, decision) };
  } catch (e) {
    return { result: failedResult(e, req.uid, t.id.kind, t.info, opts) };
  }
}

/**
 * Decide a review from its JSON text in a review worker ({@link admitText}): the server's thread
 * does not parse the body; it reads the ConfigMaps a workload mounts between the worker's two
 * calls. When the worker fails or runs out of time, the answer's uid, kind, namespace and name
 * come from a scan of the text ({@link reviewHead}). Never throws.
 * @param run posts a task to a worker; may reject with a {@link TimeBudgetError}
 */
export async function admitTextInWorker(webhook: WebhookPath, text: string, opts: AdmissionOptions, run: (task: ReviewTextTask) => Promise<ReviewTextAnswer>): Promise<Exclude<ReviewTextAnswer, { configMapRefs: string[] }>> {
  const task: ReviewTextTask = {
    type: 'review',
    webhook,
    text,
    policy: opts.policy,
    onError: opts.onError,
    allowAnnotationExemptions: opts.allowAnnotationExemptions,
    ownNamespace: opts.ownNamespace,
    now: (opts.now?.() ?? new Date()).toISOString(),
    configMapLookup: opts.configMaps !== undefined,
  };
  try {
    let answer = await run(task);
    if ('configMapRefs' in answer) {
      const got = await fetchConfigMaps(opts.configMaps!, answer.namespace, answer.configMapRefs, opts.configMapTimeoutMs ?? 2000);
      answer = await run({ ...task, configMaps: { found: got.found as JsonObject[], info: configMapInfo(got) } });
      if ('configMapRefs' in answer) throw new Error('the review worker asked for ConfigMaps twice');
    }
    return answer;
  } catch (e) {
    const head = reviewHead(text);
    const info: ReviewInfo = { webhook, uid: head.uid ?? '', operation: head.operation ?? '', kind: head.kind ?? '', namespace: head.namespace, name: head.name, dryRun: false, outcome: 'error', allowed: true, findings: [], mutated: [] };
    return { result: failedResult(e, info.uid, info.kind, info, opts) };
  }
}

/**
 * Namespaces allowed without a check, whatever the webhook configuration's namespaceSelector
 * says (defence in depth, as Gatekeeper's exempt namespaces): the policy's `exemptNamespaces`
 * (default kube-system) and the webhook's own namespace.
 */
function exemptNamespaces(opts: Pick<AdmissionOptions, 'policy' | 'ownNamespace'>): Set<string> {
  return new Set([...(opts.policy.exemptNamespaces ?? ['kube-system']), ...(opts.ownNamespace ? [opts.ownNamespace] : [])]);
}

/**
 * The answer to a review that could not be checked for a known reason (not an internal error):
 * per `--on-error`, allowed with a warning or denied, the reason in the text. Too deep: denied
 * with 422 Invalid; over the time budget: denied with 504 Timeout.
 * @param why what stopped the check, short (it is in a warning of at most 120 characters), e.g. `nested more than 3000 levels deep`
 * @param detail where or how, for the log and the denial message, e.g. `at spec.values.extraDeploy.0.0...`
 */
export function uncheckedResult(uid: string, kind: string, info: ReviewInfo, opts: Pick<AdmissionOptions, 'onError'>, reason: UncheckedReason, why: string, detail = ''): ReviewResult {
  info.outcome = 'unchecked';
  info.uncheckedReason = reason;
  info.error = detail ? `${why} (${detail})` : why;
  info.allowed = opts.onError === 'allow';
  info.findings = [];
  info.mutated = [];
  const what = `redis-lint could not check this ${kind || 'object'}: ${why}`;
  const status = reason === 'too-deep' ? { code: 422, reason: 'Invalid' } : { code: 504, reason: 'Timeout' };
  return {
    response:
      opts.onError === 'allow'
        ? { uid, allowed: true, warnings: [fit(`${what}: allowed unchecked (--on-error allow)`)] }
        : { uid, allowed: false, status: { ...status, message: `${what}${detail ? ` (${detail})` : ''}: denied (--on-error deny)` } },
    info,
  };
}

async function evaluate(webhook: WebhookPath, req: AdmissionRequest, t: Triaged, opts: AdmissionOptions, reviewJson: string | undefined): Promise<ReviewResult> {
  const { object, target, info } = t;
  const namespace = info.namespace;
  const now = opts.now?.() ?? new Date();
  const refs = target === 'workload' && opts.configMaps && namespace ? referencedConfigMaps(object) : [];
  const day = now.toISOString().slice(0, 10);
  // on UPDATE, /validate's decision depends on the old object too (existing violations)
  const old = webhook === 'validate' && req.operation === 'UPDATE' && isObject(req.oldObject) ? (req.oldObject as JsonObject) : undefined;
  const key = opts.cache && !refs.length ? cacheKey(webhook, namespace, day, object) + (old ? ` ${cacheKey(webhook, namespace, day, old)}` : '') : undefined;
  const hit = key ? opts.cache!.get(key) : undefined;
  if (hit) {
    info.outcome = 'cached';
    info.allowed = hit.response.allowed;
    info.findings = hit.findings;
    info.mutated = hit.mutated;
    return { response: { uid: req.uid, ...hit.response }, info };
  }
  info.outcome = 'evaluated';
  let configMaps: JsonObject[] = [];
  if (refs.length) {
    const got = await fetchConfigMaps(opts.configMaps!, namespace!, refs, opts.configMapTimeoutMs ?? 2000);
    configMaps = got.found as JsonObject[];
    info.configMaps = configMapInfo(got);
  }
  const inWorker = opts.runner !== undefined && !opts.lint;
  const task = decideTask(webhook, req, t, opts, now, configMaps, inWorker ? reviewJson : undefined);
  // in a worker when the server has a pool (a review never blocks /healthz and can be cut off at
  // its time budget); in this thread otherwise (tests, an injected engine)
  const decision = inWorker ? await opts.runner!(task) : decide(task, opts.lint);
  if (key) opts.cache!.set(key, { response: decision.response, findings: decision.findings, mutated: decision.mutated });
  return decided(req.uid, info, decision);
}

/** What the log says about the ConfigMaps read for a review. */
export function configMapInfo(got: FetchedConfigMaps): NonNullable<ReviewInfo['configMaps']> {
  return { found: got.found.map((c) => String(get(get(c, 'metadata'), 'name'))), missing: got.missing, failed: got.failed.map((f) => `${f.name}: ${f.reason}`) };
}

/**
 * The engine's task for a review.
 * @param reviewJson the body, sent instead of the object (and old object) to a worker, which parses it
 */
function decideTask(webhook: WebhookPath, req: AdmissionRequest, t: Triaged, opts: AdmissionOptions, now: Date, configMaps: JsonObject[], reviewJson?: string): DecideTask {
  const namespace = t.info.namespace;
  return {
    webhook,
    ...(reviewJson !== undefined ? { reviewJson } : { object: t.object }),
    identity: t.id,
    namespace,
    label: `${t.id.kind}/${namespace ? namespace + '/' : ''}${t.info.name ?? '(unnamed)'}`,
    configMaps,
    policy: policyForNamespace(opts.policy, namespace),
    now: now.toISOString(),
    annotations: opts.allowAnnotationExemptions,
    operation: req.operation,
    ...(req.operation === 'UPDATE' && isObject(req.oldObject) && reviewJson === undefined ? { oldObject: req.oldObject as JsonObject } : {}),
  };
}

/** The answer of a decision, and the log record completed with it. */
function decided(uid: string, info: ReviewInfo, decision: Decision): ReviewResult {
  info.findings = decision.findings;
  info.mutated = decision.mutated;
  info.allowed = decision.response.allowed;
  return { response: { uid, ...decision.response }, info };
}
