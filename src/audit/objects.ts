import YAML from 'yaml';
import { lintDocuments, type LintResult } from '../engine.js';
import { parseText, type LoadedDocument } from '../load/documents.js';
import type { YamlVNode } from '../load/vnode.js';
import type { Policy } from '../policy/policy.js';
import { STORAGE_FACTS_PARAM, type StorageClaimFact, type StorageClassFact, type StorageFacts } from '../rules/storage-facts.js';
import { rootOf, type WorkloadFlags } from '../sources/common.js';
import type { InputError, SourcePosition } from '../types.js';

/**
 * The pure half of `redis-lint audit`: Kubernetes objects as the API server returned them (JSON)
 * become YAML documents with positions, one synthetic file per object
 * (`cluster://<context>/<namespace>/<kind>/<name>`), and go through the same engine as
 * `redis-lint lint`. src/audit/cluster.ts reads the objects; this module never touches the network.
 */

/** A Kubernetes object as JSON. */
export type KubeObject = Record<string, unknown>;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The annotation kubectl apply keeps the whole last applied object in: noise in a report, dropped. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The object as it is rendered for linting: `status` and `metadata.managedFields` (server-side
 * bookkeeping) and kubectl's last-applied annotation dropped; apiVersion, kind, metadata first.
 */
export function stripObject(o: KubeObject): KubeObject {
  const { apiVersion, kind, metadata, status: _status, ...rest } = o;
  const meta: Record<string, unknown> = isObj(metadata) ? { ...metadata } : {};
  delete meta.managedFields;
  if (isObj(meta.annotations) && LAST_APPLIED in meta.annotations) {
    const { [LAST_APPLIED]: _applied, ...annotations } = meta.annotations;
    if (Object.keys(annotations).length) meta.annotations = annotations;
    else delete meta.annotations;
  }
  return { apiVersion, kind, metadata: meta, ...rest };
}

/** `cluster://<context>/<namespace>/<kind>/<name>`, or without the namespace for a cluster-scoped object. */
export function clusterFileName(context: string, o: KubeObject): string {
  const meta = isObj(o.metadata) ? o.metadata : {};
  const ns = str(meta.namespace);
  return `cluster://${context}/${ns ? ns + '/' : ''}${str(o.kind) ?? 'Object'}/${str(meta.name) ?? ''}`;
}

/** The objects of one audit, rendered and parsed. */
export interface RenderedObjects {
  documents: LoadedDocument[];
  /** the rendered YAML by synthetic file name (the reports' source text) */
  texts: Map<string, string>;
  files: string[];
  errors: InputError[];
}

/** Render each object to YAML (see {@link stripObject}) under its {@link clusterFileName}, and parse it back with positions. */
export function renderObjects(objects: readonly KubeObject[], context: string): RenderedObjects {
  const out: RenderedObjects = { documents: [], texts: new Map(), files: [], errors: [] };
  for (const o of objects) {
    let file = clusterFileName(context, o);
    // two objects of one name and kind (an API version fallback that overlaps): keep both apart
    for (let i = 2; out.texts.has(file); i++) file = `${clusterFileName(context, o)}#${i}`;
    const text = YAML.stringify(stripObject(o), { lineWidth: 0, aliasDuplicateObjects: false });
    const r = parseText(text, file);
    out.texts.set(file, text);
    out.files.push(file);
    out.documents.push(...r.documents);
    out.errors.push(...r.errors);
  }
  return out;
}

/** The StorageClass facts of the StorageClass objects among `objects`. */
export function storageClassFacts(objects: readonly KubeObject[]): StorageClassFact[] {
  return objects
    .filter((o) => o.kind === 'StorageClass')
    .map((o) => {
      const meta = isObj(o.metadata) ? o.metadata : {};
      const ann = isObj(meta.annotations) ? meta.annotations : {};
      return {
        name: str(meta.name) ?? '',
        allowVolumeExpansion: o.allowVolumeExpansion === true,
        isDefault: ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true',
        ...(str(o.provisioner) ? { provisioner: str(o.provisioner) } : {}),
      };
    })
    .filter((c) => c.name);
}

/** A node's position when it exists. */
function posOf(node: YamlVNode): SourcePosition | undefined {
  return node.exists ? node.pos() : undefined;
}

/**
 * The class a Bitnami chart gives a role's PVC (bitnami/common `common.storage.class`):
 * `global.storageClass`, else `<role>.persistence.storageClass`, else `global.defaultStorageClass`;
 * `-` means `storageClassName: ""`; none: no storageClassName (the default class).
 */
