import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/load/documents.js';
import { rootOf, type ConfigMapEntry, type RunContext } from '../../src/sources/common.js';
import {
  CONF_SYNTAX_RULE,
  configMapDeployments,
  configMapEntry,
  expandIncludes,
  isConfigMap,
  looksLikeRedisConf,
  redisConfKeys,
  redisConfOf,
} from '../../src/sources/configmap.js';
import { originPosition } from '../../src/types.js';

function entryOf(text: string): ConfigMapEntry {
  const { documents, errors } = parseText(text, 'cm.yaml');
  expect(errors).toEqual([]);
  const e = configMapEntry(documents[0]);
  expect(e).toBeDefined();
  return e!;
}

function standalone(text: string) {
  const { documents } = parseText(text, 'cm.yaml');
  const run: RunContext = { configMaps: documents.map(configMapEntry).filter((c) => c !== undefined), valuesFiles: [], ociRepositories: [], helmRepositories: [] };
  return configMapDeployments(documents[0], run, new Set());
}

const LITERAL = `apiVersion: v1
kind: ConfigMap
metadata:
  name: redis-config
  namespace: cache
data:
  QUORUM: "2"
  redis.conf: |
    # durability
    appendonly yes
      appendfsync no
    aof-load-truncated no
  sentinel.conf: |
    port 26379
    sentinel monitor mymaster redis-0 6379 2
`;

describe('isConfigMap / configMapEntry', () => {
  it('reads name, namespace and data', () => {
    const e = entryOf(LITERAL);
    expect(e).toMatchObject({ name: 'redis-config', namespace: 'cache' });
    expect(e.data.keys()).toEqual(['QUORUM', 'redis.conf', 'sentinel.conf']);
  });

  it('accepts v1 or no apiVersion, nothing else', () => {
    const root = (t: string) => rootOf(parseText(t, 'x.yaml').documents[0]);
    expect(isConfigMap(root('kind: ConfigMap\nmetadata: {name: a}\n'))).toBe(true);
    expect(isConfigMap(root('apiVersion: example.io/v1\nkind: ConfigMap\n'))).toBe(false);
    expect(isConfigMap(root('apiVersion: v1\nkind: Secret\n'))).toBe(false);
    expect(configMapEntry(parseText('apiVersion: v1\nkind: Secret\n', 'x.yaml').documents[0])).toBeUndefined();
  });
});

describe('redisConfOf', () => {
  it('points each directive of a literal block at its own line and column', () => {
    const { directives, problems } = redisConfOf(entryOf(LITERAL), 'redis.conf');
    expect(problems).toEqual([]);
    expect(directives.map((d) => [d.name, d.args, originPosition(d.origin).line, originPosition(d.origin).column])).toEqual([
      ['appendonly', ['yes'], 10, 5],
      ['appendfsync', ['no'], 11, 7],
      ['aof-load-truncated', ['no'], 12, 5],
    ]);
    expect(originPosition(directives[1].origin).yamlPath).toBe('data.redis.conf');
  });

  it('maps a `|-` block and a flow-style double-quoted string (Kubernetes docs example) to file lines', () => {
    const stripped = entryOf('kind: ConfigMap\ndata:\n  redis.conf: |-\n    save ""\n    appendfsync always\n');
    expect(redisConfOf(stripped, 'redis.conf').directives.map((d) => originPosition(d.origin).line)).toEqual([4, 5]);
    const flow = entryOf(`---
{
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: {
    name: "example-redis-config",
  },
  data: {
    redis-config: "\\
       maxmemory 2mb\\n\\
       maxmemory-policy allkeys-lru\\n\\
      ",
  },
}
`);
    const d = redisConfOf(flow, 'redis-config').directives;
    expect(d.map((x) => [x.name, x.args[0], originPosition(x.origin).line])).toEqual([
      ['maxmemory', '2mb', 10],
      ['maxmemory-policy', 'allkeys-lru', 11],
    ]);
  });

  it('returns nothing for a missing or non-string key', () => {
    const e = entryOf('kind: ConfigMap\ndata:\n  n: 3\n');
    expect(redisConfOf(e, 'n')).toEqual({ directives: [], problems: [] });
    expect(redisConfOf(e, 'missing')).toEqual({ directives: [], problems: [] });
  });
});

describe('looksLikeRedisConf', () => {
  it.each([
    ['redis.conf', 'appendonly yes\nappendfsync everysec\n', true],
    ['redis-config', 'maxmemory 2mb\nmaxmemory-policy allkeys-lru\n', true],
    ['master.conf', 'dir /data\nrename-command FLUSHDB ""\n', true],
    ['redis.conf', '# Redis configuration template\n', true],
    ['valkey.conf', '', true],
    ['other.conf', '# nothing\n', false],
    ['sentinel.conf', 'port 26379\ndir /data\n', false],
    ['node.conf', 'dir /data\nsentinel monitor m 10.0.0.1 6379 2\n', false],
    ['haproxy.cfg', 'defaults REDIS\n  mode tcp\n  timeout connect 4s\nbind :6379\n', false],
    ['nginx.conf', 'server {\n  listen 80;\n}\n', false],
    ['init.sh', 'echo "$(date) Start..."\nHOSTNAME="$(cat /proc/sys/kernel/hostname)"\n', false],
    ['QUORUM', '2', false],
    ['ports.conf', 'port 6379\nbind 0.0.0.0\n', false],
  ])('%s', (key, text, expected) => {
    expect(looksLikeRedisConf(key, text)).toBe(expected);
  });

  it('lists the redis.conf keys of a ConfigMap', () => {
    expect(redisConfKeys(entryOf(LITERAL))).toEqual(['redis.conf']);
  });
});

