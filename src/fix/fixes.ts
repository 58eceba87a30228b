import type { Projection } from '../model/projection.js';
import { classifyChart } from '../sources/helm-release.js';
import type { Finding, RedisDeployment } from '../types.js';
import { pointer, type SetOperation } from './patch.js';

/**
 * The one place that knows how to fix a rule's finding: a {@link Fix} per fixable rule id. A fix
 * returns `set` operations (JSON pointers into the object as the API server or a manifest holds
 * it); the webhook's `/mutate` turns them into a JSON Patch (src/fix/index.ts), the `--fix` CLI
 * will apply them to YAML. A fix reads the object and the deployment the engine made of it; it
 * never changes either.
 */

/** A JSON object (an AdmissionReview's `request.object`, or a YAML document's value). */
export type JsonObject = Record<string, unknown>;

/** What a fix sees for one finding. */
export interface FixContext {
  /** the whole object the finding is about (StatefulSet, Deployment, Pod, HelmRelease, Application) */
  object: JsonObject;
  finding: Finding;
  /** the deployment role the finding is about (same object and role) */
  deployment: RedisDeployment;
  /** the model's projection of that deployment, when it has one */
  projection?: Projection;
}

/** The changes that fix one finding. */
export interface FixProposal {
  operations: SetOperation[];
  /** what changes, with the values, short enough for a warning: `set spec.template.spec.securityContext.fsGroup: 999` */
  description: string;
}

/** How to fix one rule. */
export interface Fix {
  ruleId: string;
  /**
   * true when applying it cannot break a working deployment (it only adds what the rule found
   * missing); the webhook applies safe fixes by default and the others only when the config
   * says `mutate: true` for the rule
   */
  safe: boolean;
  /** what the fix does, in general (for docs and `redis-lint rules`) */
  description: string;
  /** the changes for one finding, or why this finding cannot be fixed automatically */
  propose(ctx: FixContext): FixProposal | string;
}

/** The fsGroup data-volume-fsgroup recommends for a uid: 999 for the official redis/valkey user, else 1001 (bitnami/redis). */
export function fsGroupFor(uid: number | null): number {
  return uid === 999 ? 999 : 1001;
}

/** JSON pointer tokens of the pod spec of a workload object: `spec` for a Pod, `spec.template.spec` otherwise. */
function podSpecTokens(object: JsonObject): string[] | undefined {
  const kind = object.kind;
  if (kind === 'Pod') return ['spec'];
  if (kind === 'StatefulSet' || kind === 'Deployment' || kind === 'ReplicaSet' || kind === 'DaemonSet') return ['spec', 'template', 'spec'];
  return undefined;
}

const dotted = (tokens: readonly (string | number)[]) => tokens.join('.');

const get = (v: unknown, k: string | number): unknown => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined);

/** The chart role key a deployment role is configured under: master.* for master/standalone, replica.* for replicas and Sentinel nodes. */
function roleKey(dep: RedisDeployment): 'master' | 'replica' {
  return dep.role === 'replica' || dep.role === 'sentinel-node' ? 'replica' : 'master';
}

/**
 * Where the Bitnami values of a chart object live, as JSON pointer tokens: a HelmRelease's
 * `spec.values`; an Argo CD Application's `helm.valuesObject` of its redis source. Argo CD uses
 * `valuesObject` instead of (not on top of) the `helm.values` string when both are set
 * (ApplicationSourceHelm.ValuesYAML), so a values string without a `valuesObject` is not
 * patched: adding one would drop the string's values.
 * @param overridden a values key (`master.podSecurityContext`): `helm.parameters` setting it win over valuesObject, so none may
 * @returns the tokens, or why the values cannot be patched
 */
