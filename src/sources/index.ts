import path from 'node:path';
import { mentionsRedis, type LoadedDocument } from '../load/documents.js';
import { asString } from '../load/vnode.js';
import type { RedisDeployment, SourcePosition } from '../types.js';
import { argoApplicationDeployments, isArgoApplication } from './argocd-application.js';
import { findingObject, objectRefOf, rootOf, type FileReader, type RunContext, type SourceFinding, type SourceResult } from './common.js';
import { configMapEntry, configMapDeployments } from './configmap.js';
import { REFERENCED_KINDS } from './prefilter.js';
import { helmReleaseDeployments, isHelmRelease } from './helm-release.js';
import { helmfileDeployments, isHelmfile } from './helmfile.js';
import { helmChartsDeployments, isKustomization } from './kustomize.js';
import { operatorCrdOf, operatorDeployments } from './operators.js';
import { bitnamiValuesRoot, valuesDeployments } from './values-file.js';
import { describeOtherRedisObject, describeOtherRedisValues, otherValuesMessage } from './not-evaluated.js';
import { identifyOtherChart, kindOfValues, umbrellaSubchart, type ChartKind } from './chart-kinds.js';
import { chartKindDeployments } from './chart-adapters.js';
import { chartValuesDeployments } from './values-file.js';
import { configMapsReferencedBy, isRedisWorkload, persistentVolumeClaimEntry, workloadDeployments, type PvcEntry } from './workload.js';

/** Everything the sources made of a run's documents. */
export interface CollectResult {
  deployments: RedisDeployment[];
  findings: SourceFinding[];
}

/** Options of {@link collectDeployments}. */
export interface CollectOptions {
  /** documents of `--values` files: merged into one Bitnami release, in order */
  valuesDocs?: LoadedDocument[];
  /**
   * The chart a values file belongs to, by file path (from a Chart.yaml beside it): its name, where
   * that name is, and the Bitnami redis chart version when it is the redis chart or depends on it
   */
  chartOf?: (file: string) => ChartBeside | undefined;
  /** reads files inputs refer to (helmfile values, kustomize generator files); without it none are read */
  readFile?: FileReader;
}

/** A Chart.yaml beside a values file (see CollectOptions.chartOf). */
export interface ChartBeside {
  name: string;
  pos: SourcePosition;
  /** the chart is the redis chart (`name: redis`) or has a `redis` dependency */
  isRedis: boolean;
  /** the redis chart's version, or the umbrella's `redis` dependency version (Chart.lock's when there is one), when given */
  redis?: { version: string; pos: SourcePosition };
  /** for an umbrella chart: the values key of its redis dependency (its `alias:`, else `redis`) */
  valuesKey?: string;
  /** the chart's own `version` (for the values of valkey, redis-cluster, … charts: chart-kinds.ts) */
  version?: { version: string; pos: SourcePosition };
}

/**
 * Turn loaded documents into RedisDeployments, one adapter per input kind:
 * Flux HelmRelease, Argo CD Application, StatefulSet/Deployment/Pod (+ ConfigMaps of the run),
 * ConfigMaps with a redis.conf no workload mounts, and Bitnami values files. Documents of
 * other kinds are skipped quietly. Pure: reads nothing but the documents given.
 */
