import type { ModelParams } from '../model/params.js';
import { project, type Projection, type ProjectionInput } from '../model/projection.js';
import type { RedisDeployment } from '../types.js';
import { confBool, confBytes, confNumber, confSavePoints, confValue, UNKNOWN_REDIS_MAJOR } from '../sources/redis-defaults.js';

/** The model's input for a deployment role: its effective config, volume, limit and workload. */
export function projectionInput(dep: RedisDeployment, params: Partial<ModelParams>): ProjectionInput {
  const v = dep.redisVersion.value;
  const pct = confNumber(dep, 'auto-aof-rewrite-percentage').value;
  const volumeBytes = dep.volume.size?.value ?? null;
  return {
    redisVersion: v ? { major: v.major, minor: v.minor } : { major: UNKNOWN_REDIS_MAJOR, minor: 0 },
    role: dep.role === 'replica' ? 'replica' : dep.role === 'standalone' ? 'standalone' : 'master',
    volumeBytes: dep.volume.kind === 'none' ? null : volumeBytes,
    // a replica holds its master's dataset: the master's maxmemory bounds it when the replica sets none
    maxmemoryBytes: confBytes(dep, 'maxmemory').value || dep.masterMaxmemory?.value || null,
    memoryLimitBytes: dep.memoryLimit.value,
    aof: {
      enabled: confBool(dep, 'appendonly').value,
      rewritePercentage: pct !== null && Number.isInteger(pct) && pct >= 0 ? pct : 100,
      rewriteMinSizeBytes: confBytes(dep, 'auto-aof-rewrite-min-size').value ?? 64 * 1024 * 1024,
      useRdbPreamble: confValue(dep, 'aof-use-rdb-preamble').value.toLowerCase() !== 'no',
    },
    rdb: { savePoints: confSavePoints(dep).value, stopWritesOnBgsaveError: confBool(dep, 'stop-writes-on-bgsave-error').value },
    hasReplicas: dep.replicaCount.value > 0,
    replDisklessSync: confBool(dep, 'repl-diskless-sync').value,
    workload: {
      datasetBytes: dep.workload.datasetBytes?.value,
      rdbBytes: dep.workload.rdbBytes?.value,
      writeRateBytesPerSec: dep.workload.writeRateBytesPerSec?.value,
      valueBytes: dep.workload.valueBytes?.value,
    },
    params,
    hz: hzOf(dep),
  };
}

/** `hz` when it is a valid integer (Redis clamps 1..500, config.c); else undefined = the default 10. */
function hzOf(dep: RedisDeployment): number | undefined {
  const hz = confNumber(dep, 'hz').value;
  return hz !== null && Number.isInteger(hz) ? Math.min(500, Math.max(1, hz)) : undefined;
}

/** Project a deployment role (see src/model/projection.ts). */
export function projectDeployment(dep: RedisDeployment, params: Partial<ModelParams>): Projection {
  return project(projectionInput(dep, params));
}
