import { confBool, confValue } from '../sources/redis-defaults.js';
import { originPosition } from '../types.js';
import type { RuleResult } from './rule.js';
import { defineRule } from './rule.js';
import type { FixOperation } from '../fix/operations.js';

/**
 * appendfsync-policy: with AOF on, `appendfsync no` leaves flushing to the kernel (about 30 s of
 * writes lost on a crash, redis.conf "APPEND ONLY MODE"), `always` fsyncs every write (latency;
 * and on a write error Redis exits: flushAppendOnlyFile in aof.c, "can't recover"), and
 * `no-appendfsync-on-rewrite yes` skips fsync while a rewrite or BGSAVE runs (up to 30 s lost).
 */
export const appendfsyncPolicy = defineRule({
  id: 'appendfsync-policy',
  meta: {
    description: "appendfsync no (up to ~30 s of writes lost on a crash), appendfsync always (write latency, and Redis exits on a disk error), or no-appendfsync-on-rewrite yes (writes during a rewrite are not fsynced).",
    remediation: "Use appendfsync everysec and no-appendfsync-on-rewrite no unless you accept the trade-off.",
    incident: "appendfsync left at a risky value.",
    category: 'data-loss',
    precision: 'very-high',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "values.yaml", bad: `architecture: replication
sentinel:
  enabled: true
commonConfiguration: |-
  appendonly yes
  appendfsync no
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
  appendfsync everysec
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
    const out: RuleResult[] = [];
    const fsync = confValue(dep, 'appendfsync');
    const v = fsync.value.toLowerCase();
    if (v === 'no') {
      out.push({ message: 'appendfsync no: the kernel decides when to flush, up to ~30 s of acknowledged writes lost on a node crash; use everysec', pos: originPosition(fsync.origin) });
    } else if (v === 'always') {
      out.push({
        message: 'appendfsync always: every write waits for an fsync (latency on network volumes), and Redis exits on the first fsync error (e.g. a full disk); use everysec unless you need it',
        pos: originPosition(fsync.origin),
      });
    }
    const onRewrite = confBool(dep, 'no-appendfsync-on-rewrite');
    if (onRewrite.value) {
      out.push({ message: 'no-appendfsync-on-rewrite yes: no fsync while a rewrite or BGSAVE runs, up to ~30 s of writes lost on a crash then; use no', pos: originPosition(onRewrite.origin) });
    }
    return out;
  },
  fix: {
    safe: false,
    description: 'set appendfsync everysec (and no-appendfsync-on-rewrite no) in the redis.conf text',
    propose({ dep }) {
      const operations: FixOperation[] = [];
      const words: string[] = [];
      const fsync = (dep.config.get('appendfsync')?.args[0] ?? 'everysec').toLowerCase();
      if (fsync !== 'everysec') {
        operations.push({ op: 'set-directive', name: 'appendfsync', args: ['everysec'] });
        words.push(`appendfsync everysec (was ${fsync}) in {where${operations.length - 1}}`);
      }
      const onRewrite = (dep.config.get('no-appendfsync-on-rewrite')?.args[0] ?? 'no').toLowerCase();
      if (onRewrite === 'yes') {
        operations.push({ op: 'set-directive', name: 'no-appendfsync-on-rewrite', args: ['no'] });
        words.push(`no-appendfsync-on-rewrite no in {where${operations.length - 1}}`);
      }
      return operations.length ? { operations, description: `set ${words.join(', ')}` } : 'nothing to change';
    },
  },
});
