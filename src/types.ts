/**
 * Core data shapes shared by every stage of the pipeline (see DESIGN.md):
 * load -> sources (RedisDeployment) -> model (Projection) -> rules (Finding) -> report.
 * Positions are 1-based lines and columns, as editors, SARIF and GitHub show them.
 */

/** A span in an input file. `yamlPath` is a dotted path from the document root (`spec.values.master.persistence.size`). */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  yamlPath: string;
}

/** Where a value came from: a node in a file, a default (chart, Redis, Kubernetes), or nowhere. */
export type Origin =
  | { kind: 'file'; pos: SourcePosition }
  | {
      kind: 'default';
      /** e.g. "chart default" (Bitnami redis 19.x values.yaml), "redis default" (redis.conf), "kubernetes default" */
      source: 'chart default' | 'redis default' | 'kubernetes default' | 'image default' | 'operator default';
      /** the key the default stands for, e.g. `master.persistence.size` or `auto-aof-rewrite-min-size` */
      key: string;
      /** the node a user would edit to override it: the closest existing parent */
      anchor: SourcePosition;
    }
  | {
      kind: 'absent';
      key: string;
      /** the closest existing parent of the missing key */
      anchor: SourcePosition;
    }
  | {
      /** given on the command line (workload inputs: `--dataset-size` etc.), for every deployment of the run */
      kind: 'flag';
      /** the flag as typed, e.g. `--dataset-size` */
      flag: string;
      /** the input it supplies: `dataset-size`, `rdb-size` or `write-rate` */
      key: string;
      /** the object the value was applied to */
      anchor: SourcePosition;
    }
  | {
      /** an entry of the config file (the policy's `workloads:` list) that matched the object */
      kind: 'config';
      /** the entry's value in the config file (yamlPath e.g. `workloads.0.datasetSize`) */
      pos: SourcePosition;
      /** the input it supplies: `dataset-size`, `rdb-size` or `write-rate` */
      key: string;
      /** the object the value was applied to */
      anchor: SourcePosition;
    };

/** A setting's value and where it came from. */
export interface Setting<T> {
  value: T;
  origin: Origin;
}

/** The position a finding about this origin points at: the node itself, or its closest parent. */
export function originPosition(origin: Origin): SourcePosition {
  return origin.kind === 'file' ? origin.pos : origin.anchor;
}

/**
 * Words for an origin in a message: " (chart default)" etc. for a default, " (--dataset-size)" for a
 * flag, " (policy.yaml:12)" for a config entry, "" for a file value or an unset one.
 */
export function originLabel(origin: Origin): string {
  if (origin.kind === 'file') return '';
  if (origin.kind === 'default') return ` (${origin.source})`;
  if (origin.kind === 'flag') return ` (${origin.flag})`;
  if (origin.kind === 'config') return ` (${origin.pos.file}:${origin.pos.line})`;
  return '';
}

/** The Kubernetes (or Flux/Argo) object a deployment was read from. */
export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
  apiVersion?: string;
  /** file path as given on the command line (relative paths stay relative) */
  file: string;
  /** the object's own position (its `metadata` or document root) */
  pos: SourcePosition;
  /** `metadata.annotations` (only string values) */
  annotations: Record<string, string>;
  /** positions of the workload annotations (`redis-lint.io/dataset-size` etc.) among `annotations`, when known */
  annotationPos?: Record<string, SourcePosition>;
}

/** One redis.conf directive after all config layers are applied. `args` as Redis tokenizes them (quotes removed). */
export interface ConfigDirective {
  name: string;
  args: string[];
  origin: Origin;
}

/**
 * The effective redis.conf of one role: lowercase directive name -> last value. `save` lines
 * accumulate as Redis does (each line adds points; `save ""` clears), so `save` holds all points.
 */
export type RedisConfig = Map<string, ConfigDirective>;

export type DataVolumeKind = 'pvc' | 'emptyDir' | 'hostPath' | 'none' | 'other';

/** The volume Redis writes its `dir` (AOF, dump.rdb) to. */
export interface DataVolume {
  kind: DataVolumeKind;
  /** requested size in bytes; absent when unknown (existing claim, emptyDir without sizeLimit) */
  size?: Setting<number>;
  /** where the volume is declared (or where it would be declared when kind is 'none') */
  origin: Origin;
  /** e.g. existingClaim / claimName, for messages */
  claimName?: string;
  mountPath?: string;
}

