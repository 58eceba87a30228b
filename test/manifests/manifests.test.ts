/**
 * manifests/: render every variant with every kubectl found, validate every object against the
 * Kubernetes schemas (kubernetes-models; cert-manager kinds from @kubernetes-models/cert-manager),
 * then check the choices the install makes: what the webhooks see, how they fail, how the
 * Deployment runs, what the RBAC grants. docs/webhook.md explains each choice.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findKubectls, find, manifestsDir, one, render, root, validateObject, type K8sObject, type Kubectl } from './render.js';

const NAMESPACE = 'redis-lint';

/** What the webhooks must see: exactly these (group, version, resource), CREATE and UPDATE. */
const EXPECTED_RULES = [
  'apps/v1/statefulsets',
  'apps/v1/deployments',
  'helm.toolkit.fluxcd.io/v2beta1/helmreleases',
  'helm.toolkit.fluxcd.io/v2beta2/helmreleases',
  'helm.toolkit.fluxcd.io/v2/helmreleases',
  'argoproj.io/v1alpha1/applications',
].sort();

/** The variants, with the failurePolicy docs/webhook.md documents for each (validating, mutating). */
const VARIANTS = [
  { dir: '.', name: 'manifests/ (base)', failurePolicy: { validating: 'Ignore', mutating: 'Ignore' }, configMapRead: true },
  { dir: 'overlays/strict', name: 'overlays/strict', failurePolicy: { validating: 'Fail', mutating: 'Ignore' }, configMapRead: true },
  { dir: 'overlays/no-api-access', name: 'overlays/no-api-access', failurePolicy: { validating: 'Ignore', mutating: 'Ignore' }, configMapRead: false },
] as const;

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);

const kubectls = findKubectls();
if (kubectls.length === 0) {
  const msg = 'test/manifests: no kubectl found, the manifest tests are skipped (apt-get install kubernetes-client; .ci/run does)';
  if (process.env.CI) throw new Error(`${msg}; in CI that is a failure`);
  console.warn(msg);
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Rendered output with the configMapGenerator hash taken out (it differs between kustomize versions). */
function normalized(objects: K8sObject[]): unknown[] {
  const text = JSON.stringify(objects).replace(/redis-lint-config-[a-z0-9]{6,}/g, 'redis-lint-config-HASH');
  return (JSON.parse(text) as K8sObject[]).sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}

describe('the schema check itself', () => {
  it('fails unknown kinds, schema violations and unknown fields', () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'c', image: 'i', securityContext: { readOnlyRootFileSystem: true } }] } } },
    };
    expect(validateObject(dep)).toEqual(['Deployment/x: unknown field spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem']);
    expect(validateObject({ ...dep, spec: { ...dep.spec, replicas: '2' } }).join('\n')).toMatch(/replicas must be integer/);
    expect(validateObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } })).toEqual([expect.stringMatching(/no schema for v1 Secret/)]);
    const cert = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c' }, spec: { secretName: 's', issuerRef: { name: 'i' }, usages: ['server-auth'] } };
    expect(validateObject(cert).join('\n')).toMatch(/usages\/0 must be equal to one of the allowed values/);
  });
});

if (kubectls.length === 0) describe.skip('kubectl kustomize (no kubectl: skipped)', () => it('renders manifests/', () => {}));

