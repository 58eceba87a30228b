/**
 * `redis-lint project`: the built CLI run as a user would (npm test builds first), on real files.
 * Hand arithmetic for the JSON case (docs/model.md, default params, hz 10), StatefulSet `cache` below:
 * redis 7.2 (multi-part AOF), appendonly yes, save "", standalone, no replicas, 1Gi PVC, 512Mi
 * limit, maxmemory 200mb; flags --dataset-size 100Mi --write-rate 1MiB/s.
 *
 *   Dset = 100Mi = 104,857,600 (workload)     R = B = Dset (rdbToMemoryRatio 1, preamble yes)
 *   child = B / 100MiB/s = 1 s; window = max(1, ceil(1 s x 10)) / 10 = 1 s; w = ceil(1MiB/s x 1 s) = 1,048,576
 *   b = B + w = 105,906,176 (101Mi)           T = max(64mb + 1, ceil(b x 200 / 100)) = 211,812,352 (202Mi)
 *   S = T + ceil(rate / hz) = 211,812,352 + 104,858 = 211,917,210 (no save points, no replicas: no wait for a BGSAVE)
 *   E = B + w = 105,906,176 (7.x)             Dump = Tmp = 0 (no save points, no replica, no full sync)
 *   peak = S + Dump + max(E, Tmp) = 317,823,386 (303.1Mi)
 *   recommended = 303.1Mi / 0.8 = 378.9Mi, up to a whole Mi: 379Mi = 397,410,304
 *   timeToFull = (max(b, 1Gi − Dump) − b) / 1MiB/s = (1024 − 101) Mi / 1Mi/s = 923 s
 *   used = Dset + 8Mi + 1Mi = 114,294,784
 *   cow by pages (fork-memory.ts, no value size: 64 B): 1MiB/s x 1 s / (64 + 32) B = 10922.67 writes; of the
 *     25600 pages, ceil(100Mi / (64 + 48)) = 936229 keys' entries and objects take ceil(936229 x 48 / 4096)
 *     = 10972, the values 14628: 10972 x (1 - e^(-2 x 10922.67/10972)) = 9473.69 pages +
 *     14628 x (1 - e^(-1.2 x 10922.67/14628)) = 8657.07 pages; cow = 1.25Mi + ceil(18130.76 x 4096) = 75,574,310
 *   forkPeak = used + cow = 189,869,094 (7.x: no rewrite buffer)
 *   load = B / 100MiB/s + (S + w − B) / 20MiB/s = 1 + 108,108,186 / 20,971,520 = 6.155 s
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = path.join(root, 'dist/cli/main.js');
const KLAMM = 'examples/incidents/klamm-helmrelease-50mi.yaml';
const MI = 1024 * 1024;

function run(args: string[], input?: string, env: Record<string, string> = { NO_COLOR: '1' }) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, input, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonInput {
  value: number;
  source: string;
  flag?: string;
  annotation?: string;
  file?: string;
  line?: number;
}
interface JsonDeployment {
  object: { kind: string; namespace: string | null; name: string };
  role: string;
  file: string;
  line: number;
  workload: Record<'datasetBytes' | 'rdbBytes' | 'writeRateBytesPerSec', JsonInput | null>;
  disk: Record<string, number | null>;
  memory: Record<string, number | null>;
  loadSeconds: number | null;
  assumptions: string[];
  notes: string[];
}

function projectJson(args: string[], input?: string) {
  const r = run(['project', '--format', 'json', ...args], input);
  expect(r.stderr).toBe('');
  return { ...r, deployments: (JSON.parse(r.stdout) as { deployments: JsonDeployment[] }).deployments };
}

function tmp(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'redis-lint-project-')), name);
  writeFileSync(file, text);
  return file;
}

/** The StatefulSet of the hand arithmetic above; `annotations` go under metadata (line 6 on). */
function cacheStatefulSet(annotations: string[] = []): string {
  const ann = annotations.length ? `  annotations:\n${annotations.map((a) => `    ${a}\n`).join('')}` : '';
  return `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
  namespace: shop
${ann}spec:
  serviceName: cache
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      securityContext: {fsGroup: 999}
      containers:
        - name: redis
          image: redis:7.2.4
          args: [--appendonly, "yes", --save, "", --maxmemory, 200mb]
          resources:
            limits: {memory: 512Mi}
          livenessProbe:
            tcpSocket: {port: 6379}
          volumeMounts:
            - {name: data, mountPath: /data}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        resources:
          requests:
            storage: 1Gi
`;
}