/** A Kubernetes probe's timing, seconds and counts as in the Pod spec (Kubernetes defaults applied). */
export interface ProbeTiming {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
  /**
   * the probe passes while Redis answers `LOADING`: a tcpSocket probe (the port is open while
   * loading) or the Bitnami chart's ping_liveness_local.sh (templates/health-configmap.yaml accepts LOADING)
   */
  acceptsLoading: boolean;
}

export type RedisRole = 'master' | 'replica' | 'standalone' | 'sentinel-node';

/**
 * Workload facts supplied by the user; bytes and bytes per second. Precedence: flags (origin
 * `flag`) > annotations on the object (origin `file`, yamlPath `metadata.annotations.<key>`) >
 * entries of the config file (origin `config`).
 */
export interface WorkloadInput {
  datasetBytes?: Setting<number>;
  rdbBytes?: Setting<number>;
  writeRateBytesPerSec?: Setting<number>;
  /** average value size of a write, bytes (the pages a write dirties while a fork child lives) */
  valueBytes?: Setting<number>;
}

/**
 * One Redis role of one deployment, normalized from any input kind. Produced by src/sources,
 * consumed by the model and the rules. Every setting carries its origin.
 */
export interface RedisDeployment {
  object: ObjectRef;
  role: RedisRole;
  /** which adapter produced it, e.g. 'bitnami-values', 'helmrelease', 'argocd-application', 'helmfile', 'kustomize-helmchart', 'app-template', 'operator', 'workload' */
  source: string;
  /** chart facts when the input is a chart's values */
  chart?: {
    name: string;
    version?: string;
    major?: number;
    /** where the chart sets what rules advise, when it is not the Bitnami redis chart's keys (`set redis.resources.limits.memory`) */
    advice?: { memoryLimit?: string; failover?: string };
  };
  /**
   * for a sub-chart of an umbrella chart: the key path of its values inside the release's values
   * (`['redis']`, an alias `['cache']`), so that a fix writes there; absent when the values are the chart's own
   */
  valuesPrefix?: string[];
  redisVersion: Setting<{ major: number; minor: number; label: string } | null>;
  /** effective redis.conf (chart/flags/ConfigMap merged); missing directives mean the Redis default */
  config: RedisConfig;
  /** where a new redis.conf directive would be added (ConfigMap key, commonConfiguration, args) */
  configAnchor: SourcePosition;
  /** pods of this role */
  replicas: Setting<number>;
  /** how a failed master is replaced */
  failover: Setting<'sentinel' | 'cluster' | 'operator' | 'none'>;
  /** for a master: how many replicas follow it (0 when none) */
  replicaCount: Setting<number>;
  /** for a replica: whether its master persists data (AOF or RDB); undefined when unknown */
  masterPersistent?: boolean;
  /** for a replica: its master's maxmemory in bytes, which bounds the replicated dataset */
  masterMaxmemory?: Setting<number>;
  volume: DataVolume;
  /** memory limit of the Redis container in bytes, null when there is none */
  memoryLimit: Setting<number | null>;
  memoryRequest?: Setting<number | null>;
  /** pod securityContext.fsGroup, null when unset */
  fsGroup: Setting<number | null>;
  /** effective uid of the Redis process, null when unknown (image default) */
  runAsUser: Setting<number | null>;
  /** true when something fixes volume permissions: Bitnami volumePermissions, a chown init container, or the image entrypoint (official redis/valkey started as root chown their WORKDIR) */
  volumePermissionsInit: boolean;
  image?: Setting<string>;
  livenessProbe: Setting<ProbeTiming | null>;
  startupProbe: Setting<ProbeTiming | null>;
  terminationGracePeriodSeconds: Setting<number>;
  workload: WorkloadInput;
}

export type Severity = 'error' | 'warning' | 'info';

/** A problem found in the input, ready for any report format. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  pos: SourcePosition;
  object?: { kind: string; namespace?: string; name: string };
  role?: RedisRole;
  /** other roles of the same object that had the very same finding (reported once, at one node) */
  alsoRoles?: RedisRole[];
  /**
   * Set on an `unresolved-values` notice that leaves the object's redis.conf unknown, so its
   * other findings assume Redis defaults for it; `configMap` names the ConfigMap that holds it
   * when there is one. Lets a front end (the webhook) act on that without reading the message.
   */
  redisConfUnknown?: { configMap?: string };
}

/** Thrown for input redis-lint cannot read (unparseable YAML, unreadable file); shown as an exit-2 finding. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    readonly pos: SourcePosition,
  ) {
    super(message);
  }
}
