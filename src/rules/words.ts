import type { Projection } from '../model/projection.js';
import { formatBytes } from '../model/units.js';
import { confBytes, confValue } from '../sources/redis-defaults.js';
import { type Origin, originLabel, type RedisDeployment, type WorkloadInput } from '../types.js';

/** How the dataset size was bounded, for messages: "dataset bounded by maxmemory 1gb", "dataset 2Gi from --dataset-size". */
export function datasetWords(dep: RedisDeployment, projection: Projection): string {
  const bytes = projection.dataset.bytes;
  switch (projection.dataset.basis) {
    case 'workload': {
      const given = dep.workload.datasetBytes;
      return `dataset ${formatBytes(bytes ?? 0)} from ${given ? inputSourceWords(given.origin) : 'the workload input'}`;
    }
    case 'maxmemory':
      return dep.config.get('maxmemory') || !dep.masterMaxmemory
        ? `dataset bounded by maxmemory ${redisSizeWords(confValue(dep, 'maxmemory').value, confBytes(dep, 'maxmemory').value)}`
        : `dataset bounded by the master's maxmemory ${formatBytes(dep.masterMaxmemory.value)}`;
    case 'memory-limit':
      return `no maxmemory: dataset bounded by the ${formatBytes(bytes ?? 0)} memory limit${originLabel(dep.memoryLimit.origin)}`;
    default:
      return 'dataset size unknown';
  }
}

/**
 * Where a workload input came from, for messages: the flag ("--dataset-size"), the annotation
 * ("annotation redis-lint.io/write-rate") or the config entry ("config policy.yaml:12").
 */
export function inputSourceWords(origin: Origin): string {
  switch (origin.kind) {
    case 'flag':
      return origin.flag;
    case 'config':
      return `config ${origin.pos.file}:${origin.pos.line}`;
    case 'file': {
      const m = /(?:^|\.)metadata\.annotations\.(.+)$/.exec(origin.pos.yamlPath);
      return m ? `annotation ${m[1]}` : `${origin.pos.file}:${origin.pos.line}`;
    }
    default:
      return origin.key;
  }
}

const WORKLOAD_WORDS: Array<[keyof WorkloadInput, string, string]> = [
  ['datasetBytes', 'dataset', ''],
  ['rdbBytes', 'RDB', ''],
  ['writeRateBytesPerSec', 'write rate', '/s'],
  ['valueBytes', 'value size', ''],
];

/**
 * The workload inputs of a deployment with their sources, for messages:
 * "dataset 2Gi from --dataset-size, write rate 5Mi/s from annotation redis-lint.io/write-rate";
 * "" when none is given.
 * @param skip inputs already named elsewhere in the message (e.g. the dataset by datasetWords)
 */
export function workloadList(dep: RedisDeployment, skip: ReadonlyArray<keyof WorkloadInput> = []): string {
  const parts: string[] = [];
  for (const [field, label, unit] of WORKLOAD_WORDS) {
    const s = dep.workload[field];
    if (s && !skip.includes(field)) parts.push(`${label} ${formatBytes(s.value)}${unit} from ${inputSourceWords(s.origin)}`);
  }
  return parts.join(', ');
}

/**
 * Which workload inputs a projection used and where they came from, for messages:
 * " (workload: dataset 2Gi from --dataset-size, write rate 5Mi/s from annotation redis-lint.io/write-rate)";
 * "" when none is given.
 * @param skip inputs already named elsewhere in the message
 */
export function workloadWords(dep: RedisDeployment, skip: ReadonlyArray<keyof WorkloadInput> = []): string {
  const list = workloadList(dep, skip);
  return list ? ` (workload: ${list})` : '';
}

/** The inputs {@link datasetWords} already names: the dataset when it came from the workload. */
export function namedByDatasetWords(projection: Projection): Array<keyof WorkloadInput> {
  return projection.dataset.basis === 'workload' ? ['datasetBytes'] : [];
}

/**
 * A Redis size as written, for messages: "64mb" as is when it is in whole binary Redis units
 * (kb, mb, gb), else with the Kubernetes size beside it ("94371840 (90Mi)", "64m (61Mi)"), so
 * a message never shows raw bytes alone.
 * @param bytes the value parsed (src/model/units.ts parseRedisMemory), null when it is not a size
 */
export function redisSizeWords(raw: string, bytes: number | null): string {
  const t = raw.trim();
  if (/^\d+(kb|mb|gb)$/i.test(t) || bytes === null) return t;
  return `${t} (${formatBytes(bytes)})`;
}

/** The volume size as written, for messages ("PVC 50Mi"). */
export function volumeWords(dep: RedisDeployment): string {
  const size = dep.volume.size;
  const kind = dep.volume.kind === 'pvc' ? 'PVC' : dep.volume.kind;
  return size ? `${kind} ${formatBytes(size.value)}${originLabel(size.origin)}` : kind;
}
