/**
 * Render manifests/ with `kubectl kustomize` and validate every object against Kubernetes schemas.
 *
 * Every kubectl found is used: the one on PATH, and Debian's kubernetes-client (kubectl 1.20 with
 * kustomize v2.0.3, the oldest the manifests support), which .ci/run unpacks to
 * /opt/kubernetes-client when another package already owns /usr/bin/kubectl. REDIS_LINT_KUBECTL
 * (colon-separated paths) adds more.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { Namespace, ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { MutatingWebhookConfiguration, ValidatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { Certificate, Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import { parseAllDocuments } from 'yaml';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const manifestsDir = path.join(root, 'manifests');

/** Debian's kubernetes-client, unpacked beside another kubectl by .ci/run. */
export const DEBIAN_KUBECTL = '/opt/kubernetes-client/usr/bin/kubectl';

export interface Kubectl {
  path: string;
  /** e.g. "kubectl v1.20.2, kustomize v2.0.3" */
  label: string;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

function onPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/** Every distinct kubectl on this machine (by version), each with a label naming its kustomize. */
export function findKubectls(): Kubectl[] {
  const candidates = [onPath('kubectl'), DEBIAN_KUBECTL, ...(process.env.REDIS_LINT_KUBECTL ?? '').split(':')].filter(
    (p): p is string => !!p && existsSync(p),
  );
  const found = new Map<string, Kubectl>();
  for (const p of candidates) {
    const r = spawnSync(p, ['version', '--client'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) continue;
    const out = r.stdout + r.stderr;
    const version = /GitVersion:"(v[^"]+)"/.exec(out)?.[1] ?? /Client Version: (v\S+)/.exec(out)?.[1] ?? 'unknown';
    // kubectl < 1.21 does not print its kustomize: 1.14-1.20 embed kustomize v2.0.3
    const kustomize = /Kustomize Version: (v\S+)/.exec(out)?.[1] ?? (/^v1\.(1[4-9]|20)\./.test(version) ? 'v2.0.3' : 'unknown');
    if (!found.has(version)) found.set(version, { path: p, label: `kubectl ${version}, kustomize ${kustomize}` });
  }
  return [...found.values()];
}

/** `kubectl kustomize DIR`, parsed. Throws with kubectl's message when it fails. */
export function render(kubectl: Kubectl, dir: string): K8sObject[] {
  const r = spawnSync(kubectl.path, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${kubectl.label}: kubectl kustomize ${dir} failed:\n${r.stderr}`);
  // Kubernetes reads manifests with YAML 1.1 rules (sigs.k8s.io/yaml): parse them the same way
  const docs = parseAllDocuments(r.stdout, { version: '1.1' });
  const objects: K8sObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${kubectl.label}: ${dir}: ${doc.errors[0].message}`);
    const obj = doc.toJS() as K8sObject | null;
    if (obj) objects.push(obj);
  }
  return objects;
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: any) => Validatable;

/** The kinds the manifests may hold, each with its kubernetes-models class. Any other kind fails. */
const MODELS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': ValidatingWebhookConfiguration,
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': MutatingWebhookConfiguration,
  'cert-manager.io/v1/Issuer': Issuer,
  'cert-manager.io/v1/Certificate': Certificate,
};

/**
 * The client-node model (e.g. V1Deployment) of a built-in kind, for the unknown-field check:
 * kubernetes-models' schemas, like the API server's OpenAPI, accept fields they do not know, and
 * the API server then drops them (a misspelt readOnlyRootFileSystem would pass unseen).
 */
function clientModelName(apiVersion: string, kind: string): string | undefined {
  const version = apiVersion.split('/').pop()!;
  const name = `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
  return (k8s as Record<string, unknown>)[name] ? name : undefined;
}

type AttributeMap = { baseName: string; type: string }[];

function unknownFields(value: unknown, type: string, at: string, out: string[]): void {
  if (value === null || value === undefined) return;
  let m = /^Array<(.+)>$/.exec(type);
  if (m) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, m![1], `${at}[${i}]`, out));
    return;
  }
  m = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (m) {
    if (typeof value === 'object') for (const [k, v] of Object.entries(value)) unknownFields(v, m[1], `${at}.${k}`, out);
    return;
  }
  const model = (k8s as Record<string, unknown>)[type] as { getAttributeTypeMap?: () => AttributeMap } | undefined;
  if (!model?.getAttributeTypeMap || typeof value !== 'object' || Array.isArray(value)) return;
  const attrs = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    const t = attrs.get(k);
    if (t === undefined) out.push(`${at}.${k}`);
    else unknownFields(v, t, `${at}.${k}`, out);
  }
}

/**
 * Validate one object: its kind must be one of MODELS, it must pass that kubernetes-models
 * schema, and (built-in kinds) hold no field the Kubernetes API does not define.
 * Returns the problems found, empty when it is valid.
 */
export function validateObject(obj: K8sObject): string[] {
  const id = `${obj.kind}/${obj.metadata?.name}`;
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) return [`${id}: no schema for ${obj.apiVersion} ${obj.kind} (add it to MODELS in test/manifests/render.ts)`];
  const problems: string[] = [];
  try {
    new Model(obj).validate();
  } catch (e) {
    problems.push(`${id}: ${(e as Error).message}`);
  }
  const clientModel = clientModelName(obj.apiVersion, obj.kind);
  if (clientModel) {
    const unknown: string[] = [];
    unknownFields(obj, clientModel, '', unknown);
    for (const f of unknown) problems.push(`${id}: unknown field ${f.slice(1)}`);
  }
  return problems;
}

export function find(objects: K8sObject[], kind: string, name?: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}

export function one<T = any>(objects: K8sObject[], kind: string, name?: string): T {
  const found = find(objects, kind, name);
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0] as T;
}
