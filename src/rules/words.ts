import type { Projection } from '../model/projection.js';
import { formatBytes } from '../model/units.js';
import { confValue } from '../sources/redis-defaults.js';
import { originLabel, type RedisDeployment } from '../types.js';

/** How the dataset size was bounded, for messages: "dataset bounded by maxmemory 1gb". */
export function datasetWords(dep: RedisDeployment, projection: Projection): string {
  const bytes = projection.dataset.bytes;
  switch (projection.dataset.basis) {
    case 'workload':
      return `dataset ${formatBytes(bytes ?? 0)} from the workload input`;
    case 'maxmemory':
      return dep.config.get('maxmemory') || !dep.masterMaxmemory
        ? `dataset bounded by maxmemory ${confValue(dep, 'maxmemory').value}`
        : `dataset bounded by the master's maxmemory ${formatBytes(dep.masterMaxmemory.value)}`;
    case 'memory-limit':
      return `no maxmemory: dataset bounded by the ${formatBytes(bytes ?? 0)} memory limit${originLabel(dep.memoryLimit.origin)}`;
    default:
      return 'dataset size unknown';
  }
}

/** Which inputs a projection used beyond the config, for messages ("write rate 5Mi/s"). */
export function workloadWords(dep: RedisDeployment): string {
  const w = dep.workload;
  const parts: string[] = [];
  if (w.datasetBytes) parts.push(`dataset ${formatBytes(w.datasetBytes.value)}`);
  if (w.rdbBytes) parts.push(`RDB ${formatBytes(w.rdbBytes.value)}`);
  if (w.writeRateBytesPerSec) parts.push(`write rate ${formatBytes(w.writeRateBytesPerSec.value)}/s`);
  return parts.length ? ` (workload: ${parts.join(', ')})` : '';
}
