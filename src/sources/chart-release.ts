import { embeddedContext, isStringScalar, parseText } from '../load/documents.js';
import { LayeredVNode, YamlVNode, lazyValue, type VNode } from '../load/vnode.js';
import type { ObjectRef, SourcePosition } from '../types.js';
import { appTemplateDeployments, appTemplateRunsRedis } from './app-template.js';
import { findBitnamiRedisValues, isBitnamiRedisValues } from './bitnami-chart.js';
import { bitnamiDeployments } from './bitnami.js';
import { identifyChart } from './chart-identity.js';
import { identifyOtherChart, umbrellaSubchart } from './chart-kinds.js';
import { chartKindDeployments } from './chart-adapters.js';
import { findingObject, workloadFromAnnotations, type SourceFinding, type SourceResult } from './common.js';
import { describeOtherRedisValues, otherValuesMessage } from './not-evaluated.js';

/**
 * One chart release, however it is written (Flux HelmRelease, Argo CD Application source,
 * helmfile release, kustomize `helmCharts:` entry): which chart from which repository, which
 * version, and the user's values layers. {@link chartReleaseDeployments} identifies the chart and
 * hands the values to the adapter that reads it, so every installer gets the same reading.
 */
export interface ChartRelease {
  /** the chart as written: `redis`, `bitnami/redis`, `oci://registry-1.docker.io/bitnamicharts/redis` */
  chart?: string;
  /** the repository URL when known (HelmRepository/OCIRepository `spec.url`, Argo `repoURL`, helmfile `repositories[].url`) */
  url?: string;
  /** the repository's name when its URL is not in the input (`HelmRepository/bitnami`, `OCIRepository/valkey`), for messages */
  repoName?: string;
  /** the chart version as written (exact, range, `*`); undefined when not given */
  version?: string;
  /** where the version is written (or would be) */
  versionPos: SourcePosition;
  /** why the version is unknown when it cannot be read offline (an OCI digest pin), for the notice */
  versionUnknownWhy?: string;
  /** where the chart is named, for notices about the chart */
  chartPos: SourcePosition;
  /** user values, lowest precedence first (values files, valuesFrom, inline values, `--set`) */
  layers: VNode[];
  object: ObjectRef;
  /** adapter name for RedisDeployment.source (`helmrelease`, `argocd-application`, `helmfile`, `kustomize-helmchart`) */
  source: string;
  /** anchor for chart defaults: the inline values node, else the release */
  anchor: SourcePosition;
  /**
   * The notices for values that could not be read (a valuesFrom Secret not in the input, Argo CD
   * valueFiles): asked for only when the chart is evaluated, with a predicate saying whether the
   * evaluating adapter reads a values path, so that a Flux `targetPath` no rule reads
   * (`auth.password`) is not reported.
   */
  unread?: (reads: (dottedPath: string) => boolean) => SourceFinding[];
}

/**
 * Value paths of the Bitnami redis chart that redis-lint reads (src/sources/bitnami.ts: roles,
 * persistence, resources, config layers, security contexts, probes, grace period, image), for
 * {@link ChartRelease.unread}: a `valuesFrom` `targetPath` outside them (auth.password,
 * metrics.*, networkPolicy.*) changes no finding.
 */
const BITNAMI_REDIS_READ_PATHS: readonly string[] = [
  'architecture',
  'image',
  'commonConfiguration',
  'volumePermissions.enabled',
  'sentinel.enabled',
  'sentinel.terminationGracePeriodSeconds',
  ...['master', 'replica'].flatMap((role) =>
    [
      'configuration',
      'extraFlags',
      'count',
      'replicaCount',
      'persistence',
      'resources',
      'resourcesPreset',
      'podSecurityContext',
      'containerSecurityContext',
      'livenessProbe',
      'startupProbe',
      'customLivenessProbe',
      'customStartupProbe',
      'terminationGracePeriodSeconds',
    ].map((k) => `${role}.${k}`),
  ),
];

/** True when a dotted values path (a Flux `targetPath`) is one redis-lint reads, or holds or lies under one. */
export function bitnamiRedisReadsPath(dotted: string): boolean {
  const p = dotted.replace(/\[(\d+)\]/g, '.$1');
  return BITNAMI_REDIS_READ_PATHS.some((r) => p === r || p.startsWith(r + '.') || r.startsWith(p + '.'));
}