export function valuesTokens(object: JsonObject, dep: RedisDeployment, overridden: string): string[] | string {
  if (dep.source === 'helmrelease') return ['spec', 'values'];
  if (dep.source !== 'argocd-application') return `${dep.source} input is not patched by the webhook`;
  const spec = get(object, 'spec');
  let base: (string | number)[];
  const sources = get(spec, 'sources');
  if (Array.isArray(sources)) {
    const redis = sources
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => {
        const chart = get(s, 'chart');
        const path = get(s, 'path');
        return typeof chart === 'string' ? classifyChart(chart, String(get(s, 'repoURL') ?? '')) !== 'no' : typeof path === 'string' && /(^|\/)bitnami\/redis\/?$/.test(path);
      });
    if (redis.length !== 1) return `the Application has ${redis.length} redis chart sources: not patched`;
    base = ['spec', 'sources', redis[0].i];
  } else {
    base = ['spec', 'source'];
  }
  const helm = get(
    base.reduce<unknown>((v, k) => get(v, k), object),
    'helm',
  );
  const values = get(helm, 'values');
  if (typeof values === 'string' && values.trim() !== '' && get(helm, 'valuesObject') === undefined) {
    return `the values are a YAML string (${dotted([...base, 'helm', 'values'])}): set ${overridden} there (a valuesObject would replace the string)`;
  }
  const params = get(helm, 'parameters');
  if (Array.isArray(params) && params.some((p) => typeof get(p, 'name') === 'string' && (get(p, 'name') as string).startsWith(overridden))) {
    return `helm.parameters set ${overridden}, which wins over valuesObject: change the parameter`;
  }
  return [...base.map(String), 'helm', 'valuesObject'];
}

/**
 * data-volume-fsgroup (safe): give the pod an fsGroup so the kubelet makes the fresh volume
 * group-writable: `spec.template.spec.securityContext.fsGroup` of a StatefulSet or Deployment
 * (`spec.securityContext.fsGroup` of a Pod); for the Bitnami chart `<role>.podSecurityContext`
 * `enabled: true` and `fsGroup` (HelmRelease `spec.values`, Argo CD `helm.valuesObject`).
 * The group is the one the rule names: 999 for uid 999, else 1001.
 */
export const dataVolumeFsGroupFix: Fix = {
  ruleId: 'data-volume-fsgroup',
  safe: true,
  description: 'set the pod securityContext.fsGroup (Bitnami chart: <role>.podSecurityContext.enabled and fsGroup) to the Redis group',
  propose({ object, deployment: dep }) {
    const group = fsGroupFor(dep.runAsUser.value);
    if (dep.source === 'workload') {
      const pod = podSpecTokens(object);
      if (!pod) return `${String(object.kind)} has no pod template`;
      const path = [...pod, 'securityContext', 'fsGroup'];
      return { operations: [{ op: 'set', path: pointer(path), value: group }], description: `set ${dotted(path)}: ${group}` };
    }
    const key = roleKey(dep);
    const values = valuesTokens(object, dep, `${key}.podSecurityContext`);
    if (typeof values === 'string') return values;
    const psc = [...values, key, 'podSecurityContext'];
    return {
      operations: [
        { op: 'set', path: pointer([...psc, 'enabled']), value: true },
        { op: 'set', path: pointer([...psc, 'fsGroup']), value: group },
      ],
      description: `set ${key}.podSecurityContext.enabled: true, fsGroup: ${group}`,
    };
  },
};

/**
 * shutdown-grace-too-short (not safe: a longer grace period slows every rollout and drain):
 * raise terminationGracePeriodSeconds to the projected final SAVE plus 10 s, the value the
 * rule's message recommends (pod spec, or the chart's `<role>.terminationGracePeriodSeconds`,
 * `sentinel.terminationGracePeriodSeconds` for Sentinel nodes).
 */
export const shutdownGraceFix: Fix = {
  ruleId: 'shutdown-grace-too-short',
  safe: false,
  description: 'raise terminationGracePeriodSeconds above the projected final SAVE',
  propose({ object, deployment: dep, projection }) {
    const save = projection?.shutdownSaveSeconds;
    if (save === null || save === undefined) return 'no projected SAVE time';
    const seconds = Math.ceil(save) + 10;
    let path: (string | number)[];
    if (dep.source === 'workload') {
      const pod = podSpecTokens(object);
      if (!pod) return `${String(object.kind)} has no pod template`;
      path = [...pod, 'terminationGracePeriodSeconds'];
    } else {
      const key = dep.role === 'sentinel-node' ? 'sentinel' : roleKey(dep);
      const values = valuesTokens(object, dep, `${key}.terminationGracePeriodSeconds`);
      if (typeof values === 'string') return values;
      path = [...values, key, 'terminationGracePeriodSeconds'];
    }
    return { operations: [{ op: 'set', path: pointer(path), value: seconds }], description: `set ${dep.source === 'workload' ? dotted(path) : path.slice(-2).join('.')}: ${seconds}` };
  },
};

/** Every fix, by rule id. */
export const FIXES: ReadonlyMap<string, Fix> = new Map([dataVolumeFsGroupFix, shutdownGraceFix].map((f) => [f.ruleId, f]));
