import { confBool, confSavePoints } from '../sources/redis-defaults.js';
import { originLabel, originPosition } from '../types.js';
import { defineRule } from './rule.js';

/**
 * persistence-ephemeral: AOF or RDB on, but `dir` is on emptyDir or the container filesystem:
 * the files are lost when the pod is rescheduled and count against node ephemeral storage.
 */
export const persistenceEphemeral = defineRule({
  id: 'persistence-ephemeral',
  meta: {
    description: "AOF or RDB persistence is enabled but the data directory is on emptyDir or no volume, so the data is lost on reschedule and the files count against node ephemeral storage.",
    remediation: "Mount a PersistentVolumeClaim at the data directory, or turn persistence off (appendonly no, save \"\") for a pure cache.",
    incident: "Persistence enabled on emptyDir: evicted for ephemeral storage, data gone anyway.",
    category: 'data-loss',
    precision: 'high',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "values.yaml", bad: `architecture: standalone
master:
  persistence:
    enabled: false
  resources:
    limits: {memory: 1Gi}
commonConfiguration: |-
  maxmemory 400mb
  maxmemory-policy allkeys-lru
`, good: `architecture: standalone
master:
  persistence:
    enabled: false
  resources:
    limits: {memory: 1Gi}
commonConfiguration: |-
  # a pure cache: no AOF, no RDB snapshots
  appendonly no
  save ""
  maxmemory 400mb
  maxmemory-policy allkeys-lru
` }],
  },
  defaults: { severity: 'warning' },
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
});
