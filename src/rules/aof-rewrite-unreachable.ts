import { formatSeconds } from '../model/units.js';
import { formatQuantity } from '../model/volume.js';
import { confBool, confBytes, confNumber, confValue } from '../sources/redis-defaults.js';
import { originLabel, originPosition } from '../types.js';
import { datasetWords, namedByDatasetWords, redisSizeWords, volumeWords, workloadList } from './words.js';
import { defineRule } from './rule.js';
import { volumeSizeFix } from './volume-size.js';

/**
 * aof-rewrite-unreachable: the volume is not larger than auto-aof-rewrite-min-size (serverCron,
 * server.c: a rewrite starts only when aof_current_size > aof_rewrite_min_size), or automatic
 * rewrites are off (auto-aof-rewrite-percentage 0): the AOF only grows until the disk is full.
 */
export const aofRewriteUnreachable = defineRule({
  id: 'aof-rewrite-unreachable',
  measure: 'disk',
  meta: {
    description: "The data volume is smaller than the size the AOF must pass before Redis rewrites it for the first time, so the AOF only grows until the disk is full.",
    remediation: "Grow the volume well above auto-aof-rewrite-min-size (see aof-disk-headroom for the size), or lower auto-aof-rewrite-min-size below a third of the volume.",
    incident: "A 50Mi PVC under a Bitnami Redis with appendonly yes: a write spike filled it ('Fail to fsync the AOF file: No space left on device'), the truncated AOF crash-looped the pod and the PVC was deleted with its data.",
    category: 'data-loss',
    precision: 'high',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "values.yaml", bad: `# values for the Bitnami redis chart
architecture: standalone
commonConfiguration: |-
  appendonly yes
  save ""
  maxmemory 200mb
  maxmemory-policy allkeys-lru
master:
  persistence:
    enabled: true
    size: 50Mi
  resources:
    limits:
      memory: 512Mi
`, good: `# values for the Bitnami redis chart
architecture: standalone
commonConfiguration: |-
  appendonly yes
  save ""
  maxmemory 200mb
  maxmemory-policy allkeys-lru
master:
  persistence:
    enabled: true
    size: 2Gi   # well above auto-aof-rewrite-min-size (64mb)
  resources:
    limits:
      memory: 512Mi
` }],
  },
  defaults: { severity: 'error' },
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
  fix: volumeSizeFix,
});
