import type { Projection } from '../model/projection.js';
import type { ProbeTiming, RedisDeployment } from '../types.js';

/**
 * One deployment role as `redis-lint project` reports it: the deployment (workload inputs
 * already resolved: flags > annotations > config), the model's projection of it (or the error
 * the model threw for impossible numbers), and notes about input that could not be used
 * (the `unresolved-values` findings of its object, e.g. an annotation that is not a size).
 */
export interface ProjectRow {
  dep: RedisDeployment;
  projection: Projection | Error;
  notes: string[];
}

/** "HelmRelease/klamm-prod/redis (standalone)": the object and role, as the lint report names them. */
export function rowTitle(dep: RedisDeployment): string {
  const o = dep.object;
  return `${o.kind}/${o.namespace ? o.namespace + '/' : ''}${o.name} (${dep.role})`;
}

/**
 * The time a probe allows before it restarts (liveness) or kills (startup) the container:
 * initialDelaySeconds + periodSeconds x failureThreshold, seconds — the same budget the
 * liveness-kills-loading rule uses.
 */
export function probeBudgetSeconds(p: ProbeTiming): number {
  return p.initialDelaySeconds + p.periodSeconds * p.failureThreshold;
}

/** The kind of the data volume, for reports: "PVC", "emptyDir", "hostPath", "no volume". */
export function volumeKindWords(dep: RedisDeployment): string {
  const v = dep.volume;
  const kind = v.kind === 'pvc' ? 'PVC' : v.kind === 'none' ? 'no volume' : v.kind;
  return kind;
}

/**
 * A volume more than this many times the disk curve's peak is named, not drawn, in the charts:
 * drawn to scale it would flatten the curve against the x axis.
 */
export const VOLUME_OFF_SCALE = 2.5;
