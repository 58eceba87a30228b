import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ReviewInfo } from './admission.js';

/**
 * The webhook's Prometheus metrics (prom-client), in a registry of its own per server (tests run
 * several servers in one process). Label values are bounded: webhook and operation are fixed sets,
 * kind is what the webhook configuration sends, rule ids come from the policy.
 */
export interface WebhookMetrics {
  registry: Registry;
  /** `redis_lint_admission_requests_total{webhook,operation,kind,allowed,dry_run}`: every valid AdmissionReview answered */
  requests: Counter<'webhook' | 'operation' | 'kind' | 'allowed' | 'dry_run'>;
  /** `redis_lint_admission_review_duration_seconds{webhook}`: time from a parsed review to its answer */
  duration: Histogram<'webhook'>;
  /** `redis_lint_findings_total{rule,severity,action}`: findings of `/validate` reviews that are not dry runs */
  findings: Counter<'rule' | 'severity' | 'action'>;
  /** `redis_lint_mutations_total{rule}`: fixes in `/mutate` patches (dry runs excluded) */
  mutations: Counter<'rule'>;
  /** `redis_lint_internal_errors_total{webhook}`: reviews that failed inside redis-lint (answered per --on-error) */
  internalErrors: Counter<'webhook'>;
  /** `redis_lint_unchecked_reviews_total{webhook,reason}`: reviews answered per --on-error without a decision: `too-deep` (nested over the limit), `time-budget` (not decided within --review-timeout) */
  unchecked: Counter<'webhook' | 'reason'>;
  /** `redis_lint_admission_invalid_requests_total{reason}`: requests answered 400/413/415 */
  invalidRequests: Counter<'reason'>;
  /** `redis_lint_certificate_expiry_timestamp_seconds`: notAfter of the certificate being served, Unix seconds */
  certExpiry: Gauge;
  /** `redis_lint_certificate_reloads_total{result}`: certificate rotations picked up (success) or refused (failure) */
  certReloads: Counter<'result'>;
  /** `redis_lint_decision_cache_hits_total`: reviews answered from the decision cache */
  cacheHits: Counter;
}

/**
 * Create the metrics in a new registry.
 * @param defaultMetrics also collect prom-client's process metrics (RSS, CPU, event loop lag, GC)
 */
export function createMetrics(defaultMetrics = true): WebhookMetrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'redis_lint_admission_requests_total',
      help: 'AdmissionReviews answered, by webhook (validate, mutate), operation, object kind, decision and dry run',
      labelNames: ['webhook', 'operation', 'kind', 'allowed', 'dry_run'] as const,
      registers,
    }),
    duration: new Histogram({
      name: 'redis_lint_admission_review_duration_seconds',
      help: 'Time to decide one AdmissionReview, from the parsed body to the answer',
      labelNames: ['webhook'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    findings: new Counter({
      name: 'redis_lint_findings_total',
      help: 'Findings of /validate reviews (dry runs excluded), by rule, severity and action (deny, warn, audit)',
      labelNames: ['rule', 'severity', 'action'] as const,
      registers,
    }),
    mutations: new Counter({ name: 'redis_lint_mutations_total', help: 'Fixes in /mutate patches (dry runs excluded), by rule', labelNames: ['rule'] as const, registers }),
    internalErrors: new Counter({ name: 'redis_lint_internal_errors_total', help: 'Reviews that failed inside redis-lint, answered per --on-error', labelNames: ['webhook'] as const, registers }),
    unchecked: new Counter({
      name: 'redis_lint_unchecked_reviews_total',
      help: 'Reviews answered per --on-error without a decision, by reason: too-deep (nested over the limit), time-budget (not decided within --review-timeout)',
      labelNames: ['webhook', 'reason'] as const,
      registers,
    }),
    invalidRequests: new Counter({ name: 'redis_lint_admission_invalid_requests_total', help: 'Requests refused before review (malformed JSON, not an AdmissionReview, too large)', labelNames: ['reason'] as const, registers }),
    certExpiry: new Gauge({ name: 'redis_lint_certificate_expiry_timestamp_seconds', help: 'notAfter of the TLS certificate being served, in Unix seconds', registers }),
    certReloads: new Counter({ name: 'redis_lint_certificate_reloads_total', help: 'Certificate rotations picked up (success) or refused, keeping the old pair (failure)', labelNames: ['result'] as const, registers }),
    cacheHits: new Counter({ name: 'redis_lint_decision_cache_hits_total', help: 'Reviews answered from the decision cache (an identical object decided before)', registers }),
  };
}

/** Count one answered review. */
export function recordReview(m: WebhookMetrics, info: ReviewInfo, seconds: number): void {
  const dryRun = info.dryRun ? 'true' : 'false';
  m.requests.inc({ webhook: info.webhook, operation: info.operation || 'UNKNOWN', kind: info.kind || 'UNKNOWN', allowed: info.allowed ? 'true' : 'false', dry_run: dryRun });
  m.duration.observe({ webhook: info.webhook }, seconds);
  if (info.outcome === 'error') m.internalErrors.inc({ webhook: info.webhook });
  if (info.outcome === 'unchecked') m.unchecked.inc({ webhook: info.webhook, reason: info.uncheckedReason ?? 'unknown' });
  if (info.outcome === 'cached') m.cacheHits.inc();
  if (info.dryRun) return;
  for (const f of info.findings) m.findings.inc({ rule: f.rule, severity: f.severity, action: f.action });
  for (const rule of info.mutated) m.mutations.inc({ rule });
}
