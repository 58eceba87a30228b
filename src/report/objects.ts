import type { RedisDeployment } from '../types.js';
import type { ReportInput } from './types.js';

/**
 * `ReportInput.objects` from a run's deployments: each object once (by file, kind, namespace and
 * name), at the line of the object, in the order of the deployments.
 */
export function reportObjects(deployments: readonly Pick<RedisDeployment, 'object'>[]): ReportInput['objects'] {
  const seen = new Set<string>();
  const objects: Array<ReportInput['objects'][number]> = [];
  for (const { object: o } of deployments) {
    const key = `${o.file}\0${o.kind}\0${o.namespace ?? ''}\0${o.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    objects.push({ kind: o.kind, ...(o.namespace ? { namespace: o.namespace } : {}), name: o.name, file: o.file, line: o.pos.line });
  }
  return objects;
}
