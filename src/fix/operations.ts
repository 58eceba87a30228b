import type { Projection } from '../model/projection.js';
import type { Finding, Origin, RedisDeployment } from '../types.js';

/**
 * The vocabulary of fixes: what a rule's fix asks for, in terms of the deployment, never of a file
 * or a JSON object. src/fix/plan.ts resolves each operation to the node it changes (in the input
 * files for `--fix`, in the AdmissionReview's object for the webhook's /mutate), and two appliers
 * make it happen: YAML text edits that keep comments (src/fix/yaml-edit.ts, `--fix` and the
 * rdjson/SARIF suggestions) and a JSON Patch (src/fix/json-patch.ts, `/mutate`). So every fix
 * `--fix` makes, `/mutate` makes too where the object under review carries the field.
 */
export type FixOperation =
  /**
   * Set the value at the node an origin points at (a volume size, a memory limit as written). When
   * the setting is not in the input (a chart default), `chartKey` under the chart's values
   * (`master.persistence.size`) is set instead; without one, the operation cannot be made.
   */
  | { op: 'set-setting'; origin: Origin; value: unknown; chartKey?: ReadonlyArray<string | number>; what: string }
  /** Set a redis.conf directive where the deployment's redis.conf text lives (a ConfigMap key, the chart's `<role>.configuration`). */
  | { op: 'set-directive'; name: string; args: readonly string[] }
  /** Set a field of the workload's pod spec (`securityContext.fsGroup`): a StatefulSet's `spec.template.spec`, a Pod's `spec`. */
  | { op: 'set-pod-field'; path: ReadonlyArray<string | number>; value: unknown }
  /** Set a key under the chart values (`master.podSecurityContext.fsGroup`): HelmRelease `spec.values`, Argo CD `helm.valuesObject`, a values file. */
  | { op: 'set-values'; key: ReadonlyArray<string | number>; value: unknown }
  /** Set a key beside the node an origin points at (a `startupProbe` next to the `livenessProbe`). */
  | { op: 'set-beside'; origin: Origin; key: string; value: unknown };

/** What a fix sees for one finding of one deployment role. */
export interface FixContext {
  finding: Finding;
  dep: RedisDeployment;
  /** the model's projection of the deployment, when the model could make one */
  projection?: Projection;
  /** the JSON value at the node an origin points at, when it is in the input (e.g. the liveness probe, to copy its check) */
  valueAt(origin: Origin): unknown;
}

/** The changes that fix one finding: abstract operations and what they do, with the numbers and where they come from. */
export interface FixProposal {
  operations: FixOperation[];
  /** short enough for a webhook warning: `set maxmemory 91mb in master.configuration: what the 192Mi memory limit carries through a fork` */
  description: string;
}

/** How a rule's findings are fixed (the `fix` of a rule module). */
export interface RuleFix {
  /**
   * true when applying it cannot break a working deployment (it only adds what the rule found
   * missing): the webhook applies safe fixes by default, the others only with `mutate: true` for
   * the rule; `--fix` applies every fix (the user reviews the diff)
   */
  safe: boolean;
  /** what the fix does, in general (docs/rules, `redis-lint rules`) */
  description: string;
  /** the operations for one finding, or why it cannot be fixed automatically */
  propose(ctx: FixContext): FixProposal | string;
}

/** The chart values' role key of a deployment: master.* for master/standalone, replica.* for replicas and Sentinel nodes. */
export function roleKey(dep: RedisDeployment): 'master' | 'replica' {
  return dep.role === 'replica' || dep.role === 'sentinel-node' ? 'replica' : 'master';
}
