import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { auditObjects, type AuditResult } from '../audit/objects.js';
import { findConfigFile, loadPolicy, type Policy } from '../policy/policy.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/index.js';
import type { ReportInput } from '../report/types.js';
import { InputError, type Severity } from '../types.js';
import { LINT_FORMATS } from './lint.js';

/** The report formats of `redis-lint audit`: lint's, and PolicyReport objects. */
export const AUDIT_FORMATS = [...LINT_FORMATS, 'policyreport'] as const satisfies readonly ReportFormat[];

export const AUDIT_USAGE = `Usage: redis-lint audit [-n NAMESPACE | -A] [--kubeconfig FILE] [--context NAME]
                        [--format FORMAT [-o FILE]]... [--fail-level LEVEL] [-c FILE | --no-config]

Lint what runs in a cluster: list the StatefulSets, Deployments, Flux HelmReleases,
Argo CD Applications and StorageClasses, read the ConfigMaps the workloads mount, and
check them like redis-lint lint checks files (plus volume-not-expandable, which needs
the cluster's StorageClasses). Read-only (get/list); Secrets are never read.

  -n, --namespace NS       one namespace (default: all namespaces)
  -A, --all-namespaces     every namespace (the default)
      --kubeconfig FILE    default: $KUBECONFIG, ~/.kube/config, else the pod's service account
      --context NAME       a context of the kubeconfig (default: its current context)
      --format FORMAT      ${AUDIT_FORMATS.join(', ')} (default stylish); repeatable
  -o, --output FILE        write the report of the --format just before it to FILE
      --fail-level LEVEL   error (default) | warning | info: exit 1 at or above it
      --max-warnings N     exit 1 when there are more than N warnings
  -c, --config FILE        config laid over the bundled policy (default: .redis-lint.yaml)
      --no-config          ignore .redis-lint.yaml files
      --no-color           plain text

Findings name the object as cluster://<context>/<namespace>/<kind>/<name>, at the line
of the object rendered as YAML (status and managedFields left out).
Exit codes: 0 clean, 1 findings at or above the fail level, 2 usage errors, a cluster
that cannot be reached, or a list that was forbidden or failed (the audit is incomplete).
See docs/audit.md for the RBAC it needs.`;

