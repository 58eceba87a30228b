import path from 'node:path';
import type { LoadedDocument } from '../load/documents.js';
import { asString, type VNode, type YamlVNode } from '../load/vnode.js';
import type { ObjectRef } from '../types.js';
import { chartReleaseDeployments } from './chart-release.js';
import { findingObject, rootOf, type RunContext, type SourceFinding, type SourceResult } from './common.js';

/**
 * kustomization.yaml files (kustomize `kustomize.config.k8s.io/v1beta1` Kustomization, also
 * written without apiVersion/kind): what their generators produce, for a Flux HelmRelease whose
 * `valuesFrom` names a generated ConfigMap or Secret. The generator syntax is kustomize's
 * (kubectl.docs.kubernetes.io, "configMapGenerator"): `files: [path]` makes key `basename(path)`,
 * `files: [key=path]` key `key`, `literals: [key=value]`; paths are relative to the
 * kustomization's directory. The name is matched without kustomize's hash suffix: Flux's docs make
 * `valuesFrom` follow it through `nameReference` configurations or `disableNameSuffixHash`.
 */

/** File names kustomize reads as a kustomization (kustomize `konfig.RecognizedKustomizationFileNames`). */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** True for a kustomization document: kind Kustomization of kustomize (not Flux's kustomize.toolkit.fluxcd.io), or kindless with generators or `helmCharts:`. */
export function isKustomization(root: YamlVNode): boolean {
  const kind = asString(root.get('kind').value());
  const api = asString(root.get('apiVersion').value());
  if (kind === 'Kustomization') return api === undefined || /^kustomize\.config\.k8s\.io\//.test(api);
  return kind === undefined && api === undefined && root.kind() === 'map' && ['configMapGenerator', 'secretGenerator', 'helmCharts'].some((k) => root.get(k).exists);
}

/** One key of a generated ConfigMap or Secret: from a file (resolved path) or a literal. */
export interface GeneratedKey {
  kind: 'ConfigMap' | 'Secret';
  /** the generator's `name` (before kustomize's hash suffix) */
  name: string;
  key: string;
  /** the file that becomes the key's value, resolved against the kustomization's directory */
  file?: string;
  /** the literal's value (`key=value`) */
  literal?: string;
  /** the `files`/`literals` item that makes the key */
  node: YamlVNode;
  /** the kustomization file */
  kustomization: string;
}

/**
 * The generated key `key` of the ConfigMap or Secret named `name`, among the kustomizations of
 * the run and those beside `fromFile` (read through the run's file reader).
 * @param fromFile the file of the object that names the generated object (its directory's kustomization is searched)
 */
export function findGeneratedKey(run: RunContext, fromFile: string, kind: 'ConfigMap' | 'Secret', name: string, key: string): GeneratedKey | undefined {
  for (const doc of kustomizationsNear(run, fromFile)) {
    const root = rootOf(doc);
    const list = root.child(kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator');
    for (const gen of list.items() as YamlVNode[]) {
      if (asString(gen.get('name').value()) !== name) continue;
      const dir = path.dirname(doc.file);
      for (const item of gen.child('files').items() as YamlVNode[]) {
        const text = asString(item.value());
        if (!text) continue;
        const eq = text.indexOf('=');
        const file = eq >= 0 ? text.slice(eq + 1) : text;
        const k = eq >= 0 ? text.slice(0, eq) : path.basename(file);
        if (k === key) return { kind, name, key, file: path.resolve(dir, file), node: item, kustomization: doc.file };
      }
      for (const item of gen.child('literals').items() as YamlVNode[]) {
        const text = asString(item.value());
        const eq = text?.indexOf('=') ?? -1;
        if (text && eq > 0 && text.slice(0, eq) === key) return { kind, name, key, literal: text.slice(eq + 1), node: item, kustomization: doc.file };
      }
    }
  }
  return undefined;
}

/** The run's kustomizations in `fromFile`'s directory first, then the kustomization file there on disk, then the run's others. */
function kustomizationsNear(run: RunContext, fromFile: string): LoadedDocument[] {
  const dir = path.resolve(path.dirname(fromFile));
  const out: LoadedDocument[] = run.kustomizations.filter((d) => path.dirname(path.resolve(d.file)) === dir);
  if (!out.length && run.readFile) {
    for (const name of KUSTOMIZATION_FILES) {
      const docs = run.readFile(path.join(dir, name));
      const k = docs?.find((d) => isKustomization(rootOf(d)));
      if (k) {
        out.push(k);
        break;
      }
    }
  }
  for (const d of run.kustomizations) if (!out.includes(d)) out.push(d);
  return out;
}

/**
 * The `helmCharts:` entries of a kustomization (kustomize's builtin HelmChartInflationGenerator,
 * `kustomize build --enable-helm`): `name`, `repo`, `version`, `releaseName`, `namespace`, and the
 * values `helm template` gets, lowest precedence first: `valuesFile` (relative to the
 * kustomization's directory, read and not linted again alone), `additionalValuesFiles`, then
 * `valuesInline`. Each entry goes through chart-release.ts like any other release.
 */
export function helmChartsDeployments(d: LoadedDocument, run: RunContext): SourceResult {
  const root = rootOf(d);
  const out: SourceResult = { deployments: [], findings: [] };
  const dir = path.dirname(d.file);
  for (const entry of root.child('helmCharts').items() as YamlVNode[]) {
    const name = asString(entry.get('name').value());
    if (!name) continue;
    const pos = entry.pos();
    const object: ObjectRef = {
      kind: 'HelmChart',
      name: asString(entry.get('releaseName').value()) ?? name,
      namespace: asString(entry.get('namespace').value()) ?? asString(root.get('namespace').value()),
      file: d.file,
      pos: { ...pos, endLine: pos.line, endColumn: pos.column },
      annotations: {},
    };
    const obj = findingObject(object);
    const layers: VNode[] = [];
    const unread: SourceFinding[] = [];
    const files = [entry.child('valuesFile'), ...(entry.child('additionalValuesFiles').items() as YamlVNode[])];
    for (const f of files) {
      const p = asString(f.value());
      if (!p) continue;
      const docs = /^[a-z]+:\/\//i.test(p) ? undefined : run.readFile?.(path.resolve(dir, p));
      if (!docs?.[0]) {
        unread.push({ ruleId: 'unresolved-values', message: `values file ${p} cannot be read: evaluated without it`, pos: f.pos(), object: obj });
        continue;
      }
      run.consumed.add(path.resolve(docs[0].file));
      layers.push(rootOf(docs[0]));
    }
    const inline = entry.child('valuesInline');
    if (inline.exists) layers.push(inline);
    const version = entry.child('version');
    const r = chartReleaseDeployments({
      chart: name,
      url: asString(entry.get('repo').value()),
      version: asString(version.value()),
      versionPos: version.exists ? version.pos() : pos,
      chartPos: pos,
      layers,
      object,
      source: 'kustomize-helmchart',
      anchor: inline.exists ? inline.pos() : pos,
      unread: () => unread,
    });
    for (const x of r.deployments) out.deployments.push(x);
    for (const x of r.findings) out.findings.push(x);
  }
  return out;
}
