import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import jsyaml from 'js-yaml';
import { mentionsRedis, type Prefilter, type SkimResult } from '../load/documents.js';
import { isBitnamiRedisValues } from './bitnami-chart.js';
import { looksLikeRedisConf } from './configmap.js';

/**
 * Kinds a Redis document may name and read from the same run: the chart source of a HelmRelease,
 * `valuesFrom` ConfigMaps and Secrets, volumes' ConfigMaps and claims, storage classes.
 */
export const REFERENCED_KINDS: ReadonlySet<string> = new Set(['HelmRepository', 'OCIRepository', 'GitRepository', 'ConfigMap', 'Secret', 'PersistentVolumeClaim', 'StorageClass']);


/**
 * The cheap first pass over a file (issue 17): most files of a GitOps repository have nothing to
 * do with Redis, and the positional parse (`yaml` with a LineCounter) is the run's main cost. A file
 * concerns Redis when its text names Redis, Valkey or KeyDB, or when a document of it is shaped
 * like Bitnami redis values (the values of the redis chart need not name Redis) or is a ConfigMap
 * holding a redis.conf (`appendonly yes` under any key). js-yaml reads the rest several times faster
 * than `yaml`, without positions. A file js-yaml refuses is given to the full parse, which says why
 * exactly (invalid-yaml or invalid-yaml-skipped), as without the first pass.
 * @param file the input's path: values files under a directory named after Redis, Valkey or KeyDB concern it
 * @returns `{ concernsRedis: true }`, or the kind and name of each document for the reference pass,
 *   or undefined when js-yaml cannot read the text
 */
export function skimForRedis(text: string, file?: string): SkimResult | undefined {
  if (mentionsRedis(text)) return { concernsRedis: true };
  let docs: unknown[];
  try {
    docs = jsyaml.loadAll(text, undefined, { schema: jsyaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
  const objects: Array<{ kind?: string; name?: string }> = [];
  for (const d of docs) {
    if (d === null || typeof d !== 'object' || Array.isArray(d)) continue;
    const o = d as Record<string, unknown>;
    const kind = typeof o.kind === 'string' ? o.kind : undefined;
    if (kind === undefined && o.apiVersion === undefined && (isBitnamiRedisValues(o) || isBitnamiRedisValues(o.redis))) return { concernsRedis: true };
    // values in a directory or file named after Redis/Valkey/KeyDB (`apps/valkey/values.yaml`): the chart may be one redis-lint only names
    if (kind === undefined && o.apiVersion === undefined && file !== undefined && mentionsRedis(file.split(/[\\/]/).slice(-3).join('/'))) return { concernsRedis: true };
    // values of an umbrella chart whose Chart.yaml beside them depends on redis (under any alias)
    if (kind === undefined && o.apiVersion === undefined && file !== undefined && chartBesideMentionsRedis(file)) return { concernsRedis: true };
    if (kind === 'ConfigMap' && o.data && typeof o.data === 'object') {
      for (const [k, v] of Object.entries(o.data as Record<string, unknown>)) if (typeof v === 'string' && looksLikeRedisConf(k, v)) return { concernsRedis: true };
    }
    const meta = o.metadata as Record<string, unknown> | undefined;
    objects.push({ kind, name: meta && typeof meta.name === 'string' ? meta.name : undefined });
  }
  return { concernsRedis: false, objects };
}

const chartYamlMentions = new Map<string, boolean>();

/** True when a Chart.yaml in the file's directory names Redis, Valkey or KeyDB (read once per directory per process). */
function chartBesideMentionsRedis(file: string): boolean {
  const dir = path.dirname(path.resolve(file));
  let yes = chartYamlMentions.get(dir);
  if (yes === undefined) {
    try {
      const chart = path.join(dir, 'Chart.yaml');
      yes = statSync(chart).size < 1024 * 1024 && mentionsRedis(readFileSync(chart, 'utf8'));
    } catch {
      yes = false;
    }
    if (chartYamlMentions.size > 10_000) chartYamlMentions.clear();
    chartYamlMentions.set(dir, yes);
  }
  return yes;
}

/** The first pass the CLI's lint and project runs use (LoadOptions.prefilter). */
export const REDIS_PREFILTER: Prefilter = { skim: skimForRedis, referencedKinds: REFERENCED_KINDS };
