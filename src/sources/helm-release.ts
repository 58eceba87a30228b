import type { LoadedDocument } from '../load/documents.js';
import { asString, lazyValue, type YamlVNode } from '../load/vnode.js';
import { findBitnamiRedisValues } from './bitnami-chart.js';
import { bitnamiDeployments } from './bitnami.js';
import { describeOtherRedisValues, otherValuesMessage } from './not-evaluated.js';
import { identifyChart, type BitnamiRedisVerdict } from './chart-identity.js';
import { findRepository, findingObject, objectRefOf, rootOf, workloadFromAnnotations, type RunContext, type SourceFinding, type SourceResult } from './common.js';

/** Flux HelmRelease API versions redis-lint reads (helm.toolkit.fluxcd.io v2beta1, v2beta2, v2). */
const HELM_RELEASE_API = /^helm\.toolkit\.fluxcd\.io\/v2(beta1|beta2)?$/;

/** True for a Flux HelmRelease document. */
export function isHelmRelease(root: YamlVNode): boolean {
  return asString(root.get('kind').value()) === 'HelmRelease' && HELM_RELEASE_API.test(asString(root.get('apiVersion').value()) ?? '');
}

/** Which chart a release installs and whether it is Bitnami's `redis` (see {@link identifyChart}). */
export interface ChartIdentity {
  chart?: string;
  version?: string;
  /** where the source is named (repository URL, or `HelmRepository/name` when its URL is unknown), for messages */
  repo?: string;
  bitnamiRedis: BitnamiRedisVerdict;
  /** why the verdict, for messages */
  reason: string;
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
  const values = spec.child('values');
  const namespace = asString(root.get('metadata').get('namespace').value());
  let chart: string | undefined;
  let url: string | undefined;
  let repoName: string | undefined;
  let versionNode = chartSpec.child('version');
  let anchorNode = chartSpec;
  if (chartSpec.exists) {
    chart = asString(chartSpec.get('chart').value());
    const sourceRef = chartSpec.get('sourceRef');
    const kind = asString(sourceRef.get('kind').value()) ?? 'HelmRepository';
    repoName = asString(sourceRef.get('name').value());
    const refNs = asString(sourceRef.get('namespace').value()) ?? namespace;
    const repo = kind === 'OCIRepository' ? findRepository(run.ociRepositories, repoName, refNs) : findRepository(run.helmRepositories, repoName, refNs);
    url = repo?.url || undefined;
    if (repoName) repoName = `${kind}/${repoName}`;
  } else {
    // spec.chartRef: an OCIRepository (or HelmChart) whose URL ends in the chart
    anchorNode = spec.child('chartRef');
    const name = asString(anchorNode.get('name').value());
    const oci = findRepository(run.ociRepositories, name, asString(anchorNode.get('namespace').value()) ?? namespace);
    url = oci?.url || undefined;
    repoName = name ? `OCIRepository/${name}` : undefined;
    if (oci) versionNode = oci.tag.exists ? oci.tag : oci.semver.exists ? oci.semver : oci.tag;
    // the OCIRepository not in the input: its name is all there is (`bitnami-redis` -> maybe redis, told by the values)
    chart = url ? url.replace(/\/+$/, '').split('/').pop() : name && /redis-(cluster|ha)|valkey/.test(name) ? name : name && /redis/.test(name) ? 'redis' : name;
  }
  // a lazy view: the identity reads a few keys, not a whole (possibly 100,000-key) values map
  const valuesView = lazyValue(values);
  const verdict = identifyChart(chart, url, valuesView, url ? undefined : repoName);
  const id: ChartIdentity = { chart, version: asString(versionNode.value()), repo: url ?? repoName, bitnamiRedis: verdict.verdict, reason: verdict.reason };
  // an umbrella chart (authentik, mastodon, …) that bundles the Bitnami redis chart under `redis:`:
  // those values are evaluated; the umbrella's version says nothing of the redis sub-chart's
  let umbrella = false;
  if (id.bitnamiRedis === 'no' && !/redis|valkey/.test(id.chart ?? '') && findBitnamiRedisValues(valuesView)?.path[0] === 'redis') {
    umbrella = true;
    id.bitnamiRedis = 'yes';
  }
  if (id.bitnamiRedis !== 'yes') {
    const inner = id.bitnamiRedis === 'no' ? describeOtherRedisValues(valuesView, `${id.chart ?? ''} ${id.repo ?? ''}`) : undefined;
    if (inner && !/^(redis|valkey|redis-cluster|valkey-cluster|redis-ha)$/.test(id.chart ?? '')) {
      // app-template running redis-server/valkey-server, an umbrella chart with a Redis-family sub-chart
      const at = inner.path.reduce((n, k) => n.child(k), values);
      const p = (at.exists ? at : values).pos();
      // one line: a region over the whole values would carry their text (args with passwords) into SARIF snippets
      findings.push({ ruleId: 'unresolved-values', message: `chart "${id.chart ?? '?'}": ${otherValuesMessage(inner)}`, pos: { ...p, endLine: p.line, endColumn: p.column }, object: obj });
    } else if (/redis|valkey|keydb/i.test(`${id.chart ?? ''} ${id.repo ?? ''}`)) {
      const what = `chart "${id.chart ?? '?'}"${id.repo ? ` from ${id.repo}` : ''}`;
      findings.push({
        ruleId: 'unresolved-values',
        message:
          id.bitnamiRedis === 'unknown'
            ? `cannot tell whether ${what} is the Bitnami redis chart (${id.reason}): not evaluated; add the HelmRepository/OCIRepository to the input`
            : otherChartNotice(what, id),
        pos: anchorNode.exists ? anchorNode.pos() : spec.pos(),
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
    layers: umbrella ? [values.child('redis')] : values.exists ? [values] : [],
    object: ref,
    chartVersion: umbrella ? undefined : id.version,
    chartVersionPos: versionNode.exists ? versionNode.pos() : (chartSpec.exists ? chartSpec : spec).pos(),
    source: 'helmrelease',
    anchor: values.exists ? values.pos() : spec.exists ? spec.pos() : ref.pos,
    workload: workloadFromAnnotations(ref),
  });
  return { deployments: result.deployments, findings: [...findings, ...result.findings] };
}

/**
 * The notice for a release of another Redis/Valkey chart: what it is and that it is not evaluated
 * (the charts redis-lint reads are listed in docs/inputs.md).
 */
export function otherChartNotice(what: string, id: { chart?: string; reason: string }): string {
  const name = (id.chart ?? '').split('/').pop() ?? '';
  const known: Record<string, string> = {
    valkey: 'a Valkey chart (Bitnami valkey or valkey-io/valkey-helm)',
    'redis-cluster': 'the Bitnami redis-cluster chart (Redis Cluster)',
    'valkey-cluster': 'the Bitnami valkey-cluster chart (Valkey Cluster)',
    'redis-ha': 'the redis-ha chart (dandydeveloper/stable)',
    'app-template': 'a bjw-s app-template release',
  };
  const kind = known[name];
  if (kind) return `${what} is ${kind}: not evaluated yet (redis-lint reads the Bitnami redis chart)`;
  if (name === 'redis') return `${what} is not the Bitnami redis chart (${id.reason}): not evaluated`;
  return `${what} is not the Bitnami redis chart: not evaluated`;
}