export function collectDeployments(documents: LoadedDocument[], opts: CollectOptions = {}): CollectResult {
  const run: RunContext = { configMaps: [], valuesFiles: opts.valuesDocs ?? [], ociRepositories: [], helmRepositories: [], kustomizations: [], readFile: opts.readFile, consumed: new Set() };
  const pvcs: PvcEntry[] = [];
  const kinds = documents.map((d) => {
    const root = rootOf(d);
    const kind = asString(root.get('kind').value());
    if (kind === 'PersistentVolumeClaim') {
      const p = persistentVolumeClaimEntry(d);
      if (p) pvcs.push(p);
      return 'other';
    }
    if (kind === 'ConfigMap') {
      const e = configMapEntry(d);
      if (e) run.configMaps.push(e);
      return 'configmap';
    }
    if (kind === 'OCIRepository') {
      const spec = root.child('spec');
      run.ociRepositories.push({
        name: asString(root.get('metadata').get('name').value()) ?? '',
        namespace: asString(root.get('metadata').get('namespace').value()),
        url: asString(spec.get('url').value()) ?? '',
        tag: spec.child('ref').child('tag'),
        semver: spec.child('ref').child('semver'),
        digest: spec.child('ref').child('digest'),
      });
      return 'other';
    }
    if (kind === 'HelmRepository') {
      run.helmRepositories.push({
        name: asString(root.get('metadata').get('name').value()) ?? '',
        namespace: asString(root.get('metadata').get('namespace').value()),
        url: asString(root.get('spec').get('url').value()) ?? '',
      });
      return 'other';
    }
    if (isKustomization(root)) {
      run.kustomizations.push(d);
      if (root.get('helmCharts').exists) return 'helmcharts';
    }
    if (isHelmRelease(root)) return 'helmrelease';
    if (isArgoApplication(root)) return 'argocd';
    if (isHelmfile(root)) return 'helmfile';
    if (operatorCrdOf(root)) return 'operator';
    if (isRedisWorkload(root)) return 'workload';
    if (bitnamiValuesRoot(root)) return 'values';
    // an umbrella chart beside it with a redis dependency: its values key (the dependency's alias) holds the redis values
    if (isPlainValues(root) && subchartValues(root, opts.chartOf?.(d.file))) return 'values';
    // a Chart.yaml beside it says which chart the values are for, whatever their shape
    if (isPlainValues(root) && mentionsRedis(opts.chartOf?.(d.file)?.name ?? '')) return 'values';
    // the values of Bitnami valkey / redis-cluster / valkey-cluster, valkey-io/valkey-helm, redis-ha: by their shape
    if (isPlainValues(root) && kindOfValues(root.value(), `${d.file}\n${d.ctx.text.slice(0, 4096)}`)) return 'chartvalues';
    if (isPlainValues(root) && umbrellaSubchart(root.value())) return 'subchartvalues';
    if (isPlainValues(root) && describeOtherRedisValues(root.value(), `${d.file}\n${d.ctx.text.slice(0, 4096)}`)) return 'othervalues';
    if (kind !== undefined && !REFERENCED_KINDS.has(kind) && describeOtherRedisObject(root)) return 'otherobject';
    return 'other';
  });
  const out: CollectResult = { deployments: [], findings: [] };
  const add = (r: { deployments: RedisDeployment[]; findings: SourceFinding[] }) => {
    // a loop, not push(...items): a 50 MB redis.conf has more lines than a call has room for arguments (RangeError, test/hardening)
    for (const e of r.deployments) out.deployments.push(e);
    for (const e of r.findings) out.findings.push(e);
  };
  const workloads = documents.filter((_, i) => kinds[i] === 'workload');
  documents.forEach((d, i) => {
    if (kinds[i] === 'helmrelease') add(helmReleaseDeployments(d, run));
    else if (kinds[i] === 'argocd') add(argoApplicationDeployments(d));
    else if (kinds[i] === 'helmfile') add(helmfileDeployments(d, run));
    else if (kinds[i] === 'operator') add(operatorDeployments(d, run, documents));
    else if (kinds[i] === 'helmcharts') add(helmChartsDeployments(d, run));
    else if (kinds[i] === 'workload') add(workloadDeployments(d, run, pvcs));
    else if (kinds[i] === 'otherobject') add(otherObject(d));
  });
  // values files last: a file a release above read as its values (run.consumed) is not linted again alone
  documents.forEach((d, i) => {
    if (['values', 'othervalues', 'chartvalues', 'subchartvalues'].includes(kinds[i]) && run.consumed.has(path.resolve(d.file))) return;
    if (kinds[i] === 'values') add(valuesOfChart(d, opts.chartOf?.(d.file)));
    else if (kinds[i] === 'chartvalues') add(chartValuesDeployments([d], (kindOfValues(rootOf(d).value(), `${d.file}\n${d.ctx.text.slice(0, 4096)}`) as { kind: ChartKind }).kind));
    else if (kinds[i] === 'subchartvalues') add(umbrellaChartValues(d));
    else if (kinds[i] === 'othervalues') add(otherValues(d));
  });
  const referenced = configMapsReferencedBy(workloads, run);
  for (const e of run.configMaps) add(configMapDeployments(e.doc, run, referenced));
  if (opts.valuesDocs?.length) add(valuesDeployments(opts.valuesDocs, opts.chartOf?.(opts.valuesDocs[0].file)?.redis));
  return out;
}

/** A document without apiVersion/kind that is a mapping: a Helm values file. */
function isPlainValues(root: ReturnType<typeof rootOf>): boolean {
  return root.kind() === 'map' && !root.get('apiVersion').exists && !root.get('kind').exists;
}

