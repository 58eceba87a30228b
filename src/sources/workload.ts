import { isScalar } from 'yaml';
import { embeddedContext, type LoadedDocument } from '../load/documents.js';
import { asNumber, asString, type YamlVNode } from '../load/vnode.js';
import type { ConfigDirective, DataVolume, ObjectRef, Origin, RedisConfig, RedisDeployment, RedisRole, Setting, SourcePosition } from '../types.js';
import {
  findConfigMap,
  findingObject,
  objectRefOf,
  probeTiming,
  quantityNotice,
  memoryLimitValue,
  quantityValue,
  rootOf,
  settingOf,
  workloadFromAnnotations,
  type ConfigMapEntry,
  type RunContext,
  type SourceFinding,
  type SourceResult,
} from './common.js';
import { confProblemFindings, expandIncludes, redisConfOf } from './configmap.js';
import { podSpecPath } from './pod-spec.js';
import { applyDirectives, parseServerArgs, type ConfProblem } from './redis-conf.js';

/**
 * Source adapter for Kubernetes workloads that run Redis themselves: apps/v1 StatefulSet and
 * Deployment (also apps/v1beta1, apps/v1beta2, extensions/v1beta1) and v1 Pod, as written by hand
 * or rendered by `helm template`. Produces one RedisDeployment per Redis server container
 * (`source: 'workload'`), reading redis.conf from mounted ConfigMaps and `redis-server` flags.
 *
 * Image facts used below (checked against the images' sources):
 * - official `redis` (docker-library/redis, redis/docker-library-redis `docker-entrypoint.sh`):
 *   WORKDIR /data; the entrypoint prepends `redis-server` when the first argument starts with `-`
 *   or ends in `.conf`; when it then runs `redis-server` as root it runs
 *   `find . \! -user redis -exec chown redis '{}' +` on the working directory (/data) and re-executes
 *   itself as user `redis` (uid 999, `useradd -u 999` in the Dockerfile) through gosu / su-exec /
 *   setpriv. A Kubernetes `command:` replaces the entrypoint, so `command: [redis-server, ...]` runs
 *   Redis as root with no chown.
 * - official `valkey/valkey` (valkey-io/valkey-container): the same, with `valkey-server` and user
 *   `valkey` (uid 999).
 * - `bitnami/redis` (bitnami/containers Dockerfile and redis-env.sh): `USER 1001`; run.sh starts
 *   redis-server with /opt/bitnami/redis/etc/redis.conf configured from environment variables:
 *   REDIS_DATA_DIR (default /bitnami/redis/data), REDIS_AOF_ENABLED (default yes),
 *   REDIS_RDB_POLICY_DISABLED (default no), REDIS_EXTRA_FLAGS, REDIS_REPLICATION_MODE.
 *   The Bitnami chart instead runs start-scripts/start-{master,replica,node}.sh (its rendered
 *   scripts ConfigMap): they copy redis.conf and master.conf / replica.conf from the ConfigMap
 *   mounted at /opt/bitnami/redis/mounted-etc and run `redis-server --include .../redis.conf
 *   --include .../master.conf` (start-replica.sh adds `--slaveof`). Flags the chart adds inside
 *   those scripts (extraFlags) are not read: the scripts ConfigMap is not parsed.
 * - `redis/redis-stack-server`: WORKDIR /data, runs as root (assumed: no user switch in its entrypoint).
 */

/** Rule id of notices for settings this adapter cannot see (a ConfigMap not in the inputs, a config file baked into the image). */
export const PARTIAL_RULE = 'unresolved-values';

// ---------------------------------------------------------------------------------------------
// images

/** Which image family a container runs, for its defaults (user, data dir, entrypoint). */
export type ImageFlavor = 'official' | 'valkey' | 'bitnami' | 'redis-stack' | 'other';

/** A parsed image reference: `[registry/]repository[:tag][@digest]`. */
export interface ImageRef {
  /** repository path without registry, e.g. `bitnami/redis`, `library/redis`, `redis` */
  repository: string;
  /** last path component, lowercase, e.g. `redis`, `redis-sentinel`, `redis_exporter` */
  name: string;
  tag?: string;
  digest?: string;
  flavor: ImageFlavor;
  /** what the image runs by default */
  role: 'server' | 'sentinel' | 'exporter' | 'other';
}

/**
 * Parse an image reference. The registry is the first component when it contains `.` or `:` or is
 * `localhost` (the Docker reference grammar); the tag is what follows the first `:` of the last
 * component (`gcr.io/x/redis:alpine:v0.3.6` has tag `alpine:v0.3.6`).
 * @example parseImage('docker.io/bitnami/redis:7.2.4-debian-12-r0') -> { repository: 'bitnami/redis', tag: '7.2.4-debian-12-r0', flavor: 'bitnami', ... }
 */
export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const parts = rest.split('/');
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) parts.shift();
  const last = parts.pop() ?? '';
  const colon = last.indexOf(':');
  const name = (colon >= 0 ? last.slice(0, colon) : last).toLowerCase();
  const tag = colon >= 0 ? last.slice(colon + 1) : undefined;
  const repository = [...parts, name].join('/');
  let role: ImageRef['role'] = 'other';
  if (/exporter/.test(name)) role = 'exporter';
  else if (/^(redis|valkey)-sentinel$/.test(name)) role = 'sentinel';
  else if (/^(redis|valkey|redis-stack|redis-stack-server)$/.test(name)) role = 'server';
  let flavor: ImageFlavor = 'other';
  if (parts.some((p) => /^bitnami/i.test(p))) flavor = 'bitnami';
  else if (name === 'valkey') flavor = 'valkey';
  else if (name.startsWith('redis-stack')) flavor = 'redis-stack';
  else if (name === 'redis' || name === 'redis-sentinel') flavor = 'official';
  return { repository, name, tag, digest, flavor, role };
}

