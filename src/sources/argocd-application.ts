import { mentionsRedis, type LoadedDocument } from '../load/documents.js';
import { asString, type VNode, type YamlVNode } from '../load/vnode.js';
import type { ObjectRef } from '../types.js';
import { chartReleaseDeployments, embeddedValues } from './chart-release.js';
import { findingObject, objectRefOf, rootOf, type SourceFinding, type SourceResult } from './common.js';
import { setParametersLayer, type SetParameter } from './helm-set.js';

/**
 * True for an Argo CD Application (`argoproj.io/v1alpha1`), or a bare Application spec as the
 * Argo CD UI exports it (top-level `source`/`sources` and `destination`, no kind).
 */
export function isArgoApplication(root: YamlVNode): boolean {
  const kind = asString(root.get('kind').value());
  if (kind === 'Application') return /^argoproj\.io\//.test(asString(root.get('apiVersion').value()) ?? '');
  return kind === undefined && root.get('destination').exists && (root.get('source').exists || root.get('sources').exists);
}

/**
 * Read an Argo CD Application whose source (or one of `sources`) is the Bitnami `redis` chart
 * (chart `redis` from a Bitnami Helm/OCI repository, or path `bitnami/redis` of the charts Git repo).
 * User values, lowest precedence first (Argo CD's helm source docs): `helm.valueFiles` (not
 * readable offline: `unresolved-values`), `helm.values` (a YAML string: positions point inside
 * it), `helm.valuesObject`, `helm.parameters` (`--set`, dotted names).
 */
export function argoApplicationDeployments(d: LoadedDocument): SourceResult {
  const root = rootOf(d);
  const bare = asString(root.get('kind').value()) === undefined;
  const spec = bare ? root : root.child('spec');
  const ref: ObjectRef = bare
    ? { ...objectRefOf(root, 'Application'), name: asString(spec.get('destination').get('namespace').value()) ?? '(Application spec)' }
    : objectRefOf(root, 'Application');
  const sources = spec.child('sources').exists ? (spec.child('sources').items() as YamlVNode[]) : [spec.child('source')];
  const result: SourceResult = { deployments: [], findings: [] };
  for (const source of sources) {
    const r = sourceDeployments(source, ref);
    result.deployments.push(...r.deployments);
    result.findings.push(...r.findings);
  }
  return result;
}

function sourceDeployments(source: YamlVNode, ref: ObjectRef): SourceResult {
  const obj = findingObject(ref);
  const chart = asString(source.get('chart').value());
  const repo = asString(source.get('repoURL').value());
  const path = asString(source.get('path').value());
  const helm = source.child('helm');
  const findings: SourceFinding[] = [];
  const unread: SourceFinding[] = [];
  const layers: VNode[] = [];
  // valueFiles: external files
  const valueFiles = helm.child('valueFiles');
  if (valueFiles.exists && valueFiles.items().length) {
    const names = valueFiles.items().map((i) => asString(i.value()) ?? '?');
    unread.push({
      ruleId: 'unresolved-values',
      message: `value files ${names.join(', ')} are not read (pass them with --values to evaluate them): evaluated inline values and chart defaults only`,
      pos: valueFiles.pos(),
      object: obj,
    });
  }
  const valuesStr = helm.child('values');
  if (valuesStr.exists) {
    const parsed = embeddedValues(valuesStr);
    if ('layer' in parsed) layers.push(parsed.layer);
    else findings.push({ ...parsed.error, message: `helm.${parsed.error.message}`, object: obj });
  }
  const valuesObject = helm.child('valuesObject');
  if (valuesObject.exists) layers.push(valuesObject);
  const params = helm.child('parameters');
  if (params.exists) {
    const list: SetParameter[] = params.items().map((p) => ({
      name: asString(p.get('name').value()) ?? '',
      value: asString(p.get('value').value()) ?? '',
      forceString: p.get('forceString').value() === true,
      pos: (p as YamlVNode).pos(),
    }));
    layers.push(setParametersLayer(list, params.pos()));
  }
  // a Git source: the chart's own directory in bitnami/charts, or a directory/kustomize source (not a chart)
  const gitChart = !chart && path !== undefined && /(^|\/)bitnami\/redis\/?$/.test(path) && (!repo || /bitnami\/charts/i.test(repo));
  if (!chart && !gitChart) {
    const notice: SourceFinding[] = mentionsRedis(path ?? '')
      ? [{ ruleId: 'unresolved-values', message: `directory source "${path}"${repo ? ` of ${repo}` : ''} (plain manifests or kustomize, not a chart) is rendered by Argo CD from Git: not evaluated here; lint that directory itself`, pos: source.pos(), object: obj }]
      : [];
    return { deployments: [], findings: notice };
  }
  const version = source.child('targetRevision');
  const r = chartReleaseDeployments({
    chart: chart ?? 'redis',
    url: repo,
    // a Git source's targetRevision is a branch or commit, not a chart version
    version: chart ? asString(version.value()) : undefined,
    versionPos: version.exists ? version.pos() : source.pos(),
    chartPos: source.pos(),
    layers,
    object: ref,
    source: 'argocd-application',
    anchor: helm.exists ? helm.pos() : source.pos(),
    unread: () => unread,
  });
  return { deployments: r.deployments, findings: [...findings, ...r.findings] };
}
