import type { LoadedDocument } from '../load/documents.js';
import { asString } from '../load/vnode.js';
import type { RedisDeployment, SourcePosition } from '../types.js';
import { argoApplicationDeployments, isArgoApplication } from './argocd-application.js';
import { rootOf, type RunContext, type SourceFinding } from './common.js';
import { configMapEntry, configMapDeployments } from './configmap.js';
import { helmReleaseDeployments, isHelmRelease } from './helm-release.js';
import { bitnamiValuesRoot, valuesDeployments } from './values-file.js';
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
  /** chart version for a values file, by file path (from a Chart.yaml beside it) */
  chartVersionOf?: (file: string) => { version: string; pos: SourcePosition } | undefined;
}

/**
 * Turn loaded documents into RedisDeployments, one adapter per input kind:
 * Flux HelmRelease, Argo CD Application, StatefulSet/Deployment/Pod (+ ConfigMaps of the run),
 * ConfigMaps with a redis.conf no workload mounts, and Bitnami values files. Documents of
 * other kinds are skipped quietly. Pure: reads nothing but the documents given.
 */
export function collectDeployments(documents: LoadedDocument[], opts: CollectOptions = {}): CollectResult {
  const run: RunContext = { configMaps: [], valuesFiles: opts.valuesDocs ?? [], ociRepositories: [] };
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
      });
      return 'other';
    }
    if (isHelmRelease(root)) return 'helmrelease';
    if (isArgoApplication(root)) return 'argocd';
    if (isRedisWorkload(root)) return 'workload';
    if (bitnamiValuesRoot(root)) return 'values';
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
    else if (kinds[i] === 'workload') add(workloadDeployments(d, run, pvcs));
    else if (kinds[i] === 'values') add(valuesDeployments([d], opts.chartVersionOf?.(d.file)));
  });
  const referenced = configMapsReferencedBy(workloads, run);
  for (const e of run.configMaps) add(configMapDeployments(e.doc, run, referenced));
  if (opts.valuesDocs?.length) add(valuesDeployments(opts.valuesDocs, opts.chartVersionOf?.(opts.valuesDocs[0].file)));
  return out;
}
