import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv as AjvClass } from 'ajv';
import { createRequire } from 'node:module';
import { parseText } from '../load/documents.js';
import { YamlVNode } from '../load/vnode.js';
import { positiveSize } from '../model/units.js';
import type { ModelParams } from '../model/params.js';
import { readWorkloadEntries, type WorkloadEntry } from '../sources/common.js';
import { InputError, type Severity } from '../types.js';
import { readExemptionEntries, type ExemptionEntry } from './exemptions.js';
import { didYouMean } from '../core/did-you-mean.js';
import { ALL_RULE_IDS, RULE_DEFINITIONS } from '../rules/index.js';

/**
 * What the admission webhook does with a finding (Gatekeeper's enforcement actions): `deny` the
 * request, `warn` (AdmissionReview `warnings`, the request goes through), or `audit` (logged and
 * counted in metrics only). The CLI ignores it.
 */
export type AdmissionAction = 'deny' | 'warn' | 'audit';

/**
 * One rule's policy: what a user can override (severity or off, thresholds, and the webhook's
 * action and mutation switch). What the rule checks, its texts and examples are its `meta`
 * (src/rules/<id>.ts), not policy.
 */
export interface RulePolicy {
  severity: Severity | 'off';
  params?: Record<string, unknown>;
  /** webhook only; default from the severity: error -> deny, warning and info -> warn (see {@link admissionAction}) */
  action?: AdmissionAction;
  /** webhook only: let `/mutate` fix this rule's findings; default: only fixes marked safe in src/fix (see {@link mutateEnabled}) */
  mutate?: boolean;
  /** webhook only: on UPDATE, a finding the old object had too is a warning, not a denial (default: the policy's, else true) */
  allowExistingViolations?: boolean;
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
  /** webhook: on UPDATE, findings the old object had too warn instead of deny (the config's `allowExistingViolations`; default true; per rule too) */
  allowExistingViolations?: boolean;
  /** webhook: namespaces allowed without a check (the config's `exemptNamespaces`; default kube-system; the webhook's own namespace always) */
  exemptNamespaces?: string[];
  /** CLI: the lowest severity that fails the run (the config's `failLevel`; `--fail-level` wins) */
  failLevel?: Severity;
  /** CLI: fail when there are more warnings than this (the config's `maxWarnings`; `--max-warnings` wins) */
  maxWarnings?: number;
  /** CLI: globs of paths not to read (the config's `ignorePaths:`; `--exclude` adds to them) */
  ignorePaths?: string[];
  /** CLI: largest input read, in bytes (the config's `maxFileSize`; `--max-file-size` wins) */
  maxFileBytes?: number;
  /** CLI: most YAML documents read per file (the config's `maxDocuments`; `--max-documents` wins) */
  maxDocuments?: number;
  /** the user config file laid over the bundled policy, as given or found; absent for the bundled policy alone */
  configFile?: string;
}

/** The shape of a policy or config file after schema validation. */
interface PolicyFile {
  /** a severity alone is short for `{severity}` */
  rules?: Record<string, Partial<RulePolicy> | Severity | 'off'>;
  model?: Partial<ModelParams>;
  namespaces?: Record<string, { rules?: Record<string, NamespaceRuleOverride> }>;
  failLevel?: Severity;
  maxWarnings?: number;
  ignorePaths?: string[];
  maxFileSize?: string | number;
  maxDocuments?: number;
  allowExistingViolations?: boolean;
  exemptNamespaces?: string[];
}

const DEFAULT_POLICY_URL = new URL('../../policies/default.yaml', import.meta.url);
const SCHEMA_URL = new URL('../../policies/schema.json', import.meta.url);

let validator: ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }> | null };

/**
 * The validator of policies/schema.json: the standalone code ajv generated at build time
 * (scripts/bundle.mjs writes dist/policy/schema-validate.cjs: no schema compilation at start-up),
 * else, running from the sources, the schema compiled now with the same options.
 */
