import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parseText } from '../load/documents.js';
import { YamlVNode } from '../load/vnode.js';
import type { ModelParams } from '../model/params.js';
import { readWorkloadEntries, type WorkloadEntry } from '../sources/common.js';
import { InputError, type Severity } from '../types.js';

/** One rule's policy: severity (or off), texts and thresholds. */
export interface RulePolicy {
  severity: Severity | 'off';
  description?: string;
  remediation?: string;
  incident?: string;
  params?: Record<string, unknown>;
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
}

const DEFAULT_POLICY_URL = new URL('../../policies/default.yaml', import.meta.url);
const SCHEMA_URL = new URL('../../policies/schema.json', import.meta.url);

let validator: ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }> | null };

/**
 * Read and validate a policy file against policies/schema.json (ajv).
 * @param file path of the policy YAML; the bundled policies/default.yaml when omitted
 * @throws InputError with the file, line and column of the first invalid node
 */
function readPolicy(file: string): { data: { rules: Record<string, Partial<RulePolicy>>; model?: Partial<ModelParams> }; root: YamlVNode } {
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
  return { data: data as { rules: Record<string, Partial<RulePolicy>>; model?: Partial<ModelParams> }, root };
}

/**
 * The policy in force: the bundled policies/default.yaml, with a user policy file laid over it
 * rule by rule (a file that only says `aof-disk-headroom: {params: {headroomPercent: 30}}` keeps
 * every other rule and that rule's severity; `severity: off` turns one off). Model params merge
 * the same way. The user file's `workloads:` entries come before the bundled ones (none today).
 * @param file a user policy file, optional
 * @throws InputError for an unreadable or invalid file (with line and column), including a
 *   `workloads:` value that is not a size and a repeated `workloads:` entry
 */
export function loadPolicy(file?: string): Policy {
  const defaults = readPolicy(fileURLToPath(DEFAULT_POLICY_URL));
  const base = defaults.data as { rules: Record<string, RulePolicy>; model?: Partial<ModelParams> };
  const baseWorkloads = readWorkloadEntries(defaults.root.child('workloads'));
  if (!file) return { rules: base.rules, model: base.model ?? {}, workloads: baseWorkloads };
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
  return { rules, model: { ...base.model, ...user.model }, workloads };
}
