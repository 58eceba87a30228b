import type { LoadedDocument } from '../load/documents.js';
import { YamlVNode, asNumber, asString, type VNode } from '../load/vnode.js';
import { InputError, type ConfigDirective, type ObjectRef, type Origin, type ProbeTiming, type RedisDeployment, type Setting, type SourcePosition, type WorkloadInput } from '../types.js';
import { UnitError, parseQuantity, parseSize, unlessUnitError } from '../model/units.js';

/** A finding a source adapter reports about its input (misplaced keys, unresolved values); severity comes from the policy. */
export interface SourceFinding {
  ruleId: string;
  message: string;
  pos: SourcePosition;
  object?: { kind: string; namespace?: string; name: string };
  role?: RedisDeployment['role'];
  /** see Finding.redisConfUnknown */
  redisConfUnknown?: { configMap?: string };
}

/** What an adapter returns for one document. */
export interface SourceResult {
  deployments: RedisDeployment[];
  findings: SourceFinding[];
}

/** A ConfigMap seen anywhere in the run, for workloads that mount a redis.conf. */
export interface ConfigMapEntry {
  name: string;
  namespace?: string;
  /** the `data` map of the ConfigMap */
  data: YamlVNode;
  doc: LoadedDocument;
}

/** Facts shared by all documents of one run. */
export interface RunContext {
  /** all ConfigMaps of the run */
  configMaps: ConfigMapEntry[];
  /** extra values files given with --values, applied (in order) on top of each plain Bitnami values input */
  valuesFiles: LoadedDocument[];
  /** Flux OCIRepositories of the run, for HelmRelease `spec.chartRef` and `sourceRef` */
  ociRepositories: OciRepositoryEntry[];
  /** Flux HelmRepositories of the run (name, namespace, URL), for HelmRelease `sourceRef` */
  helmRepositories: HelmRepositoryEntry[];
  /** kustomizations of the run (kustomization.yaml documents), for generated ConfigMaps/Secrets and `helmCharts:` */
  kustomizations: LoadedDocument[];
  /** reads a file an input refers to (helmfile values, a kustomize generator's file); absent: no file is read (the webhook) */
  readFile?: FileReader;
  /** resolved paths of files read as a release's values: not linted again on their own */
  consumed: Set<string>;
}

/**
 * Reads a YAML file that an input refers to by path (a helmfile release's values file, the file
 * a kustomize configMapGenerator turns into the ConfigMap a HelmRelease's `valuesFrom` names, a
 * Chart.lock). The path is absolute or relative to the working directory. Returns the documents
 * (the run's own when the file is among the inputs), or undefined when it cannot be read (missing,
 * too large, not YAML): the caller then says the values were not read.
 */
export type FileReader = (file: string) => LoadedDocument[] | undefined;

/** A Flux HelmRepository (`source.toolkit.fluxcd.io`): its name, namespace and `spec.url`. */
export interface HelmRepositoryEntry {
  name: string;
  namespace?: string;
  url: string;
}

/**
 * The repository object a Flux `sourceRef`/`chartRef` names: same name, and same namespace (the
 * reference's namespace defaults to the HelmRelease's; a namespace-less side matches any).
 */
export function findRepository<T extends { name: string; namespace?: string }>(list: readonly T[], name: string | undefined, namespace: string | undefined): T | undefined {
  if (!name) return undefined;
  return list.find((r) => r.name === name && (!r.namespace || !namespace || r.namespace === namespace)) ;
}

/** A Flux OCIRepository (`source.toolkit.fluxcd.io`): its URL and `spec.ref` nodes (the chart version: `tag`, `semver` range or `digest`). */
export interface OciRepositoryEntry {
  name: string;
  namespace?: string;
  url: string;
  tag: YamlVNode;
  semver: YamlVNode;
  digest: YamlVNode;
}

/**
 * Find a ConfigMap by name for a workload: the namespace must match (a namespace-less side
 * matches any), and the nearest wins: same file, then same directory, then anywhere in the run
 * (a GitOps repo often holds several apps with a ConfigMap of the same name).
 * @param fromFile the file of the workload that mounts it
 */
