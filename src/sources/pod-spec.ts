/**
 * Where a workload keeps its pod spec, and which ConfigMaps the pod mounts: the one place that
 * knows (the workload adapter reads YAML nodes with it, the webhook and `redis-lint audit` read JSON
 * objects with it to fetch the ConfigMaps, the fix planner writes pod fields with it).
 */

/** Workload kinds with a pod spec, and the apiVersions each is read from (apps/v1 and the old betas; Pod v1). */
export const WORKLOAD_APIS: Readonly<Record<string, readonly string[]>> = {
  StatefulSet: ['apps/v1', 'apps/v1beta1', 'apps/v1beta2'],
  Deployment: ['apps/v1', 'apps/v1beta1', 'apps/v1beta2', 'extensions/v1beta1'],
  Pod: ['v1'],
};

/**
 * The path of a workload's pod spec from the object root: `spec` for a Pod, `spec.template.spec`
 * for a StatefulSet or Deployment; undefined for another kind, or an apiVersion not listed in
 * {@link WORKLOAD_APIS} (when given).
 */
export function podSpecPath(kind: string, apiVersion?: string): readonly string[] | undefined {
  if (!Object.hasOwn(WORKLOAD_APIS, kind) || (apiVersion !== undefined && !WORKLOAD_APIS[kind].includes(apiVersion))) return undefined;
  return kind === 'Pod' ? ['spec'] : ['spec', 'template', 'spec'];
}

const get = (v: unknown, k: string): unknown => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined);

/** The ConfigMap names a pod volume mounts: `configMap.name`, and `projected.sources[].configMap.name`, in order. */
export function volumeConfigMaps(volume: unknown): string[] {
  const names: string[] = [];
  const direct = get(get(volume, 'configMap'), 'name');
  if (typeof direct === 'string' && direct) names.push(direct);
  const sources = get(get(volume, 'projected'), 'sources');
  if (Array.isArray(sources)) {
    for (const s of sources) {
      const n = get(get(s, 'configMap'), 'name');
      if (typeof n === 'string' && n) names.push(n);
    }
  }
  return names;
}

/**
 * Names of the ConfigMaps a workload's pod mounts (`volumes[].configMap.name`,
 * `volumes[].projected.sources[].configMap.name`), without repeats, in order.
 * @param object a StatefulSet, Deployment (pod spec at `spec.template.spec`) or Pod (`spec`), as JSON
 */
export function referencedConfigMaps(object: unknown): string[] {
  const path = podSpecPath(String(get(object, 'kind') ?? '')) ?? ['spec', 'template', 'spec'];
  const volumes = get(path.reduce<unknown>((v, k) => get(v, k), object), 'volumes');
  if (!Array.isArray(volumes)) return [];
  return [...new Set(volumes.flatMap(volumeConfigMaps))];
}