describe('expandIncludes', () => {
  it('inlines included files in place, recursively, and keeps unresolved includes', () => {
    const o = { kind: 'absent', key: 'k', anchor: { file: 'f', line: 1, column: 1, endLine: 1, endColumn: 1, yamlPath: '' } } as const;
    const d = (name: string, ...args: string[]) => ({ name, args, origin: o });
    const files: Record<string, ReturnType<typeof d>[]> = { '/a.conf': [d('save', ''), d('include', '/b.conf')], '/b.conf': [d('appendonly', 'yes')] };
    const r = expandIncludes([d('port', '1'), d('include', '/a.conf'), d('include', '/missing.conf'), d('maxmemory', '1gb')], (p) =>
      files[p] ? { directives: files[p], problems: [] } : undefined,
    );
    expect(r.directives.map((x) => x.name)).toEqual(['port', 'save', 'appendonly', 'include', 'maxmemory']);
    expect(r.unresolved.map((x) => x.args[0])).toEqual(['/missing.conf']);
  });
});

describe('configMapDeployments (ConfigMap not mounted by any workload of the run)', () => {
  it('yields a config-only deployment with everything else unknown', () => {
    const r = standalone(LITERAL);
    expect(r.findings).toEqual([]);
    expect(r.deployments).toHaveLength(1);
    const dep = r.deployments[0];
    expect(dep).toMatchObject({
      source: 'configmap',
      role: 'standalone',
      object: { kind: 'ConfigMap', name: 'redis-config', namespace: 'cache', file: 'cm.yaml' },
      volume: { kind: 'other' },
      memoryLimit: { value: null, origin: { kind: 'absent' } },
      fsGroup: { value: null },
      runAsUser: { value: null },
      redisVersion: { value: null, origin: { kind: 'absent' } },
      livenessProbe: { value: null },
      volumePermissionsInit: false,
    });
    expect(dep.volume.size).toBeUndefined();
    expect(dep.configAnchor.line).toBe(8); // `redis.conf: |`
    expect(originPosition(dep.memoryLimit.origin).line).toBe(8);
    expect(dep.config.get('appendfsync')!.args).toEqual(['no']);
    expect(originPosition(dep.config.get('appendfsync')!.origin).line).toBe(11);
    expect(originPosition(dep.config.get('aof-load-truncated')!.origin).line).toBe(12);
  });

  it('merges Bitnami redis.conf + master.conf into one deployment and leaves replica.conf out', () => {
    const r = standalone(`apiVersion: v1
kind: ConfigMap
metadata:
  name: redis-configuration
data:
  redis.conf: |-
    appendonly yes
    save ""
  master.conf: |-
    dir /data
  replica.conf: |-
    dir /data
    replica-read-only yes
`);
    expect(r.deployments).toHaveLength(1);
    const c = r.deployments[0].config;
    expect([...c.keys()]).toEqual(['appendonly', 'save', 'dir']);
    expect(originPosition(c.get('dir')!.origin).line).toBe(10);
  });

  it('expands an include of another key, which is then no deployment of its own', () => {
    const r = standalone(`kind: ConfigMap
metadata:
  name: c
data:
  redis.conf: |
    include /etc/redis/extra.conf
    appendonly yes
  extra.conf: |
    appendfsync no
`);
    expect(r.deployments).toHaveLength(1);
    expect(originPosition(r.deployments[0].config.get('appendfsync')!.origin).line).toBe(9);
  });

  it('makes one deployment per unrelated redis.conf key, none for other ConfigMaps', () => {
    expect(standalone('kind: ConfigMap\ndata:\n  cache.conf: |\n    maxmemory 1gb\n  queue.conf: |\n    appendonly yes\n').deployments).toHaveLength(2);
    expect(standalone('kind: ConfigMap\ndata:\n  app.properties: |\n    a=b\n').deployments).toHaveLength(0);
    expect(standalone('kind: Service\nmetadata:\n  name: s\n').deployments).toHaveLength(0);
  });

  it('reports a line Redis would refuse', () => {
    const r = standalone('kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  redis.conf: |\n    appendonly yes\n    requirepass "unterminated\n');
    expect(r.findings).toMatchObject([{ ruleId: CONF_SYNTAX_RULE, pos: { line: 7 }, object: { kind: 'ConfigMap', name: 'c' } }]);
    expect(r.deployments[0].config.get('requirepass')).toBeUndefined();
  });
});
