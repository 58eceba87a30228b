import { formatBytes, formatSeconds } from '../model/units.js';
import { formatQuantity } from '../model/volume.js';
import { confBool, confBytes, confNumber, confSavePoints, confValue } from '../sources/redis-defaults.js';
import { originLabel, originPosition, type RedisDeployment } from '../types.js';
import { datasetWords, namedByDatasetWords, redisSizeWords, workloadList } from './words.js';
import { numParam, type Rule } from './rule.js';

/** AOF on, or RDB save points in effect. */
export function persistenceOn(dep: RedisDeployment): boolean {
  return confBool(dep, 'appendonly').value || confSavePoints(dep).value.length > 0;
}

/** The volume size as written, for messages ("PVC 50Mi"). */
function volumeWords(dep: RedisDeployment): string {
  const size = dep.volume.size;
  const kind = dep.volume.kind === 'pvc' ? 'PVC' : dep.volume.kind;
  return size ? `${kind} ${formatBytes(size.value)}${originLabel(size.origin)}` : kind;
}


/**
 * aof-rewrite-unreachable: the volume is not larger than auto-aof-rewrite-min-size (serverCron,
 * server.c: a rewrite starts only when aof_current_size > aof_rewrite_min_size), or automatic
 * rewrites are off (auto-aof-rewrite-percentage 0): the AOF only grows until the disk is full.
 */
export const aofRewriteUnreachable: Rule = {
  id: 'aof-rewrite-unreachable',
  needsWorkload: true,
  supersedes: ['aof-disk-headroom'],
  check({ dep, projection }) {
    // percentage 0 disables rewrites whatever the volume size, so it needs no known size (existingClaim);
    // without a data volume persistence-ephemeral reports the AOF instead
    if (!confBool(dep, 'appendonly').value || (!dep.volume.size && dep.volume.kind !== 'pvc')) return [];
    const pct = confNumber(dep, 'auto-aof-rewrite-percentage');
    const min = confBytes(dep, 'auto-aof-rewrite-min-size');
    const volume = dep.volume.size;
    // the time to full is the only number here that uses workload inputs: say which, and from where
    const ttf = projection.disk.timeToFullSeconds;
    const inputs = workloadList(dep, namedByDatasetWords(projection));
    const when = ttf !== null ? ` (full in ${formatSeconds(ttf)}; ${datasetWords(dep, projection)}${inputs ? `; workload: ${inputs}` : ''})` : '';
    // aof-disk-headroom's advice, folded in (this rule supersedes it): the volume the model recommends
    const rec = projection.disk.recommendedVolumeBytes;
    const grow = rec !== null && (!volume || rec > volume.value) ? `; recommended volume ${formatQuantity(rec)}` : '';
    if (pct.value === 0) {
      return [
        {
          message: `auto-aof-rewrite-percentage 0${originLabel(pct.origin)} disables automatic AOF rewrites: the AOF grows until the ${volumeWords(dep)} volume is full${when}${grow}`,
          pos: originPosition(pct.origin),
        },
      ];
    }
    if (volume && min.value !== null && volume.value <= min.value) {
      return [
        {
          message: `${volumeWords(dep)} is ${volume.value < min.value ? 'below' : 'not above'} auto-aof-rewrite-min-size ${redisSizeWords(confValue(dep, 'auto-aof-rewrite-min-size').value, min.value)}${originLabel(min.origin)}: the AOF can never be rewritten and grows until the disk is full${when}${grow}`,
          pos: originPosition(volume.origin),
        },
      ];
    }
    return [];
  },
};

/**
 * aof-disk-headroom: the projected steady-state peak on the volume (AOF rewrite: old BASE + INCRs
 * + new BASE + writes meanwhile, plus dump.rdb; or dump.rdb + temp RDB) exceeds the volume minus
 * headroom. aof-rewrite-unreachable supersedes it (engine precedence) when the AOF can never be
 * rewritten: the same volume, the more specific cause.
 */
export const aofDiskHeadroom: Rule = {
  id: 'aof-disk-headroom',
  needsWorkload: true,
  check({ dep, projection, params }) {
    const volume = dep.volume.size;
    const peak = projection.disk.peakBytes;
    if (!volume || peak === null || !persistenceOn(dep)) return [];
    const headroom = numParam(params, 'headroomPercent', 20) / 100;
    const usable = volume.value * (1 - headroom);
    if (peak <= usable) return [];
    const d = projection.disk;
    const parts: string[] = [];
    if (d.aofEnabled && d.rewriteTriggerBytes !== null) {
      parts.push(`AOF rewrite at ${formatBytes(d.rewriteTriggerBytes)} + new BASE ${formatBytes(d.baseAfterRewriteBytes ?? 0)}`);
    }
    if (d.dumpRdbPresent && projection.rdbBytes !== null) {
      parts.push(`dump.rdb ${formatBytes(projection.rdbBytes)}${d.aofEnabled ? '' : ` + temp RDB ${formatBytes(projection.rdbBytes)} during BGSAVE`}`);
    }
    const recommended = projection.disk.recommendedVolumeBytes ?? peak;
    const inputs = workloadList(dep, namedByDatasetWords(projection));
    return [
      {
        message:
          `projected peak disk use ${formatBytes(peak)} (${parts.join(', ')}; ${datasetWords(dep, projection)}${inputs ? `; workload: ${inputs}` : ''}) exceeds ` +
          `${volumeWords(dep)} minus ${Math.round(headroom * 100)}% headroom (${formatBytes(usable)}): recommended volume ${formatQuantity(recommended)}`,
        pos: originPosition(volume.origin),
      },
    ];
  },
};

/**
 * persistence-ephemeral: AOF or RDB on, but `dir` is on emptyDir or the container filesystem:
 * the files are lost when the pod is rescheduled and count against node ephemeral storage.
 */
export const persistenceEphemeral: Rule = {
  id: 'persistence-ephemeral',
  needsWorkload: true,
  check({ dep }) {
    if (dep.volume.kind !== 'emptyDir' && dep.volume.kind !== 'none') return [];
    const aof = confBool(dep, 'appendonly');
    const save = confSavePoints(dep);
    if (!aof.value && save.value.length === 0) return [];
    const what = aof.value
      ? `appendonly yes${originLabel(aof.origin)}`
      : `RDB snapshots (save ${save.value.map((p) => `${p.seconds} ${p.changes}`).join(' ')}${originLabel(save.origin)})`;
    const where = dep.volume.kind === 'emptyDir' ? 'an emptyDir' : 'the container filesystem (no data volume)';
    return [
      {
        message: `${what} writes to ${where}: the data is lost when the pod moves and counts against node ephemeral storage; mount a PVC or turn persistence off (appendonly no, save "")`,
        pos: originPosition(dep.volume.origin),
      },
    ];
  },
};