export function findConfigMap(run: RunContext, name: string, namespace: string | undefined, fromFile?: string): ConfigMapEntry | undefined {
  const candidates = run.configMaps.filter((c) => c.name === name && (c.namespace === namespace || !c.namespace || !namespace));
  const dir = (f: string) => f.replace(/[\\/][^\\/]*$/, '');
  const rank = (c: ConfigMapEntry) => (fromFile === undefined ? 0 : c.doc.file === fromFile ? 0 : dir(c.doc.file) === dir(fromFile) ? 1 : 2) * 2 + (c.namespace === namespace ? 0 : 1);
  return candidates.sort((a, b) => rank(a) - rank(b))[0];
}

/** The root VNode of a loaded document. */
export function rootOf(d: LoadedDocument): YamlVNode {
  return YamlVNode.root(d.doc, d.ctx);
}

/** Build the ObjectRef of a Kubernetes-style document (kind, metadata.name/namespace/annotations). */
export function objectRefOf(root: YamlVNode, fallbackKind: string): ObjectRef {
  const meta = root.child('metadata');
  const annotations: Record<string, string> = {};
  let annotationPos: Record<string, SourcePosition> | undefined;
  const ann = meta.child('annotations');
  for (const k of ann.keys()) {
    const v = asString(ann.get(k).value());
    if (v !== undefined) annotations[k] = v;
    // only the workload annotations need a position (origins of workload inputs)
    if (v !== undefined && WORKLOAD_ANNOTATION_KEYS.has(k)) (annotationPos ??= {})[k] = ann.child(k).pos();
  }
  const pos = meta.exists ? meta.pos() : root.pos();
  const ref: ObjectRef = {
    kind: asString(root.get('kind').value()) ?? fallbackKind,
    apiVersion: asString(root.get('apiVersion').value()),
    name: asString(meta.get('name').value()) ?? '(unnamed)',
    namespace: asString(meta.get('namespace').value()),
    file: root.ctx.file,
    pos: { ...pos, endLine: pos.line, endColumn: pos.column },
    annotations,
  };
  if (annotationPos) ref.annotationPos = annotationPos;
  return ref;
}

/** The object part of a finding. */
export function findingObject(ref: ObjectRef): { kind: string; namespace?: string; name: string } {
  return ref.namespace ? { kind: ref.kind, namespace: ref.namespace, name: ref.name } : { kind: ref.kind, name: ref.name };
}

/** A setting read from a node: the parsed value with the node's origin, else the fallback with an anchored default/absent origin. */
export function settingOf<T>(node: VNode, parse: (v: unknown) => T | undefined, fallback: T): Setting<T> {
  const v = node.exists ? parse(node.value()) : undefined;
  return { value: v === undefined ? fallback : v, origin: node.origin() };
}

/**
 * Parse a Kubernetes quantity (memory, storage) from a YAML value (`512Mi`, `1G`, a bare number
 * of bytes); undefined when it is not a valid, non-negative quantity.
 */
export function quantityValue(v: unknown): number | undefined {
  const s = typeof v === 'number' ? v : asString(v);
  if (s === undefined) return undefined;
  const n = unlessUnitError(() => parseQuantity(s));
  return n !== undefined && n >= 0 ? n : undefined;
}

/**
 * A container memory limit in bytes: a quantity above 0. `0` is no limit: the kubelet passes 0
 * to the runtime, which sets no cgroup memory limit (CRI LinuxContainerResources.memory_limit_in_bytes:
 * 0 = unlimited), as for an absent limit; undefined for that, for a negative and for a non-quantity.
 */
export function memoryLimitValue(v: unknown): number | undefined {
  const n = quantityValue(v);
  return n !== undefined && n > 0 ? n : undefined;
}

/**
 * What is wrong with a quantity a user wrote (a memory limit, a volume size), for an
 * `unresolved-values` notice at the value; undefined when it is fine, unset or a default.
 * Before this (test/hardening), such values were dropped silently: `-1Gi` made the model refuse
 * the whole deployment with an internal message, `99999999999999999999Ei` became "no memory
 * limit", and `size: 8` (no unit: 8 bytes) was taken at face value.
 * @param what words for the value, e.g. "memory limit", "persistence size"
 */