function schemaValidator(): typeof validator {
  const require = createRequire(import.meta.url);
  try {
    return require(fileURLToPath(new URL('../policy/schema-validate.cjs', import.meta.url))) as typeof validator;
  } catch {
    const { Ajv } = require('ajv') as { Ajv: typeof AjvClass };
    return new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8'))) as typeof validator;
  }
}

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
  if (!doc) throw new InputError(`${what(file)} ${file} is empty`, { file, line: 1, column: 1, endLine: 1, endColumn: 1, yamlPath: '' });
  const root = YamlVNode.root(doc.doc, doc.ctx);
  const data = root.value();
  validator ??= schemaValidator();
  if (!validator(data)) {
    const err = mostSpecificError(validator.errors ?? []);
    const path = (err?.instancePath ?? '').split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: YamlVNode = root;
    for (const p of path) node = node.child(/^\d+$/.test(p) && node.kind() === 'seq' ? Number(p) : p);
    // an unknown key: name it and point at it
    const extra = err?.params?.additionalProperty;
    if (typeof extra === 'string' && node.child(extra).exists) {
      throw new InputError(`invalid ${what(file)}: ${[...path, extra].join('.')} is not a known key`, node.child(extra).pos());
    }
    const allowed = err?.keyword === 'enum' && Array.isArray(err.params?.allowedValues) ? `must be one of ${(err.params.allowedValues as unknown[]).join(', ')}` : undefined;
    throw new InputError(`invalid ${what(file)}: ${path.join('.') || '(root)'} ${allowed ?? err?.message ?? 'is invalid'}`, node.pos());
  }
  return { data: data as PolicyFile, root };
}

type SchemaError = { instancePath: string; keyword?: string; message?: string; params?: Record<string, unknown> };

/** Of ajv's errors (one per anyOf branch), the one that says most: the deepest, then an unknown key over a wrong value over a wrong type. */
function mostSpecificError(errors: readonly SchemaError[]): SchemaError | undefined {
  const rank = (e: SchemaError) => (e.keyword === 'additionalProperties' ? 3 : e.keyword === 'anyOf' ? 0 : e.keyword === 'type' ? 1 : 2);
  const depth = (e: SchemaError) => e.instancePath.split('/').length;
  return [...errors].sort((a, b) => depth(b) - depth(a) || rank(b) - rank(a))[0];
}

/** "config" for a user's file, "policy" for the bundled one: the word error messages use. */
function what(file: string): string {
  return file === fileURLToPath(DEFAULT_POLICY_URL) ? 'policy' : 'config';
}

/** File names of the project config, looked for in this order in each directory. */
export const CONFIG_FILE_NAMES = ['.redis-lint.yaml', '.redis-lint.yml'] as const;

/**
 * The project config a run uses when none is given: the first `.redis-lint.yaml` (or `.yml`) in
 * `dir` or one of its parents, up to the filesystem root (like .eslintrc or .yamllint lookup).
 * @param dir where to start, the working directory by default
 * @returns the file's path, or undefined when there is none
 */
