import { appendfsyncPolicy, aofLoadTruncatedOff } from './config.js';
import { aofDiskHeadroom, aofRewriteUnreachable, persistenceEphemeral } from './disk.js';
import { forkMemoryHeadroom, maxmemoryUnset, memoryLimitMissing } from './memory.js';
import { dataVolumeFsGroup, livenessKillsLoading, shutdownGraceTooShort } from './pod.js';
import type { Rule } from './rule.js';
import { volumeNotExpandable } from './storage.js';
import { replicasFailover } from './topology.js';

/** Every deployment rule, in report order. Source-level ids (unresolved-values, values-key-ignored, invalid-yaml) come from src/sources and src/load. */
export const RULES: readonly Rule[] = [
  aofRewriteUnreachable,
  aofDiskHeadroom,
  forkMemoryHeadroom,
  maxmemoryUnset,
  memoryLimitMissing,
  dataVolumeFsGroup,
  appendfsyncPolicy,
  persistenceEphemeral,
  replicasFailover,
  aofLoadTruncatedOff,
  livenessKillsLoading,
  shutdownGraceTooShort,
  volumeNotExpandable,
];

/** Ids reported by the sources, the loader and the inline suppressions (src/policy/suppressions.ts) rather than by a Rule. */
export const SOURCE_RULE_IDS = ['unresolved-values', 'values-key-ignored', 'redis-conf-syntax', 'invalid-yaml', 'helm-template-skipped', 'invalid-yaml-skipped', 'unused-suppression', 'invalid-suppression'] as const;

/** Every rule id redis-lint knows, in `redis-lint rules` order: the deployment rules, then the source-level ids. */
export const ALL_RULE_IDS: readonly string[] = [...RULES.map((r) => r.id), ...SOURCE_RULE_IDS];
