/**
 * Dockerfile and .dockerignore against the Deployment and package.json. No Docker engine runs
 * here, so the image is never built (test/package/pack.test.ts installs and starts the same file
 * set from `npm pack`); this checks what can be checked without building it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { root } from './render.js';

interface Instruction {
  op: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions (continuation lines joined, comments dropped), with their stage index. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  const joined = text.replace(/\\\n/g, ' ');
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const op = m[1].toUpperCase();
    if (op === 'FROM') stage++;
    out.push({ op, args: m[2].trim(), stage });
  }
  return out;
}

const dockerfile = instructions(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
const lastStage = Math.max(...dockerfile.map((i) => i.stage));
const runtime = dockerfile.filter((i) => i.stage === lastStage);
const build = dockerfile.filter((i) => i.stage < lastStage);
const deployment = parse(readFileSync(path.join(root, 'manifests/base/deployment.yaml'), 'utf8'));
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { files: string[]; bin: Record<string, string>; engines: { node: string } };

function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

describe('Dockerfile', () => {
  it('is multi-stage on Node 20, and builds with npm ci, npm run build, npm prune --omit=dev', () => {
    expect(lastStage).toBeGreaterThanOrEqual(1);
    for (const from of dockerfile.filter((i) => i.op === 'FROM')) expect(from.args).toMatch(/^node:20-bookworm-slim\b/);
    expect(pkg.engines.node).toBe('>=20');
    const runs = build.filter((i) => i.op === 'RUN').map((i) => i.args).join(' && ');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toMatch(/npm run build\b/);
    expect(runs).toMatch(/npm prune --omit=dev\b/);
    // the runtime stage installs nothing: it copies the pruned node_modules
    expect(runtime.filter((i) => i.op === 'RUN')).toEqual([]);
  });

  it('runtime copies package.json, the production node_modules and everything package.json `files` ships', () => {
    const copies = runtime.filter((i) => i.op === 'COPY').map((i) => i.args.replace(/^--from=\S+\s+/, '').split(/\s+/)[0].replace(/^\/app\//, ''));
    for (const f of ['package.json', 'node_modules', ...pkg.files]) expect(copies).toContain(f);
  });

  it('runs as the Deployment\'s non-root user, with `redis-lint serve` as entrypoint', () => {
    const user = runtime.filter((i) => i.op === 'USER').pop()!.args;
    const [uid, gid] = user.split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(uid).toBe(pod.securityContext.runAsUser);
    expect(gid).toBe(pod.securityContext.runAsGroup);
    const entrypoint = JSON.parse(runtime.find((i) => i.op === 'ENTRYPOINT')!.args);
    expect(entrypoint).toEqual(['node', pkg.bin['redis-lint'], 'serve']);
  });

  it('default args name the cert paths and port the Deployment mounts and exposes', () => {
    const cmd = JSON.parse(runtime.find((i) => i.op === 'CMD')!.args) as string[];
    for (const f of ['--tls-cert-file', '--tls-private-key-file', '--port']) expect(flag(cmd, f), f).toBe(flag(container.args, f));
    expect(runtime.find((i) => i.op === 'EXPOSE')!.args).toBe(String(container.ports[0].containerPort));
    const tlsMount = container.volumeMounts.find((m: any) => m.name === 'tls').mountPath;
    expect(flag(cmd, '--tls-cert-file')).toBe(`${tlsMount}/tls.crt`);
  });
});

describe('.dockerignore', () => {
  const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('keeps what the build copies and leaves out local builds, dependencies and git', () => {
    const copied = dockerfile
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json', 'src', 'policies']));
    for (const f of copied) expect(ignored, f).not.toContain(f);
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist']));
  });
});
