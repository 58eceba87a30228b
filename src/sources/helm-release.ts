import path from 'node:path';
import type { LoadedDocument } from '../load/documents.js';
import { asString, type VNode, type YamlVNode } from '../load/vnode.js';
import { chartReleaseDeployments, embeddedValues, type ChartRelease } from './chart-release.js';
import { findConfigMap, findRepository, findingObject, objectRefOf, rootOf, type OciRepositoryEntry, type RunContext, type SourceFinding, type SourceResult } from './common.js';
import { setParametersLayer } from './helm-set.js';
import { findGeneratedKey } from './kustomize.js';

/** Flux HelmRelease API versions redis-lint reads (helm.toolkit.fluxcd.io v2beta1, v2beta2, v2). */
const HELM_RELEASE_API = /^helm\.toolkit\.fluxcd\.io\/v2(beta1|beta2)?$/;

/** True for a Flux HelmRelease document. */
export function isHelmRelease(root: YamlVNode): boolean {
  return asString(root.get('kind').value()) === 'HelmRelease' && HELM_RELEASE_API.test(asString(root.get('apiVersion').value()) ?? '');
}

/**
 * Read a Flux HelmRelease: `spec.chart.spec.{chart,version,sourceRef}` or `spec.chartRef` to an
 * OCIRepository (looked up in the run for its URL and `ref`), and its values, lowest precedence
 * first: `spec.valuesFrom` entries in order (see {@link valuesFromLayers}), then `spec.values`
 * (Flux helm-controller: "values from valuesFrom are merged in order, spec.values last").
 * chart-release.ts identifies the chart and evaluates it; releases of other charts yield nothing,
 * other Redis charts a notice.
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
  let versionUnknownWhy: string | undefined;
  let versionText: string | undefined;
  let versionPos = versionNode.exists ? versionNode.pos() : (chartSpec.exists ? chartSpec : spec).pos();
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
    if (oci) {
      ({ node: versionNode, unknownWhy: versionUnknownWhy, version: versionText } = ociVersion(oci));
      versionPos = versionNode.pos(); // a missing ref: the OCIRepository's spec
    }
    // the OCIRepository not in the input: its name is all there is (`bitnami-redis` -> maybe redis, told by the values)
    chart = url ? url.replace(/\/+$/, '').split('/').pop() : name && /redis-(cluster|ha)|valkey/.test(name) ? name : name && /redis/.test(name) ? 'redis' : name;
  }
  const from = valuesFromLayers(spec.child('valuesFrom'), d.file, run, obj);
  const result = chartReleaseDeployments({
    chart,
    url,
    repoName,
    version: versionUnknownWhy ? undefined : (asString(versionNode.value()) ?? versionText),
    versionPos,
    versionUnknownWhy,
    chartPos: anchorNode.exists ? anchorNode.pos() : spec.pos(),
    layers: [...from.layers, ...(values.exists ? [values] : [])],
    object: ref,
    source: 'helmrelease',
    anchor: values.exists ? values.pos() : spec.exists ? spec.pos() : ref.pos,
    unread: from.unread,
  });
  // `values:` beside spec, on a release redis-lint evaluates
  const strayValues = root.child('values');
  if (strayValues.node !== undefined && result.deployments.length) {
    findings.push({ ruleId: 'values-key-ignored', message: '"values" is outside spec: Flux ignores it (move it to spec.values)', pos: strayValues.pos(), object: obj });
  }
  return { deployments: result.deployments, findings: [...findings, ...from.findings, ...result.findings] };
}

/**
 * The chart version an OCIRepository pins, with Flux's precedence (source-controller
 * OCIRepositoryRef: `digest` over `semver` over `tag`; no ref pulls tag `latest`):
 * - `semver`: a range, resolved to its highest release (chart-versions.ts);
 * - `tag`: the version, also when a `digest` is given beside it (Renovate writes both, in step);
 * - `digest` alone: no version can be read offline (`unknownWhy` says so);
 * - no ref: `latest` (the newest release).
 */
function ociVersion(oci: OciRepositoryEntry): { node: YamlVNode; version?: string; unknownWhy?: string } {
  if (oci.semver.exists) return { node: oci.semver };
  if (oci.tag.exists) return { node: oci.tag };
  if (oci.digest.exists) {
    const digest = asString(oci.digest.value()) ?? '';
    return { node: oci.digest, unknownWhy: `OCIRepository "${oci.name}" pins the chart by digest ${digest.length > 19 ? digest.slice(0, 19) + '…' : digest} with no tag: its version cannot be read offline` };
  }
  return { node: oci.tag, version: 'latest' };
}