export function quantityNotice(node: VNode, what: string): { message: string; pos: SourcePosition } | undefined {
  const origin = node.origin();
  if (!node.exists || origin.kind !== 'file') return undefined;
  const v = node.value();
  const s = typeof v === 'number' ? v : asString(v);
  const shown = typeof v === 'string' ? `"${v.length > 40 ? v.slice(0, 37) + '...' : v}"` : (JSON.stringify(v) ?? String(v)).slice(0, 40);
  const notice = (message: string) => ({ message, pos: origin.pos });
  if (s === undefined) return notice(`${what} ${shown} is not a quantity (expected e.g. 512Mi, 8Gi): ignored, as if unset`);
  let n: number;
  try {
    n = parseQuantity(s);
  } catch (e) {
    if (!(e instanceof UnitError)) throw e;
    return notice(`${what} ${shown} is not a usable Kubernetes quantity (${e.message}): ignored, as if unset`);
  }
  if (n < 0) return notice(`${what} ${shown} is negative: the API server refuses it; ignored, as if unset`);
  if (n > 0 && n < 1024 && /^\d+(\.\d+)?$/.test(String(s).trim())) {
    return notice(`${what} ${String(s).trim()} has no unit, so it is ${n} byte(s): did you mean ${String(s).trim()}Gi or ${String(s).trim()}Mi?`);
  }
  return undefined;
}

/** Annotation keys that carry workload facts (flags win over them, config entries lose to them: see {@link resolveWorkload}). */
export const WORKLOAD_ANNOTATIONS = {
  datasetBytes: 'redis-lint.io/dataset-size',
  rdbBytes: 'redis-lint.io/rdb-size',
  writeRateBytesPerSec: 'redis-lint.io/write-rate',
  valueBytes: 'redis-lint.io/value-size',
} as const;

const WORKLOAD_ANNOTATION_KEYS: ReadonlySet<string> = new Set(Object.values(WORKLOAD_ANNOTATIONS));

/** The workload input fields, in report order. */
export const WORKLOAD_FIELDS = ['datasetBytes', 'rdbBytes', 'writeRateBytesPerSec', 'valueBytes'] as const satisfies ReadonlyArray<keyof WorkloadInput>;

/** Short names of the workload inputs (the flag without `--`, the annotation without its prefix). */
export const WORKLOAD_INPUT_NAMES = { datasetBytes: 'dataset-size', rdbBytes: 'rdb-size', writeRateBytesPerSec: 'write-rate', valueBytes: 'value-size' } as const;

/** Keys of a config file's `workloads:` entry per workload field. */
export const WORKLOAD_CONFIG_KEYS = { datasetBytes: 'datasetSize', rdbBytes: 'rdbSize', writeRateBytesPerSec: 'writeRate', valueBytes: 'valueSize' } as const;

/**
 * Parse one workload value (from a flag, an annotation or a config entry) with parseSize: a
 * Kubernetes quantity (`2Gi`, `1G`), a Redis unit (`64mb` = 64 x 1024 x 1024, `64m` = 64,000,000)
 * or plain bytes; for the write rate the same with an optional `/s` (bytes per second).
 * @param field which input the value is for
 * @param raw the value as written (a YAML number is bytes)
 * @returns bytes (per second for the rate), an integer >= 0
 * @throws UnitError when it is not a size, is negative, or is a rate (`/s`) given for a size
 */
export function parseWorkloadValue(field: keyof WorkloadInput, raw: string | number): number {
  if (typeof raw === 'string' && field !== 'writeRateBytesPerSec' && /\/s$/.test(raw.trim())) {
    throw new UnitError(`"${raw.trim()}" is a rate (/s) where a size is expected`);
  }
  return parseSize(raw);
}