function bitnamiClaim(values: YamlVNode, role: 'master' | 'replica'): StorageClaimFact {
  const candidates: Array<[YamlVNode, string]> = [
    [values.child('global').child('storageClass'), 'global.storageClass'],
    [values.child(role).child('persistence').child('storageClass'), `${role}.persistence.storageClass`],
    [values.child('global').child('defaultStorageClass'), 'global.defaultStorageClass'],
  ];
  for (const [node, via] of candidates) {
    const v = node.exists ? node.value() : undefined;
    if (typeof v !== 'string' || v === '') continue;
    return { storageClassName: v === '-' ? '' : v, pos: posOf(node), via };
  }
  return { storageClassName: null };
}

/**
 * Which StorageClass each object's data volumes ask for, by file: a StatefulSet's
 * volumeClaimTemplates (`vct:<name>`), a Flux HelmRelease's `spec.values` and an Argo CD
 * Application's `spec.source.helm.valuesObject` / `values` (Bitnami persistence, `master` and
 * `replica`). See src/rules/volume-not-expandable.ts for how the rule uses them.
 */
export function storageClaims(documents: readonly LoadedDocument[]): StorageFacts['claims'] {
  const claims: StorageFacts['claims'] = {};
  for (const d of documents) {
    const root = rootOf(d);
    const kind = root.child('kind').value();
    const mine: Record<string, StorageClaimFact> = {};
    if (kind === 'StatefulSet') {
      root
        .child('spec')
        .child('volumeClaimTemplates')
        .items()
        .forEach((v) => {
          const name = str(v.get('metadata').get('name').value());
          if (!name) return;
          const node = (v as YamlVNode).child('spec').child('storageClassName');
          const value = node.exists ? node.value() : undefined;
          mine[`vct:${name}`] = typeof value === 'string' ? { storageClassName: value, pos: posOf(node) } : { storageClassName: null };
        });
    } else if (kind === 'HelmRelease') {
      const values = root.child('spec').child('values');
      for (const role of ['master', 'replica'] as const) mine[role] = bitnamiClaim(values, role);
    } else if (kind === 'Application') {
      const helm = root.child('spec').child('source').child('helm');
      const valuesObject = helm.child('valuesObject');
      if (valuesObject.exists) {
        for (const role of ['master', 'replica'] as const) mine[role] = bitnamiClaim(valuesObject, role);
      } else {
        const text = str(helm.child('values').value());
        if (text) {
          const parsed = parseText(text, d.file).documents[0];
          if (parsed) {
            const values = rootOf(parsed);
            // positions inside the string are not the file's: say where it comes from instead
            for (const role of ['master', 'replica'] as const) {
              const c = bitnamiClaim(values, role);
              mine[role] = { storageClassName: c.storageClassName, ...(c.via ? { via: `helm.values ${c.via}` } : {}) };
            }
          }
        }
      }
    }
    if (Object.keys(mine).length) claims[d.file] = { ...claims[d.file], ...mine };
  }
  return claims;
}

/** The policy of an audit: `volume-not-expandable` gets the cluster's storage facts as its param. */
export function auditPolicy(policy: Policy, facts: StorageFacts | undefined): Policy {
  const rule = policy.rules['volume-not-expandable'];
  if (!facts || !rule) return policy;
  return { ...policy, rules: { ...policy.rules, 'volume-not-expandable': { ...rule, params: { ...rule.params, [STORAGE_FACTS_PARAM]: facts } } } };
}

/** Options of {@link auditObjects}. */
export interface AuditObjectsOptions {
  policy: Policy;
  /** the kubeconfig context, for the synthetic file names */
  context: string;
  workloadFlags?: WorkloadFlags;
  /**
   * whether the StorageClasses were read (StorageClass objects among `objects` are the
   * cluster's): false when listing them failed, and volume-not-expandable then checks nothing
   */
  storageClassesKnown?: boolean;
  now?: Date;
}

/** What {@link auditObjects} found: a lint result over the rendered objects, and the policy it ran with (storage facts included). */
export type AuditResult = LintResult & { policy: Policy };

/**
 * Lint cluster objects: render them ({@link renderObjects}), work out the storage facts from the
 * StorageClass objects among them and the objects' claims, and run the engine.
 */
export function auditObjects(objects: readonly KubeObject[], opts: AuditObjectsOptions): AuditResult {
  const rendered = renderObjects(objects, opts.context);
  const facts: StorageFacts | undefined = opts.storageClassesKnown === false ? undefined : { classes: storageClassFacts(objects), claims: storageClaims(rendered.documents) };
  const policy = auditPolicy(opts.policy, facts);
  const result = lintDocuments(rendered.documents, policy, undefined, opts.workloadFlags, opts.now ? { now: opts.now } : {});
  const parseFindings = rendered.errors.map((e) => ({ ruleId: 'invalid-yaml', severity: 'error' as const, message: e.message, pos: e.pos }));
  return {
    ...result,
    findings: [...parseFindings, ...result.findings],
    files: rendered.files,
    inputErrors: rendered.errors,
    texts: rendered.texts,
    notices: [],
    policy,
  };
}
