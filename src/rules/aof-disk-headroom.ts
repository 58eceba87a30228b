import { formatBytes } from '../model/units.js';
import { formatQuantity } from '../model/volume.js';
import { originPosition } from '../types.js';
import { datasetWords, namedByDatasetWords, volumeWords, workloadList } from './words.js';
import { defineRule, numParam } from './rule.js';
import { persistenceOn } from './facts.js';
import { volumeSizeFix } from './volume-size.js';

/**
 * aof-disk-headroom: the projected steady-state peak on the volume (AOF rewrite: old BASE + INCRs
 * + new BASE + writes meanwhile, plus dump.rdb; or dump.rdb + temp RDB) exceeds the volume minus
 * headroom. aof-rewrite-unreachable supersedes it (engine precedence) when the AOF can never be
 * rewritten: the same volume, the more specific cause.
 */
export const aofDiskHeadroom = defineRule({
  id: 'aof-disk-headroom',
  measure: 'disk',
  meta: {
    description: "The projected peak disk use of the AOF rewrite cycle (old BASE + INCR files + the new BASE being written, plus RDB files) exceeds the volume minus headroom.",
    remediation: "Grow the volume to the recommended size, lower maxmemory, or raise auto-aof-rewrite-percentage only if the disk allows it.",
    incident: "Growing the 50Mi volume to 100Mi (the post-mortem's plan) still leaves no room for a rewrite of a dataset bounded only by the memory limit.",
    category: 'data-loss',
    precision: 'medium',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "helmrelease.yaml", bad: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: redis
  namespace: cache
spec:
  interval: 10m
  chart:
    spec:
      chart: redis
      version: 20.13.3
      sourceRef:
        kind: HelmRepository
        name: bitnami
  values:
    architecture: standalone
    master:
      persistence:
        size: 100Mi
`, good: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: redis
  namespace: cache
spec:
  interval: 10m
  chart:
    spec:
      chart: redis
      version: 20.13.3
      sourceRef:
        kind: HelmRepository
        name: bitnami
  values:
    architecture: standalone
    master:
      persistence:
        size: 1Gi   # above the recommended 720Mi
` }],
  },
  defaults: { severity: 'error', params: {"headroomPercent": 20} },
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
  fix: volumeSizeFix,
});