/** Read workload facts from an object's annotations (`redis-lint.io/dataset-size: 2Gi`, `write-rate: 5MiB/s`). */
export function workloadFromAnnotations(ref: ObjectRef): WorkloadInput {
  const out: WorkloadInput = {};
  for (const [field, key] of Object.entries(WORKLOAD_ANNOTATIONS) as Array<[keyof WorkloadInput, string]>) {
    const raw = ref.annotations[key];
    if (raw === undefined) continue;
    try {
      out[field] = { value: parseWorkloadValue(field, raw), origin: { kind: 'file', pos: annotationPosition(ref, key) } };
    } catch {
      // an unparseable annotation is left out here; the engine reports it (workloadAnnotationProblems)
    }
  }
  return out;
}

/** Where a workload annotation is: its own node when known, else the object's metadata (yamlPath `metadata.annotations.<key>`). */
function annotationPosition(ref: ObjectRef, key: string): SourcePosition {
  return ref.annotationPos?.[key] ?? { ...ref.pos, yamlPath: `metadata.annotations.${key}` };
}

/**
 * The workload annotations of an object that are not valid sizes (they are ignored), with the
 * reason and the annotation's position, for an `unresolved-values` finding.
 */
export function workloadAnnotationProblems(ref: ObjectRef): Array<{ message: string; pos: SourcePosition }> {
  const out: Array<{ message: string; pos: SourcePosition }> = [];
  for (const [field, key] of Object.entries(WORKLOAD_ANNOTATIONS) as Array<[keyof WorkloadInput, string]>) {
    const raw = ref.annotations[key];
    if (raw === undefined) continue;
    try {
      parseWorkloadValue(field, raw);
    } catch (e) {
      if (!(e instanceof UnitError)) throw e;
      out.push({ message: `annotation ${key} is ignored: ${e.message}`, pos: annotationPosition(ref, key) });
    }
  }
  return out;
}

/** Workload values given on the command line: bytes (per second for the rate) and the flag that gave each. */
export type WorkloadFlags = { [K in keyof WorkloadInput]?: { value: number; flag: string } };

/** One entry of a config file's `workloads:` list (`{kind, namespace?, name, datasetSize?, rdbSize?, writeRate?}`), sizes parsed to bytes. */
export interface WorkloadEntry {
  kind: string;
  /** absent: the entry matches the object in any namespace */
  namespace?: string;
  name: string;
  /** the entry (list item) in the config file */
  pos: SourcePosition;
  /** the entry's values (bytes, bytes per second), each with its position in the config file */
  values: { [K in keyof WorkloadInput]?: { value: number; pos: SourcePosition } };
}

/**
 * Read a config file's `workloads:` list (already validated against the schema's shape) and
 * parse its sizes with {@link parseWorkloadValue}.
 * @param list the `workloads` node (missing: no entries)
 * @param what start of an error message, naming the file's role ("invalid policy")
 * @returns the entries in file order
 * @throws InputError at the value's file:line:col for a value that is not a size, or at an entry
 *   that repeats an earlier entry's kind, namespace and name
 */
export function readWorkloadEntries(list: YamlVNode, what = 'invalid policy'): WorkloadEntry[] {
  const entries: WorkloadEntry[] = [];
  list.items().forEach((_, i) => {
    const item = list.child(i);
    const str = (k: string) => asString(item.get(k).value());
    const entry: WorkloadEntry = { kind: str('kind') ?? '', name: str('name') ?? '', pos: item.pos(), values: {} };
    const ns = str('namespace');
    if (ns !== undefined) entry.namespace = ns;
    for (const field of WORKLOAD_FIELDS) {
      const node = item.child(WORKLOAD_CONFIG_KEYS[field]);
      if (!node.exists) continue;
      const raw = node.value();
      try {
        if (typeof raw !== 'string' && typeof raw !== 'number') throw new UnitError('expected a size such as 2Gi, 1.4G, 64mb or a number of bytes');
        entry.values[field] = { value: parseWorkloadValue(field, raw), pos: node.valuePos() };
      } catch (e) {
        if (!(e instanceof UnitError)) throw e;
        throw new InputError(`${what}: workloads.${i}.${WORKLOAD_CONFIG_KEYS[field]}: ${e.message}`, node.valuePos());
      }
    }
    const twin = entries.find((x) => x.kind.toLowerCase() === entry.kind.toLowerCase() && x.name === entry.name && x.namespace === entry.namespace);
    if (twin) {
      throw new InputError(`${what}: workloads.${i} repeats ${entry.kind}/${entry.namespace ? entry.namespace + '/' : ''}${entry.name} (first at line ${twin.pos.line})`, item.pos());
    }
    entries.push(entry);
  });
  return entries;
}