/**
 * The Redis version an image tag names: `7.2.4` and `7.2.4-debian-12-r0` -> 7.2, `6` and
 * `7-alpine` -> {major 6|7, minor 0, label '6.x'|'7.x'} (a floating major tag: the minor is
 * unknown, 0 is the conservative reading), `latest`, `alpine`, `v0.3.6`, digests -> null.
 * Valkey tags are Valkey versions; the label says so (`valkey 8.x`).
 */
export function versionFromImage(ref: ImageRef): { major: number; minor: number; label: string } | null {
  if (ref.role !== 'server') return null;
  const v = versionFromTag(ref.tag);
  return v && ref.flavor === 'valkey' ? { ...v, label: `valkey ${v.label}` } : v;
}

/** The version an image tag names (see versionFromImage): `7.2.4-debian-12-r0` -> 7.2, `7-alpine` -> 7.x, else null. */
export function versionFromTag(tag: string | undefined): { major: number; minor: number; label: string } | null {
  const m = tag ? /^(\d{1,2})(?:\.(\d{1,3}))?(?=$|[.-])/.exec(tag) : null;
  if (!m) return null;
  const major = Number(m[1]);
  const minor = m[2] === undefined ? 0 : Number(m[2]);
  return { major, minor, label: `${major}.${m[2] === undefined ? 'x' : minor}` };
}

// ---------------------------------------------------------------------------------------------
// command lines

/** A word of a container's command line with where it is written. */
interface Token {
  text: string;
  origin: Origin;
  /** the YAML node of the word itself (a sequence item, or the `sh -c` script string it is part of) */
  node: YamlVNode;
  /** the YAML node holding the word: the `args`/`command` sequence or a `sh -c` script string */
  holder: YamlVNode;
  /** a shell operator (`;`, `&&`, `|`, newline, ...) */
  op?: boolean;
}

/** A word of a shell script with its offsets in the script text. */
export interface ShellWord {
  text: string;
  start: number;
  end: number;
  op?: boolean;
}

/**
 * Split a shell script (`sh -c "..."`) into words the way a POSIX shell does for simple commands:
 * blanks separate, 'single' and "double" quotes group (quotes removed, `""` is an empty word),
 * backslash escapes, `\`+newline continues the line, `#` starts a comment, and `;` `&` `&&` `|`
 * `||` `(` `)` and newlines are operator words. `$(...)` stays inside its word. Redirections
 * (`>`, `2>&1`) are kept as words. Good enough to find `redis-server` and its arguments.
 */
export function shellWords(s: string): ShellWord[] {
  const out: ShellWord[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\' && s[i + 1] === '\n') {
      i += 2;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < s.length && s[i] !== '\n') i++;
    } else if ('\n;&|()'.includes(c)) {
      const j = (c === '&' || c === '|' || c === ';') && s[i + 1] === c ? i + 2 : i + 1;
      out.push({ text: s.slice(i, j), start: i, end: j, op: true });
      i = j;
    } else {
      const start = i;
      let text = '';
      while (i < s.length && !/[\s;&|()]/.test(s[i])) {
        const ch = s[i];
        if (ch === '\\') {
          if (s[i + 1] !== '\n') text += s[i + 1] ?? '';
          i += 2;
        } else if (ch === "'") {
          const end = s.indexOf("'", i + 1);
          const e = end < 0 ? s.length : end;
          text += s.slice(i + 1, e);
          i = e + 1;
        } else if (ch === '"') {
          i++;
          while (i < s.length && s[i] !== '"') {
            if (s[i] === '\\' && '"\\$`\n'.includes(s[i + 1] ?? '')) {
              if (s[i + 1] !== '\n') text += s[i + 1];
              i += 2;
            } else text += s[i++];
          }
          i++;
        } else if (ch === '$' && s[i + 1] === '(') {
          const st = i;
          let depth = 0;
          while (i < s.length) {
            if (s[i] === '(') depth++;
            else if (s[i] === ')' && --depth === 0) {
              i++;
              break;
            }
            i++;
          }
          text += s.slice(st, i);
        } else if (ch === '>' || ch === '<') {
          text += ch;
          i++;
          if (s[i] === '&') text += s[i++];
        } else text += s[i++];
      }
      out.push({ text, start, end: Math.min(i, s.length) });
    }
  }
  return out;
}

const basename = (p: string) => p.replace(/\/+$/, '').split('/').pop() ?? p;
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const SERVER_RE = /^((redis|valkey)-server|redis-stack-server)$/;

/**
 * The redis-stack images' own entrypoint (redis-stack/redis-stack etc/scripts/entrypoint.sh at
 * ac979470): `redis-server [/redis-stack.conf] --dir ${REDIS_DATA_DIR:-/data} … --loadmodule … ${REDIS_ARGS}`:
 * the flags are the words of the `REDIS_ARGS` variable (a literal `env` value), at their place in it.
 */
function redisStackEntrypoint(container: YamlVNode): Launch {
  const env = container.child('env');
  let args: Token[] = [];
  let dataDir = '/data';
  let flagsNode: YamlVNode | undefined;
  for (const e of env.items() as YamlVNode[]) {
    const name = asString(e.get('name').value());
    if (name === 'REDIS_ARGS' && e.child('value').exists) {
      flagsNode = e.child('value');
      args = scriptTokens(flagsNode).filter((t) => !t.op);
    }
    if (name === 'REDIS_DATA_DIR') dataDir = asString(e.get('value').value()) ?? dataDir;
  }
  return { role: 'server', serverArgs: args, flagsNode, entrypointServer: false, dataDir };
}
const SENTINEL_RE = /^(redis|valkey)-sentinel$/;

