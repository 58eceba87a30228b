import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parseText } from '../load/documents.js';
import { YamlVNode } from '../load/vnode.js';
import type { ModelParams } from '../model/params.js';
import { readWorkloadEntries, type WorkloadEntry } from '../sources/common.js';
import { InputError, type Severity } from '../types.js';
import { readExemptionEntries, type ExemptionEntry } from './exemptions.js';

/**
 * What the admission webhook does with a finding (Gatekeeper's enforcement actions): `deny` the
 * request, `warn` (AdmissionReview `warnings`, the request goes through), or `audit` (logged and
 * counted in metrics only). The CLI ignores it.
 */
export type AdmissionAction = 'deny' | 'warn' | 'audit';

/** One rule's policy: severity (or off), texts and thresholds, and the webhook's action and mutation switch. */
export interface RulePolicy {
  severity: Severity | 'off';
  description?: string;
  remediation?: string;
  incident?: string;
  /** for the rule's docs page (docs/rules/<id>.md): an input that triggers the rule (`bad`), the same fixed (`good`), shown as `file` */
  example?: { file?: string; bad: string; good?: string };
  params?: Record<string, unknown>;
  /** webhook only; default from the severity: error -> deny, warning and info -> warn (see {@link admissionAction}) */
  action?: AdmissionAction;
  /** webhook only: let `/mutate` fix this rule's findings; default: only fixes marked safe in src/fix (see {@link mutateEnabled}) */
  mutate?: boolean;
}

/** A namespace's override of one rule (the config file's `namespaces.<ns>.rules.<id>`). */
export interface NamespaceRuleOverride {
  action?: AdmissionAction;
  severity?: Severity | 'off';
  mutate?: boolean;
}

/** A validated policy (policies/default.yaml shape, see policies/schema.json). */
export interface Policy {
  rules: Record<string, RulePolicy>;
  model: Partial<ModelParams>;
  /**
   * The `workloads:` list: workload inputs per object (lowest precedence, below flags and
   * annotations; matched with matchWorkloadEntry in src/sources/common.ts). Absent or empty: none.
   */
  workloads?: WorkloadEntry[];
  /**
   * Per-namespace overrides of rules (`namespaces: {<ns>: {rules: {<id>: {action?, severity?,
   * mutate?}}}}`), applied by the webhook with {@link policyForNamespace}; the CLI ignores them.
   */
  namespaces?: Record<string, { rules: Record<string, NamespaceRuleOverride> }>;
  /** The `exemptions:` list (see src/policy/exemptions.ts); applied by the CLI and the webhook alike. */
  exemptions?: ExemptionEntry[];
}

/** The shape of a policy file after schema validation. */
interface PolicyFile {
  rules: Record<string, Partial<RulePolicy>>;
  model?: Partial<ModelParams>;
  namespaces?: Record<string, { rules?: Record<string, NamespaceRuleOverride> }>;
}

const DEFAULT_POLICY_URL = new URL('../../policies/default.yaml', import.meta.url);
const SCHEMA_URL = new URL('../../policies/schema.json', import.meta.url);

let validator: ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }> | null };

/**
 * Read and validate a policy file against policies/schema.json (ajv).
 * @param file path of the policy YAML; the bundled policies/default.yaml when omitted
 * @throws InputError with the file, line and column of the first invalid node
 */
function readPolicy(file: string): { data: PolicyFile; root: YamlVNode } {
  const text = readFileSync(file, 'utf8');
  const { documents, errors } = parseText(text, file);
  if (errors.length) throw errors[0];
  const doc = documents[0];
  if (!doc) throw new InputError(`policy ${file} is empty`, { file, line: 1, column: 1, endLine: 1, endColumn: 1, yamlPath: '' });
  const root = YamlVNode.root(doc.doc, doc.ctx);
  const data = root.value();
  validator ??= new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')));
  if (!validator(data)) {
    const err = validator.errors?.[0];
    const path = (err?.instancePath ?? '').split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: YamlVNode = root;
    for (const p of path) node = node.child(/^\d+$/.test(p) && node.kind() === 'seq' ? Number(p) : p);
    // an unknown key: name it and point at it
    const extra = err?.params?.additionalProperty;
    if (typeof extra === 'string' && node.child(extra).exists) {
      throw new InputError(`invalid policy: ${[...path, extra].join('.')} is not a known key`, node.child(extra).pos());
    }
    throw new InputError(`invalid policy: ${path.join('.') || '(root)'} ${err?.message ?? 'is invalid'}`, node.pos());
  }
  return { data: data as PolicyFile, root };
}

