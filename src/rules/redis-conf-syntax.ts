import { defineRule } from './rule.js';

/** redis-conf-syntax: reported by the redis.conf parser (src/sources/redis-conf.ts: unbalanced quotes, values Redis refuses at start-up), not by a check of its own; its metadata, defaults and docs live here. */
export const redisConfSyntax = defineRule({
  id: 'redis-conf-syntax',
  meta: {
    description: "A redis.conf line Redis cannot parse (unbalanced quotes), so the server refuses to start.",
    remediation: "Fix the quoting of the reported directive.",
    incident: "Redis 7.0.15 refuses `maxmemory 1.5gb` or `appendonly yes # note` at start-up (FATAL CONFIG FILE ERROR): the pod crash-loops on its next restart, while the value read as unset only looked like a missing maxmemory.",
    category: 'configuration',
    precision: 'very-high',
    docs: { scope: 'object', commentSuppressible: true },
    examples: [{ file: "configmap.yaml", bad: `apiVersion: v1
kind: ConfigMap
metadata:
  name: redis-conf
data:
  redis.conf: |
    appendonly yes
    save "3600 1
    maxmemory 400mb
`, good: `apiVersion: v1
kind: ConfigMap
metadata:
  name: redis-conf
data:
  redis.conf: |
    appendonly yes
    save "3600 1"
    maxmemory 400mb
` }],
  },
  defaults: { severity: 'error' },
});