describe('redis-lint project: text', () => {
  it('the 50Mi HelmRelease: rewrite unreachable, no time to full without a write rate', () => {
    const r = run(['project', KLAMM]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('HelmRelease/klamm-prod/redis (standalone)');
    expect(r.stdout).toMatch(/Disk {2}PVC 50Mi; AOF on/);
    expect(r.stdout).toMatch(/rewrite trigger +384Mi +✖ unreachable: the AOF must first pass auto-aof-rewrite-min-size 64mb/);
    expect(r.stdout).toMatch(/steady-state peak +576Mi/);
    expect(r.stdout).toMatch(/recommended volume +720Mi +✖/);
    // headroom = 50Mi − 576Mi = −526Mi, −1052% of the volume
    expect(r.stdout).toMatch(/headroom +none +✖ the peak 576Mi does not fit the 50Mi volume: 526Mi short/);
    expect(r.stdout).toMatch(/time to full +unknown +needs a write rate \(--write-rate\)/);
    expect(r.stdout).toMatch(/fork peak +393Mi +✖ 201Mi over the limit/);
    expect(r.stdout).toMatch(/liveness probe +45s +✔ passes while Redis answers LOADING/);
    expect(r.stdout).toContain('Assumptions');
    expect(r.stdout).toContain('    - no workload and no maxmemory: dataset bounded by the container memory limit 192Mi');
    // NO_COLOR (and not a terminal): no ANSI escapes
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('with a write rate and a dataset: the time to full and a chart that climbs to the volume line', () => {
    // no rewrite can run: from an empty AOF, 50Mi / 1Mi/s = 50 s
    const r = run(['project', KLAMM, '--write-rate', '1MiB/s', '--dataset-size', '10Mi']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dataset +10Mi +from --dataset-size/);
    expect(r.stdout).toMatch(/write rate +1Mi\/s +from --write-rate/);
    expect(r.stdout).toMatch(/time to full +50s +✖ at 1Mi\/s: no rewrite can run/);
    const chart = r.stdout.split('\n').filter((l) => /[┤┼]/.test(l));
    expect(chart.length).toBeGreaterThanOrEqual(8);
    // the y axis in Mi; above the volume, the auto-aof-rewrite-min-size line the AOF never reaches
    // (the Klamm incident in one picture); the volume line labelled at 50Mi, the curve reaching it
    const minSizeRow = chart.findIndex((l) => /^\s+60Mi ┤┈+ +auto-aof-rewrite-min-size 64Mi$/.test(l));
    const volumeRow = chart.findIndex((l) => /^\s+50Mi [┤┼]╌.*volume 50Mi/.test(l));
    expect(minSizeRow).toBeGreaterThanOrEqual(0);
    expect(volumeRow).toBe(minSizeRow + 1);
    // the trigger of a 10Mi dataset, 2 × 10Mi, sits below min-size: one line; the legend names it
    expect(r.stdout).toMatch(/┈┈ auto-aof-rewrite-min-size 64Mi\n/);
    expect(chart.at(-1)).toMatch(/^\s+0 [┤┼]/); // from an empty AOF the curve starts at 0
    expect(r.stdout).toContain('x: seconds at 1Mi/s from --write-rate until the volume is full (no rewrite can run)');
    expect(r.stdout).toMatch(/└┬─+┬/);
  });

  it('with only a write rate: the time to full counts from an empty AOF (the 192Mi dataset bound does not matter)', () => {
    const r = run(['project', KLAMM, '--write-rate', '1MiB/s']);
    expect(r.stdout).toMatch(/time to full +50s +✖/);
    expect(r.stdout).not.toContain('no chart:');
  });

  it('colours only on request of a terminal: --no-color and NO_COLOR both give plain text', () => {
    expect(run(['project', '--no-color', KLAMM], undefined, {}).stdout).not.toMatch(/\x1b\[/);
  });

  it('examples/incidents/: one block per deployment role, bytes appended on the x axis without a rate', () => {
    const r = run(['project', 'examples/incidents/']);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^\S.*\(\w+(-node)?\)  \S+:\d+$/gm)?.length).toBe(4);
    expect(r.stdout).toContain('x: bytes appended to the AOF since the end of a rewrite');
    expect(r.stdout).toContain('no chart: the dataset size is unknown');
  });
});

describe('redis-lint project --format json', () => {
  it('has the documented shape, with the numbers worked out by hand (see the top of this file)', () => {
    const file = tmp('sts.yaml', cacheStatefulSet());
    const { code, deployments } = projectJson([file, '--dataset-size', '100Mi', '--write-rate', '1MiB/s']);
    expect(code).toBe(0);
    expect(deployments).toHaveLength(1);
    const d = deployments[0];
    expect(d.object).toEqual({ kind: 'StatefulSet', namespace: 'shop', name: 'cache' });
    expect(d.role).toBe('standalone');
    expect(d.file).toBe(file);
    expect(d.disk).toMatchObject({
      volumeBytes: 1073741824,
      rewriteTriggerBytes: 211812352,
      peakBytes: 317823386,
      recommendedVolumeBytes: 397410304,
      timeToFullSeconds: 923,
    });
    expect(d.memory).toMatchObject({ limitBytes: 536870912, maxmemoryBytes: 209715200, forkPeakBytes: 189869094 });
    expect(d.loadSeconds).toBeCloseTo(6.155, 6);
    expect(d.assumptions).toContain('dataset taken from the workload: 100Mi');
    expect(d.workload).toEqual({
      datasetBytes: { value: 104857600, source: 'flag', flag: '--dataset-size' },
      rdbBytes: null,
      writeRateBytesPerSec: { value: 1048576, source: 'flag', flag: '--write-rate' },
      valueBytes: null,
    });
  });

  it('unknown numbers are null, never missing', () => {
    const { deployments } = projectJson(['examples/incidents/permission-denied-statefulset.yaml']);
    const d = deployments[0];
    expect(d.object.namespace).toBeNull();
    for (const k of ['volumeBytes', 'rewriteTriggerBytes', 'peakBytes', 'recommendedVolumeBytes', 'timeToFullSeconds']) expect(d.disk, k).toHaveProperty(k);
    expect(d.disk).toMatchObject({ rewriteTriggerBytes: null, peakBytes: null, recommendedVolumeBytes: null, timeToFullSeconds: null });
    expect(d.memory).toMatchObject({ limitBytes: null, maxmemoryBytes: null, forkPeakBytes: null });
    expect(d.loadSeconds).toBeNull();
  });

  it('sizes in any unit: Kubernetes quantities, Redis units (mb binary, m decimal) and bytes', () => {
    const file = tmp('sts.yaml', cacheStatefulSet());
    const dataset = (v: string) => projectJson([file, '--dataset-size', v]).deployments[0].workload.datasetBytes?.value;
    expect(dataset('2Gi')).toBe(2 * 1024 ** 3);
    expect(dataset('1G')).toBe(1e9);
    expect(dataset('64mb')).toBe(64 * MI);
    expect(dataset('64m')).toBe(64_000_000);
    expect(dataset('1048576')).toBe(MI);
    const rate = (v: string) => projectJson([file, '--write-rate', v]).deployments[0].workload.writeRateBytesPerSec?.value;
    expect(rate('5MiB/s')).toBe(5 * MI);
    expect(rate('500k/s')).toBe(500_000);
    expect(rate('1000')).toBe(1000);
  });
});

describe('workload inputs: flag > annotation > config entry', () => {
  const sts = cacheStatefulSet(['redis-lint.io/dataset-size: 300Mi', 'redis-lint.io/write-rate: 2MiB/s']);
  const policy = `rules: {}
workloads:
  - kind: StatefulSet
    namespace: shop
    name: cache
    datasetSize: 500Mi
    rdbSize: 50Mi
    writeRate: 3MiB/s
  - kind: StatefulSet
    namespace: other
    name: cache
    rdbSize: 1Gi
`;

  it('takes each input from the highest source that has it, and says where from', () => {
    const file = tmp('sts.yaml', sts);
    const pol = tmp('policy.yaml', policy);
    const w = projectJson([file, '--policy', pol, '--dataset-size', '100Mi']).deployments[0].workload;
    expect(w.datasetBytes).toEqual({ value: 100 * MI, source: 'flag', flag: '--dataset-size' });
    // the annotation's own line (metadata.annotations.redis-lint.io/write-rate is line 8)
    expect(w.writeRateBytesPerSec).toEqual({ value: 2 * MI, source: 'annotation', annotation: 'redis-lint.io/write-rate', file, line: 8 });
    // the entry of namespace shop, not the one of namespace other; the value's line in the policy
    expect(w.rdbBytes).toEqual({ value: 50 * MI, source: 'config', file: pol, line: 7 });
  });

  it('without flags the annotation wins over the config entry; without either the config entry applies', () => {
    const pol = tmp('policy.yaml', policy);
    const annotated = projectJson([tmp('sts.yaml', sts), '--policy', pol]).deployments[0].workload;
    expect(annotated.datasetBytes).toMatchObject({ value: 300 * MI, source: 'annotation' });
    const plain = projectJson([tmp('sts.yaml', cacheStatefulSet()), '--policy', pol]).deployments[0].workload;
    expect(plain.datasetBytes).toMatchObject({ value: 500 * MI, source: 'config' });
    expect(plain.writeRateBytesPerSec).toMatchObject({ value: 3 * MI, source: 'config' });
  });

  it('lint honours the same flags and entries, and its size messages name the inputs and their sources', () => {
    // RDB 50Mi (config) = BASE; rate 2Mi/s: child 0.5 s, w = 1Mi, b = 51Mi, T = S = 102Mi, peak = 102 + 51 = 153Mi > 80% of 150Mi
    const file = tmp('sts.yaml', sts.replace('storage: 1Gi', 'storage: 150Mi'));
    const pol = tmp('policy.yaml', policy);
    const r = run(['--format', 'json', '--policy', pol, '--dataset-size', '250Mi', file]);
    const findings = (JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; message: string }> }).findings;
    const disk = findings.find((f) => f.ruleId === 'aof-disk-headroom');
    expect(disk?.message).toContain('dataset 250Mi from --dataset-size');
    expect(disk?.message).toContain('RDB 50Mi from config ');
    expect(disk?.message).toContain('write rate 2Mi/s from annotation redis-lint.io/write-rate');
    // and without the flag the annotation's 300Mi dataset is used
    const r2 = run(['--format', 'json', '--policy', pol, file]);
    expect(r2.stdout).toContain('dataset 300Mi from annotation redis-lint.io/dataset-size');
  });
});

