import { referencedConfigMaps } from '../sources/pod-spec.js';
import type { KubeObject } from './objects.js';

/**
 * The network half of `redis-lint audit`: read the objects redis-lint lints from a cluster with
 * `@kubernetes/client-node` (its KubeConfig, authentication, TLS and API clients), imported here
 * on first use so `redis-lint lint` never loads it. Only GET requests (list, and get for
 * ConfigMaps), never Secrets.
 */

/** Where to connect and what to read. */
export interface ClusterOptions {
  /** a kubeconfig file; default: $KUBECONFIG, ~/.kube/config, else the pod's service account */
  kubeconfig?: string;
  /** a context of the kubeconfig; default: its current context */
  context?: string;
  /** one namespace; default: all namespaces */
  namespace?: string;
}

/** A list that could not be read, and why. */
export interface ListProblem {
  /** e.g. `statefulsets.apps`, `configmaps cache/redis-conf` */
  resource: string;
  status: number;
  message: string;
}

/** What was read from the cluster. */
export interface ClusterRead {
  /** the kubeconfig context (for the synthetic file names) */
  context: string;
  server: string;
  /** StatefulSets, Deployments, HelmReleases, Applications, ConfigMaps and StorageClasses, each with apiVersion and kind */
  objects: KubeObject[];
  /** false when the StorageClasses could not be listed */
  storageClassesKnown: boolean;
  /** resources whose CRD the cluster does not serve (404): skipped */
  missing: string[];
  /** lists the credentials may not read (403): not audited, never a silent pass */
  forbidden: ListProblem[];
  /** other failures of single lists (5xx...) */
  failed: ListProblem[];
}

/** The cluster cannot be used at all: no kubeconfig, unknown context, unreachable, unauthorized. */
export class ClusterError extends Error {
  override name = 'ClusterError';
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The HTTP status of a client-node ApiException, undefined for a network or TLS failure. */
function statusOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The message of a Kubernetes Status body, or the error's own. */
function messageOf(e: unknown): string {
  const body = (e as { body?: unknown })?.body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
  }
  if (isObj(parsed) && typeof parsed.message === 'string') return parsed.message;
  const m = (e as Error)?.message ?? String(e);
  return m.split('\n')[0];
}

/** A typed client-node model back to the JSON the API server sent (Dates to RFC 3339 strings, no undefined fields). */
function plain(o: unknown): KubeObject {
  return JSON.parse(JSON.stringify(o)) as KubeObject;
}

const PAGE = 500;

/**
 * Read everything an audit lints. A list that is not served (404: the CRD is not installed) is
 * skipped; a forbidden one (403) is recorded in `forbidden`; a network, TLS or authentication
 * failure throws {@link ClusterError}.
 */