/** What `spec.valuesFrom` adds: values layers in order, the notice for entries that cannot be read, and findings about them. */
interface ValuesFrom {
  layers: VNode[];
  unread: NonNullable<ChartRelease['unread']>;
  findings: SourceFinding[];
}

/**
 * Read `spec.valuesFrom` (Flux helm-controller ValuesReference: `kind` ConfigMap|Secret, `name`,
 * `valuesKey` default `values.yaml`, `targetPath` sets one value with Helm's `--set-string`
 * syntax, `optional`) from what the run has:
 * - a ConfigMap of the run: its `data.<valuesKey>` string, parsed with positions inside it;
 * - a ConfigMap or Secret made by a kustomize `configMapGenerator`/`secretGenerator` (in a
 *   kustomization of the run or beside the HelmRelease): the generator's file is read as a values
 *   file (and not linted again on its own), a literal as the targetPath's value;
 * anything else is unread: one notice at `valuesFrom`, given only when the chart is evaluated and
 * naming only entries whose targetPath (if any) the adapter reads. A SOPS-encrypted file is unread.
 */
function valuesFromLayers(list: YamlVNode, file: string, run: RunContext, obj: SourceFinding['object']): ValuesFrom {
  const out: ValuesFrom = { layers: [], unread: () => [], findings: [] };
  const missing: Array<{ what: string; why?: string; targetPath?: string }> = [];
  for (const item of list.items() as YamlVNode[]) {
    const kind = asString(item.get('kind').value()) ?? '?';
    const name = asString(item.get('name').value()) ?? '?';
    const key = asString(item.get('valuesKey').value()) ?? 'values.yaml';
    const targetPath = asString(item.get('targetPath').value());
    const what = `${kind}/${name}${key !== 'values.yaml' ? ` (key ${key})` : ''}${targetPath ? ` at ${targetPath}` : ''}`;
    const unread = (why?: string) => missing.push({ what, why, targetPath });
    const cm = kind === 'ConfigMap' ? findConfigMap(run, name, undefined, file) : undefined;
    if (cm && cm.data.child(key).exists) {
      const node = cm.data.child(key);
      if (targetPath) out.layers.push(setParametersLayer([{ name: targetPath, value: asString(node.value()) ?? '', forceString: true, pos: node.pos() }], node.pos()));
      else {
        const parsed = embeddedValues(node);
        if ('layer' in parsed) out.layers.push(parsed.layer);
        else out.findings.push({ ...parsed.error, object: obj });
      }
      continue;
    }
    const gen = kind === 'ConfigMap' || kind === 'Secret' ? findGeneratedKey(run, file, kind, name, key) : undefined;
    if (gen?.literal !== undefined) {
      if (targetPath) out.layers.push(setParametersLayer([{ name: targetPath, value: gen.literal, forceString: true, pos: gen.node.pos() }], gen.node.pos()));
      else unread(`the literal ${gen.key} of the kustomize generator in ${path.basename(gen.kustomization)} is not a values file`);
      continue;
    }
    if (gen?.file) {
      const docs = run.readFile?.(gen.file);
      const doc = docs?.[0];
      if (!doc) {
        unread(`its kustomize ${kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator'} file ${path.relative(path.dirname(gen.kustomization), gen.file)} cannot be read`);
        continue;
      }
      const groot = rootOf(doc);
      if (groot.get('sops').exists) {
        unread(`its file ${path.basename(gen.file)} is SOPS-encrypted`);
        continue;
      }
      run.consumed.add(path.resolve(doc.file));
      if (targetPath) out.layers.push(setParametersLayer([{ name: targetPath, value: doc.ctx.text, forceString: true, pos: gen.node.pos() }], gen.node.pos()));
      else out.layers.push(groot);
      continue;
    }
    unread();
  }
  if (missing.length) {
    out.unread = (reads) => {
      const said = missing.filter((m) => m.targetPath === undefined || reads(m.targetPath));
      if (!said.length) return [];
      const reasons = said.map((m) => (m.why ? `${m.what} (${m.why})` : m.what));
      return [{ ruleId: 'unresolved-values', message: `values from ${reasons.join(', ')} cannot be read offline: evaluated spec.values and chart defaults only`, pos: list.pos(), object: obj }];
    };
  }
  return out;
}
