import { confBool, confSavePoints } from '../sources/redis-defaults.js';
import type { RedisDeployment } from '../types.js';

/** Facts several rules derive from a deployment the same way. */

/** AOF on, or RDB save points in effect. */
export function persistenceOn(dep: RedisDeployment): boolean {
  return confBool(dep, 'appendonly').value || confSavePoints(dep).value.length > 0;
}
