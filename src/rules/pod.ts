import { formatSeconds } from '../model/units.js';
import { originLabel, originPosition } from '../types.js';
import { persistenceOn } from './disk.js';
import type { Rule } from './rule.js';

/**
 * data-volume-fsgroup: a persistent data volume, a non-root Redis, no pod fsGroup and no
 * volume-permissions init container: a fresh PVC is owned by root, so Redis cannot create its
 * AOF ("Can't open the append-only file: Permission denied").
 */
export const dataVolumeFsGroup: Rule = {
  id: 'data-volume-fsgroup',
  needsWorkload: true,
  check({ dep }) {
    if (dep.volume.kind !== 'pvc' || !persistenceOn(dep)) return [];
    const uid = dep.runAsUser.value;
    if (uid === null || uid === 0 || dep.fsGroup.value !== null || dep.volumePermissionsInit) return [];
    const group = uid === 999 ? 999 : 1001;
    return [
      {
        message: `Redis runs as uid ${uid}${originLabel(dep.runAsUser.origin)} on a persistent volume with no pod fsGroup and no volume-permissions init container: the AOF/RDB cannot be written (Permission denied); set securityContext.fsGroup: ${group}`,
        pos: originPosition(dep.fsGroup.origin),
      },
    ];
  },
};

/**
 * liveness-kills-loading: Redis answers LOADING until the dataset is loaded; a liveness probe
 * whose budget (initialDelaySeconds + periodSeconds x failureThreshold) is shorter than the
 * projected load time kills it mid-load, forever, unless a startupProbe holds liveness back.
 */
export const livenessKillsLoading: Rule = {
  id: 'liveness-kills-loading',
  needsWorkload: true,
  check({ dep, projection }) {
    const live = dep.livenessProbe.value;
    const load = projection.loadSeconds;
    if (!live || live.acceptsLoading || dep.startupProbe.value || load === null) return [];
    const budget = live.initialDelaySeconds + live.periodSeconds * live.failureThreshold;
    if (budget >= load) return [];
    return [
      {
        message: `liveness budget ${budget}s (initialDelaySeconds ${live.initialDelaySeconds} + periodSeconds ${live.periodSeconds} x failureThreshold ${live.failureThreshold}) is shorter than the projected load time ${formatSeconds(load)} and there is no startupProbe: the pod is killed while loading; add a startupProbe with a budget above ${Math.ceil(load)}s`,
        pos: originPosition(dep.livenessProbe.origin),
      },
    ];
  },
};

/**
 * shutdown-grace-too-short: on SIGTERM Redis with save points does a final blocking SAVE
 * (prepareForShutdown in server.c); a grace period shorter than that gets it SIGKILLed mid-save.
 */
export const shutdownGraceTooShort: Rule = {
  id: 'shutdown-grace-too-short',
  needsWorkload: true,
  check({ dep, projection }) {
    const save = projection.shutdownSaveSeconds;
    const grace = dep.terminationGracePeriodSeconds;
    if (save === null || save <= 0 || grace.value >= save) return [];
    return [
      {
        message: `terminationGracePeriodSeconds ${grace.value}${originLabel(grace.origin)} is shorter than the projected final SAVE on SIGTERM (${formatSeconds(save)}): the pod is killed mid-save; set it above ${Math.ceil(save) + 10}`,
        pos: originPosition(grace.origin),
      },
    ];
  },
};