describe('bad input', () => {
  it.each([
    ['--dataset-size', 'lots'],
    ['--dataset-size', '2Gi/s'],
    ['--rdb-size=-1', undefined],
    ['--write-rate', 'fast'],
    ['--write-rate', '5 MiB per second'],
  ])('%s %s: exit 2, one line, no stack trace', (flag, value) => {
    for (const command of [['project'], []]) {
      const r = run([...command, flag, ...(value === undefined ? [] : [value]), KLAMM]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^redis-lint: --(dataset-size|rdb-size|write-rate) ".*" is not a (size|rate)/);
      expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/);
    }
  });

  it('a workloads entry that is not a size: exit 2 at its file:line:col', () => {
    const pol = tmp('policy.yaml', 'rules: {}\nworkloads:\n  - kind: StatefulSet\n    name: cache\n    writeRate: quick\n');
    const r = run(['project', '--policy', pol, KLAMM]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^redis-lint: ${pol.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:16: invalid policy: workloads\\.0\\.writeRate`));
  });

  it('--plot is refused outside project, --format stylish inside it', () => {
    expect(run(['--plot', '/tmp/x.svg', KLAMM]).code).toBe(2);
    expect(run(['project', '--format', 'stylish', KLAMM]).code).toBe(2);
  });
});

/** A minimal XML well-formedness check: every tag closes in order, attributes are quoted. */
function parseXml(text: string): { root: string; tags: Array<{ name: string; attrs: string }> } {
  const stack: string[] = [];
  const tags: Array<{ name: string; attrs: string }> = [];
  let root = '';
  const re = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|(<)/g;
  for (const m of text.matchAll(re)) {
    if (m[5]) throw new Error(`malformed tag at ${m.index}: ${text.slice(m.index, (m.index ?? 0) + 40)}`);
    if (!m[2]) continue;
    const [, close, name, attrs, selfClose] = m;
    if (close) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element at ${m.index}`);
      continue;
    }
    if (!root) root = name;
    else if (!stack.length) throw new Error(`second root element <${name}>`);
    tags.push({ name, attrs });
    if (!selfClose) stack.push(name);
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('> <')}>`);
  return { root, tags };
}

describe('redis-lint project --plot', () => {
  it('writes a well-formed SVG with the curve and the volume line, atomically', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-lint-plot-'));
    const out = path.join(dir, 'disk.svg');
    const r = run(['project', KLAMM, '--write-rate', '1MiB/s', '--dataset-size', '10Mi', '--plot', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`redis-lint: wrote ${out} (1 chart)\n`);
    const svg = readFileSync(out, 'utf8');
    const xml = parseXml(svg);
    expect(xml.root).toBe('svg');
    expect(xml.tags.some((t) => t.name === 'path' && /\sd="M[^"]+"/.test(t.attrs))).toBe(true);
    expect(svg).toContain('volume 50Mi');
    // the min-size line is drawn above the volume line
    expect(svg).toContain('auto-aof-rewrite-min-size 64Mi');
    expect(svg).toContain('HelmRelease/klamm-prod/redis (standalone)');
    // only the SVG is left in the directory: the temp file was renamed
    expect(readdirSync(dir)).toEqual(['disk.svg']);
  });

  it('one chart per deployment role', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'redis-lint-plot-')), 'all.svg');
    const r = run(['project', 'examples/incidents/', '--plot', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('(3 charts)');
    const svg = readFileSync(out, 'utf8');
    parseXml(svg);
    expect(svg).toContain('StatefulSet/claude-code-hub/redis (standalone)');
    expect(svg).toContain('volume 10Gi');
  });

  it('nothing to draw: exit 2, one line, no file', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'redis-lint-plot-')), 'none.svg');
    const r = run(['project', 'examples/incidents/permission-denied-statefulset.yaml', '--plot', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(() => readFileSync(out)).toThrow();
  });
});

describe('secrets', () => {
  it('never prints secret values found in inputs (text, json, svg)', () => {
    const secret = 'S3cr3t-planted-value-42';
    const values = `architecture: standalone\nauth:\n  password: ${secret}\nmaster:\n  persistence:\n    size: 50Mi\n  configuration: |\n    requirepass ${secret}\n    masterauth ${secret}\n`;
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'redis-lint-plot-')), 'secret.svg');
    for (const format of ['text', 'json']) {
      const r = run(['project', '--format', format, '--write-rate', '1MiB/s', '--dataset-size', '10Mi', '--plot', out, '-'], values);
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(secret);
      expect(readFileSync(out, 'utf8')).not.toContain(secret);
    }
  });
});