const LEVELS: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** `redis-lint audit ...` (argv after the command word); returns the exit code. */
export async function runAudit(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const usage = (message: string) => {
    err.write(`redis-lint audit: ${message}\n\n${AUDIT_USAGE}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      tokens: true,
      options: {
        namespace: { type: 'string', short: 'n' },
        'all-namespaces': { type: 'boolean', short: 'A' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        format: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o', multiple: true },
        'fail-level': { type: 'string' },
        'max-warnings': { type: 'string' },
        config: { type: 'string', short: 'c' },
        'no-config': { type: 'boolean' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return usage((e as Error).message);
  }
  const { values: opts, tokens } = parsed;
  if (opts.help) {
    out.write(AUDIT_USAGE + '\n');
    return 0;
  }
  if (opts.namespace !== undefined && opts['all-namespaces']) return usage('--namespace and --all-namespaces exclude each other');
  if (opts.namespace === '') return usage('--namespace needs a name');
  const failLevelFlag = opts['fail-level'] as Severity | undefined;
  if (failLevelFlag !== undefined && !(failLevelFlag in LEVELS)) return usage(`--fail-level must be error, warning or info, not "${failLevelFlag}"`);
  let maxWarningsFlag: number | undefined;
  if (opts['max-warnings'] !== undefined) {
    if (!/^\d+$/.test(opts['max-warnings'])) return usage(`--max-warnings must be a whole number (0 or more), not "${opts['max-warnings']}"`);
    maxWarningsFlag = Number(opts['max-warnings']);
  }
  if (opts['no-config'] && opts.config !== undefined) return usage('--no-config and --config exclude each other');
  const targets: Array<{ format: ReportFormat; file?: string }> = [];
  for (const t of tokens ?? []) {
    if (t.kind !== 'option') continue;
    if (t.name === 'format') {
      if (!(AUDIT_FORMATS as readonly string[]).includes(t.value ?? '')) return usage(`--format must be one of ${AUDIT_FORMATS.join(', ')}, not "${t.value ?? ''}"`);
      targets.push({ format: t.value as ReportFormat });
    } else if (t.name === 'output') {
      const last = targets[targets.length - 1];
      if (!last) return usage(`--output ${t.value ?? ''} comes before any --format: write --format FORMAT --output FILE`);
      if (last.file !== undefined) return usage(`--format ${last.format} has two --output files: give each --output its own --format`);
      if (!t.value) return usage('--output needs a file name');
      last.file = t.value;
    }
  }
  if (targets.filter((t) => t.file === undefined).length > 1) return usage('only one --format can go to standard output: give the others an --output FILE');
  if (!targets.length) targets.push({ format: 'stylish' });

  let policy: Policy;
  const configFile = opts['no-config'] ? undefined : (opts.config ?? findConfigFile());
  try {
    policy = loadPolicy(configFile);
  } catch (e) {
    if (e instanceof InputError) {
      err.write(`redis-lint audit: ${e.pos.file}:${e.pos.line}:${e.pos.column}: ${e.message}\n`);
      return 2;
    }
    err.write(`redis-lint audit: cannot read config ${configFile ?? ''}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 2;
  }
  const failLevel: Severity = failLevelFlag ?? policy.failLevel ?? 'error';
  const maxWarnings = maxWarningsFlag ?? policy.maxWarnings;

  const notice = (m: string) => err.write(`redis-lint audit: ${m}\n`);
  // the Kubernetes client is loaded only here: lint never pays for it
  const { readCluster, ClusterError } = await import('../audit/cluster.js');
  let read;
  try {
    read = await readCluster({ kubeconfig: opts.kubeconfig, context: opts.context, namespace: opts.namespace }, notice);
  } catch (e) {
    if (e instanceof ClusterError) {
      notice(e.message);
      return 2;
    }
    throw e;
  }
  const result = auditObjects(read.objects, { policy, context: read.context, storageClassesKnown: read.storageClassesKnown });
  const counts = new Map<string, number>();
  for (const o of read.objects) counts.set(String(o.kind), (counts.get(String(o.kind)) ?? 0) + 1);
  notice(
    `${read.server} (context ${read.context}, ${opts.namespace ? `namespace ${opts.namespace}` : 'all namespaces'}): ` +
      ([...counts].map(([k, n]) => `${n} ${k}${n === 1 ? '' : k.endsWith('s') ? 'es' : 's'}`).join(', ') || 'no objects') +
      `, ${result.deployments.length} Redis deployment role(s)`,
  );

  const input = reportInput(result, result.texts, await toolVersion(), env);
  const color = !opts['no-color'] && !env.NO_COLOR && (out as NodeJS.WriteStream).isTTY === true;
  for (const t of targets) {
    const text = REPORT_FORMATS[t.format](input, { color: color && t.file === undefined });
    if (t.file === undefined) out.write(text);
    else {
      try {
        writeFileSync(t.file, text);
      } catch (e) {
        notice(`cannot write ${t.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        return 2;
      }
    }
  }
  for (const x of result.expiredExemptions) {
    const o = x.object;
    notice(`exemption for ${o.kind}/${o.namespace ? o.namespace + '/' : ''}${o.name} (${x.entry.rules.join(', ')}) expired on ${x.entry.expires}: it no longer applies`);
  }
  const incomplete = read.forbidden.length + read.failed.length;
  if (incomplete) {
    notice(`incomplete audit: ${[...read.forbidden, ...read.failed].map((p) => `${p.resource} (${p.status})`).join(', ')} could not be read`);
    return 2;
  }
  if (result.inputErrors.length) return 2;
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    notice(`${warnings} warnings, more than the ${maxWarnings} allowed (max warnings)`);
    return 1;
  }
  return result.findings.some((f) => LEVELS[f.severity] >= LEVELS[failLevel]) ? 1 : 0;
}

/** The report formats' input from an audit (the audit's policy, so policyreport knows whether storage facts were there). */
function reportInput(result: AuditResult, texts: Map<string, string>, version: string, env: NodeJS.ProcessEnv): ReportInput {
  const seen = new Set<string>();
  const objects: Array<ReportInput['objects'][number]> = [];
  for (const d of result.deployments) {
    const o = d.object;
    const key = `${o.file}\0${o.kind}\0${o.namespace ?? ''}\0${o.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    objects.push({ kind: o.kind, ...(o.namespace ? { namespace: o.namespace } : {}), name: o.name, file: o.file, line: o.pos.line });
  }
  return {
    findings: result.findings,
    files: result.files.length,
    deployments: result.deployments.length,
    objects,
    rules: result.policy.rules,
    toolVersion: version,
    baseDir: process.cwd(),
    sourceText: (file) => texts.get(file),
    env,
  };
}

async function toolVersion(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
