import { originPosition, type RedisDeployment, type SourcePosition } from '../types.js';

/**
 * Storage facts only a cluster has: its StorageClasses, and which class each object's data
 * volume asks for. `redis-lint audit` reads them (src/audit/storage.ts) and hands them to the
 * rule through the rule's params ({@link STORAGE_FACTS_PARAM}), so the engine keeps deciding
 * severity, exemptions and `off` as for every rule. An offline `redis-lint lint` has none: the
 * rule then reports nothing (a file does not say what the cluster's classes allow).
 */
export interface StorageFacts {
  /** every StorageClass of the cluster (storage.k8s.io/v1) */
  classes: StorageClassFact[];
  /**
   * by input file name (audit renders one object per file), by data-volume key
   * ({@link storageClaimKey}): the storageClassName the object asks for
   */
  claims: Record<string, Record<string, StorageClaimFact>>;
}

/** One StorageClass, as far as the rule cares. */
export interface StorageClassFact {
  name: string;
  /** `allowVolumeExpansion: true`; false when absent (the Kubernetes default) */
  allowVolumeExpansion: boolean;
  /** annotated `storageclass.kubernetes.io/is-default-class: "true"` */
  isDefault: boolean;
  provisioner?: string;
}

/** What an object asks for as the class of one data volume. */
export interface StorageClaimFact {
  /** the class named; null: none named (the cluster's default class); '': static binding (no class, no dynamic provisioning) */
  storageClassName: string | null;
  /** where it is said (`storageClassName`, `persistence.storageClass`), when it is said */
  pos?: SourcePosition;
  /** how it was worked out, for the message: e.g. `global.storageClass` */
  via?: string;
}

/** The param of `volume-not-expandable` that carries the facts. Set by redis-lint audit; not a config key. */
export const STORAGE_FACTS_PARAM = 'storageFacts';

/**
 * The key of a deployment's data volume among its object's claims: for a Bitnami chart (HelmRelease,
 * Application, values) the persistence block of the role (`master`, `replica`: sentinel nodes use
 * `replica.persistence`); for a StatefulSet the volumeClaimTemplate (`vct:<name>`). Undefined when
 * the volume is not one whose class the object names (an existing claim, an emptyDir).
 */
export function storageClaimKey(dep: RedisDeployment): string | undefined {
  if (dep.volume.kind !== 'pvc') return undefined;
  if (dep.chart) {
    if (dep.volume.claimName) return undefined; // existingClaim: the claim was made elsewhere
    if (dep.chart.name !== 'redis') return undefined; // the claim keys are the Bitnami redis chart's persistence blocks
    return dep.role === 'master' || dep.role === 'standalone' ? 'master' : 'replica';
  }
  if (dep.object.kind === 'StatefulSet' && dep.volume.claimName && /volumeClaimTemplates/.test(originPosition(dep.volume.origin).yamlPath)) return `vct:${dep.volume.claimName}`;
  return undefined;
}

/** The storage facts in a rule's params, when they are there and have the right shape. */
export function factsOf(params: Record<string, unknown>): StorageFacts | undefined {
  const f = params[STORAGE_FACTS_PARAM] as StorageFacts | undefined;
  return f && Array.isArray(f.classes) && typeof f.claims === 'object' ? f : undefined;
}
