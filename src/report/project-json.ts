import type { Origin, Setting, WorkloadInput } from '../types.js';
import { WORKLOAD_FIELDS } from '../sources/common.js';
import { probeBudgetSeconds, type ProjectRow } from './project-common.js';

/** Where one workload input came from, in the JSON report. */
export type JsonInputSource =
  | { source: 'flag'; flag: string }
  | { source: 'annotation'; annotation: string; file: string; line: number }
  | { source: 'config'; file: string; line: number }
  | { source: 'file'; file: string; line: number };

/** One workload input in the JSON report: bytes (per second for the rate) and its source; null when not given. */
export type JsonWorkloadInput = ({ value: number } & JsonInputSource) | null;

/** One deployment role in the `redis-lint project --format json` report. Bytes, seconds; unknown numbers are null. */
export interface JsonProjectedDeployment {
  object: { kind: string; namespace: string | null; name: string };
  role: string;
  file: string;
  line: number;
  workload: { datasetBytes: JsonWorkloadInput; rdbBytes: JsonWorkloadInput; writeRateBytesPerSec: JsonWorkloadInput; valueBytes: JsonWorkloadInput };
  dataset: { bytes: number | null; basis: string } | null;
  disk: {
    volumeBytes: number | null;
    rewriteTriggerBytes: number | null;
    rewriteUnreachable: boolean | null;
    peakBytes: number | null;
    /** largest dataset whose steady-state disk cycle fits the volume with the headroom (0: none does); null without a volume */
    maxDatasetBytes: number | null;
    recommendedVolumeBytes: number | null;
    recommendedVolume: string | null;
    timeToFullSeconds: number | null;
  };
  memory: {
    limitBytes: number | null;
    maxmemoryBytes: number | null;
    forkPeakBytes: number | null;
    forkHappens: boolean | null;
    /** largest dataset whose fork peak fits the memory limit (0: none does); null without a limit */
    maxDatasetBytes: number | null;
  };
  loadSeconds: number | null;
  probes: { livenessBudgetSeconds: number | null; startupBudgetSeconds: number | null };
  assumptions: string[];
  /** input that could not be used (e.g. an annotation that is not a size) */
  notes: string[];
  /** why the model could not project this role (impossible numbers); null when it could */
  error: string | null;
}

function sourceOf(origin: Origin): JsonInputSource {
  switch (origin.kind) {
    case 'flag':
      return { source: 'flag', flag: origin.flag };
    case 'config':
      return { source: 'config', file: origin.pos.file, line: origin.pos.line };
    case 'file': {
      const m = /(?:^|\.)metadata\.annotations\.(.+)$/.exec(origin.pos.yamlPath);
      return m ? { source: 'annotation', annotation: m[1], file: origin.pos.file, line: origin.pos.line } : { source: 'file', file: origin.pos.file, line: origin.pos.line };
    }
    default:
      return { source: 'file', file: origin.anchor.file, line: origin.anchor.line };
  }
}

function input(s: Setting<number> | undefined): JsonWorkloadInput {
  return s ? { value: s.value, ...sourceOf(s.origin) } : null;
}

/** The JSON shape of one row (see {@link formatProjectJson}). */
export function projectRowJson(row: ProjectRow): JsonProjectedDeployment {
  const { dep } = row;
  const p = row.projection instanceof Error ? null : row.projection;
  const workload = Object.fromEntries(WORKLOAD_FIELDS.map((f) => [f, input(dep.workload[f as keyof WorkloadInput])])) as JsonProjectedDeployment['workload'];
  return {
    object: { kind: dep.object.kind, namespace: dep.object.namespace ?? null, name: dep.object.name },
    role: dep.role,
    file: dep.object.file,
    line: dep.object.pos.line,
    workload,
    dataset: p ? { bytes: p.dataset.bytes, basis: p.dataset.basis } : null,
    disk: {
      volumeBytes: p ? p.disk.volumeBytes : (dep.volume.size?.value ?? null),
      rewriteTriggerBytes: p?.disk.rewriteTriggerBytes ?? null,
      rewriteUnreachable: p?.disk.rewriteUnreachable ?? null,
      peakBytes: p?.disk.peakBytes ?? null,
      maxDatasetBytes: p?.disk.maxDatasetBytes ?? null,
      recommendedVolumeBytes: p?.disk.recommendedVolumeBytes ?? null,
      recommendedVolume: p?.disk.recommendedVolume ?? null,
      timeToFullSeconds: p?.disk.timeToFullSeconds ?? null,
    },
    memory: {
      limitBytes: p ? p.memory.limitBytes : dep.memoryLimit.value,
      maxmemoryBytes: p?.memory.maxmemoryBytes ?? null,
      forkPeakBytes: p?.memory.forkPeakBytes ?? null,
      forkHappens: p?.memory.forkHappens ?? null,
      maxDatasetBytes: p?.memory.maxDatasetBytes ?? null,
    },
    loadSeconds: p?.loadSeconds ?? null,
    probes: {
      livenessBudgetSeconds: dep.livenessProbe.value ? probeBudgetSeconds(dep.livenessProbe.value) : null,
      startupBudgetSeconds: dep.startupProbe.value ? probeBudgetSeconds(dep.startupProbe.value) : null,
    },
    assumptions: p?.assumptions ?? [],
    notes: row.notes,
    error: row.projection instanceof Error ? row.projection.message : null,
  };
}

/**
 * The `redis-lint project --format json` report, one document:
 * `{"deployments":[{"object":{"kind","namespace","name"},"role","file","line","workload":{...},
 * "dataset","disk":{"volumeBytes","rewriteTriggerBytes","rewriteUnreachable","peakBytes",
 * "maxDatasetBytes","recommendedVolumeBytes","recommendedVolume","timeToFullSeconds"},"memory":{"limitBytes",
 * "maxmemoryBytes","forkPeakBytes","forkHappens","maxDatasetBytes"},"loadSeconds","probes","assumptions","notes","error"}]}`.
 * Bytes and seconds as numbers; unknown numbers and a missing namespace are null. Each
 * `workload` input is null or `{value, source: "flag"|"annotation"|"config", ...where}`.
 * An annotation source names its key (`redis-lint.io/dataset-size` etc.) and its file and line.
 * @returns the JSON text, ending in a newline
 */
export function formatProjectJson(rows: readonly ProjectRow[]): string {
  return JSON.stringify({ deployments: rows.map(projectRowJson) }, null, 2) + '\n';
}