/**
 * The config entry for an object: same kind (case-insensitive) and name, and a namespace that
 * matches; a side without a namespace matches any (as for ConfigMaps: manifests often leave the
 * namespace to `kubectl -n` or Flux's targetNamespace). An entry naming the object's namespace
 * wins over one without a namespace; otherwise the first in file order.
 * @param entries config entries in file order
 * @param object the object a deployment was read from (for an Argo CD Application: the Application's own namespace)
 */
export function matchWorkloadEntry(entries: readonly WorkloadEntry[], object: { kind: string; namespace?: string; name: string }): WorkloadEntry | undefined {
  const kind = object.kind.toLowerCase();
  let loose: WorkloadEntry | undefined;
  for (const e of entries) {
    if (e.kind.toLowerCase() !== kind || e.name !== object.name) continue;
    if (e.namespace !== undefined && object.namespace !== undefined && e.namespace !== object.namespace) continue;
    if (e.namespace !== undefined && e.namespace === object.namespace) return e;
    loose ??= e;
  }
  return loose;
}

/**
 * The workload inputs of a deployment after precedence: a flag, else the object's annotation
 * (already in `dep.workload`), else the matching config entry ({@link matchWorkloadEntry}).
 * Each value keeps its origin: `flag`, `file` (the annotation) or `config`.
 * @param dep a deployment with its annotation inputs in `workload`
 * @param flags values from the command line (apply to every deployment)
 * @param entries the config file's `workloads:` entries
 * @returns a new WorkloadInput (dep is not changed)
 */
export function resolveWorkload(dep: RedisDeployment, flags: WorkloadFlags = {}, entries: readonly WorkloadEntry[] = []): WorkloadInput {
  const entry = entries.length ? matchWorkloadEntry(entries, dep.object) : undefined;
  const anchor = dep.object.pos;
  const out: WorkloadInput = {};
  for (const field of WORKLOAD_FIELDS) {
    const flag = flags[field];
    const fromConfig = entry?.values[field];
    const setting: Setting<number> | undefined = flag
      ? { value: flag.value, origin: { kind: 'flag', flag: flag.flag, key: WORKLOAD_INPUT_NAMES[field], anchor } }
      : (dep.workload[field] ?? (fromConfig ? { value: fromConfig.value, origin: { kind: 'config', pos: fromConfig.pos, key: WORKLOAD_INPUT_NAMES[field], anchor } } : undefined));
    if (setting) out[field] = setting;
  }
  return out;
}

/** Kubernetes probe defaults (core/v1 Probe): initialDelay 0, period 10, timeout 1, failureThreshold 3. */
export const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 };

/**
 * Read a probe's timing fields from a node, Kubernetes defaults for the missing ones, and
 * whether it passes while Redis loads (see ProbeTiming.acceptsLoading).
 */
export function probeTiming(node: VNode, defaults = PROBE_DEFAULTS): ProbeTiming {
  const n = (k: keyof typeof PROBE_DEFAULTS) => asNumber(node.get(k).value()) ?? defaults[k];
  const command = node.get('exec').get('command').value();
  const script = Array.isArray(command) ? command.join(' ') : '';
  return {
    initialDelaySeconds: n('initialDelaySeconds'),
    periodSeconds: n('periodSeconds'),
    timeoutSeconds: n('timeoutSeconds'),
    failureThreshold: n('failureThreshold'),
    acceptsLoading: node.get('tcpSocket').exists || /ping_liveness/.test(script),
  };
}
