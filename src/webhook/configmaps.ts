import { existsSync } from 'node:fs';

/**
 * ConfigMaps a StatefulSet or Deployment mounts, read from the cluster so the engine sees the
 * redis.conf the pods will run with (the CLI reads them from the files of the run). Behind an
 * interface: tests inject a fake; in a cluster the reader uses `@kubernetes/client-node`, loaded
 * only when it is needed. Without a reader, or when a read fails, the engine reports the
 * ConfigMap as `unresolved-values` (not among the inputs), as the CLI does.
 */

/** Reads one ConfigMap. */
export interface ConfigMapReader {
  /**
   * @returns the ConfigMap as JSON (`apiVersion`, `kind`, `metadata`, `data`), or undefined when it does not exist
   * @throws on any other failure (no permission, API server unreachable)
   */
  read(namespace: string, name: string): Promise<Record<string, unknown> | undefined>;
}

/** Service-account files every pod gets (unless automountServiceAccountToken is false). */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** True when this process runs in a Kubernetes pod with a service-account token (in-cluster config works). */
export function inCluster(): boolean {
  return !!process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN);
}

/**
 * A reader that uses the pod's service account (`KubeConfig.loadFromCluster`, CoreV1Api
 * `readNamespacedConfigMap`; needs RBAC `get` on `configmaps`). `@kubernetes/client-node` is
 * imported here, on first use, so the CLI and webhooks outside a cluster never load it.
 * @returns undefined when not running in a cluster
 */
export async function inClusterConfigMapReader(): Promise<ConfigMapReader | undefined> {
  if (!inCluster()) return undefined;
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromCluster();
  const api = kc.makeApiClient(k8s.CoreV1Api);
  return {
    async read(namespace, name) {
      try {
        const cm = await api.readNamespacedConfigMap({ name, namespace });
        return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: cm.data ?? {} };
      } catch (e) {
        if ((e as { code?: number }).code === 404) return undefined;
        throw e;
      }
    },
  };
}

export { referencedConfigMaps } from '../sources/pod-spec.js';

/** What {@link fetchConfigMaps} got. */
export interface FetchedConfigMaps {
  found: Array<Record<string, unknown>>;
  /** ConfigMaps that do not exist (the pod would not start either) */
  missing: string[];
  /** ConfigMaps that could not be read, with the reason (error message or `timeout`) */
  failed: Array<{ name: string; reason: string }>;
}

/**
 * Read several ConfigMaps of one namespace at once, giving up on each after `timeoutMs` (the API
 * server's webhook timeout is short: the review goes on without what did not arrive).
 * @param limit at most this many are read (the first ones); the rest count as failed
 */
export async function fetchConfigMaps(reader: ConfigMapReader, namespace: string, names: readonly string[], timeoutMs: number, limit = 8): Promise<FetchedConfigMaps> {
  const out: FetchedConfigMaps = { found: [], missing: [], failed: [] };
  for (const name of names.slice(limit)) out.failed.push({ name, reason: `more than ${limit} ConfigMaps mounted` });
  await Promise.all(
    names.slice(0, limit).map(async (name) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
        timer.unref();
      });
      try {
        const r = await Promise.race([reader.read(namespace, name), timeout]);
        if (r === 'timeout') out.failed.push({ name, reason: `timeout after ${timeoutMs} ms` });
        else if (r === undefined) out.missing.push(name);
        else out.found.push(r);
      } catch (e) {
        out.failed.push({ name, reason: (e as Error)?.message ?? String(e) });
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return out;
}
