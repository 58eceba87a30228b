import { confBool, confValue } from '../sources/redis-defaults.js';
import { originPosition } from '../types.js';
import type { Rule, RuleResult } from './rule.js';

/**
 * appendfsync-policy: with AOF on, `appendfsync no` leaves flushing to the kernel (about 30 s of
 * writes lost on a crash, redis.conf "APPEND ONLY MODE"), `always` fsyncs every write (latency;
 * and on a write error Redis exits: flushAppendOnlyFile in aof.c, "can't recover"), and
 * `no-appendfsync-on-rewrite yes` skips fsync while a rewrite or BGSAVE runs (up to 30 s lost).
 */
export const appendfsyncPolicy: Rule = {
  id: 'appendfsync-policy',
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
};

/**
 * aof-load-truncated-off: with `aof-load-truncated no`, a truncated AOF tail (full disk, node
 * crash) makes Redis refuse to start until redis-check-aof --fix is run by hand
 * (loadSingleAppendOnlyFile in aof.c, "Unexpected end of file").
 */
export const aofLoadTruncatedOff: Rule = {
  id: 'aof-load-truncated-off',
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
};
