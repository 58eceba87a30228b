import { mentionsRedis, parseText, embeddedContext, isStringScalar, type LoadedDocument } from '../load/documents.js';
import { YamlVNode, asString, type VNode } from '../load/vnode.js';
import type { ObjectRef } from '../types.js';
import { bitnamiDeployments } from './bitnami.js';
import { findingObject, objectRefOf, rootOf, workloadFromAnnotations, type SourceFinding, type SourceResult } from './common.js';
import { identifyChart } from './chart-identity.js';
import { otherChartNotice } from './helm-release.js';
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
  const layers: VNode[] = [];
  // valueFiles: external files
  const valueFiles = helm.child('valueFiles');
  if (valueFiles.exists && valueFiles.items().length) {
    const names = valueFiles.items().map((i) => asString(i.value()) ?? '?');
    findings.push({
      ruleId: 'unresolved-values',
      message: `value files ${names.join(', ')} are not read (pass them with --values to evaluate them): evaluated inline values and chart defaults only`,
      pos: valueFiles.pos(),
      object: obj,
    });
  }
  const valuesStr = helm.child('values');
  if (valuesStr.exists && isStringScalar(valuesStr.node)) {
    const ctx = embeddedContext(valuesStr.node, valuesStr.ctx, valuesStr.path);
    const parsed = parseText(ctx.text, ctx.file);
    const inner = parsed.documents[0];
    if (parsed.errors.length) {
      // map the inner error position into the file
      const e = parsed.errors[0];
      const at = ctx.locate(offsetOf(ctx.text, e.pos.line, e.pos.column));
      findings.push({ ruleId: 'invalid-yaml', message: `helm.values: ${e.message}`, pos: { ...e.pos, line: at.line, column: at.col, endLine: at.line, endColumn: at.col, yamlPath: valuesStr.pos().yamlPath }, object: obj });
    } else if (inner) {
      layers.push(YamlVNode.root(inner.doc, ctx));
    }
  } else if (valuesStr.exists) {
    layers.push(valuesStr);
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
  if (!chart) {
    // a Git source: the chart's own directory in bitnami/charts, or a directory/kustomize source (not a chart)
    if (path && /(^|\/)bitnami\/redis\/?$/.test(path) && (!repo || /bitnami\/charts/i.test(repo))) {
      // the Bitnami redis chart from its Git repository: evaluated below
    } else {
      const notice: SourceFinding[] = mentionsRedis(path ?? '')
        ? [{ ruleId: 'unresolved-values', message: `directory source "${path}"${repo ? ` of ${repo}` : ''} (plain manifests or kustomize, not a chart) is rendered by Argo CD from Git: not evaluated here; lint that directory itself`, pos: source.pos(), object: obj }]
        : [];
      return { deployments: [], findings: notice };
    }
  } else {
    const merged = layers.map((l) => l.value()).find((v) => v !== undefined);
    const id = identifyChart(chart, repo, merged);
    if (id.verdict !== 'yes') {
      // another chart: only a Redis-looking one is worth a notice (value-file notices would be noise)
      const what = `chart "${chart}"${repo ? ` from ${repo}` : ''}`;
      const notice: SourceFinding[] = mentionsRedis(`${chart} ${repo ?? ''}`)
        ? [{ ruleId: 'unresolved-values', message: id.verdict === 'unknown' ? `cannot tell whether ${what} is the Bitnami redis chart (${id.reason}): not evaluated` : otherChartNotice(what, { chart, reason: id.reason }), pos: source.pos(), object: obj }]
        : [];
      return { deployments: [], findings: notice };
    }
  }
  const version = source.child('targetRevision');
  const r = bitnamiDeployments({
    layers,
    object: ref,
    chartVersion: chart ? asString(version.value()) : undefined,
    chartVersionPos: version.exists ? version.pos() : source.pos(),
    source: 'argocd-application',
    anchor: helm.exists ? helm.pos() : source.pos(),
    workload: workloadFromAnnotations(ref),
  });
  return { deployments: r.deployments, findings: [...findings, ...r.findings] };
}

function offsetOf(text: string, line: number, col: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) off = text.indexOf('\n', off) + 1;
  return off + col - 1;
}
