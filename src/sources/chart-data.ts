import { readFileSync } from 'node:fs';
import semver from 'semver';

/**
 * Charts as data: one folder per chart, `data/charts/<repo>/<chart>/`, holding
 * - `versions.json`: every released chart version with the server version it ships (`appVersion`),
 *   its release commit and date (schema data/charts/versions.schema.json);
 * - `chart.json`: the chart's facts (schema data/charts/chart.schema.json): its default values at the
 *   value paths redis-lint reads, as the defaults of a base version plus one dated change per
 *   release that changed one (each with chart version + commit), the first/last release of every
 *   key the chart reads, the `resourcesPreset` tables (Bitnami charts), and hand-read facts with
 *   their source.
 *
 * `versions.json` and the generated sections of `chart.json` come from the chart repository's
 * history (scripts/gen-bitnami-redis-versions.mjs <git dir> <chart path>); nothing here is typed
 * from memory. This module reads them and answers per chart version.
 */

/** A chart version and the commit that released it (the source of a generated fact). */
export interface ReleaseRef {
  version: string;
  date: string;
  commit: string;
}

/** One release that changed defaults: leaves (dot paths) set to a new value, and leaves gone. */
export interface DefaultsChange extends ReleaseRef {
  set?: Record<string, unknown>;
  unset?: string[];
}

/** First and last release whose values.yaml has a key (no `until`: still in the newest release). */
export interface KeySpan {
  since: string;
  until?: string;
}

/** A `common.resources.preset` table (name → requests/limits) and the release that first shipped it. */
export interface PresetTableEntry {
  version: string;
  date: string;
  /** bitnami/common version the release's Chart.lock names, and the common commit that set it */
  common: string;
  commonCommit: string;
  table: Record<string, { requests: Record<string, string>; limits: Record<string, string> }>;
}

/** The contents of a chart.json (see data/charts/chart.schema.json). */
export interface ChartDataFile {
  chart: string;
  repository: string;
  path: string;
  server: 'redis' | 'valkey';
  sourceHead: string;
  tracked: string[];
  keyParents: string[];
  defaults: { base: ReleaseRef & { values: Record<string, unknown> }; changes: DefaultsChange[] };
  keys: Record<string, KeySpan>;
  presets?: { from: string; tables: PresetTableEntry[] };
  /** hand-read facts, each with its source */
  facts?: Array<{ fact: string; source: { version: string; commit: string; file: string } }>;
}

/** One released chart version (a versions.json entry). */
export interface ChartRelease {
  version: string;
  appVersion: string;
  commit: string;
  date: string;
}

/** A chart's data, read once, with per-version answers. */
export class ChartData {
  readonly file: ChartDataFile;
  readonly releases: readonly ChartRelease[];
  private readonly defaultsCache = new Map<string, Record<string, unknown>>();

  constructor(file: ChartDataFile, releases: readonly ChartRelease[]) {
    this.file = file;
    this.releases = releases;
  }

  /** The newest released version. */
  get latest(): ChartRelease {
    return this.releases[this.releases.length - 1];
  }

  /** The release of an exact version, when it was released. */
  release(version: string): ChartRelease | undefined {
    return this.releases.find((r) => r.version === version);
  }

  /** The highest released version a semver range matches (Helm, Flux and Argo CD install it); undefined when none. */
  highest(range: string): ChartRelease | undefined {
    const best = semver.maxSatisfying(
      this.releases.map((r) => r.version),
      range,
    );
    return best ? this.release(best) : undefined;
  }

  /**
   * The chart's default values (the tracked paths only) at a chart version: the base version's
   * values with every change released at or before `version` applied. A version older than the
   * base gets the base; a newer one than the data gets the newest defaults. A fresh object each
   * call (callers may keep it).
   * @param version an exact version `M.m.p`
   */
  defaultsAt(version: string): Record<string, unknown> {
    let flat = this.defaultsCache.get(version);
    if (!flat) {
      flat = { ...this.file.defaults.base.values };
      for (const c of this.file.defaults.changes) {
        if (semver.gt(c.version, version)) break;
        for (const k of c.unset ?? []) delete flat[k];
        Object.assign(flat, c.set ?? {});
      }
      this.defaultsCache.set(version, flat);
    }
    return unflatten(flat);
  }

  /** The change that set a default leaf (dot path) last at or before `version`: its source. */
  defaultSource(path: string, version: string): ReleaseRef {
    let src: ReleaseRef = this.file.defaults.base;
    for (const c of this.file.defaults.changes) {
      if (semver.gt(c.version, version)) break;
      if (c.set && Object.keys(c.set).some((k) => k === path || k.startsWith(`${path}.`))) src = c;
    }
    return { version: src.version, date: src.date, commit: src.commit };
  }

  /** The first release whose defaults have a leaf (dot path) or a leaf under it; undefined when none does. */
  defaultSince(path: string): string | undefined {
    const has = (o: Record<string, unknown> | undefined): boolean => Object.keys(o ?? {}).some((k) => k === path || k.startsWith(`${path}.`));
    if (has(this.file.defaults.base.values)) return this.file.defaults.base.version;
    return this.file.defaults.changes.find((c) => has(c.set))?.version;
  }

  /**
   * The keys under `parent` (`''` for the top level, `master`, `sentinel`) in any release of chart
   * major `major` (all releases when undefined).
   */
  keysOf(parent: string, major?: number): Set<string> {
    const out = new Set<string>();
    const prefix = parent ? `${parent}.` : '';
    for (const [path, span] of Object.entries(this.file.keys)) {
      if (!path.startsWith(prefix)) continue;
      const key = path.slice(prefix.length);
      if (key.includes('.')) continue;
      if (major !== undefined && (semver.major(span.since) > major || (span.until !== undefined && semver.major(span.until) < major))) continue;
      out.add(key);
    }
    return out;
  }

  /** The first release with a key (dot path), undefined when no release has it. */
  keySince(path: string): string | undefined {
    return this.file.keys[path]?.since;
  }

  /** The `resourcesPreset` table the release of `version` renders (undefined before presets). */
  presetTable(version: string): PresetTableEntry | undefined {
    let out: PresetTableEntry | undefined;
    for (const t of this.file.presets?.tables ?? []) {
      if (semver.gt(t.version, version)) break;
      out = t;
    }
    return out;
  }
}

/** Dot-path leaves back into a tree (`{"a.b": 1}` → `{a: {b: 1}}`). */
function unflatten(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(flat)) {
    const keys = path.split('.');
    let node = out;
    for (const k of keys.slice(0, -1)) {
      const next = node[k];
      node = (next !== null && typeof next === 'object' && !Array.isArray(next) ? next : (node[k] = {})) as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = structuredClone(value);
  }
  return out;
}

const loaded = new Map<string, ChartData>();

/**
 * The data of a chart folder under data/charts (`bitnami/redis`, `bitnami/valkey`), read once.
 * @throws Error when its chart.json or versions.json is missing or not JSON (a broken install)
 */
export function chartData(dir: string): ChartData {
  let d = loaded.get(dir);
  if (!d) {
    const base = new URL(`../../data/charts/${dir}/`, import.meta.url);
    const file = JSON.parse(readFileSync(new URL('chart.json', base), 'utf8')) as ChartDataFile;
    const { versions } = JSON.parse(readFileSync(new URL('versions.json', base), 'utf8')) as { versions: ChartRelease[] };
    d = new ChartData(file, versions);
    loaded.set(dir, d);
  }
  return d;
}