describe.each(kubectls)('kubectl kustomize with $label', (kubectl: Kubectl) => {
  const rendered = new Map<string, K8sObject[]>(VARIANTS.map((v) => [v.dir, render(kubectl, path.join(manifestsDir, v.dir))]));

  it.each(VARIANTS)('$name: every object is a known kind and valid against its schema', ({ dir }) => {
    const objects = rendered.get(dir)!;
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap(validateObject)).toEqual([]);
  });

  it('renders the same objects as every other kubectl (but for the ConfigMap hash)', () => {
    const first = kubectls[0];
    if (first === kubectl) return;
    for (const v of VARIANTS) expect(normalized(rendered.get(v.dir)!), `${v.name}: ${kubectl.label} vs ${first.label}`).toEqual(normalized(render(first, path.join(manifestsDir, v.dir))));
  });

  it('base holds exactly the install objects', () => {
    const kinds = rendered.get('.')!.map((o) => `${o.kind}/${o.metadata.name}`.replace(/^(ConfigMap\/redis-lint-config)-[a-z0-9]{6,}$/, '$1-HASH')).sort();
    expect(kinds).toEqual(
      [
        'Certificate/redis-lint-ca',
        'Certificate/redis-lint-serving',
        'ClusterRole/redis-lint-configmap-reader',
        'ClusterRoleBinding/redis-lint-configmap-reader',
        'ConfigMap/redis-lint-config-HASH',
        'Deployment/redis-lint-webhook',
        'Issuer/redis-lint-ca',
        'Issuer/redis-lint-selfsigned',
        'MutatingWebhookConfiguration/redis-lint',
        'Namespace/redis-lint',
        'NetworkPolicy/redis-lint-webhook',
        'PodDisruptionBudget/redis-lint-webhook',
        'Service/redis-lint-webhook',
        'ServiceAccount/redis-lint-webhook',
        'ValidatingWebhookConfiguration/redis-lint',
      ].sort(),
    );
  });

  describe.each(VARIANTS)('$name', (variant) => {
    const objects = rendered.get(variant.dir)!;
    const deployment = one(objects, 'Deployment', 'redis-lint-webhook');
    const pod = deployment.spec.template;
    const podLabels: Record<string, string> = pod.metadata.labels;
    const container = pod.spec.containers.find((c: any) => c.name === 'webhook');
    const containerPort = container.ports.find((p: any) => p.name === 'https');
    const service = one(objects, 'Service', 'redis-lint-webhook');
    const servicePort = service.spec.ports[0];
    const webhooks = [
      { kind: 'ValidatingWebhookConfiguration', path: '/validate', failurePolicy: variant.failurePolicy.validating },
      { kind: 'MutatingWebhookConfiguration', path: '/mutate', failurePolicy: variant.failurePolicy.mutating },
    ];

    it('namespaces and labels: every namespaced object in redis-lint, every object labelled', () => {
      expect(one(objects, 'Namespace').metadata.name).toBe(NAMESPACE);
      for (const o of objects) {
        expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(CLUSTER_SCOPED.has(o.kind) ? undefined : NAMESPACE);
        // `kubectl delete ... -l app.kubernetes.io/name=redis-lint` (docs/webhook.md) finds them all
        expect(o.metadata.labels?.['app.kubernetes.io/name'], `${o.kind}/${o.metadata.name}`).toBe('redis-lint');
      }
    });

    it.each(webhooks)('$kind: rules, reviews, side effects, timeout, namespaces, failurePolicy', ({ kind, path: webhookPath, failurePolicy }) => {
      const config = one(objects, kind);
      expect(config.webhooks).toHaveLength(1);
      const [webhook] = config.webhooks;
      expect(webhook.admissionReviewVersions).toEqual(['v1']);
      expect(webhook.sideEffects).toBe('None');
      expect(webhook.timeoutSeconds).toBeGreaterThanOrEqual(1);
      expect(webhook.timeoutSeconds).toBeLessThanOrEqual(10);
      expect(webhook.failurePolicy).toBe(failurePolicy);
      expect(webhook.matchPolicy ?? 'Equivalent').toBe('Equivalent');
      // exactly the resources redis-lint reads, CREATE and UPDATE, never a wildcard
      const triples: string[] = [];
      for (const rule of webhook.rules) {
        expect(rule.operations).toEqual(['CREATE', 'UPDATE']);
        expect(rule.scope).toBe('Namespaced');
        for (const g of rule.apiGroups) for (const v of rule.apiVersions) for (const r of rule.resources) triples.push(`${g}/${v}/${r}`);
      }
      expect(triples.sort()).toEqual(EXPECTED_RULES);
      expect(triples.join(' ')).not.toMatch(/\*/);
      // never kube-system, never its own namespace, by the label the API server sets on every namespace
      expect(webhook.namespaceSelector.matchLabels).toBeUndefined();
      expect(webhook.namespaceSelector.matchExpressions).toEqual([
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: expect.arrayContaining(['kube-system', NAMESPACE]) },
      ]);
      expect(webhook.objectSelector).toBeUndefined();
      if (kind === 'MutatingWebhookConfiguration') expect(webhook.reinvocationPolicy).toBe('Never');
      // the API server reaches the Deployment's HTTPS port through the Service, at the route
      expect(webhook.clientConfig.url).toBeUndefined();
      expect(webhook.clientConfig.service).toEqual({ name: service.metadata.name, namespace: service.metadata.namespace, path: webhookPath, port: servicePort.port });
    });

    it('TLS: cert-manager CA chain, serving certificate for the Service, CA injected into both webhooks', () => {
      const serving = one(objects, 'Certificate', 'redis-lint-serving');
      const svcName = `${service.metadata.name}.${service.metadata.namespace}.svc`;
      expect(serving.spec.dnsNames).toContain(svcName);
      for (const dns of serving.spec.dnsNames) expect([svcName, `${svcName}.cluster.local`]).toContain(dns);
      expect(serving.spec.usages).toContain('server auth');
      expect(serving.spec.isCA ?? false).toBe(false);
      // serving certificate <- CA Issuer <- CA Certificate <- self-signed Issuer
      expect(serving.spec.issuerRef).toMatchObject({ kind: 'Issuer', group: 'cert-manager.io' });
      const caIssuer = one(objects, 'Issuer', serving.spec.issuerRef.name);
      const caCert = find(objects, 'Certificate').find((c: any) => c.spec.secretName === caIssuer.spec.ca?.secretName) as any;
      expect(caCert?.spec.isCA).toBe(true);
      expect(one(objects, 'Issuer', caCert.spec.issuerRef.name).spec.selfSigned).toEqual({});
      for (const { kind } of webhooks) {
        const config = one(objects, kind);
        expect(config.metadata.annotations?.['cert-manager.io/inject-ca-from']).toBe(`${serving.metadata.namespace}/${serving.metadata.name}`);
        expect(config.webhooks[0].clientConfig.caBundle).toBeUndefined();
      }
      // the pods serve the serving certificate's Secret, mounted whole (no subPath) so renewals reach them
      const tlsVolume = pod.spec.volumes.find((v: any) => v.secret?.secretName === serving.spec.secretName);
      expect(tlsVolume).toBeDefined();
      const mount = container.volumeMounts.find((m: any) => m.name === tlsVolume.name);
      expect(mount.subPath).toBeUndefined();
      expect(mount.readOnly).toBe(true);
      expect(container.args).toContain(`--tls-cert-file=${mount.mountPath}/tls.crt`);
      expect(container.args).toContain(`--tls-private-key-file=${mount.mountPath}/tls.key`);
    });

    it('Service and ports: Service -> container port 8443, HTTPS probes on it', () => {
      expect(matches(service.spec.selector, podLabels)).toBe(true);
      expect(servicePort).toMatchObject({ port: 443, protocol: 'TCP' });
      expect([containerPort.name, containerPort.containerPort]).toContain(servicePort.targetPort);
      expect(containerPort.containerPort).toBe(8443);
      expect(container.args).toContain(`--port=${containerPort.containerPort}`);
      for (const [probe, probePath] of [
        ['readinessProbe', '/readyz'],
        ['livenessProbe', '/healthz'],
        ['startupProbe', '/healthz'],
      ]) {
        const get = container[probe]?.httpGet;
        expect(get, probe).toBeDefined();
        expect(get.scheme, probe).toBe('HTTPS');
        expect(get.path, probe).toBe(probePath);
        expect([containerPort.name, containerPort.containerPort], probe).toContain(get.port);
      }
    });

    it('Deployment: 2+ replicas, spread, no unavailable replica in a rollout', () => {
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
      expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
      const spread = pod.spec.topologySpreadConstraints;
      expect(spread.map((c: any) => c.topologyKey)).toEqual(expect.arrayContaining(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']));
      for (const c of spread) {
        expect(c.maxSkew).toBe(1);
        expect(matches(c.labelSelector.matchLabels, podLabels)).toBe(true);
      }
    });

    it('Deployment: a stopping pod keeps serving until the Service forgets it, then drains within the grace period', () => {
      const [cmd, seconds] = container.lifecycle.preStop.exec.command;
      expect(cmd).toBe('sleep');
      const shutdown = container.args.find((a: string) => a.startsWith('--shutdown-timeout='));
      expect(shutdown).toBeDefined();
      expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(Number(seconds) + Number(shutdown.split('=')[1]));
    });

    it('Deployment: non-root, read-only root filesystem, no privileges, resources', () => {
      const podSc = pod.spec.securityContext;
      const sc = container.securityContext;
      expect(podSc.runAsNonRoot).toBe(true);
      expect(podSc.runAsUser).toBeGreaterThan(0);
      expect(podSc.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      expect(sc).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(sc.capabilities.add).toBeUndefined();
      expect(sc.privileged ?? false).toBe(false);
      expect(sc.seccompProfile ?? podSc.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      for (const k of ['hostNetwork', 'hostPID', 'hostIPC']) expect(pod.spec[k] ?? false, k).toBe(false);
      expect(pod.spec.volumes.every((v: any) => !v.hostPath)).toBe(true);
      expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.limits.memory).toEqual(expect.any(String));
      expect(container.image).toMatch(/^redis-lint:\d+\.\d+\.\d+$/);
      expect(pod.spec.automountServiceAccountToken).toBe(variant.configMapRead);
      expect(one(objects, 'ServiceAccount', pod.spec.serviceAccountName).automountServiceAccountToken).toBe(false);
    });

    it('config: the generated ConfigMap is mounted and is a valid policy (policies/schema.json)', () => {
      const configMap = one(objects, 'ConfigMap');
      const volume = pod.spec.volumes.find((v: any) => v.configMap);
      expect(volume.configMap.name).toBe(configMap.metadata.name);
      const mount = container.volumeMounts.find((m: any) => m.name === volume.name);
      const file = Object.keys((configMap as any).data)[0];
      expect(container.args).toContain(`--config=${mount.mountPath}/${file}`);
      const ajv = new Ajv({ allErrors: true, strict: false });
      const validate = ajv.compile(JSON.parse(readFileSync(path.join(root, 'policies/schema.json'), 'utf8')));
      expect(validate(parse((configMap as any).data[file])) ? [] : validate.errors).toEqual([]);
    });

    it('PodDisruptionBudget: keeps a replica, still lets a drain through', () => {
      const pdb = one(objects, 'PodDisruptionBudget');
      expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
      const replicas = deployment.spec.replicas;
      expect(pdb.spec.minAvailable === undefined || pdb.spec.maxUnavailable === undefined).toBe(true);
      const available = pdb.spec.minAvailable ?? replicas - pdb.spec.maxUnavailable;
      expect(Number.isInteger(available)).toBe(true);
      expect(available).toBeGreaterThanOrEqual(1);
      expect(available).toBeLessThan(replicas);
    });

    it('NetworkPolicy: ingress to the webhook port; egress only to the API server, and only when it is used', () => {
      const np = one(objects, 'NetworkPolicy');
      expect(matches(np.spec.podSelector.matchLabels, podLabels)).toBe(true);
      expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      // the API server and Prometheus reach 8443 from anywhere; no other port
      expect(np.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: containerPort.containerPort }] }]);
      if (variant.configMapRead) {
        expect(np.spec.egress).toEqual([{ ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] }]);
      } else {
        expect(np.spec.egress ?? []).toEqual([]);
      }
    });

    it('RBAC: least privilege (no wildcards, no secrets, get configmaps only; nothing in no-api-access)', () => {
      const roles = [...find(objects, 'ClusterRole'), ...find(objects, 'Role')];
      const bindings = [...find(objects, 'ClusterRoleBinding'), ...find(objects, 'RoleBinding')];
      for (const role of roles) {
        for (const rule of (role as any).rules) {
          const words = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs, ...(rule.resourceNames ?? [])];
          expect(words.some((w: string) => w.includes('*')), role.metadata.name).toBe(false);
          expect(rule.resources).not.toContain('secrets');
          expect(rule.nonResourceURLs).toBeUndefined();
        }
      }
      expect(roles.map((r) => `${r.kind}/${r.metadata.name}`)).toEqual(['ClusterRole/redis-lint-configmap-reader']);
      expect((roles[0] as any).rules).toEqual(variant.configMapRead ? [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] : []);
      expect(bindings).toHaveLength(1);
      const [binding] = bindings as any[];
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'redis-lint-configmap-reader' });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: pod.spec.serviceAccountName, namespace: NAMESPACE }]);
    });
  });

  it('docs/webhook.md documents the failurePolicy of each variant and the names to delete in an emergency', () => {
    const doc = readFileSync(path.join(root, 'docs/webhook.md'), 'utf8');
    for (const v of VARIANTS) {
      const row = doc.split('\n').find((l) => l.startsWith('|') && l.includes(`\`${v.dir === '.' ? 'manifests/' : `manifests/${v.dir}`}\``));
      expect(row, `a table row for ${v.name}`).toBeDefined();
      expect(row!.split('|').map((c) => c.trim()).slice(2, 4), v.name).toEqual([v.failurePolicy.validating, v.failurePolicy.mutating]);
    }
    const base = rendered.get('.')!;
    expect(doc).toContain(`kubectl delete validatingwebhookconfiguration ${one(base, 'ValidatingWebhookConfiguration').metadata.name}`);
    expect(doc).toContain(`kubectl delete mutatingwebhookconfiguration ${one(base, 'MutatingWebhookConfiguration').metadata.name}`);
  });
});