/** An umbrella chart's values file whose sub-chart key (`redis-ha:`, `valkey:`) configures a chart of chart-kinds.ts: evaluated at that key (the sub-chart's version is not in the values). */
function umbrellaChartValues(d: LoadedDocument): SourceResult {
  const root = rootOf(d);
  const sub = umbrellaSubchart(root.value());
  if (!sub) return { deployments: [], findings: [] };
  const file = d.file.split(/[\\/]/).slice(-2).join('/');
  return chartKindDeployments(sub.kind, { layers: [root.child(sub.key)], object: { kind: 'Values', name: file, file: d.file, pos: { ...root.pos(), endLine: root.pos().line, endColumn: root.pos().column }, annotations: {} }, source: 'chart-values', anchor: root.child(sub.key).pos(), workload: {} });
}

/** One `unresolved-values` notice for the values of a Redis-family chart redis-lint does not evaluate (never a silent pass). */
function otherValues(d: LoadedDocument): SourceResult {
  const root = rootOf(d);
  const o = describeOtherRedisValues(root.value(), `${d.file}\n${d.ctx.text.slice(0, 4096)}`);
  if (!o) return { deployments: [], findings: [] };
  const at = o.path.reduce((n, k) => n.child(k), root);
  return {
    deployments: [],
    findings: [{ ruleId: 'unresolved-values', message: otherValuesMessage(o), pos: (at.exists ? at : root).pos(), object: { kind: 'Values', name: d.file.split(/[\\/]/).slice(-2).join('/') } }],
  };
}

/** One `unresolved-values` notice for an object that runs Redis, Valkey or KeyDB in a way no adapter evaluates (operator CRs, ApplicationSets, kustomize helmCharts, KeyDB). */
function otherObject(d: LoadedDocument): SourceResult {
  const root = rootOf(d);
  const what = describeOtherRedisObject(root);
  if (!what) return { deployments: [], findings: [] };
  const ref = objectRefOf(root, asString(root.get('kind').value()) ?? 'Object');
  return {
    deployments: [],
    findings: [{ ruleId: 'unresolved-values', message: `${what}: not evaluated yet (redis-lint evaluates the Bitnami redis chart, StatefulSets/Deployments/Pods and redis.conf)`, pos: { ...root.pos(), endLine: root.pos().line, endColumn: root.pos().column }, object: findingObject(ref) }],
  };
}

/**
 * A values document that looks like Bitnami redis values, read as such unless a Chart.yaml beside it
 * names another chart without a `redis` dependency: the values of the mongodb, postgresql or valkey
 * chart share the Bitnami layout (`architecture`, `primary`, `resources`) but are not Redis values.
 * Such a file is left alone, except that a chart named after Redis, Valkey or KeyDB is named in one
 * `unresolved-values` notice (never a silent pass).
 */
function valuesOfChart(d: LoadedDocument, chart: ChartBeside | undefined): SourceResult {
  if (!chart || chart.isRedis) return valuesDeployments([d], chart?.redis, subchartValues(rootOf(d), chart));
  if (!mentionsRedis(chart.name)) return { deployments: [], findings: [] };
  const root = rootOf(d);
  // a values file of valkey, redis-cluster, valkey-cluster or redis-ha (the Chart.yaml beside it names the chart)
  const other = identifyOtherChart(chart.name, undefined, root.value(), undefined) ?? kindOfValues(root.value(), chart.name);
  if (other) return chartValuesDeployments([d], other.kind, chart.version);
  return {
    deployments: [],
    findings: [
      {
        ruleId: 'unresolved-values',
        message: `values of the chart "${chart.name}" (Chart.yaml beside them): not evaluated, redis-lint reads the values of the Bitnami redis chart`,
        pos: root.pos(),
        object: { kind: 'Values', name: d.file.split(/[\\/]/).slice(-2).join('/') },
      },
    ],
  };
}

/**
 * The redis values of an umbrella chart's values document: the map under the redis dependency's
 * values key (its alias) when the sub-chart is not switched off (`enabled: false`, the usual
 * dependency `condition`); undefined otherwise.
 */
function subchartValues(root: ReturnType<typeof rootOf>, chart: ChartBeside | undefined): ReturnType<typeof rootOf> | undefined {
  if (!chart?.valuesKey) return undefined;
  const sub = root.child(chart.valuesKey);
  return sub.kind() === 'map' && sub.get('enabled').value() !== false ? sub : undefined;
}