/**
 * The policy in force: the bundled policies/default.yaml, with a user policy file laid over it
 * rule by rule (a file that only says `aof-disk-headroom: {params: {headroomPercent: 30}}` keeps
 * every other rule and that rule's severity; `severity: off` turns one off). Model params merge
 * the same way. The user file's `workloads:` entries come before the bundled ones (none today).
 * `namespaces:` and `exemptions:` come from the user file only.
 * @param file a user policy file, optional
 * @throws InputError for an unreadable or invalid file (with line and column), including a
 *   `workloads:` value that is not a size, a repeated `workloads:` entry, a rule id under
 *   `namespaces:` or `exemptions:` that the policy does not have, and an `expires` date that does not exist
 */
export function loadPolicy(file?: string): Policy {
  const defaults = readPolicy(fileURLToPath(DEFAULT_POLICY_URL));
  const base = defaults.data as { rules: Record<string, RulePolicy>; model?: Partial<ModelParams> };
  const baseWorkloads = readWorkloadEntries(defaults.root.child('workloads'));
  if (!file) return { rules: base.rules, model: base.model ?? {}, workloads: baseWorkloads, exemptions: [] };
  const { data: user, root } = readPolicy(file);
  const workloads = [...readWorkloadEntries(root.child('workloads')), ...baseWorkloads];
  const rules: Record<string, RulePolicy> = { ...base.rules };
  for (const [id, r] of Object.entries(user.rules)) {
    const prev = rules[id];
    if (!prev && !r.severity) {
      throw new InputError(`invalid policy: rule "${id}" is not a built-in rule and has no severity`, root.child('rules').child(id).pos());
    }
    rules[id] = { ...prev, ...r, severity: r.severity ?? prev.severity, params: { ...prev?.params, ...r.params } };
  }
  const policy: Policy = { rules, model: { ...base.model, ...user.model }, workloads, exemptions: readExemptionEntries(root.child('exemptions'), new Set(Object.keys(rules))) };
  if (user.namespaces) {
    const namespaces: NonNullable<Policy['namespaces']> = {};
    for (const [ns, n] of Object.entries(user.namespaces)) {
      for (const id of Object.keys(n.rules ?? {})) {
        if (!rules[id]) throw new InputError(`invalid policy: namespaces.${ns}.rules: "${id}" is not a rule of the policy`, root.child('namespaces').child(ns).child('rules').child(id).pos());
      }
      namespaces[ns] = { rules: n.rules ?? {} };
    }
    policy.namespaces = namespaces;
  }
  return policy;
}

const byNamespace = new WeakMap<Policy, Map<string, Policy>>();

/**
 * The policy for objects of one namespace: `namespaces.<ns>.rules.<id>` laid over each rule
 * (severity, action, mutate). The same object for the same policy and namespace (cached), and
 * `policy` itself when the namespace has no overrides.
 * @param namespace the object's namespace; undefined (cluster-scoped, or unknown) gets no overrides
 */
export function policyForNamespace(policy: Policy, namespace: string | undefined): Policy {
  const overrides = namespace === undefined ? undefined : policy.namespaces?.[namespace];
  if (!overrides || !Object.keys(overrides.rules).length) return policy;
  let cache = byNamespace.get(policy);
  if (!cache) byNamespace.set(policy, (cache = new Map()));
  const hit = cache.get(namespace!);
  if (hit) return hit;
  const rules: Record<string, RulePolicy> = { ...policy.rules };
  for (const [id, o] of Object.entries(overrides.rules)) {
    const prev = rules[id];
    rules[id] = { ...prev, ...(o.severity !== undefined ? { severity: o.severity } : {}), ...(o.action !== undefined ? { action: o.action } : {}), ...(o.mutate !== undefined ? { mutate: o.mutate } : {}) };
  }
  const out: Policy = { ...policy, rules };
  cache.set(namespace!, out);
  return out;
}

/**
 * The webhook's action for a finding of a rule: the rule's `action` when set, else by severity:
 * error -> deny, warning and info -> warn.
 * @param rule the rule's policy (after namespace overrides)
 * @param severity the finding's severity
 */
export function admissionAction(rule: RulePolicy | undefined, severity: Severity): AdmissionAction {
  return rule?.action ?? (severity === 'error' ? 'deny' : 'warn');
}

/**
 * Whether the webhook's `/mutate` applies a rule's fix: the rule's `mutate` when set, else only
 * when the fix is marked safe (src/fix).
 */
export function mutateEnabled(rule: RulePolicy | undefined, safe: boolean): boolean {
  return rule?.mutate ?? safe;
}
