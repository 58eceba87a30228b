import type { RedisDeployment, Setting } from '../types.js';
import { parseRedisMemory } from '../model/units.js';
import { savePoints } from './redis-conf.js';

/**
 * Built-in defaults of the redis.conf directives redis-lint reads, i.e. what Redis uses when a
 * directive is absent (src/config.c `standardConfig` table; the shipped redis.conf documents the
 * same values). Version differences are noted per entry.
 */
export const REDIS_DEFAULTS: Record<string, (major: number) => string> = {
  appendonly: () => 'no',
  appendfsync: () => 'everysec',
  'no-appendfsync-on-rewrite': () => 'no',
  'auto-aof-rewrite-percentage': () => '100',
  'auto-aof-rewrite-min-size': () => '64mb',
  'aof-use-rdb-preamble': () => 'yes', // default yes since 5.0
  'aof-load-truncated': () => 'yes',
  maxmemory: () => '0',
  'maxmemory-policy': () => 'noeviction',
  // 7.x config.c `save` default "3600 1 300 100 60 10000"; 6.x and older ship "900 1 300 10 60 10000".
  // Which 6.x release switched (if any) is not verified: 6.x is treated as the old default.
  save: (major) => (major >= 7 ? '3600 1 300 100 60 10000' : '900 1 300 10 60 10000'),
  // repl-diskless-sync default changed to yes in 7.0 (release notes 7.0, config.c)
  'repl-diskless-sync': (major) => (major >= 7 ? 'yes' : 'no'),
  dir: () => './',
  'repl-backlog-size': () => '1mb',
  // config.c default yes: a failed BGSAVE makes Redis refuse writes (MISCONF) until one succeeds
  'stop-writes-on-bgsave-error': () => 'yes',
  hz: () => '10',
};

/** Redis major to assume when the version is unknown: the oldest supported upstream line. */
export const UNKNOWN_REDIS_MAJOR = 7;

/** The effective value of a directive for a deployment: the configured one, else the Redis default anchored at the config. */
export function confValue(dep: RedisDeployment, name: string): Setting<string> {
  const d = dep.config.get(name);
  if (d) return { value: name === 'save' ? d.args.join(' ') : d.args.join(' '), origin: d.origin };
  const major = dep.redisVersion.value?.major ?? UNKNOWN_REDIS_MAJOR;
  const def = REDIS_DEFAULTS[name]?.(major) ?? '';
  return { value: def, origin: { kind: 'default', source: 'redis default', key: name, anchor: dep.configAnchor } };
}

/** A yes/no directive as a boolean (Redis accepts yes/no, case-insensitive). */
export function confBool(dep: RedisDeployment, name: string): Setting<boolean> {
  const s = confValue(dep, name);
  return { value: s.value.trim().toLowerCase() === 'yes', origin: s.origin };
}

/** A memory directive in bytes; null when the value is not a valid Redis memory value. */
export function confBytes(dep: RedisDeployment, name: string): Setting<number | null> {
  const s = confValue(dep, name);
  try {
    return { value: parseRedisMemory(s.value), origin: s.origin };
  } catch {
    return { value: null, origin: s.origin };
  }
}

/** A numeric directive; null when not a number. */
export function confNumber(dep: RedisDeployment, name: string): Setting<number | null> {
  const s = confValue(dep, name);
  const n = Number(s.value.trim());
  return { value: s.value.trim() !== '' && Number.isFinite(n) ? n : null, origin: s.origin };
}

/** RDB save points in effect (configured, or the version's default when `save` is absent). */
export function confSavePoints(dep: RedisDeployment): Setting<Array<{ seconds: number; changes: number }>> {
  const major = dep.redisVersion.value?.major ?? UNKNOWN_REDIS_MAJOR;
  const def = REDIS_DEFAULTS.save(major).split(' ');
  const defaults: Array<{ seconds: number; changes: number }> = [];
  for (let i = 0; i + 1 < def.length; i += 2) defaults.push({ seconds: Number(def[i]), changes: Number(def[i + 1]) });
  return { value: savePoints(dep.config, defaults), origin: confValue(dep, 'save').origin };
}