/** Chart names of the Redis family: a release of one of them is named as such, never read through its values' shape. */
const REDIS_FAMILY_CHART = /^(redis|valkey|redis-cluster|valkey-cluster|redis-ha)$/;

/**
 * Identify a release's chart (chart-identity.ts: by repository URL, else by the values' shape) and
 * evaluate it: the Bitnami redis chart (or an umbrella chart carrying it under `redis:`) through
 * bitnami.ts; anything else Redis-family becomes one `unresolved-values` notice naming what it is.
 * When the repository URL is unknown, what the values show wins over the chart's name: an
 * OCIRepository named `valkey` serving bjw-s app-template is an app-template release.
 */
export function chartReleaseDeployments(rel: ChartRelease): SourceResult {
  const obj = findingObject(rel.object);
  // a lazy view: the identity reads a few keys, not a whole (possibly 100,000-key) values map (issue 13)
  const merged = rel.layers.length ? lazyValue(rel.layers.length === 1 ? rel.layers[0] : new LayeredVNode(rel.layers)) : undefined;
  const verdict = identifyChart(rel.chart, rel.url, merged, rel.url ? undefined : rel.repoName);
  const name = (rel.chart ?? '').replace(/\/+$/, '').split('/').pop() ?? '';
  let bitnami = verdict.verdict === 'yes';
  // an umbrella chart (authentik, nextcloud, mastodon, …) that bundles the Bitnami redis chart under
  // `redis:` or an alias key: those values are evaluated unless the sub-chart is switched off
  // (`enabled: false`, the usual dependency condition); the umbrella's version says nothing of the
  // redis sub-chart's
  const subKey = verdict.verdict === 'no' && !/redis|valkey/.test(name) ? bitnamiSubchartKey(merged) : undefined;
  const umbrella = subKey !== undefined;
  if (umbrella) {
    const off = rel.layers.length ? new LayeredVNode(rel.layers).get(subKey).get('enabled').value() === false : false;
    if (off) return { deployments: [], findings: [] };
    bitnami = true;
  }
  // bjw-s app-template running redis-server/valkey-server (also behind an OCIRepository named `valkey` whose URL is unknown)
  if (!bitnami && (name === 'app-template' || !REDIS_FAMILY_CHART.test(name) || !rel.url) && rel.layers.length && appTemplateRunsRedis(new LayeredVNode(rel.layers))) {
    // its own source name: the Bitnami values fixes (`master.configuration`, `master.startupProbe`) do not apply to its values
    const r = appTemplateDeployments(rel.layers, rel.object, 'app-template');
    return { deployments: r.deployments, findings: [...(rel.unread?.(() => true) ?? []), ...r.findings] };
  }
  // Bitnami valkey / redis-cluster / valkey-cluster, valkey-io/valkey-helm, dandydeveloper redis-ha (chart-kinds.ts), or an
  // umbrella chart bringing one of them under its sub-chart key (the umbrella's version says nothing of the sub-chart's)
  const other = bitnami ? undefined : identifyOtherChart(rel.chart, rel.url, merged, rel.url ? undefined : rel.repoName);
  const sub = bitnami || other || REDIS_FAMILY_CHART.test(name) ? undefined : umbrellaSubchart(merged);
  if (other || sub) {
    const r = chartKindDeployments((other ?? sub)!.kind, {
      layers: sub ? rel.layers.map((l) => l.get(sub.key)) : rel.layers,
      object: rel.object,
      chartVersion: sub ? undefined : rel.version,
      chartVersionPos: rel.versionPos,
      versionUnknownWhy: sub ? undefined : rel.versionUnknownWhy,
      source: rel.source,
      anchor: rel.anchor,
      workload: workloadFromAnnotations(rel.object),
    });
    return { deployments: r.deployments, findings: [...(rel.unread?.(() => true) ?? []), ...r.findings] };
  }
  if (!bitnami) {
    const findings: SourceFinding[] = [];
    const inner = verdict.verdict === 'no' || !rel.url ? describeOtherRedisValues(merged, `${rel.chart ?? ''} ${rel.url ?? rel.repoName ?? ''}`) : undefined;
    // the values tell what runs: another chart's values (app-template, an umbrella's sub-chart); when
    // the repository is not in the input, app-template values win over a Redis-family name (an
    // OCIRepository named `valkey` that serves app-template)
    if (inner && (!REDIS_FAMILY_CHART.test(name) || (!rel.url && inner.what.startsWith('bjw-s app-template')))) {
      const top = rel.layers[rel.layers.length - 1];
      const at = top ? inner.path.reduce((n, k) => n.get(k), top) : undefined;
      const o = at?.exists ? at.origin() : top?.origin();
      const p = o ? (o.kind === 'file' ? o.pos : o.anchor) : rel.chartPos;
      const from = rel.url ? '' : rel.repoName ? ` from ${rel.repoName}` : '';
      // one line: a region over the whole values would carry their text (args with passwords) into SARIF snippets
      findings.push({ ruleId: 'unresolved-values', message: `chart "${name || '?'}"${from}: ${otherValuesMessage(inner)}`, pos: { ...p, endLine: p.line, endColumn: p.column }, object: obj });
    } else if (/redis|valkey|keydb/i.test(`${rel.chart ?? ''} ${rel.url ?? rel.repoName ?? ''}`)) {
      const what = `chart "${name || '?'}"${rel.url || rel.repoName ? ` from ${rel.url ?? rel.repoName}` : ''}`;
      findings.push({
        ruleId: 'unresolved-values',
        message:
          verdict.verdict === 'unknown'
            ? `cannot tell whether ${what} is the Bitnami redis chart (${verdict.reason}): not evaluated${rel.url ? '' : '; add the repository (HelmRepository/OCIRepository) to the input'}`
            : otherChartNotice(what, { chart: name, reason: verdict.reason }),
        pos: rel.chartPos,
        object: obj,
      });
    }
    return { deployments: [], findings };
  }
  const findings: SourceFinding[] = rel.unread?.(bitnamiRedisReadsPath) ?? [];
  const result = bitnamiDeployments({
    layers: subKey !== undefined ? rel.layers.map((l) => l.get(subKey)) : rel.layers,
    object: rel.object,
    chartVersion: umbrella ? undefined : rel.version,
    chartVersionPos: rel.versionPos,
    versionUnknownWhy: umbrella ? `the version of the Bitnami redis sub-chart is pinned by chart "${name}"${rel.version ? ` ${rel.version}` : ''} (its Chart.lock), which is not in the input` : rel.versionUnknownWhy,
    source: rel.source,
    anchor: rel.anchor,
    workload: workloadFromAnnotations(rel.object),
  });
  if (subKey !== undefined) for (const d of result.deployments) d.valuesPrefix = [subKey];
  return { deployments: result.deployments, findings: [...findings, ...result.findings] };
}