export function findConfigFile(dir: string = process.cwd()): string | undefined {
  let d = path.resolve(dir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const f = path.join(d, name);
      if (existsSync(f) && statSync(f).isFile()) return f;
    }
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

/**
 * The policy in force: each rule's defaults (its module), the bundled policies/default.yaml laid
 * over them, and a user config file (a project's
 * .redis-lint.yaml, or a `--config`/`--policy` file; same shape, policies/schema.json) laid over it
 * rule by rule (`rules: {<id>: off}` is short for `{severity: off}`) (a file that only says `aof-disk-headroom: {params: {headroomPercent: 30}}` keeps
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
  const base = defaults.data as { rules?: PolicyFile['rules']; model?: Partial<ModelParams> };
  checkRuleIds(Object.keys(base.rules ?? {}), defaults.root.child('rules'), 'policy');
  const bundled = layRules(ruleDefaults(), base.rules);
  const baseWorkloads = readWorkloadEntries(defaults.root.child('workloads'));
  if (!file) return { rules: bundled, model: base.model ?? {}, workloads: baseWorkloads, exemptions: [] };
  const { data: user, root } = readPolicy(file);
  checkRuleIds(Object.keys(user.rules ?? {}), root.child('rules'), 'config');
  const workloads = [...readWorkloadEntries(root.child('workloads')), ...baseWorkloads];
  const rules = layRules(bundled, user.rules);
  const policy: Policy = { rules, model: { ...base.model, ...user.model }, workloads, exemptions: readExemptionEntries(root.child('exemptions'), new Set(Object.keys(rules))), configFile: file };
  if (user.failLevel) policy.failLevel = user.failLevel;
  if (user.maxWarnings !== undefined) policy.maxWarnings = user.maxWarnings;
  if (user.ignorePaths) policy.ignorePaths = user.ignorePaths;
  if (user.maxFileSize !== undefined) policy.maxFileBytes = configSize(user.maxFileSize, root.child('maxFileSize'));
  if (user.maxDocuments !== undefined) policy.maxDocuments = user.maxDocuments;
  if (user.allowExistingViolations !== undefined) policy.allowExistingViolations = user.allowExistingViolations;
  if (user.exemptNamespaces) policy.exemptNamespaces = user.exemptNamespaces;
  if (user.namespaces) {
    const namespaces: NonNullable<Policy['namespaces']> = {};
    for (const [ns, n] of Object.entries(user.namespaces)) {
      for (const id of Object.keys(n.rules ?? {})) {
        if (!rules[id]) throw new InputError(`invalid policy: namespaces.${ns}.rules: "${id}" is not a rule of redis-lint${didYouMean(id, ALL_RULE_IDS)}`, root.child('namespaces').child(ns).child('rules').child(id).pos());
      }
      namespaces[ns] = { rules: n.rules ?? {} };
    }
    policy.namespaces = namespaces;
  }
  return policy;
}

/** Each rule's own defaults (its module's `defaults`): the policy before policies/default.yaml and the user's config. */
function ruleDefaults(): Record<string, RulePolicy> {
  return Object.fromEntries(RULE_DEFINITIONS.map((r) => [r.id, { severity: r.defaults.severity, params: { ...r.defaults.params } }]));
}

/** `over` laid over `rules` rule by rule: a severity alone is short for `{severity}`; params merge key by key. */
function layRules(rules: Record<string, RulePolicy>, over: PolicyFile['rules']): Record<string, RulePolicy> {
  const out = { ...rules };
  for (const [id, given] of Object.entries(over ?? {})) {
    const r: Partial<RulePolicy> = typeof given === 'string' ? { severity: given } : given;
    const prev = out[id] ?? { severity: 'off' };
    out[id] = { ...prev, ...r, severity: r.severity ?? prev.severity, params: { ...prev.params, ...r.params } };
  }
  return out;
}

/**
 * Every id under a policy's or config's `rules:` must be a rule of redis-lint (src/rules registry),
 * like ESLint's "Definition for rule … was not found": a misspelt id would otherwise be accepted
 * silently and the rule it meant would keep its default.
 * @throws InputError at the unknown id, with the nearest rule id ("did you mean …")
 */
function checkRuleIds(ids: readonly string[], rulesNode: YamlVNode, kind: 'policy' | 'config'): void {
  const known = new Set(ALL_RULE_IDS);
  for (const id of ids) {
    if (!known.has(id)) throw new InputError(`invalid ${kind}: rules.${id}: "${id}" is not a rule of redis-lint${didYouMean(id, known)} (redis-lint rules lists them)`, rulesNode.child(id).pos());
  }
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

/** The config's `maxFileSize` in bytes (a number is bytes; a string a size: 20Mi, 50MB). @throws InputError at the key when it is not a size of at least 1 byte */
function configSize(v: string | number, node: YamlVNode): number {
  const bytes = positiveSize(v);
  if (bytes === undefined) throw new InputError(`invalid config: maxFileSize "${v}" is not a size: expected e.g. 20Mi, 50MB or a number of bytes`, node.pos());
  return bytes;
}