export async function readCluster(opts: ClusterOptions, notice: (message: string) => void = () => {}): Promise<ClusterRead> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    if (opts.kubeconfig !== undefined) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    throw new ClusterError(`cannot load kubeconfig${opts.kubeconfig ? ' ' + opts.kubeconfig : ''}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context)) throw new ClusterError(`context "${opts.context}" is not in the kubeconfig (contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ClusterError('the kubeconfig has no cluster for its current context');
  const context = kc.getCurrentContext() || 'in-cluster';
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const storage = kc.makeApiClient(k8s.StorageV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const ns = opts.namespace;
  const where = ns ? `namespace ${ns}` : 'all namespaces';
  const out: ClusterRead = { context, server: cluster.server, objects: [], storageClassesKnown: false, missing: [], forbidden: [], failed: [] };

  /** A fatal failure (network, TLS, 401) or a per-list one. */
  const classify = (resource: string, e: unknown): 'missing' | 'recorded' => {
    const status = statusOf(e);
    if (status === undefined) throw new ClusterError(`cannot reach the API server ${cluster.server}: ${messageOf(e)}`);
    if (status === 401) throw new ClusterError(`the API server ${cluster.server} refused the credentials of context "${context}" (401 Unauthorized): ${messageOf(e)}`);
    if (status === 404) return 'missing';
    const problem = { resource, status, message: messageOf(e) };
    if (status === 403) {
      out.forbidden.push(problem);
      notice(`forbidden: cannot list ${resource} in ${where} (403: ${problem.message}): those objects were NOT audited; grant get/list on them (docs/audit.md)`);
    } else {
      out.failed.push(problem);
      notice(`cannot list ${resource} in ${where} (HTTP ${status}: ${problem.message}): those objects were NOT audited`);
    }
    return 'recorded';
  };

  /** Page through a list; items get apiVersion and kind (list items come without them). */
  const list = async (resource: string, apiVersion: string, kind: string, page: (cont: string | undefined) => Promise<unknown>): Promise<KubeObject[] | 'missing' | 'recorded'> => {
    const items: KubeObject[] = [];
    let cont: string | undefined;
    try {
      do {
        const r = plain(await page(cont));
        for (const item of Array.isArray(r.items) ? r.items : []) items.push({ apiVersion, kind, ...(item as KubeObject) });
        const meta = isObj(r.metadata) ? r.metadata : {};
        cont = typeof meta._continue === 'string' && meta._continue ? meta._continue : typeof meta.continue === 'string' && meta.continue ? meta.continue : undefined;
      } while (cont);
    } catch (e) {
      return classify(resource, e);
    }
    return items;
  };

  const workloads: KubeObject[] = [];
  for (const [plural, kind] of [
    ['statefulsets', 'StatefulSet'],
    ['deployments', 'Deployment'],
  ] as const) {
    const r = await list(`${plural}.apps`, 'apps/v1', kind, (_continue) =>
      kind === 'StatefulSet'
        ? ns
          ? apps.listNamespacedStatefulSet({ namespace: ns, limit: PAGE, _continue })
          : apps.listStatefulSetForAllNamespaces({ limit: PAGE, _continue })
        : ns
          ? apps.listNamespacedDeployment({ namespace: ns, limit: PAGE, _continue })
          : apps.listDeploymentForAllNamespaces({ limit: PAGE, _continue }),
    );
    if (Array.isArray(r)) workloads.push(...r);
    else if (r === 'missing') notice(`${plural}.apps is not served by the API server (404): skipped`);
  }
  out.objects.push(...workloads);

  // custom resources: Flux HelmReleases (v2, else v2beta2), Argo CD Applications; a CRD that is not installed is skipped
  const crds: Array<{ group: string; versions: string[]; plural: string; kind: string }> = [
    { group: 'helm.toolkit.fluxcd.io', versions: ['v2', 'v2beta2'], plural: 'helmreleases', kind: 'HelmRelease' },
    { group: 'argoproj.io', versions: ['v1alpha1'], plural: 'applications', kind: 'Application' },
  ];
  for (const crd of crds) {
    let served = false;
    for (const version of crd.versions) {
      const r = await list(`${crd.plural}.${crd.group}/${version}`, `${crd.group}/${version}`, crd.kind, (_continue) =>
        ns
          ? custom.listNamespacedCustomObject({ group: crd.group, version, namespace: ns, plural: crd.plural, limit: PAGE, _continue })
          : custom.listClusterCustomObject({ group: crd.group, version, plural: crd.plural, limit: PAGE, _continue }),
      );
      if (r === 'missing') continue;
      served = true;
      if (Array.isArray(r)) out.objects.push(...r);
      break;
    }
    if (!served) notice(`${crd.plural}.${crd.group} (${crd.versions.join(', ')}) is not served by the API server (404: CRD not installed): ${crd.kind}s skipped`);
  }

  // StorageClasses (cluster-scoped), for volume-not-expandable
  const classes = await list('storageclasses.storage.k8s.io', 'storage.k8s.io/v1', 'StorageClass', (_continue) => storage.listStorageClass({ limit: PAGE, _continue }));
  if (Array.isArray(classes)) {
    out.objects.push(...classes);
    out.storageClassesKnown = true;
  } else {
    notice('StorageClasses could not be listed: volume-not-expandable was not checked');
  }

  // the ConfigMaps the workloads mount, read by name (a redis.conf); never Secrets
  const seen = new Set<string>();
  for (const w of workloads) {
    const meta = isObj(w.metadata) ? w.metadata : {};
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;
    if (!namespace) continue;
    for (const name of referencedConfigMaps(w)) {
      const key = `${namespace}/${name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        const cm = plain(await core.readNamespacedConfigMap({ name, namespace }));
        out.objects.push({ apiVersion: 'v1', kind: 'ConfigMap', ...cm });
      } catch (e) {
        const status = statusOf(e);
        if (status === 404) continue; // does not exist: the engine says the ConfigMap is not among the inputs
        if (status === 403) {
          out.forbidden.push({ resource: `configmaps ${key}`, status, message: messageOf(e) });
          notice(`forbidden: cannot get ConfigMap ${key} (403: ${messageOf(e)}): its redis.conf was NOT audited`);
          continue;
        }
        classify(`configmaps ${key}`, e);
      }
    }
  }
  return out;
}
