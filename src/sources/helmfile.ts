import path from 'node:path';
import type { LoadedDocument } from '../load/documents.js';
import { asString, type VNode, type YamlVNode } from '../load/vnode.js';
import type { ObjectRef } from '../types.js';
import { chartReleaseDeployments } from './chart-release.js';
import { findingObject, rootOf, type RunContext, type SourceFinding, type SourceResult } from './common.js';
import { setParametersLayer, type SetParameter } from './helm-set.js';

/**
 * helmfile (helmfile/helmfile, docs "The Helmfile configuration"): a `helmfile.yaml` without
 * apiVersion/kind whose `releases:` install charts. Per release: `chart` (`<repository name>/<chart>`
 * with the repository in `repositories: [{name, url, oci}]`, an `oci://` reference, or a local
 * path), `version`, `values` (files relative to the helmfile's directory, or inline maps, later
 * ones winning), `set` (`--set` entries, above the values), `secrets` (helm-secrets files, encrypted:
 * not read), `installed: false` (not installed). A helmfile with template actions (`{{ }}`,
 * `.gotmpl`) is not YAML until helmfile renders it and is skipped by the loader; a templated values
 * file is not read.
 */

/** True for a helmfile document: no apiVersion/kind and a `releases:` list of entries with a `chart`. */
export function isHelmfile(root: YamlVNode): boolean {
  if (root.kind() !== 'map' || root.get('apiVersion').exists || root.get('kind').exists) return false;
  const releases = root.child('releases');
  return releases.kind() === 'seq' && releases.items().some((r) => typeof r.get('chart').value() === 'string');
}

/** RedisDeployments of every release of a helmfile document (chart-release.ts identifies and evaluates each). */
export function helmfileDeployments(d: LoadedDocument, run: RunContext): SourceResult {
  const root = rootOf(d);
  const out: SourceResult = { deployments: [], findings: [] };
  const repos = new Map<string, string>();
  for (const r of root.child('repositories').items()) {
    const name = asString(r.get('name').value());
    const url = asString(r.get('url').value());
    if (name && url) repos.set(name, r.get('oci').value() === true && !url.startsWith('oci://') ? `oci://${url}` : url);
  }
  for (const rel of root.child('releases').items() as YamlVNode[]) {
    if (rel.get('installed').value() === false) continue;
    const r = releaseDeployments(rel, d.file, repos, run);
    for (const x of r.deployments) out.deployments.push(x);
    for (const x of r.findings) out.findings.push(x);
  }
  return out;
}

function releaseDeployments(rel: YamlVNode, file: string, repos: Map<string, string>, run: RunContext): SourceResult {
  const chartRef = asString(rel.get('chart').value()) ?? '';
  const pos = rel.pos();
  const object: ObjectRef = {
    kind: 'HelmfileRelease',
    name: asString(rel.get('name').value()) ?? '(unnamed)',
    namespace: asString(rel.get('namespace').value()),
    file,
    pos: { ...pos, endLine: pos.line, endColumn: pos.column },
    annotations: {},
  };
  const obj = findingObject(object);
  let url: string | undefined;
  let repoName: string | undefined;
  const chart = chartRef.replace(/\/+$/, '').split('/').pop() ?? '';
  if (/^oci:\/\//.test(chartRef)) url = chartRef.slice(0, chartRef.lastIndexOf('/'));
  else if (!/^(\.|\/)/.test(chartRef) && chartRef.includes('/')) {
    repoName = chartRef.split('/')[0];
    url = repos.get(repoName);
  }
  const layers: VNode[] = [];
  const unread: SourceFinding[] = [];
  const dir = path.dirname(file);
  for (const item of rel.child('values').items() as YamlVNode[]) {
    if (item.kind() === 'map') {
      layers.push(item);
      continue;
    }
    const p = asString(item.value());
    if (!p) continue;
    const say = (why: string) => unread.push({ ruleId: 'unresolved-values', message: `values file ${p} ${why}: evaluated without it`, pos: item.pos(), object: obj });
    if (/\.gotmpl$/.test(p) || p.includes('{{')) {
      say('is a template (helmfile renders it)');
      continue;
    }
    const docs = run.readFile?.(path.resolve(dir, p));
    if (!docs?.[0]) {
      say('cannot be read');
      continue;
    }
    run.consumed.add(path.resolve(docs[0].file));
    layers.push(rootOf(docs[0]));
  }
  const secrets = rel.child('secrets');
  if (secrets.items().length) {
    unread.push({ ruleId: 'unresolved-values', message: `secrets ${secrets.items().map((s) => asString(s.value()) ?? '?').join(', ')} are encrypted (helm-secrets): evaluated without them`, pos: secrets.pos(), object: obj });
  }
  const set = rel.child('set');
  if (set.items().length) {
    const list: SetParameter[] = (set.items() as YamlVNode[]).map((p) => ({ name: asString(p.get('name').value()) ?? '', value: asString(p.get('value').value()) ?? '', pos: p.pos() }));
    layers.push(setParametersLayer(list, set.pos()));
  }
  const version = rel.child('version');
  const r = chartReleaseDeployments({
    chart,
    url,
    repoName,
    version: asString(version.value()),
    versionPos: version.exists ? version.pos() : rel.child('chart').pos(),
    chartPos: rel.child('chart').pos(),
    layers,
    object,
    source: 'helmfile',
    anchor: pos,
    unread: () => unread,
  });
  return r;
}
