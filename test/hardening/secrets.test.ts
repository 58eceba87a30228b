/**
 * Secrets never appear in redis-lint's output (issue 6, docs/reliability.md).
 *
 * Distinctive random strings are planted wherever a Redis deployment carries a password or a
 * token: Bitnami values (`auth.password`, `global.redis.password`, `sentinel.password`, `token`,
 * `apiToken`, `requirepass`/`masterauth` in `commonConfiguration`, `--requirepass` in
 * `extraFlags`), a Flux HelmRelease (`spec.values`), Argo CD Applications (`valuesObject` and a
 * `helm.values` string), a StatefulSet (`--requirepass` args, an env value) with its redis.conf
 * ConfigMap, and invalid YAML files whose broken line holds a secret. Then every output is
 * scanned: each lint --format (stdout, stderr, -o files), --fix-dry-run, --fix (stderr; the
 * files keep their secrets), project --format json/text, the webhook (answers of /validate and
 * /mutate, its log lines, error answers to bodies that hold a secret) and calibrate's error paths
 * (a URL with a password to a closed port; calibrate against a live Redis is covered by
 * test/calibrate/cli.test.ts). Finally every file of ../shared/corpus goes through stylish, json
 * and sarif, and no value under a secret-looking key of the corpus may appear in the output.
 *
 * What is allowed: the --fix-dry-run diff shows the user's own file, but a line whose key looks
 * secret has its value replaced by `<redacted>` (src/core/redact.ts redactDiff), in context and
 * changed lines alike. SARIF `region.snippet` / `contextRegion.snippet` quote the file text
 * around a finding with the same masking (src/report/sarif.ts uses redactText).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, HAS_CORPUS, NEEDS_CORPUS } from '../shared-dir.js';
import YAML from 'yaml';
import { REDACTED, redactDiff, redactText } from '../../src/core/redact.js';
import { OPENSSL, admissionReview, makeCert, request, root, startTestServer, type TestServer } from '../webhook/helpers.js';

const bin = path.join(root, 'dist/cli/main.js');
const CORPUS = CORPUS_DIR;

const secret = (name: string) => `S3cr3t${name}${randomBytes(5).toString('hex')}`;
const S = {
  authPassword: secret('AuthPw'),
  globalPassword: secret('GlobalPw'),
  sentinelPassword: secret('SentinelPw'),
  token: secret('Token'),
  apiToken: secret('ApiToken'),
  confRequirepass: secret('ConfReqpass'),
  confMasterauth: secret('ConfMasterauth'),
  flagRequirepass: secret('FlagReqpass'),
  hrPassword: secret('HrPw'),
  hrGlobal: secret('HrGlobal'),
  hrConf: secret('HrConf'),
  argoObject: secret('ArgoObj'),
  argoString: secret('ArgoStr'),
  argoSentinel: secret('ArgoSent'),
  argoConf: secret('ArgoConf'),
  cmRequirepass: secret('CmReqpass'),
  cmMasterauth: secret('CmMasterauth'),
  argRequirepass: secret('ArgReqpass'),
  argMasterauthEq: secret('ArgMasterauth'),
  envPassword: secret('EnvPw'),
  badYaml: secret('BadYaml'),
  badQuote: secret('BadQuote'),
  dupKey: secret('DupKey'),
  calibrate: secret('Calibrate'),
  webhookJson: secret('WebhookJson'),
  // issue 13: the forms the first masking missed
  aclPassword: secret('AclPw'),
  aclHash: randomBytes(32).toString('hex'),
  flowEnv: secret('FlowEnv'),
  cliAuth: secret('CliAuth'),
  shellAuth: secret('ShellAuth'),
  urlNoUser: secret('UrlNoUser'),
  urlUser: secret('UrlUser'),
  envPass: secret('EnvPass'),
  envToken: secret('EnvToken'),
  envSecret: secret('EnvSecret'),
};
const ALL = Object.values(S);

const FILES: Record<string, string> = {
  'values.yaml': `# Bitnami redis values
architecture: replication
auth:
  enabled: true
  password: ${S.authPassword}
global:
  redis:
    password: ${S.globalPassword}
sentinel:
  enabled: false
  password: ${S.sentinelPassword}
token: ${S.token}
apiToken: "${S.apiToken}"
commonConfiguration: |-
  requirepass ${S.confRequirepass}
  masterauth ${S.confMasterauth}
  appendonly yes
  appendfsync always
master:
  extraFlags:
    - --requirepass
    - ${S.flagRequirepass}
  resources:
    limits:
      memory: 1Gi
  persistence:
    size: 1Gi
`,
  'helmrelease.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: redis
  namespace: cache
spec:
  chart:
    spec:
      chart: redis
      version: 19.5.1
      sourceRef: {kind: HelmRepository, name: bitnami}
  values:
    auth:
      password: ${S.hrPassword}
    global:
      redis:
        password: ${S.hrGlobal}
    master:
      persistence:
        size: 1Gi
      resources:
        limits:
          memory: 512Mi
    commonConfiguration: |-
      requirepass ${S.hrConf}
      appendfsync always
`,
  'argo.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: redis
  namespace: argocd
spec:
  destination: {namespace: cache, server: https://kubernetes.default.svc}
  project: default
  source:
    repoURL: https://charts.bitnami.com/bitnami
    chart: redis
    targetRevision: 19.5.1
    helm:
      valuesObject:
        auth:
          password: ${S.argoObject}
        master:
          resources: {limits: {memory: 256Mi}}
          persistence: {size: 1Gi}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: redis2
  namespace: argocd
spec:
  destination: {namespace: cache2, server: https://kubernetes.default.svc}
  project: default
  source:
    repoURL: https://charts.bitnami.com/bitnami
    chart: redis
    targetRevision: 19.5.1
    helm:
      values: |
        auth:
          password: ${S.argoString}
        sentinel:
          password: ${S.argoSentinel}
        master:
          resources: {limits: {memory: 256Mi}}
          persistence: {size: 1Gi}
          configuration: |-
            requirepass ${S.argoConf}
            appendfsync always
`,
  'statefulset.yaml': `apiVersion: v1
kind: ConfigMap
metadata: {name: redis-conf, namespace: shop}
data:
  redis.conf: |
    requirepass ${S.cmRequirepass}
    masterauth ${S.cmMasterauth}
    appendonly yes
    user default on >${S.aclPassword} ~* +@all
    user bob on #${S.aclHash} ~* +@all
    appendfsync always
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: shop}
spec:
  serviceName: redis
  replicas: 1
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
        - name: redis
          image: redis:7.2
          args: ["/etc/redis/redis.conf", "--requirepass", "${S.argRequirepass}", "--masterauth=${S.argMasterauthEq}"]
          env:
            - name: REDIS_PASSWORD
              value: ${S.envPassword}
            - {name: SENTINEL_PASSWORD, value: ${S.flowEnv}}
            - name: REDISCLI_AUTH
              value: "${S.cliAuth}"
            - {name: CACHE_URL, value: "redis://:${S.urlNoUser}@cache:6379/0"}
            - name: REPLICA_URL
              value: rediss://app:${S.urlUser}@replica:6380
            - {name: CACHE_PASS, value: ${S.envPass}}
            - {name: APP_TOKEN, value: ${S.envToken}}
            - {name: APP_SECRET, value: ${S.envSecret}}
          livenessProbe:
            exec: {command: ["sh", "-c", "REDISCLI_AUTH=${S.shellAuth} redis-cli ping"]}
          resources: {limits: {memory: 1Gi}}
          volumeMounts: [{name: data, mountPath: /data}, {name: conf, mountPath: /etc/redis}]
      volumes: [{name: conf, configMap: {name: redis-conf}}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`,
  // the parse error is on the line that holds the secret
  // (each ends with a comment naming Redis: a broken file that names none is only a warning)
  'bad.yaml': `auth:\n  password: ${S.badYaml}: oops: [\n  enabled: true\n# redis\n`,
  'bad-quote.yaml': `auth:\n  password: "${S.badQuote}\n# redis\n`,
  'dup.yaml': `auth:\n  password: ${S.dupKey}\n  password: again-${S.dupKey}\n# redis\n`,
};

function leaks(text: string, secrets: readonly string[] = ALL): string[] {
  return secrets.filter((s) => text.includes(s));
}

function run(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

const FORMATS = ['stylish', 'json', 'sarif', 'github', 'junit', 'rdjson', 'codequality'] as const;

describe.skipIf(!existsSync(bin))('secrets never appear in any output (needs a build)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-secrets-'));
    mkdirSync(path.join(dir, 'in'));
    for (const [name, text] of Object.entries(FILES)) writeFileSync(path.join(dir, 'in', name), text);
  });

  it('the planted inputs are read: findings and parse errors come out for each file', () => {
    const r = spawnSync(process.execPath, [bin, '--no-config', '--format', 'json', 'in'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    const text = JSON.stringify(JSON.parse(r.stdout) as unknown);
    for (const f of Object.keys(FILES)) expect(text).toContain(`in/${f}`);
    expect(text).toMatch(/invalid-yaml/);
  });

  it.each(FORMATS)('lint --format %s: stdout and stderr', (format) => {
    const r = run(['--no-config', '--format', format, 'in'], dir);
    expect(r.status).toBe(2); // the invalid YAML files are input errors
    expect(r.out.length).toBeGreaterThan(100);
    expect(leaks(format === 'sarif' ? r.out.trim() : r.out)).toEqual([]);
  });

  it('lint: every format written with -o at once, and fail-level/warnings flags', () => {
    const args = ['--no-config', '--fail-level', 'info', '--max-warnings', '0'];
    for (const f of FORMATS) args.push('--format', f, '-o', `out.${f}`);
    const r = run([...args, 'in'], dir);
    expect(leaks(r.out)).toEqual([]);
    for (const f of FORMATS) {
      const text = readFileSync(path.join(dir, `out.${f}`), 'utf8');
      expect(text.length).toBeGreaterThan(50);
      expect(leaks(text), `out.${f}`).toEqual([]);
    }
  });

  it('SARIF region/contextRegion snippets quote the file with secret values masked', () => {
    const r = run(['--no-config', '--format', 'sarif', 'in'], dir);
    expect(r.out).toContain('"snippet"');
    expect(r.out).toContain(REDACTED);
    expect(leaks(r.out)).toEqual([]);
    // the issue 13 forms are quoted, masked (so this test would see them if they were not)
    for (const masked of ['on ><redacted> ~*', 'on #<redacted> ~*', 'value: <redacted>}', 'redis://:<redacted>@cache', 'rediss://app:<redacted>@replica', 'REDISCLI_AUTH=<redacted> redis-cli']) {
      expect(r.out, masked).toContain(masked);
    }
  });

  it('--fix-dry-run: the diff masks secret lines, the notices name none', () => {
    const r = run(['--no-config', '--fix-dry-run', 'in'], dir);
    expect(r.out).toMatch(/^\+\+\+ b\//m);
    expect(r.out).toContain(REDACTED);
    expect(leaks(r.out)).toEqual([]);
    // dry run: nothing changed
    for (const [name, text] of Object.entries(FILES)) expect(readFileSync(path.join(dir, 'in', name), 'utf8')).toBe(text);
  });

  it('--fix: stderr names no secret, and the fixed files keep every secret they had', () => {
    const copy = path.join(dir, 'fixed');
    cpSync(path.join(dir, 'in'), copy, { recursive: true });
    const r = run(['--no-config', '--fix', '--format', 'json', 'fixed'], dir);
    expect(r.out).toMatch(/redis-lint: fixed /);
    expect(leaks(r.out)).toEqual([]);
    const before = Object.values(FILES).join('\n');
    const after = readdirSync(copy)
      .map((f) => readFileSync(path.join(copy, f), 'utf8'))
      .join('\n');
    expect(leaks(after)).toEqual(leaks(before));
  });

  it.each(['json', 'text'])('project --format %s', (format) => {
    const r = run(['project', '--no-config', '--format', format, 'in'], dir);
    expect(r.out.length).toBeGreaterThan(100);
    expect(leaks(r.out)).toEqual([]);
  });

  it('calibrate: a URL password is masked on the error paths', () => {
    const urls = [
      `redis://default:${S.calibrate}@127.0.0.1:1`,
      `rediss://default:${S.calibrate}@127.0.0.1:1/0`,
      `redis://default:${S.calibrate}@nonexistent.invalid:6379`,
      `redis://:${S.calibrate}@[::1`,
      `http://default:${S.calibrate}@127.0.0.1:1`,
      `redis://default:${S.calibrate}@127.0.0.1:1/notadb`,
      `redis://default:${encodeURIComponent(S.calibrate + '/x')}@127.0.0.1:1`,
    ];
    for (const url of urls) {
      const r = run(['calibrate', '--url', url, '--seconds', '1', '--timeout', '1', '--format', 'json'], dir);
      expect(r.status, url).toBe(2);
      expect(r.out, url).toMatch(/redis-lint calibrate: /);
      expect(leaks(r.out, [S.calibrate])).toEqual([]);
    }
    // the password from REDISCLI_AUTH as well
    const r = spawnSync(process.execPath, [bin, 'calibrate', '--url', 'redis://127.0.0.1:1', '--seconds', '1', '--timeout', '1'], { cwd: dir, encoding: 'utf8', env: { ...process.env, REDISCLI_AUTH: S.calibrate } });
    expect(leaks(r.stdout + r.stderr, [S.calibrate])).toEqual([]);
  });

  describe.skipIf(!OPENSSL)('the webhook (needs openssl)', () => {
    let s: TestServer;
    afterAll(async () => {
      await s?.close();
    });

    it('answers (warnings, denials, patches) and log lines name no secret', async () => {
      const cert = makeCert(mkdtempSync(path.join(tmpdir(), 'redis-lint-secrets-cert-')), 'webhook');
      s = await startTestServer(cert, { cacheSize: 0 });
      const objects = ['values.yaml', 'helmrelease.yaml', 'argo.yaml', 'statefulset.yaml'].flatMap((f) =>
        YAML.parseAllDocuments(FILES[f])
          .map((d) => d.toJS() as Record<string, unknown>)
          .filter((o) => o && typeof o.kind === 'string'),
      );
      expect(objects.map((o) => o.kind)).toEqual(['HelmRelease', 'Application', 'Application', 'ConfigMap', 'StatefulSet']);
      const answers: string[] = [];
      let denied = 0;
      for (const o of objects) {
        for (const webhook of ['validate', 'mutate'] as const) {
          for (const operation of ['CREATE', 'UPDATE'] as const) {
            const a = await s.post(webhook, admissionReview(o, { operation }));
            expect(a.status).toBe(200);
            answers.push(a.text);
            if (a.json.response.patch) answers.push(Buffer.from(a.json.response.patch, 'base64').toString('utf8'));
            if (a.json.response.allowed === false) denied++;
          }
        }
      }
      expect(denied).toBeGreaterThan(0);
      expect(answers.some((a) => a.includes('"warnings"'))).toBe(true);
      // bodies that are not AdmissionReviews but hold a secret: the error answers must not echo it
      const bad = [
        `{"request":{"object":{"password":${S.webhookJson}}}}`,
        `{"request":{"uid":"x","object":{"password":"${S.webhookJson}"`,
        JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { password: S.webhookJson } }),
        // (not here: a secret planted in the review's own `kind` or `uid`, which the error message
        // and the answer echo by design: neither is a place a secret lives)
        JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u', kind: { group: '', version: 'v1', kind: 'Secret' }, operation: 'CREATE', object: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's' }, stringData: { password: S.webhookJson } } } }),
      ];
      for (const body of bad) {
        for (const contentType of ['application/json', 'text/plain', 'application/yaml']) {
          const a = await request(s.port, 'POST', '/validate', s.ca, body, contentType);
          expect([200, 400, 415]).toContain(a.status);
          answers.push(a.text);
        }
      }
      const logs = s.logs.lines.join('\n');
      expect(s.logs.lines.length).toBeGreaterThan(10);
      expect(leaks(answers.join('\n'))).toEqual([]);
      expect(leaks(logs)).toEqual([]);
    });
  });

  describe.skipIf(!HAS_CORPUS)(`the corpus ${NEEDS_CORPUS}`, () => {
    it('no value under a secret-looking key of any corpus file appears in stylish, json or sarif output', () => {
      const secrets = corpusSecrets(CORPUS);
      // the corpus holds a few (mostly placeholders such as ${SECRET_REDIS_PASSWORD}); all must stay out
      expect(secrets.size).toBeGreaterThan(0);
      const found: string[] = [];
      for (const format of ['stylish', 'json', 'sarif']) {
        const r = run(['--no-config', '--format', format, CORPUS], root);
        expect(r.out.length).toBeGreaterThan(1000);
        const text = format === 'sarif' ? r.out.trim() : r.out;
        for (const [value, where] of secrets) if (text.includes(value)) found.push(`${format}: ${value} (${where})`);
      }
      expect(found).toEqual([]);
    });
  });
});

describe('redactDiff', () => {
  it('masks CRLF lines and references to secret-looking variables as well (found on the corpus: keydb, app-template)', () => {
    const crlf = 'env:\r\n  - name: KEYDB_PASSWORD\r\n    value: hunter2\r\n  - name: PORT\r\n    value: "6379"\r\n';
    expect(redactText(crlf)).toBe('env:\r\n  - name: KEYDB_PASSWORD\r\n    value: <redacted>\r\n  - name: PORT\r\n    value: "6379"\r\n');
    expect(redactText('# via args. ${VALKEY_PASSWORD} is substituted by Flux\nargs: [--port, $(REDIS_PORT), $(REDIS_AUTH)]')).toBe(
      '# via args. <redacted> is substituted by Flux\nargs: [--port, $(REDIS_PORT), <redacted>]',
    );
  });

  it('masks secret keys, redis.conf password directives, flags and secret env values; keeps the rest', () => {
    const diff = [
      '--- a/x.yaml',
      '+++ b/x.yaml',
      '@@ -1,12 +1,12 @@',
      ' auth:',
      '   password: hunter2',
      '   "apiToken": "tok"',
      '   existingSecretPasswordKey: redis-password',
      '   usePasswordFiles: true',
      '   automountServiceAccountToken: false',
      '   configuration: |-',
      '     requirepass abc',
      '     masterauth def',
      '     sentinel auth-pass mymaster ghi',
      '-    appendfsync always',
      '+    appendfsync everysec',
      '   args: ["--requirepass", "jkl", "--masterauth=mno"]',
      '   - --requirepass',
      '   - pqr',
      '   - name: REDIS_PASSWORD',
      '     value: stu',
      '   - name: REDIS_PORT',
      '     value: "6379"',
      '   password: |',
      '     vwx',
      '   after: ok',
    ].join('\n');
    const out = redactDiff(diff);
    for (const s of ['hunter2', 'tok', 'abc', 'def', 'ghi', 'jkl', 'mno', 'pqr', 'stu', 'vwx']) expect(out).not.toMatch(new RegExp(`\\b${s}\\b`));
    expect(out).toContain('   password: <redacted>');
    expect(out).toContain('   existingSecretPasswordKey: redis-password');
    expect(out).toContain('   usePasswordFiles: true');
    expect(out).toContain('   automountServiceAccountToken: false');
    expect(out).toContain('+    appendfsync everysec');
    expect(out).toContain('     value: "6379"');
    expect(out).toContain('   password: |');
    expect(out).toContain('   after: ok');
    expect(out.split('\n').slice(0, 3)).toEqual(diff.split('\n').slice(0, 3));
    // the same masking of plain file text (for outputs that quote a file)
    const plain = redactText('auth:\n  password: hunter2\nargs:\n  - --requirepass\n  - pqr\nx: 1\n');
    expect(plain).toBe('auth:\n  password: <redacted>\nargs:\n  - --requirepass\n  - <redacted>\nx: 1\n');
  });
});

/** Values under secret-looking keys of every corpus file: key values, redis.conf directives, --requirepass args, nested values strings. */
function corpusSecrets(dir: string): Map<string, string> {
  const KEY = /(password|passwd|pwd|token|apikey|api_key|requirepass|masterauth|auth-pass)$/i;
  const out = new Map<string, string>();
  const add = (v: unknown, file: string, why: string) => {
    const s = String(v ?? '');
    if (s.length >= 6) out.set(s, `${path.relative(dir, file)} ${why}`);
  };
  const conf = (text: string, file: string) => {
    for (const m of text.matchAll(/^\s*(?:requirepass|masterauth|sentinel\s+auth-pass\s+\S+)\s+("?)([^\s"]+)\1/gim)) add(m[2], file, 'redis.conf');
  };
  const walk = (o: unknown, file: string): void => {
    if (Array.isArray(o)) {
      o.forEach((x, i) => {
        if (typeof x === 'string') {
          const m = /^--(requirepass|masterauth)(?:=(.+))?$/.exec(x);
          if (m) add(m[2] ?? o[i + 1], file, 'argument');
        }
        walk(x, file);
      });
      return;
    }
    if (!o || typeof o !== 'object') return;
    for (const [k, v] of Object.entries(o)) {
      if (KEY.test(k) && (typeof v === 'string' || typeof v === 'number')) add(v, file, k);
      if (typeof v === 'string') {
        conf(v, file);
        if (v.includes('\n') && /:\s/.test(v)) {
          try {
            for (const d of YAML.parseAllDocuments(v)) walk(d.toJS(), file);
          } catch {
            // not YAML
          }
        }
      } else walk(v, file);
    }
  };
  const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(d, e.name)) : [path.join(d, e.name)]));
  for (const f of files(dir)) {
    if (!/\.(ya?ml|json|conf)$/i.test(f)) continue;
    const text = readFileSync(f, 'utf8');
    conf(text, f);
    try {
      for (const d of YAML.parseAllDocuments(text)) walk(d.toJS(), f);
    } catch {
      // an invalid file: its directives were still collected
    }
  }
  return out;
}
