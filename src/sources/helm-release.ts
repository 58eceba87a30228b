import type { LoadedDocument } from '../load/documents.js';
import { asString, type YamlVNode } from '../load/vnode.js';
import { isBitnamiRedisValues } from './bitnami-chart.js';
import { bitnamiDeployments } from './bitnami.js';
import { findingObject, objectRefOf, rootOf, workloadFromAnnotations, type RunContext, type SourceFinding, type SourceResult } from './common.js';

/** Flux HelmRelease API versions redis-lint reads (helm.toolkit.fluxcd.io v2beta1, v2beta2, v2). */
const HELM_RELEASE_API = /^helm\.toolkit\.fluxcd\.io\/v2(beta1|beta2)?$/;

/** True for a Flux HelmRelease document. */
export function isHelmRelease(root: YamlVNode): boolean {
  return asString(root.get('kind').value()) === 'HelmRelease' && HELM_RELEASE_API.test(asString(root.get('apiVersion').value()) ?? '');
}

/** Which chart a release installs and whether it is Bitnami's `redis`. */
export interface ChartIdentity {
  chart?: string;
  version?: string;
  /** where the source is named (repository name or URL), for messages */
  repo?: string;
  bitnamiRedis: 'yes' | 'no' | 'maybe';
}

/** Classify a chart by name and repository: Bitnami `redis` (not `redis-cluster`), something else, or a `redis` chart from an unknown repository. */
export function classifyChart(chart: string | undefined, repo: string | undefined): ChartIdentity['bitnamiRedis'] {
  const name = (chart ?? '').split('/').pop() ?? '';
  if (name !== 'redis') return 'no';
  if (repo && /bitnami/i.test(repo)) return 'yes';
  return 'maybe';
}

/**
 * Read a Flux HelmRelease of the Bitnami `redis` chart: `spec.chart.spec.{chart,version,sourceRef}`
 * or `spec.chartRef` to an OCIRepository (looked up in the run for its tag and URL).
 * `spec.values` is the user layer; `spec.valuesFrom` cannot be read offline and yields an
 * `unresolved-values` finding at that node. Releases of other charts yield nothing, except
 * other Redis charts, which are reported as not evaluated.
 */
export function helmReleaseDeployments(d: LoadedDocument, run: RunContext): SourceResult {
  const root = rootOf(d);
  const ref = objectRefOf(root, 'HelmRelease');
  const obj = findingObject(ref);
  const spec = root.child('spec');
  const findings: SourceFinding[] = [];
  const chartSpec = spec.child('chart').child('spec');
  let id: ChartIdentity;
  let versionNode = chartSpec.child('version');
  if (chartSpec.exists) {
    const chart = asString(chartSpec.get('chart').value());
    const repo = asString(chartSpec.get('sourceRef').get('name').value());
    id = { chart, version: asString(versionNode.value()), repo, bitnamiRedis: classifyChart(chart, repo) };
  } else {
    const chartRef = spec.child('chartRef');
    const name = asString(chartRef.get('name').value()) ?? '';
    const oci = run.ociRepositories.find((o) => o.name === name);
    versionNode = oci?.tag ?? versionNode;
    const url = oci?.url ?? '';
    const chart = url ? url.split('/').pop() : /redis-cluster|redis-ha/.test(name) ? name : /redis/.test(name) ? 'redis' : name;
    id = { chart, version: asString(versionNode.value()), repo: url || name, bitnamiRedis: classifyChart(chart, url || name) };
  }
  const values = spec.child('values');
  if (id.bitnamiRedis === 'maybe') {
    const v = values.value();
    if (v !== undefined && !isBitnamiRedisValues(v)) id.bitnamiRedis = 'no';
    else if (v !== undefined) id.bitnamiRedis = 'yes';
  }
  if (id.bitnamiRedis !== 'yes') {
    if (/redis|valkey/.test(id.chart ?? '')) {
      findings.push({
        ruleId: 'unresolved-values',
        message: `chart "${id.chart}"${id.repo ? ` from ${id.repo}` : ''} is not the Bitnami redis chart: not evaluated`,
        pos: (chartSpec.exists ? chartSpec : spec.child('chartRef')).pos(),
        object: obj,
      });
    }
    return { deployments: [], findings };
  }
  const valuesFrom = spec.child('valuesFrom');
  if (valuesFrom.exists) {
    const refs = valuesFrom.items().map((i) => `${asString(i.get('kind').value()) ?? '?'}/${asString(i.get('name').value()) ?? '?'}`);
    findings.push({
      ruleId: 'unresolved-values',
      message: `values from ${refs.join(', ')} cannot be read offline: evaluated spec.values and chart defaults only`,
      pos: valuesFrom.pos(),
      object: obj,
    });
  }
  const strayValues = root.child('values');
  if (strayValues.node !== undefined) {
    findings.push({ ruleId: 'values-key-ignored', message: '"values" is outside spec: Flux ignores it (move it to spec.values)', pos: strayValues.pos(), object: obj });
  }
  const result = bitnamiDeployments({
    layers: values.exists ? [values] : [],
    object: ref,
    chartVersion: id.version,
    chartVersionPos: versionNode.exists ? versionNode.pos() : (chartSpec.exists ? chartSpec : spec).pos(),
    source: 'helmrelease',
    anchor: values.exists ? values.pos() : spec.exists ? spec.pos() : ref.pos,
    workload: workloadFromAnnotations(ref),
  });
  return { deployments: result.deployments, findings: [...findings, ...result.findings] };
}
