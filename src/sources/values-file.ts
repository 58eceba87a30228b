import type { LoadedDocument } from '../load/documents.js';
import { YamlVNode, asString, lazyValue, type VNode } from '../load/vnode.js';
import type { ObjectRef, SourcePosition } from '../types.js';
import { isBitnamiRedisValues } from './bitnami-chart.js';
import { bitnamiDeployments } from './bitnami.js';
import { rootOf, type SourceResult } from './common.js';
import { chartKindDeployments } from './chart-adapters.js';
import type { ChartKind } from './chart-kinds.js';

/**
 * Where the Bitnami redis values sit in a plain values document: the root (a values file for
 * the `redis` chart) or the `redis:` key of an umbrella chart's values. Undefined when the
 * document is not Bitnami redis values (other charts' values, Kubernetes objects).
 */
export function bitnamiValuesRoot(root: YamlVNode): YamlVNode | undefined {
  if (root.kind() !== 'map' || root.get('apiVersion').exists || root.get('kind').exists) return undefined;
  // lazy views: the test reads a few keys, not a whole (possibly 1 MB) values file
  if (isBitnamiRedisValues(lazyValue(root))) return root;
  const nested = root.child('redis');
  if (nested.kind() === 'map' && isBitnamiRedisValues(lazyValue(nested))) return nested;
  return undefined;
}

/** The object a values file stands for in findings: kind "Values", named after the file. */
function valuesObject(file: string, pos: SourcePosition): ObjectRef {
  // "values.yaml" says little: keep its directory (`aks-crashloop/values.yaml`)
  const parts = file.split(/[\\/]/);
  const name = /^values/i.test(parts[parts.length - 1]) && parts.length > 1 ? parts.slice(-2).join('/') : parts[parts.length - 1];
  return { kind: 'Values', name, file, pos, annotations: {} };
}

/**
 * Lint Bitnami redis values: one or more values documents merged in Helm's order
 * (`-f a.yaml -f b.yaml`: later wins), each read at its Bitnami root (plain or under `redis:`).
 * @param docs values documents, lowest precedence first
 * @param chartVersion chart version when known (e.g. from an umbrella Chart.yaml), else undefined
 * @param subchart the redis values of one of `docs` when an umbrella Chart.yaml names their key (a dependency `alias:`)
 */
export function valuesDeployments(docs: LoadedDocument[], chartVersion?: { version: string; pos: SourcePosition }, subchart?: YamlVNode): SourceResult {
  const layers: VNode[] = [];
  for (const d of docs) {
    const root = rootOf(d);
    layers.push(subchart && subchart.ctx === root.ctx ? subchart : (bitnamiValuesRoot(root) ?? root));
  }
  const last = layers[layers.length - 1] as YamlVNode;
  const ref = valuesObject(last.ctx.file, { ...last.pos(), endLine: last.pos().line, endColumn: last.pos().column });
  const name = docs.length > 1 ? docs.map((d) => d.file.split(/[\\/]/).pop()).join('+') : ref.name;
  const result = bitnamiDeployments({
    layers,
    object: { ...ref, name },
    chartVersion: chartVersion?.version,
    chartVersionPos: chartVersion?.pos,
    source: 'bitnami-values',
    anchor: ref.pos,
    workload: {},
  });
  if (subchart) for (const d of result.deployments) d.valuesPrefix = subchart.path.slice(subchart.ctx.pathPrefix.length).map(String);
  return result;
}

/**
 * Lint the values of another Redis-family chart (chart-kinds.ts: Bitnami valkey, redis-cluster,
 * valkey-cluster, valkey-io/valkey-helm, redis-ha), merged in Helm's order like {@link valuesDeployments}.
 * @param chartVersion the chart version when known, else undefined (the newest release's defaults, said in a notice)
 */
export function chartValuesDeployments(docs: LoadedDocument[], kind: ChartKind, chartVersion?: { version: string; pos: SourcePosition }): SourceResult {
  const layers: VNode[] = docs.map((d) => rootOf(d));
  const last = layers[layers.length - 1] as YamlVNode;
  const ref = valuesObject(last.ctx.file, { ...last.pos(), endLine: last.pos().line, endColumn: last.pos().column });
  const name = docs.length > 1 ? docs.map((d) => d.file.split(/[\\/]/).pop()).join('+') : ref.name;
  return chartKindDeployments(kind, {
    layers,
    object: { ...ref, name },
    chartVersion: chartVersion?.version,
    chartVersionPos: chartVersion?.pos,
    source: 'chart-values',
    anchor: ref.pos,
    workload: {},
  });
}

/**
 * The `redis` dependency of an umbrella Chart.yaml or Chart.lock document (`dependencies: [{name:
 * redis, version, alias}]`): its version (a range in Chart.yaml, exact in Chart.lock) and the
 * values key Helm gives it (`alias:`, else the name).
 */
export function redisDependency(chartYaml: LoadedDocument): { version?: { version: string; pos: SourcePosition }; alias?: string } | undefined {
  const deps = rootOf(chartYaml).child('dependencies');
  for (const dep of deps.items() as YamlVNode[]) {
    if (asString(dep.get('name').value()) !== 'redis') continue;
    const v = dep.child('version');
    const version = asString(v.value());
    return { version: version ? { version, pos: v.pos() } : undefined, alias: asString(dep.get('alias').value()) };
  }
  return undefined;
}