/**
 * The key of an umbrella chart's values that holds Bitnami redis values: `redis` (the dependency's
 * name), else the first top-level key whose map is Bitnami-redis-shaped (a dependency `alias:`,
 * e.g. `redis-cache:`); undefined when there is none. Reads the top-level keys only.
 */
function bitnamiSubchartKey(values: unknown): string | undefined {
  if (findBitnamiRedisValues(values)?.path[0] === 'redis') return 'redis';
  if (values === null || typeof values !== 'object') return undefined;
  const v = values as Record<string, unknown>;
  return Object.keys(v).find((k) => k !== 'redis' && isBitnamiRedisValues(v[k]));
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

/** Parse a values string held in YAML (a ConfigMap's `values.yaml` key, Argo CD `helm.values`) with positions inside it. */
export function embeddedValues(node: YamlVNode): { layer: VNode } | { error: Omit<SourceFinding, 'object'> } {
  if (!isStringScalar(node.node)) return { layer: node };
  const ctx = embeddedContext(node.node, node.ctx, node.path);
  const parsed = parseText(ctx.text, ctx.file);
  if (parsed.errors.length) {
    const e = parsed.errors[0];
    const at = ctx.locate(offsetOf(ctx.text, e.pos.line, e.pos.column));
    return { error: { ruleId: 'invalid-yaml', message: `${node.path[node.path.length - 1]}: ${e.message}`, pos: { ...e.pos, line: at.line, column: at.col, endLine: at.line, endColumn: at.col, yamlPath: node.pos().yamlPath } } };
  }
  const inner = parsed.documents[0];
  return { layer: inner ? YamlVNode.root(inner.doc, ctx) : node };
}

function offsetOf(text: string, line: number, col: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) off = text.indexOf('\n', off) + 1;
  return off + col - 1;
}
