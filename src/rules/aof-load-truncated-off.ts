import { confBool, confValue } from '../sources/redis-defaults.js';
import { originPosition } from '../types.js';
import { defineRule } from './rule.js';

/**
 * aof-load-truncated-off: with `aof-load-truncated no`, a truncated AOF tail (full disk, node
 * crash) makes Redis refuse to start until redis-check-aof --fix is run by hand
 * (loadSingleAppendOnlyFile in aof.c, "Unexpected end of file").
 */
export const aofLoadTruncatedOff = defineRule({
  id: 'aof-load-truncated-off',
  meta: {
    description: "aof-load-truncated no: a truncated AOF tail after a full disk or a node crash stops Redis from starting.",
    remediation: "Keep aof-load-truncated yes (the default).",
    incident: "A half-written AOF kept a pod in CrashLoopBackOff until someone ran redis-check-aof --fix by hand.",
    category: 'reliability',
    precision: 'very-high',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "values.yaml", bad: `architecture: replication
sentinel:
  enabled: true
commonConfiguration: |-
  appendonly yes
  aof-load-truncated no
  save ""
  maxmemory 400mb
replica:
  replicaCount: 3
  resources:
    limits: {memory: 1Gi}
`, good: `architecture: replication
sentinel:
  enabled: true
commonConfiguration: |-
  appendonly yes
  aof-load-truncated yes
  save ""
  maxmemory 400mb
replica:
  replicaCount: 3
  resources:
    limits: {memory: 1Gi}
` }],
  },
  defaults: { severity: 'warning' },
  needsWorkload: false,
  check({ dep }) {
    if (!confBool(dep, 'appendonly').value) return [];
    const s = confValue(dep, 'aof-load-truncated');
    if (s.value.toLowerCase() !== 'no') return [];
    return [
      {
        message: 'aof-load-truncated no: after a full disk or a node crash the truncated AOF tail stops Redis from starting (CrashLoopBackOff until redis-check-aof --fix); use yes',
        pos: originPosition(s.origin),
      },
    ];
  },
  fix: {
    safe: false,
    description: 'set aof-load-truncated yes in the redis.conf text',
    propose: () => ({ operations: [{ op: 'set-directive', name: 'aof-load-truncated', args: ['yes'] }], description: 'set aof-load-truncated yes in {where}' }),
  },
});