/** The words of a YAML `command`/`args` sequence (a single string counts as one word). */
function seqTokens(node: YamlVNode): Token[] {
  if (node.kind() === 'scalar') return [{ text: asString(node.value()) ?? '', origin: node.origin(), node, holder: node }];
  return node.items().map((_, i) => {
    const item = node.child(i);
    return { text: asString(item.value()) ?? '', origin: item.origin(), node: item, holder: node };
  });
}

/** The words of a `sh -c` script string with their positions in the file (exact for `|` blocks). */
function scriptTokens(item: YamlVNode): Token[] {
  const scalar = item.node;
  if (!isScalar(scalar) || typeof scalar.value !== 'string') return [];
  const ctx = embeddedContext(scalar, item.ctx, item.path);
  const yamlPath = item.path.map(String).join('.');
  return shellWords(scalar.value).map((w) => {
    const a = ctx.locate(w.start);
    const b = ctx.locate(w.end);
    const pos: SourcePosition = { file: ctx.file, line: a.line, column: a.col, endLine: b.line, endColumn: b.col, yamlPath };
    return { text: w.text, origin: { kind: 'file', pos }, node: item, holder: item, op: w.op };
  });
}

/** How a container starts, as far as Redis is concerned. */
export interface Launch {
  role: 'server' | 'sentinel' | 'exporter' | 'other';
  /** argv after `redis-server` (empty when Redis starts with the image's own command) */
  serverArgs: Token[];
  /** the node a new flag would be added to (the args/command sequence or the `sh -c` script) */
  flagsNode?: YamlVNode;
  /** the image's entrypoint runs and starts `redis-server` itself (official/valkey chown-and-drop-root path) */
  entrypointServer: boolean;
  /** a start script runs Redis with flags we cannot see: Bitnami's `run.sh` (image CMD) or chart `start-master.sh` etc. */
  startScript?: string;
  /** the data directory the launcher passes with `--dir` before the user's flags (redis-stack), when not the working directory */
  dataDir?: string;
}

/**
 * Work out what a container runs: its argv is `command` + `args`, or, without `command`, the
 * image entrypoint given `args` (official images prepend `redis-server` to `-flag`/`*.conf`
 * arguments). `sh -c` scripts are tokenized; the words after `redis-server` up to the next shell
 * operator are its arguments.
 */
