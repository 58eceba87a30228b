import type { LoadedDocument } from '../load/documents.js';
import { YamlVNode, asNumber, asString, type VNode } from '../load/vnode.js';
import type { ConfigDirective, ObjectRef, Origin, ProbeTiming, RedisDeployment, Setting, SourcePosition, WorkloadInput } from '../types.js';
import { UnitError, parseQuantity, parseSize } from '../model/units.js';

/** A finding a source adapter reports about its input (misplaced keys, unresolved values); severity comes from the policy. */
export interface SourceFinding {
  ruleId: string;
  message: string;
  pos: SourcePosition;
  object?: { kind: string; namespace?: string; name: string };
  role?: RedisDeployment['role'];
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
  /** Flux OCIRepositories of the run, for HelmRelease `spec.chartRef` */
  ociRepositories: OciRepositoryEntry[];
}

/** A Flux OCIRepository (`source.toolkit.fluxcd.io`): its URL and `spec.ref.tag` node (the chart version). */
export interface OciRepositoryEntry {
  name: string;
  namespace?: string;
  url: string;
  tag: YamlVNode;
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
  const ann = meta.get('annotations');
  for (const k of ann.keys()) {
    const v = asString(ann.get(k).value());
    if (v !== undefined) annotations[k] = v;
  }
  const pos = meta.exists ? meta.pos() : root.pos();
  return {
    kind: asString(root.get('kind').value()) ?? fallbackKind,
    apiVersion: asString(root.get('apiVersion').value()),
    name: asString(meta.get('name').value()) ?? '(unnamed)',
    namespace: asString(meta.get('namespace').value()),
    file: root.ctx.file,
    pos: { ...pos, endLine: pos.line, endColumn: pos.column },
    annotations,
  };
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
  try {
    const n = parseQuantity(s);
    return n >= 0 ? n : undefined;
  } catch (e) {
    if (e instanceof UnitError) return undefined;
    throw e;
  }
}

/** Annotation keys that carry workload facts (issue 3 adds flags and config entries with higher/lower precedence). */
export const WORKLOAD_ANNOTATIONS = {
  datasetBytes: 'redis-lint.io/dataset-size',
  rdbBytes: 'redis-lint.io/rdb-size',
  writeRateBytesPerSec: 'redis-lint.io/write-rate',
} as const;

/** Read workload facts from an object's annotations (`redis-lint.io/dataset-size: 2Gi`, `write-rate: 5MiB/s`). */
export function workloadFromAnnotations(ref: ObjectRef): WorkloadInput {
  const out: WorkloadInput = {};
  for (const [field, key] of Object.entries(WORKLOAD_ANNOTATIONS) as Array<[keyof WorkloadInput, string]>) {
    const raw = ref.annotations[key];
    if (raw === undefined) continue;
    try {
      out[field] = { value: parseSize(raw), origin: { kind: 'file', pos: { ...ref.pos, yamlPath: `metadata.annotations.${key}` } } };
    } catch {
      // an unparseable annotation is ignored here; the policy layer reports it
    }
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
