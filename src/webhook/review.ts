/**
 * AdmissionReview `admission.k8s.io/v1` shapes (k8s.io/api/admission/v1/types.go) and the check of
 * an incoming review. Only the fields redis-lint reads or writes are typed.
 */

/** The API version and kind of every review in and out. */
export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

/** group/version/kind as the API server sends it (`group` is '' for the core group). */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** `request` of an AdmissionReview. */
export interface AdmissionRequest {
  /** echoed in the response; the API server matches responses by it */
  uid: string;
  kind?: GroupVersionKind;
  subResource?: string;
  name?: string;
  namespace?: string;
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  /** the object being admitted (absent for DELETE) */
  object?: unknown;
  oldObject?: unknown;
  /** side effects are not persisted: evaluated as usual, counted apart (metric label dry_run) */
  dryRun?: boolean;
}

/** `response` of an AdmissionReview. */
export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  /** on denial: code 403 and the message `kubectl` shows */
  status?: { code: number; reason?: string; message: string };
  /** shown by `kubectl` as `Warning: <text>`; each at most 120 characters here */
  warnings?: string[];
  patchType?: 'JSONPatch';
  /** base64 of the RFC 6902 JSON Patch */
  patch?: string;
}

/** A whole AdmissionReview answer. */
export interface AdmissionReviewOut {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

/**
 * Check a parsed request body: `apiVersion: admission.k8s.io/v1`, `kind: AdmissionReview`, a
 * `request` object with a non-empty string `uid`. The object itself is not checked here.
 * @returns the request, or the reason it is not a valid review (the webhook answers 400 with it)
 */
export function parseAdmissionReview(body: unknown): { request: AdmissionRequest } | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { error: 'the body is not a JSON object (expected an AdmissionReview)' };
  const b = body as Record<string, unknown>;
  if (b.kind !== 'AdmissionReview') return { error: `kind is ${describe(b.kind)}, expected "AdmissionReview"` };
  if (b.apiVersion !== ADMISSION_API_VERSION) return { error: `apiVersion is ${describe(b.apiVersion)}, expected "${ADMISSION_API_VERSION}"` };
  const r = b.request;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return { error: 'request is missing or not an object' };
  const req = r as Record<string, unknown>;
  if (typeof req.uid !== 'string' || req.uid === '') return { error: 'request.uid is missing or not a non-empty string' };
  if (req.object !== undefined && req.object !== null && (typeof req.object !== 'object' || Array.isArray(req.object))) return { error: 'request.object is not an object' };
  return { request: req as unknown as AdmissionRequest };
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** An answer to one review. */
export function reviewOut(response: AdmissionResponse): AdmissionReviewOut {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}