export function analyzeLaunch(container: YamlVNode, image: ImageRef | undefined): Launch {
  const none: Launch = { role: 'other', serverArgs: [], entrypointServer: false };
  if (image?.role === 'sentinel' || image?.role === 'exporter') return { ...none, role: image.role };
  let argv = [...seqTokens(container.child('command')), ...seqTokens(container.child('args'))];
  let viaEntrypoint = !container.child('command').exists;
  if (argv.length && basename(argv[0].text) === 'docker-entrypoint.sh') {
    viaEntrypoint = true;
    argv = argv.slice(1);
  }
  const official = image?.flavor === 'official' || image?.flavor === 'valkey';
  if (!argv.length) {
    // the image's own CMD: redis-server (official), run.sh (Bitnami)
    if (image?.role !== 'server') return none;
    if (image.flavor === 'redis-stack') return redisStackEntrypoint(container);
    return { role: 'server', serverArgs: [], entrypointServer: official, startScript: image.flavor === 'bitnami' ? 'run.sh' : undefined };
  }
  // expand `sh -c 'script'` and `sh script.sh`
  let words = argv;
  if (SHELLS.has(basename(argv[0].text)) && argv.length > 1) {
    const c = argv.findIndex((t, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(t.text));
    words = c > 0 && argv[c + 1] ? scriptTokens(argv[c + 1].node) : argv.slice(1);
  }
  if (words.some((w) => !w.op && (SENTINEL_RE.test(basename(w.text)) || w.text === '--sentinel'))) return { ...none, role: 'sentinel' };
  if (words.some((w) => !w.op && /redis_exporter/.test(basename(w.text)))) return { ...none, role: 'exporter' };
  const argsNode = container.child('args').exists ? container.child('args') : container.child('command');
  if (viaEntrypoint && official && words === argv && (argv[0].text.startsWith('-') || argv[0].text.endsWith('.conf'))) {
    return { role: 'server', serverArgs: argv, flagsNode: argsNode, entrypointServer: true };
  }
  const at = words.findIndex((w) => !w.op && SERVER_RE.test(basename(w.text)));
  if (at >= 0) {
    const serverArgs: Token[] = [];
    for (let i = at + 1; i < words.length && !words[i].op; i++) {
      if (/^\d*[<>]/.test(words[i].text)) {
        if (/^\d*[<>]&?$/.test(words[i].text)) i++; // the redirection's target is the next word
        continue;
      }
      serverArgs.push(words[i]);
    }
    const holder = words[at].holder;
    const serverName = image?.flavor === 'valkey' ? 'valkey-server' : 'redis-server';
    return {
      role: 'server',
      serverArgs,
      flagsNode: holder.kind() === 'seq' ? argsNode : holder,
      entrypointServer: viaEntrypoint && official && words === argv && at === 0 && basename(words[0].text) === serverName,
      // redis-stack-server passes `--dir /var/lib/redis-stack` (its default where /opt/redis-stack exists) before the user's flags
      ...(basename(words[at].text) === 'redis-stack-server' ? { dataDir: '/var/lib/redis-stack' } : {}),
    };
  }
  // a script starts Redis: Bitnami's run.sh / start-scripts; anything else (redis-cli, a split-brain fixer) is not Redis
  const script = words.find((w) => !w.op && /\.sh$/.test(w.text));
  if (image?.role === 'server' && script && /(^|\/)(run|entrypoint|start-(master|replica|node|redis))\.sh$/.test(script.text)) {
    return { role: 'server', serverArgs: [], entrypointServer: false, startScript: basename(script.text) };
  }
  return none;
}

// ---------------------------------------------------------------------------------------------
// pods, mounts and ConfigMaps

/** The pod spec of a workload (src/sources/pod-spec.ts podSpecPath); undefined for other kinds/apiVersions. */
function podSpecOf(root: YamlVNode): YamlVNode | undefined {
  const path = podSpecPath(asString(root.get('kind').value()) ?? '', asString(root.get('apiVersion').value()));
  return path?.reduce((n, k) => n.child(k), root);
}

function containersOf(podSpec: YamlVNode, key: 'containers' | 'initContainers'): YamlVNode[] {
  const seq = podSpec.child(key);
  return seq.items().map((_, i) => seq.child(i));
}

function imageOf(container: YamlVNode): ImageRef | undefined {
  const image = asString(container.get('image').value());
  return image ? parseImage(image) : undefined;
}

/** True for a StatefulSet, Deployment or Pod (see WORKLOAD_APIS; missing apiVersion tolerated) with a Redis server container. */
export function isRedisWorkload(root: YamlVNode): boolean {
  const podSpec = podSpecOf(root);
  return !!podSpec && containersOf(podSpec, 'containers').some((c) => analyzeLaunch(c, imageOf(c)).role === 'server');
}

interface Mount {
  name: string;
  mountPath: string;
  subPath?: string;
  node: YamlVNode;
}

const normPath = (p: string) => (p.replace(/\/+/g, '/').replace(/(.)\/$/, '$1') || '/');

function mountsOf(container: YamlVNode): Mount[] {
  const seq = container.child('volumeMounts');
  return seq.items().flatMap((_, i) => {
    const node = seq.child(i);
    const name = asString(node.get('name').value());
    const mountPath = asString(node.get('mountPath').value());
    const subPath = asString(node.get('subPath').value());
    return name && mountPath ? [{ name, mountPath: normPath(mountPath), subPath: subPath || undefined, node }] : [];
  });
}

/** The `volumes[]` item named `name`. */
function volumeNamed(podSpec: YamlVNode, name: string): YamlVNode | undefined {
  const seq = podSpec.child('volumes');
  const i = seq.items().findIndex((v) => v.get('name').value() === name);
  return i >= 0 ? seq.child(i) : undefined;
}

/** ConfigMap sources of a volume (`configMap`, `projected.sources[].configMap`): name, items and the name's node. */
function configMapSources(volume: YamlVNode | undefined): Array<{ name: string; items?: Array<{ key: string; path: string }>; node: YamlVNode }> {
  if (!volume) return [];
  const sources = [volume.child('configMap')];
  const projected = volume.child('projected').child('sources');
  projected.items().forEach((_, i) => sources.push(projected.child(i).child('configMap')));
  return sources.flatMap((cm) => {
    const name = asString(cm.get('name').value());
    if (!cm.exists || !name) return [];
    const itemsNode = cm.child('items');
    const items = itemsNode.exists
      ? itemsNode.items().flatMap((it) => {
          const key = asString(it.get('key').value());
          const path = asString(it.get('path').value());
          return key && path ? [{ key, path: normPath(path) }] : [];
        })
      : undefined;
    return [{ name, items, node: cm.child('name') }];
  });
}

/** Everything one workload's adapter needs while it reads a container. */
interface PodCtx {
  root: YamlVNode;
  podSpec: YamlVNode;
  ref: ObjectRef;
  run: RunContext;
  findings: SourceFinding[];
  /** ConfigMaps the redis.conf was read from (their key node), for configAnchor */
  usedKeys: YamlVNode[];
}

type FileLookup = { entry: ConfigMapEntry; key: string } | { missing: { name: string; key: string; node: YamlVNode } } | undefined;

/**
 * Find the ConfigMap key behind a file path in a container: the most specific volumeMount
 * covering the path (a `subPath` mount only matches its exact path), its volume's ConfigMap and
 * `items` (key -> path), then the ConfigMap in the run. When the path lies on a volume that is not
 * a ConfigMap (an emptyDir an init container copies the config into, as redis-ha and many
 * Sentinel setups do), a ConfigMap of the pod with a key or item of the same file name is taken
 * as the source of the copy.
 */
function lookupFile(pod: PodCtx, container: YamlVNode, path: string): FileLookup {
  const p = normPath(path);
  const mounts = mountsOf(container).sort((a, b) => b.mountPath.length - a.mountPath.length);
  const m = mounts.find((x) => (x.subPath ? p === x.mountPath : x.mountPath === '/' || p.startsWith(x.mountPath + '/')));
  const sources = m ? configMapSources(volumeNamed(pod.podSpec, m.name)) : [];
  if (m && sources.length) {
    const rel = m.subPath ? normPath(m.subPath) : p.slice(m.mountPath === '/' ? 1 : m.mountPath.length + 1);
    for (const s of sources) {
      const key = s.items ? s.items.find((it) => it.path === rel)?.key : rel.includes('/') ? undefined : rel;
      if (key !== undefined) return resolveKey(pod, s, key);
    }
    return undefined;
  }
  // not on a ConfigMap volume: a ConfigMap of the pod holding a file of that name is taken as what was copied there
  const base = basename(p);
  let missing: FileLookup;
  const volumes = pod.podSpec.child('volumes');
  for (let i = 0; i < volumes.items().length; i++) {
    for (const s of configMapSources(volumes.child(i))) {
      const key = s.items ? s.items.find((it) => basename(it.path) === base)?.key : base;
      if (key === undefined) continue;
      const found = resolveKey(pod, s, key);
      if (found && 'entry' in found && found.entry.data.child(key).exists) return found;
      if (found && 'missing' in found) missing ??= found;
    }
  }
  return missing;
}

function resolveKey(pod: PodCtx, source: { name: string; node: YamlVNode }, key: string): FileLookup {
  const entry = findConfigMap(pod.run, source.name, pod.ref.namespace, pod.ref.file);
  return entry ? { entry, key } : { missing: { name: source.name, key, node: source.node } };
}

/**
 * Read a redis.conf file a container names (`redis-server /etc/redis/redis.conf`, `include ...`,
 * `--include ...`) from its ConfigMap; undefined when it cannot be read (a finding says why).
 * @param at where the file is named, for the finding
 */
function readConfFile(pod: PodCtx, container: YamlVNode, path: string, at: Origin): { directives: ConfigDirective[]; problems: ConfProblem[] } | undefined {
  const found = lookupFile(pod, container, path);
  if (found && 'entry' in found && found.entry.data.child(found.key).exists) {
    pod.usedKeys.push(found.entry.data.child(found.key));
    return redisConfOf(found.entry, found.key);
  }
  const where = at.kind === 'file' ? at.pos : at.anchor;
  if (found && 'missing' in found) {
    reportPartial(pod, found.missing.node.pos(), `redis.conf "${path}" comes from ConfigMap "${found.missing.name}" (key "${found.missing.key}"), which is not among the inputs: its settings are unknown; lint the ConfigMap together with the workload`, { configMap: found.missing.name });
  } else if (found && 'entry' in found) {
    reportPartial(pod, where, `redis.conf "${path}" names key "${found.key}", which ConfigMap "${found.entry.name}" does not have: its settings are unknown`, { configMap: found.entry.name });
  } else {
    reportPartial(pod, where, `redis.conf "${path}" is not mounted from a ConfigMap (baked into the image or written at start-up): its settings are unknown`, {});
  }
  return undefined;
}

/** Report settings this adapter cannot see, once per position. */
function reportPartial(pod: PodCtx, pos: SourcePosition, message: string, redisConfUnknown?: { configMap?: string }): void {
  if (pod.findings.some((f) => f.ruleId === PARTIAL_RULE && f.pos.line === pos.line && f.pos.column === pos.column && f.pos.file === pos.file)) return;
  pod.findings.push({ ruleId: PARTIAL_RULE, message, pos, object: findingObject(pod.ref), ...(redisConfUnknown ? { redisConfUnknown } : {}) });
}

/** Literal `env[].value`s of a container by name, with their nodes. */
function envOf(container: YamlVNode): Map<string, YamlVNode> {
  const out = new Map<string, YamlVNode>();
  const seq = container.child('env');
  seq.items().forEach((_, i) => {
    const e = seq.child(i);
    const name = asString(e.get('name').value());
    if (name && e.child('value').exists) out.set(name, e.child('value'));
  });
  return out;
}

/**
 * The effective config of a Redis container, lowest precedence first: the config file (first
 * `redis-server` argument, or Bitnami's mounted redis.conf + master/replica.conf, or Bitnami image
 * environment defaults), then command-line flags, which win (Redis appends argv options after the
 * file's content, server.c `main`). `include`/`--include` are expanded in place.
 */
function containerConfig(pod: PodCtx, container: YamlVNode, image: ImageRef | undefined, launch: Launch): RedisConfig {
  const flags = parseServerArgs(launch.serverArgs.map((t) => ({ text: t.text, origin: t.origin })));
  const layers: ConfigDirective[] = [];
  const problems: ConfProblem[] = [...flags.problems];
  const addFile = (path: string, at: Origin) => {
    const f = readConfFile(pod, container, path, at);
    if (f) {
      // a loop, not push(...items): a 50 MB redis.conf has more lines than a call has room for arguments (RangeError, test/hardening)
      for (const e of f.directives) layers.push(e);
      for (const e of f.problems) problems.push(e);
    }
  };
  if (flags.configFile) addFile(flags.configFile.path, flags.configFile.origin);
  const script = launch.startScript;
  if (script && /^start-/.test(script)) {
    // Bitnami chart start scripts: --include redis.conf, then master.conf or replica.conf, from the mounted ConfigMap
    const dir = '/opt/bitnami/redis/mounted-etc';
    const mounted = mountsOf(container).find((m) => m.mountPath === dir);
    if (mounted) {
      const files = ['redis.conf', script === 'start-master.sh' ? 'master.conf' : 'replica.conf'];
      for (const f of files) {
        const found = lookupFile(pod, container, `${dir}/${f}`);
        if (found && 'entry' in found && !found.entry.data.child(found.key).exists) continue; // the chart omits empty files
        addFile(`${dir}/${f}`, mounted.node.origin());
      }
    }
  } else if (script && image?.flavor === 'bitnami') {
    layers.push(...bitnamiEnvDirectives(container));
  }
  const expanded = expandIncludes([...layers, ...flags.directives], (p, include) => readConfFile(pod, container, p, include.origin));
  for (const e of expanded.problems) problems.push(e);
  for (const e of confProblemFindings(problems, findingObject(pod.ref))) pod.findings.push(e);
  return applyDirectives(new Map(), expanded.directives);
}

/**
 * Directives the Bitnami image's run.sh writes into its redis.conf from the environment
 * (bitnami/containers redis-env.sh, libredis.sh): `appendonly ${REDIS_AOF_ENABLED:-yes}`,
 * `save ""` when REDIS_RDB_POLICY_DISABLED=yes, `dir ${REDIS_DATA_DIR}`, and REDIS_EXTRA_FLAGS as flags.
 */
function bitnamiEnvDirectives(container: YamlVNode): ConfigDirective[] {
  const env = envOf(container);
  const out: ConfigDirective[] = [];
  const aof = env.get('REDIS_AOF_ENABLED');
  out.push({
    name: 'appendonly',
    args: [aof ? (asString(aof.value()) ?? 'yes') : 'yes'],
    origin: aof ? aof.origin() : { kind: 'default', source: 'image default', key: 'env.REDIS_AOF_ENABLED (bitnami/redis: yes)', anchor: container.child('env').pos() },
  });
  const rdbOff = env.get('REDIS_RDB_POLICY_DISABLED');
  if (rdbOff && /^(yes|true|1)$/i.test(asString(rdbOff.value()) ?? '')) out.push({ name: 'save', args: [''], origin: rdbOff.origin() });
  const dataDir = env.get('REDIS_DATA_DIR');
  if (dataDir) out.push({ name: 'dir', args: [asString(dataDir.value()) ?? ''], origin: dataDir.origin() });
  const extra = env.get('REDIS_EXTRA_FLAGS');
  if (extra) {
    const words = shellWords(asString(extra.value()) ?? '').filter((w) => !w.op);
    for (const e of parseServerArgs(words.map((w) => ({ text: w.text, origin: extra.origin() }))).directives) out.push(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// volumes, users, roles

/** The image's working directory (official, Valkey, redis-stack: WORKDIR /data; Bitnami: /) unless `workingDir` is set. */
export function workingDirOf(container: YamlVNode, image: ImageRef | undefined): string {
  const wd = asString(container.get('workingDir').value());
  if (wd) return normPath(wd);
  return image?.flavor === 'bitnami' || image?.flavor === 'other' || !image ? '/' : '/data';
}

/**
 * Where Redis writes (`dir`): the configured directory (relative to the working directory), else
 * Bitnami's /bitnami/redis/data when the image configures itself (run.sh), else the working directory.
 * `explicit` is false for defaults, which lets {@link dataVolume} fall back to a mount named like data.
 */
export function dataDirOf(config: RedisConfig, workDir: string, image: ImageRef | undefined, launch: Launch): { dir: string; explicit: boolean } {
  const d = config.get('dir')?.args[0];
  if (d && d.trim()) {
    const dir = d.startsWith('/') ? d : `${workDir}/${d}`;
    return { dir: normPath(dir.replace(/\/\.(\/|$)/g, '/')), explicit: config.get('dir')?.origin.kind === 'file' };
  }
  if (image?.flavor === 'bitnami' && launch.startScript && !/^start-/.test(launch.startScript)) return { dir: '/bitnami/redis/data', explicit: false };
  if (launch.dataDir) return { dir: normPath(launch.dataDir), explicit: false };
  return { dir: workDir, explicit: false };
}

/** A PersistentVolumeClaim of the run (for the size of a workload's `persistentVolumeClaim.claimName`). */
export interface PvcEntry {
  name: string;
  namespace?: string;
  /** `spec.resources.requests.storage` */
  storage: YamlVNode;
}

/** The PvcEntry of a v1 PersistentVolumeClaim document; undefined for anything else. */
export function persistentVolumeClaimEntry(doc: LoadedDocument): PvcEntry | undefined {
  const root = rootOf(doc);
  const apiVersion = asString(root.get('apiVersion').value());
  if (root.get('kind').value() !== 'PersistentVolumeClaim' || (apiVersion !== undefined && apiVersion !== 'v1')) return undefined;
  const name = asString(root.get('metadata').get('name').value());
  if (!name) return undefined;
  return { name, namespace: asString(root.get('metadata').get('namespace').value()), storage: root.child('spec').child('resources').child('requests').child('storage') };
}

function sizeOf(node: YamlVNode): Setting<number> | undefined {
  const v = node.exists ? quantityValue(node.value()) : undefined;
  return v === undefined ? undefined : { value: v, origin: node.origin() };
}

/**
 * The volume behind the data directory: the most specific volumeMount covering `dir` (or, when
 * `dir` is a default, the mount at /data or one whose name or path says "data"), then a
 * StatefulSet volumeClaimTemplate of that name (it takes precedence over a pod volume of the same
 * name), else the pod volume: persistentVolumeClaim (size from a PVC of the run, else unknown),
 * ephemeral (its claim template's size), emptyDir (sizeLimit), hostPath; 'none' when nothing is
 * mounted there (data lives in the container's writable layer and dies with it).
 */
function dataVolume(pod: PodCtx, container: YamlVNode, dataDir: { dir: string; explicit: boolean }, pvcs: readonly PvcEntry[]): DataVolume {
  const mounts = mountsOf(container).sort((a, b) => b.mountPath.length - a.mountPath.length);
  let m = mounts.find((x) => dataDir.dir === x.mountPath || dataDir.dir.startsWith(x.mountPath === '/' ? '/' : x.mountPath + '/'));
  if (m && configMapSources(volumeNamed(pod.podSpec, m.name)).length) m = undefined; // a config mount is not where data goes
  if (!m && !dataDir.explicit) m = mounts.find((x) => x.mountPath === '/data') ?? mounts.find((x) => /data/i.test(x.name) || /data/i.test(x.mountPath));
  if (!m) {
    const volumes = pod.podSpec.child('volumes');
    const anchor = volumes.node !== undefined ? volumes.pos() : container.pos();
    return { kind: 'none', origin: { kind: 'absent', key: `volumeMounts (${dataDir.dir})`, anchor }, mountPath: dataDir.dir };
  }
  const vcts = pod.root.child('spec').child('volumeClaimTemplates');
  const vi = pod.ref.kind === 'StatefulSet' ? vcts.items().findIndex((v) => v.get('metadata').get('name').value() === m.name) : -1;
  if (vi >= 0) {
    const vct = vcts.child(vi);
    return { kind: 'pvc', size: sizeOf(vct.child('spec').child('resources').child('requests').child('storage')), origin: vct.origin(), claimName: m.name, mountPath: m.mountPath };
  }
  const vol = volumeNamed(pod.podSpec, m.name);
  if (!vol) return { kind: 'other', origin: m.node.origin(), mountPath: m.mountPath };
  const base = { origin: vol.origin(), mountPath: m.mountPath };
  if (vol.child('persistentVolumeClaim').exists) {
    const claimName = asString(vol.child('persistentVolumeClaim').get('claimName').value());
    const pvc = pvcs.find((p) => p.name === claimName && (p.namespace === pod.ref.namespace || !p.namespace || !pod.ref.namespace));
    return { kind: 'pvc', ...base, claimName, size: pvc ? sizeOf(pvc.storage) : undefined };
  }
  if (vol.child('ephemeral').exists) {
    return { kind: 'pvc', ...base, size: sizeOf(vol.child('ephemeral').child('volumeClaimTemplate').child('spec').child('resources').child('requests').child('storage')) };
  }
  if (vol.child('emptyDir').node !== undefined) return { kind: 'emptyDir', ...base, size: sizeOf(vol.child('emptyDir').child('sizeLimit')) };
  if (vol.child('hostPath').exists) return { kind: 'hostPath', ...base };
  return { kind: 'other', ...base };
}

/** Text of every command/args word of the pod's init containers (for chown and replicaof/sentinel scripts). */
function initContainerTexts(podSpec: YamlVNode): Array<{ node: YamlVNode; text: string; mounts: Mount[] }> {
  return containersOf(podSpec, 'initContainers').map((c) => ({
    node: c,
    text: [...seqTokens(c.child('command')), ...seqTokens(c.child('args'))].map((t) => t.text).join(' '),
    mounts: mountsOf(c),
  }));
}

/**
 * The uid Redis runs as: container securityContext.runAsUser, else the pod's, else the image's
 * user (Bitnami 1001; official/Valkey/redis-stack root). The official and Valkey entrypoints, when
 * started as root with `redis-server` (no `command:` override), chown the working directory and
 * drop to uid 999, so that case is 999 and `chownsWorkDir` is true.
 */
function runAsUserOf(container: YamlVNode, podSpec: YamlVNode, image: ImageRef | undefined, launch: Launch): { user: Setting<number | null>; chownsWorkDir: boolean } {
  const c = container.child('securityContext').child('runAsUser');
  const p = podSpec.child('securityContext').child('runAsUser');
  const set = c.exists ? c : p.exists ? p : undefined;
  const uid = set ? asNumber(set.value()) : undefined;
  const anchor = container.child('securityContext').node !== undefined ? container.child('securityContext').pos() : container.pos();
  if (set && uid !== undefined && uid !== 0) return { user: { value: uid, origin: set.origin() }, chownsWorkDir: false };
  const origin: Origin = set ? set.origin() : { kind: 'absent', key: 'securityContext.runAsUser', anchor };
  if (image?.flavor === 'bitnami' && !set) return { user: { value: 1001, origin: { kind: 'default', source: 'image default', key: 'securityContext.runAsUser (bitnami/redis: USER 1001)', anchor } }, chownsWorkDir: false };
  if (launch.entrypointServer) return { user: { value: 999, origin }, chownsWorkDir: true };
  if (set || image?.flavor === 'official' || image?.flavor === 'valkey' || image?.flavor === 'redis-stack') return { user: { value: 0, origin }, chownsWorkDir: false };
  return { user: { value: null, origin }, chownsWorkDir: false };
}

/** A Kubernetes default: `value` for the missing `node`, anchored at its closest existing parent. */
function k8sDefault<T>(node: YamlVNode, key: string, value: T, parse: (v: unknown) => T | undefined): Setting<T> {
  const v = node.exists ? parse(node.value()) : undefined;
  if (v !== undefined) return { value: v, origin: node.origin() };
  const o = node.origin();
  return { value, origin: { kind: 'default', source: 'kubernetes default', key, anchor: o.kind === 'file' ? o.pos : o.anchor } };
}

function probeOf(container: YamlVNode, key: 'livenessProbe' | 'startupProbe'): RedisDeployment['livenessProbe'] {
  const node = container.child(key);
  return { value: node.exists ? probeTiming(node) : null, origin: node.origin() };
}

// ---------------------------------------------------------------------------------------------
// the adapter

/**
 * RedisDeployments of a StatefulSet / Deployment / Pod document: one per container that runs a
 * Redis (or Valkey) server, i.e. a `redis`/`bitnami/redis`/`redis-stack-server`/`valkey` image
 * starting its server, or any image whose command runs `redis-server`. Sentinel containers
 * (`redis-sentinel`, `--sentinel`, bitnami/redis-sentinel) and exporters are not servers; a
 * sentinel container in the pod makes failover 'sentinel'.
 *
 * Fields (see RedisDeployment): role — 'replica' when the config has replicaof/slaveof (or
 * Bitnami start-replica.sh / REDIS_REPLICATION_MODE=replica|slave); 'master' for cluster mode,
 * REDIS_REPLICATION_MODE=master, or replicas > 1 (interchangeable pods, any may be master;
 * replicaCount is replicas-1 when a sentinel or an init script that writes replicaof/slaveof says
 * the pods replicate, else 0); 'standalone' otherwise. `replicas` counts the pods of the workload.
 * volumePermissionsInit is true for an init container that runs chown/chmod on the data volume,
 * and for the official/Valkey entrypoint's own chown of its working directory when that is the
 * data directory (so such a pod needs no fsGroup).
 *
 * @param pvcs PersistentVolumeClaims of the run, for the size of a `persistentVolumeClaim` data volume
 * @returns deployments, plus `input-partial` findings for config files that cannot be read and
 *   `redis-conf-syntax` findings for lines Redis would refuse
 */
export function workloadDeployments(doc: LoadedDocument, run: RunContext, pvcs: readonly PvcEntry[] = []): SourceResult {
  const root = rootOf(doc);
  const result: SourceResult = { deployments: [], findings: [] };
  const podSpec = podSpecOf(root);
  if (!podSpec) return result;
  const kind = asString(root.get('kind').value()) ?? 'Pod';
  const ref = objectRefOf(root, kind);
  const containers = containersOf(podSpec, 'containers').map((c) => ({ node: c, image: imageOf(c), launch: analyzeLaunch(c, imageOf(c)) }));
  const sentinel = containers.find((c) => c.launch.role === 'sentinel');
  const inits = initContainerTexts(podSpec);
  const initReplication = inits.find((i) => /\b(replicaof|slaveof)\b/i.test(i.text));
  const initSentinel = inits.find((i) => /sentinel/i.test(i.text));
  const replicas: Setting<number> =
    kind === 'Pod'
      ? { value: 1, origin: { kind: 'default', source: 'kubernetes default', key: 'replicas', anchor: ref.pos } }
      : k8sDefault(root.child('spec').child('replicas'), 'spec.replicas', 1, asNumber);

  for (const c of containers) {
    if (c.launch.role !== 'server') continue;
    const pod: PodCtx = { root, podSpec, ref, run, findings: result.findings, usedKeys: [] };
    const container = c.node;
    const config = containerConfig(pod, container, c.image, c.launch);
    const env = envOf(container);
    const mode = asString(env.get('REDIS_REPLICATION_MODE')?.value())?.toLowerCase();

    const clusterOn = config.get('cluster-enabled');
    const isCluster = clusterOn?.args[0]?.toLowerCase() === 'yes';
    const replicaOf = config.get('replicaof') ?? config.get('slaveof');
    const replicated = !!sentinel || !!initReplication || c.launch.startScript === 'start-node.sh';
    let role: RedisRole = 'standalone';
    if (isCluster) role = 'master';
    else if (replicaOf || c.launch.startScript === 'start-replica.sh' || mode === 'replica' || mode === 'slave') role = 'replica';
    else if (mode === 'master' || replicas.value > 1 || c.launch.startScript === 'start-node.sh') role = 'master';
    const replicaCount: Setting<number> =
      role === 'master' && replicated && !isCluster ? { value: Math.max(0, replicas.value - 1), origin: replicas.origin } : { value: 0, origin: { kind: 'absent', key: 'replicaCount', anchor: ref.pos } };
    let failover: RedisDeployment['failover'] = { value: 'none', origin: { kind: 'absent', key: 'failover', anchor: podSpec.child('containers').pos() } };
    if (isCluster && clusterOn) failover = { value: 'cluster', origin: clusterOn.origin };
    else if (sentinel) failover = { value: 'sentinel', origin: sentinel.node.origin() };
    else if (initSentinel && role !== 'standalone') failover = { value: 'sentinel', origin: initSentinel.node.origin() };

    const workDir = workingDirOf(container, c.image);
    const dataDir = dataDirOf(config, workDir, c.image, c.launch);
    const volume = dataVolume(pod, container, dataDir, pvcs);
    const { user, chownsWorkDir } = runAsUserOf(container, podSpec, c.image, c.launch);
    const dataMount = mountsOf(container).find((m) => m.mountPath === volume.mountPath);
    const initChown = inits.some((i) => /\b(chown|chmod)\b/.test(i.text) && (!dataMount || i.mounts.some((m) => m.name === dataMount.name)));

    const imageNode = container.child('image');
    const version = c.image ? versionFromImage(c.image) : null;
    const resources = container.child('resources');
    const anchorNode = c.launch.flagsNode ?? pod.usedKeys[0];
    // a memory limit that is no quantity, negative or without a unit: say so (common.ts quantityNotice)
    const limitNotice = quantityNotice(resources.child('limits').child('memory'), 'memory limit');
    if (limitNotice) result.findings.push({ ruleId: 'unresolved-values', message: limitNotice.message, pos: limitNotice.pos, object: findingObject(ref), role });
    result.deployments.push({
      object: ref,
      role,
      source: 'workload',
      redisVersion: { value: version, origin: version ? imageNode.origin() : { kind: 'absent', key: 'image tag (Redis version)', anchor: imageNode.exists ? imageNode.pos() : container.pos() } },
      config,
      configAnchor: anchorNode ? anchorNode.pos() : container.pos(),
      replicas,
      failover,
      replicaCount,
      volume,
      memoryLimit: settingOf<number | null>(resources.child('limits').child('memory'), memoryLimitValue, null),
      memoryRequest: settingOf<number | null>(resources.child('requests').child('memory'), quantityValue, null),
      fsGroup: settingOf<number | null>(podSpec.child('securityContext').child('fsGroup'), asNumber, null),
      runAsUser: user,
      volumePermissionsInit: initChown || (chownsWorkDir && volume.mountPath === workDir),
      image: imageNode.exists ? { value: asString(imageNode.value()) ?? '', origin: imageNode.origin() } : undefined,
      livenessProbe: probeOf(container, 'livenessProbe'),
      startupProbe: probeOf(container, 'startupProbe'),
      terminationGracePeriodSeconds: k8sDefault(podSpec.child('terminationGracePeriodSeconds'), 'terminationGracePeriodSeconds', 30, asNumber),
      workload: workloadFromAnnotations(ref),
    });
  }
  return result;
}

/**
 * The ConfigMaps of the run that Redis workloads among `docs` mount (a `configMap` or `projected`
 * volume of their pod, looked up with findConfigMap in the workload's namespace). The
 * orchestrator passes this set to configmap.ts `configMapDeployments`, which then leaves those
 * ConfigMaps to the workload adapter instead of also making a config-only deployment of them.
 */
export function configMapsReferencedBy(docs: readonly LoadedDocument[], run: RunContext): Set<ConfigMapEntry> {
  const out = new Set<ConfigMapEntry>();
  for (const doc of docs) {
    const root = rootOf(doc);
    const podSpec = podSpecOf(root);
    if (!podSpec || !isRedisWorkload(root)) continue;
    const namespace = asString(root.get('metadata').get('namespace').value());
    const volumes = podSpec.child('volumes');
    for (let i = 0; i < volumes.items().length; i++) {
      for (const s of configMapSources(volumes.child(i))) {
        const entry = findConfigMap(run, s.name, namespace, doc.file);
        if (entry) out.add(entry);
      }
    }
  }
  return out;
}
