import { bitnamiRedisEvidence } from './bitnami-chart.js';

/**
 * Chart identity the way Helm, Flux and Argo CD know it: by the repository URL the chart comes from
 * (not by what a HelmRepository happens to be named), and, when that URL is not known, by the shape
 * of the values given to it.
 */

/**
 * Repository URLs that serve Bitnami's charts:
 * - `https://charts.bitnami.com/bitnami` (the classic Helm index),
 * - `oci://registry-1.docker.io/bitnamicharts` (OCI, Bitnami's documented install since 2023; also
 *   written `registry-1.docker.io/bitnamicharts`, `docker.io/bitnamicharts`),
 * - the `bitnamilegacy` / `bitnamichartslegacy` Docker Hub namespaces Bitnami moved its free
 *   artifacts to in August-September 2025 (bitnami/charts README, "Bitnami Secure Images" notice),
 * - the Git repository `github.com/bitnami/charts` (Argo CD `path: bitnami/redis`),
 * - pull-through mirrors that keep the `bitnamicharts` / `bitnamilegacy` path (e.g. `oci://mirror.example/dockerhub/bitnamicharts`).
 */
const BITNAMI_REPO_URL = /charts\.bitnami\.com|(^|[/.])bitnami(charts|chartslegacy|legacy)?(\/|$)|github\.com[/:]bitnami\/charts/i;

/** True when a chart repository URL (Helm index, OCI reference or Git URL) serves Bitnami's charts. */
export function isBitnamiRepoUrl(url: string): boolean {
  return BITNAMI_REPO_URL.test(url.trim());
}

/** How sure redis-lint is that a chart is Bitnami's `redis`. */
export type BitnamiRedisVerdict = 'yes' | 'no' | 'unknown';

/** Result of {@link identifyChart}. */
export interface ChartVerdict {
  verdict: BitnamiRedisVerdict;
  /** why, for messages: `repository oci://…/bitnamicharts`, `values: primary (another Bitnami chart)` */
  reason: string;
}

/**
 * Is a chart the Bitnami `redis` chart (not `redis-cluster`, `valkey`, …)?
 * @param chart chart name (`redis`, `bitnami/redis`, or an OCI reference ending in the chart)
 * @param url the repository URL when known (HelmRepository/OCIRepository `spec.url`, Argo `repoURL`);
 *   undefined when the repository object is not in the input
 * @param values the user values given to the release, when any (a plain object)
 * @param repoName the repository's name when its URL is unknown (a HelmRepository not in the input,
 *   an Argo repo alias): a name saying `bitnami` is taken as a last hint when the values show nothing
 * @returns `yes` from a Bitnami URL or Bitnami-redis-shaped values; `no` for another chart name,
 *   another repository whose chart is named otherwise, or values of another chart's schema;
 *   `unknown` for a chart named `redis` from an unknown repository with values that show neither
 */
export function identifyChart(chart: string | undefined, url: string | undefined, values: unknown, repoName?: string): ChartVerdict {
  const name = (chart ?? '').replace(/\/+$/, '').split('/').pop() ?? '';
  if (name !== 'redis') return { verdict: 'no', reason: `chart "${name || '?'}"` };
  if (url && isBitnamiRepoUrl(url)) return { verdict: 'yes', reason: `repository ${url}` };
  if (values !== undefined) {
    const e = bitnamiRedisEvidence(values);
    if (e.negative.length) return { verdict: 'no', reason: `its values are of another chart (${e.negative[0]})` };
    if (e.verdict) return { verdict: 'yes', reason: `its values are Bitnami redis values (${e.positive.slice(0, 2).join(', ')})` };
  }
  if (!url && repoName && /bitnami/i.test(repoName)) return { verdict: 'yes', reason: `repository named "${repoName}" (its URL is not in the input)` };
  return {
    verdict: 'unknown',
    reason: url ? `repository ${url} is not a known Bitnami repository and the values do not show the chart` : 'its repository is not in the input and the values do not show the chart',
  };
}
