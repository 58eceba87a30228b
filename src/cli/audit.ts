import { parseArgs } from 'node:util';
import { auditObjects } from '../audit/objects.js';
import type { ReportFormat } from '../report/index.js';
import { reportObjects } from '../report/objects.js';
import type { ReportInput } from '../report/types.js';
import type { Severity } from '../types.js';
import { LINT_FORMATS } from './lint.js';
import { failFlags, findingsExitCode, formatPairs, loadConfig, REPORT_ARG_OPTIONS, reportExpiredExemptions, reportTargets, toolVersion, writeReports } from './shared.js';

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
        ...REPORT_ARG_OPTIONS,
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
  const fail = failFlags(opts['fail-level'], opts['max-warnings']);
  if ('error' in fail) return usage(fail.error);
  if (opts['no-config'] && opts.config !== undefined) return usage('--no-config and --config exclude each other');
  const pairs = formatPairs(tokens);
  if ('error' in pairs) return usage(pairs.error);
  const targets = reportTargets(pairs, AUDIT_FORMATS);
  if ('error' in targets) return usage(targets.error);
  if (!targets.length) targets.push({ format: 'stylish' });

  const policy = loadConfig(opts.config, opts['no-config'] === true, 'redis-lint audit', err);
  if (!policy) return 2;
  const failLevel: Severity = fail.failLevel ?? policy.failLevel ?? 'error';
  const maxWarnings = fail.maxWarnings ?? policy.maxWarnings;

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

  const input: ReportInput = {
    findings: result.findings,
    files: result.files.length,
    deployments: result.deployments.length,
    objects: reportObjects(result.deployments),
    // the audit's policy, so policyreport knows whether storage facts were there
    rules: result.policy.rules,
    toolVersion: toolVersion(),
    baseDir: process.cwd(),
    sourceText: (file) => result.texts.get(file),
    env,
  };
  const color = !opts['no-color'] && !env.NO_COLOR && (out as NodeJS.WriteStream).isTTY === true;
  if (!writeReports(targets, input, color, 'redis-lint audit', out, err)) return 2;
  reportExpiredExemptions(result.expiredExemptions, 'redis-lint audit', err);
  const incomplete = read.forbidden.length + read.failed.length;
  if (incomplete) {
    notice(`incomplete audit: ${[...read.forbidden, ...read.failed].map((p) => `${p.resource} (${p.status})`).join(', ')} could not be read`);
    return 2;
  }
  if (result.inputErrors.length) return 2;
  return findingsExitCode(result.findings, failLevel, maxWarnings, 'redis-lint audit', err);
}
