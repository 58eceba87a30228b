// Model calibration harness: runs one scenario against a real redis-server and measures what the
// projection model predicts (rewrite start size, steady-state peak disk, time to a full disk,
// copy-on-write, rewrite duration). It only measures; callers project with the model and compare.
// INFO is parsed and the AOF write rate measured by the code of `redis-lint calibrate`
// (src/calibrate/live.ts), from the build: run `npm run build` first (npm test and
// npm run calibrate do).
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { infoSample, measureWriteRate, parseInfo } from '../../dist/calibrate/live.js';
import { startRedisServer } from './redis-server.mjs';
import { startSampler } from './sampler.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

/**
 * A calibration scenario. Sizes in bytes, rates in operations per second.
 * @typedef {object} Scenario
 * @property {string} id
 * @property {string} description
 * @property {number} keys         N keys written (populated first, then overwritten at random)
 * @property {number} valueSize    V bytes per value (random base64, incompressible for LZF)
 * @property {number} opsPerSec    R paced SETs per second
 * @property {number} percentage   auto-aof-rewrite-percentage
 * @property {number} minSize      auto-aof-rewrite-min-size, bytes
 * @property {string} save         the `save` directive ("" = off)
 * @property {'cycles' | 'fill'} mode  cycles: run until `rewrites` automatic rewrites; fill: until writes fail
 * @property {number} [rewrites]   automatic rewrites to observe in cycles mode (first one is warm-up), default 4
 * @property {number} [volumeBytes] size of a dedicated tmpfs for `dir` (fill mode needs one)
 * @property {boolean} [forkBlocked] make fork() fail with a pids cgroup once populated
 * @property {number} [timeoutSec]  default 180
 * @property {boolean} [populate]   false: start from an empty dataset and AOF; the paced writer
 *   creates the N keys in order, then overwrites them at random (default true: populate first)
 * @property {'disk' | 'diskless'} [replica] a replica (a second server, AOF and save off) is
 *   attached with REPLICAOF while the first steady-state rewrite runs: its full sync waits for the
 *   rewrite, and its BGSAVE (to dump.rdb with `repl-diskless-sync no`, to the socket with yes;
 *   `repl-diskless-sync-delay 0`) then delays the next rewrite
 */

/** Exact bytes `SET key value` appends to the AOF (RESP multibulk, catAppendOnlyGenericCommand in aof.c). */
export function setCommandBytes(keyLen, valueLen) {
  const bulk = (n) => 1 + String(n).length + 2 + n + 2;
  return 4 + bulk(3) + bulk(keyLen) + bulk(valueLen);
}


/**
 * Mounts a tmpfs of `bytes` on a new directory (needs root / CAP_SYS_ADMIN).
 * @returns {{ dir: string, unmount: () => void } | { skipped: string }}
 */
export function mountTmpfs(bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'redis-lint-vol-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: `cannot mount a tmpfs (${(r.stderr || r.error?.message || '').trim() || 'mount failed'}): needs root or CAP_SYS_ADMIN` };
  }
  return {
    dir,
    unmount() {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const PIDS_ROOT = '/sys/fs/cgroup/pids';

/**
 * Puts a process in its own cgroup-v1 pids cgroup so fork() can be made to fail (EAGAIN).
 * @returns {{ block: () => void, unblock: () => void, release: () => void } | { skipped: string }}
 */
export function pidsCgroup(pid) {
  if (!existsSync(join(PIDS_ROOT, 'cgroup.procs'))) return { skipped: 'no cgroup-v1 pids controller at /sys/fs/cgroup/pids' };
  const dir = join(PIDS_ROOT, `redis-lint-${pid}`);
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'cgroup.procs'), String(pid));
  } catch (e) {
    return { skipped: `cannot create a pids cgroup: ${e.message}` };
  }
  return {
    block() {
      // the tasks (threads) already in the cgroup fill it: the next fork() gets EAGAIN
      writeFileSync(join(dir, 'pids.max'), readFileSync(join(dir, 'pids.current'), 'utf8').trim());
    },
    unblock() {
      writeFileSync(join(dir, 'pids.max'), 'max');
    },
    release() {
      try {
        writeFileSync(join(dir, 'pids.max'), 'max');
        writeFileSync(join(PIDS_ROOT, 'cgroup.procs'), String(pid));
      } catch {
        /* process gone */
      }
      try {
        rmSync(dir, { recursive: false, force: true });
      } catch {
        spawnSync('rmdir', [dir]);
      }
    },
  };
}

export function valuePool(size, count = 64) {
  return Array.from({ length: count }, () => randomBytes(Math.ceil((size * 3) / 4) + 3).toString('base64').slice(0, size));
}

export const keyOf = (i) => `k:${String(i).padStart(8, '0')}`;

export async function populate(client, keys, values) {
  const batch = 2000;
  for (let i = 0; i < keys; i += batch) {
    const ops = [];
    for (let j = i; j < Math.min(keys, i + batch); j++) ops.push(client.set(keyOf(j), values[j % values.length]));
    await Promise.all(ops);
  }
}

/**
 * Paced writer: SETs of random keys at `opsPerSec` on a connection of its own, issued every 5 ms
 * to keep up with the clock (open loop: the offered rate does not drop when the server slows down).
 * Commands are pre-encoded RESP written straight to a socket and the replies only counted, so the
 * load generator costs a few percent of a core even at 20,000 SETs/s: a client library's
 * per-command work (a promise, a parser state, a callback per SET) took most of a core at that rate
 * and, on a 2-core machine, competed with the server and its fork child for the CPU, which slowed
 * the parent while a rewrite ran and so made fewer writes reach the rewrite's window than the
 * rate measured outside it. Records the first error reply (MISCONF when the AOF or a BGSAVE failed).
 *
 * @param {{ port: number, host?: string }} address the server
 * @param {{ keys: number, values: string[], opsPerSec: number, sequentialFirst?: boolean }} load
 *   `keys` N keys named by {@link keyOf}; values cycled in order; `sequentialFirst`: create keys
 *   0..N-1 in order before writing at random
 * @returns {{ started: number, sent: number, served: number, firstError: { t: number, message: string } | null,
 *   stop: () => Promise<{ sent: number, served: number, seconds: number, firstError: object | null }> }}
 *   `sent` SETs written to the socket, `served` replies received; stop() waits up to 10 s for the
 *   replies still due
 */
export function startWriter(address, { keys, values, opsPerSec, sequentialFirst = false }) {
  const socket = connect({ port: address.port, host: address.host ?? '127.0.0.1' });
  socket.setNoDelay(true);
  socket.on('error', (e) => {
    if (!firstError) firstError = { t: now(), message: `connection: ${e.message}` };
  });
  const bulk = (s) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  const tails = values.map((v) => bulk(v));
  const started = now();
  let sent = 0;
  let served = 0;
  let firstError = null;
  let stopped = false;
  // reply scanner: SET answers one line, "+OK" or "-ERR ..."
  let lineStart = true;
  let errorLine = null;
  socket.on('data', (chunk) => {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (lineStart && c === 0x2d /* - */) errorLine = [];
      lineStart = false;
      if (c === 0x0a) {
        served++;
        if (errorLine && !firstError) firstError = { t: now(), message: Buffer.from(errorLine).toString('latin1').replace(/^-/, '').trim() };
        errorLine = null;
        lineStart = true;
      } else if (errorLine && errorLine.length < 200) errorLine.push(c);
    }
  });
  const tick = () => {
    if (stopped) return;
    const due = Math.floor(((now() - started) / 1000) * opsPerSec);
    let out = '';
    while (sent < due && sent - served < 5000) {
      const key = sequentialFirst && sent < keys ? sent : Math.floor(Math.random() * keys);
      out += `*3\r\n$3\r\nSET\r\n${bulk(keyOf(key))}${tails[sent % tails.length]}`;
      sent++;
    }
    if (out) socket.write(out);
    setTimeout(tick, 5);
  };
  socket.once('connect', tick);
  return {
    started,
    get sent() {
      return sent;
    },
    get served() {
      return served;
    },
    get firstError() {
      return firstError;
    },
    async stop() {
      stopped = true;
      const t0 = now();
      while (served < sent && now() - t0 < 10_000 && !socket.destroyed) await sleep(5);
      socket.destroy();
      return { sent, served, seconds: (now() - started) / 1000, firstError };
    },
  };
}

/** CONFIG SET one parameter at a time (Redis < 7 takes one pair per call). */
async function configSet(client, params) {
  for (const [name, value] of Object.entries(params)) await client.configSet(name, value);
}

/** INFO of one section as { field: number | string } (parseInfo of `redis-lint calibrate`). */
async function info(client, section) {
  return parseInfo(await client.info(section)).fields;
}

/** BGREWRITEAOF with no writes; resolves with the seconds until Redis reports it finished. */
async function timedRewrite(client) {
  const before = await info(client, 'persistence');
  const t0 = now();
  await client.bgRewriteAof();
  for (;;) {
    await sleep(2);
    const p = await info(client, 'persistence');
    // Redis < 7 has no aof_rewrites: BGREWRITEAOF forks at once (no other child here), so "not in progress" is "done"
    const counted = before.aof_rewrites === undefined || p.aof_rewrites > before.aof_rewrites;
    if (!p.aof_rewrite_in_progress && !p.aof_rewrite_scheduled && counted) {
      if (p.aof_last_bgrewrite_status !== 'ok') throw new Error(`BGREWRITEAOF failed (aof_last_bgrewrite_status:${p.aof_last_bgrewrite_status})`);
      return { seconds: (now() - t0) / 1000, persistence: p };
    }
    if (now() - t0 > 30_000) throw new Error('BGREWRITEAOF did not finish within 30 s');
  }
}

/** Waits until no BGSAVE runs; throws after 30 s. */
async function bgsaveDone(client) {
  const t0 = now();
  while ((await info(client, 'persistence')).rdb_bgsave_in_progress) {
    if (now() - t0 > 30_000) throw new Error('BGSAVE did not finish within 30 s');
    await sleep(5);
  }
}

const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Rewrites seen by the sampler: maximal runs of samples with a temp-rewriteaof file.
 * For each: the old AOF size when it started (BASE + every INCR but the new one the rewrite
 * opened), its duration as seen on disk (`seconds`: until the parent renames the new BASE), the
 * child's part of it (`childSeconds`: until the child renamed its output), and the peak of all files.
 */
export function rewritesFromSamples(samples) {
  const out = [];
  let cur = null;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (s.tempAof > 0) {
      if (!cur) {
        // 7.x: BASE + every INCR but the new one the rewrite opened; 6.x: the single appendonly.aof
        const newest = Math.max(...s.incr.map(([seq]) => seq));
        const oldIncr = s.incr.filter(([seq]) => seq !== newest).reduce((a, [, b]) => a + b, 0);
        const startAofBytes = s.incr.length || s.base ? s.base + oldIncr : s.single;
        cur = { start: s.t, startAofBytes, peak: s.total, end: s.t, childSeconds: null };
      }
      // seen done at its first sample: the child took less than one sampling interval (~5 ms)
      if (s.childDone && cur.childSeconds === null) cur.childSeconds = Math.max((s.t - cur.start) / 1000, 0.005);
      cur.peak = Math.max(cur.peak, s.total);
      cur.end = s.t;
    } else if (cur) {
      // the sample after the temp file is renamed still has the old files until they are unlinked
      cur.peak = Math.max(cur.peak, s.total);
      cur.seconds = (s.t - cur.start) / 1000;
      out.push(cur);
      cur = null;
    }
  }
  return out;
}

/**
 * Runs one scenario against a fresh redis-server and measures it.
 *
 * @param {Scenario} sc
 * @param {{ log?: (line: string) => void, redisConfig?: Record<string, string|number>, server?: string,
 *   cpuLoad?: number }} [options] `server`: the redis-server / valkey-server binary (default on PATH);
 *   `cpuLoad`: that many busy-loop processes pinned with the server to CPU 0 while the writer runs
 *   (each ends itself after the scenario's timeout), to see the model with a slow fork child
 * @returns {Promise<object>} `{ skipped }` with a reason, or the measurements:
 *   rdbBytes (BASE after the warm-up rewrite), datasetBytes (used_memory_dataset),
 *   rate.{nominal, measured} (AOF bytes/s), probeRewriteSeconds, rewrites[] (from the sampler),
 *   steadyPeakBytes, startAofBytes (median), timeToFullSeconds (fill mode), cow[] and more.
 * @throws Error when redis-server cannot start or the scenario times out
 */
export async function runScenario(sc, options = {}) {
  const log = options.log ?? (() => {});
  const { createClient } = await import('redis');
  let volume = null;
  if (sc.volumeBytes) {
    volume = mountTmpfs(sc.volumeBytes);
    if ('skipped' in volume) return { id: sc.id, skipped: volume.skipped };
  }
  const config = {
    appendonly: 'yes',
    appendfsync: 'everysec',
    'auto-aof-rewrite-percentage': sc.percentage,
    'auto-aof-rewrite-min-size': sc.minSize,
    'aof-use-rdb-preamble': 'yes',
    save: sc.save,
    hz: 10,
    ...(sc.replica ? { 'repl-diskless-sync': sc.replica === 'diskless' ? 'yes' : 'no', 'repl-diskless-sync-delay': 0 } : {}),
    ...options.redisConfig,
  };
  const cpu0 = options.cpuLoad ? ['taskset', '-c', '0'] : undefined;
  const server = await startRedisServer({ config, dir: volume?.dir, server: options.server, prefix: cpu0 });
  const client = createClient({ url: server.url, socket: { reconnectStrategy: false } });
  client.on('error', () => {});
  let cgroup = null;
  let sampler = null;
  let writer = null;
  let hogs = [];
  let replica = null;
  let replicaClient = null;
  let syncAskedAt = null;
  try {
    await client.connect();
    const values = valuePool(sc.valueSize);
    // no automatic rewrite or BGSAVE while populating and probing: the probes time a quiet rewrite
    await configSet(client, { 'auto-aof-rewrite-percentage': '0', save: '' });
    if (sc.populate !== false) await populate(client, sc.keys, values);
    // three rewrites with no writes: the BASE size, and how long a rewrite keeps its files on disk
    // (fork → temp BASE → rename by the parent), the window in which writes go to the new INCR
    const probeSampler = startSampler({ dir: server.dir });
    const probes = [await timedRewrite(client), await timedRewrite(client), await timedRewrite(client)];
    await sleep(20);
    const probeRewrites = rewritesFromSamples(await probeSampler.stop());
    const persistence0 = probes.at(-1).persistence;
    const memory0 = await info(client, 'memory');
    if (sc.save) await client.bgSave();
    await bgsaveDone(client);
    await configSet(client, { 'auto-aof-rewrite-percentage': String(sc.percentage), save: sc.save });
    if (sc.forkBlocked) {
      cgroup = pidsCgroup(server.pid);
      if ('skipped' in cgroup) return { id: sc.id, skipped: cgroup.skipped };
      cgroup.block();
    }
    const rdbBytes = persistence0.aof_base_size;
    const cmdBytes = setCommandBytes(keyOf(0).length, sc.valueSize);
    log(`${sc.id}: ${sc.keys} keys x ${sc.valueSize} B, BASE ${rdbBytes} B, ${sc.opsPerSec} ops/s = ${sc.opsPerSec * cmdBytes} B/s`);

    // a bounded busy loop per hog, on the server's core: the fork child competes with it (and the parent)
    const hogSeconds = sc.timeoutSec ?? 180;
    hogs = Array.from({ length: options.cpuLoad ?? 0 }, () =>
      spawn('taskset', ['-c', '0', process.execPath, '-e', `const end = Date.now() + ${hogSeconds * 1000}; while (Date.now() < end) {}`], { stdio: 'ignore' }),
    );
    const loadAtStart = loadavg()[0];
    sampler = startSampler({ dir: server.dir, statfs: Boolean(volume) });
    writer = startWriter(server, { keys: sc.keys, values, opsPerSec: sc.opsPerSec, sequentialFirst: sc.populate === false });
    const writer0Start = writer.started;
    const polls = [];
    const target = sc.rewrites ?? 4;
    const deadline = now() + (sc.timeoutSec ?? 180) * 1000;
    const startRewrites = persistence0.aof_rewrites;
    // Redis < 7 has no aof_rewrites: count aof_rewrite_in_progress 1 -> 0 (a rewrite keeps it at 1
    // for at least one cron period, 100 ms, and this polls every 50 ms)
    let finished = 0;
    let wasInProgress = 0;
    const rewritesSince = (p) => (startRewrites === undefined ? finished : p.aof_rewrites - startRewrites);
    let fullAt = null;
    for (;;) {
      await sleep(sc.mode === 'fill' ? 10 : 50);
      const sample = infoSample(await client.info('persistence'), now());
      polls.push(sample);
      const p = sample.info.fields;
      if (wasInProgress && !p.aof_rewrite_in_progress) finished++;
      wasInProgress = p.aof_rewrite_in_progress;
      if (sc.replica && !replica && p.aof_rewrite_in_progress && rewritesSince(p) >= 1) {
        // a full sync asked for during a rewrite (the warm-up one is done)
        replica = await startRedisServer({ config: { appendonly: 'no', save: '' }, server: options.server });
        replicaClient = createClient({ url: replica.url, socket: { reconnectStrategy: false } });
        replicaClient.on('error', () => {});
        await replicaClient.connect();
        syncAskedAt = now();
        await replicaClient.sendCommand(['REPLICAOF', '127.0.0.1', String(server.port)]);
      }
      if (sc.mode === 'cycles' && rewritesSince(p) >= target && !p.aof_rewrite_in_progress) {
        await sleep(150); // let the history files be unlinked and sampled
        break;
      }
      if (sc.mode === 'fill') {
        const failed = p.aof_last_write_status === 'err' || p.rdb_last_bgsave_status === 'err' || writer.firstError;
        if (failed) {
          fullAt = Math.min(...[writer.firstError?.t, p.aof_last_write_status === 'err' || p.rdb_last_bgsave_status === 'err' ? now() : undefined].filter((x) => x !== undefined));
          break;
        }
      }
      if (now() > deadline) throw new Error(`${sc.id}: timed out after ${sc.timeoutSec ?? 180} s (${rewritesSince(p)} rewrites)`);
    }
    const writerStarted = writer.started;
    const w = await writer.stop();
    writer = null;
    const samples = await sampler.stop();
    sampler = null;
    const last = polls.at(-1)?.info.fields;
    const memory1 = await info(client, 'memory');
    let sync = null;
    if (replicaClient) {
      const r = await info(replicaClient, 'replication');
      const m = await info(client, 'replication');
      sync = { linkUp: r.master_link_status === 'up', connectedSlaves: m.connected_slaves, askedAfterSeconds: (syncAskedAt - writer0Start) / 1000 };
    }

    // the AOF write rate as `redis-lint calibrate` measures it (intervals around a rewrite skipped),
    // up to the first sample that reports the failed write
    const rate = measureWriteRate(polls.filter((q) => q.info.fields.aof_last_write_status !== 'err'));
    const rewrites = rewritesFromSamples(samples);
    const steady = rewrites.slice(1);
    const steadyFrom = steady.length ? steady[0].start : Infinity;
    const steadySamples = samples.filter((s) => s.t >= steadyFrom);
    const maxIncrFiles = Math.max(0, ...samples.map((s) => s.incr.length));
    const result = {
      id: sc.id,
      redisVersion: (await info(client, 'server')).redis_version,
      serverVersion: (await info(client, 'server')).valkey_version ?? (await info(client, 'server')).redis_version,
      // 1-minute load average (as `uptime` prints it) when the writer started and at the end
      loadAverage: { start: loadAtStart, end: loadavg()[0] },
      cpuLoad: options.cpuLoad ?? 0,
      // without populating, the BASE is empty: the dataset and dump.rdb are what the writer built
      rdbBytes: sc.populate === false ? Math.max(0, ...samples.map((s) => s.dump)) || memory1.used_memory_dataset : rdbBytes,
      datasetBytes: sc.populate === false ? memory1.used_memory_dataset : memory0.used_memory_dataset,
      usedMemoryBytes: memory0.used_memory,
      // what the data takes in memory, with its per-key overhead (dict entries, buckets): the pages
      // a write can dirty; used_memory_dataset leaves the per-key overhead out
      heapBytes: (sc.populate === false ? memory1 : memory0).used_memory - ((sc.populate === false ? memory1 : memory0).used_memory_startup ?? 0),
      rate: { nominal: sc.opsPerSec * cmdBytes, sent: (w.sent * cmdBytes) / w.seconds, measured: rate.bytesPerSec },
      probeRewriteSeconds: median(probeRewrites.map((r) => r.seconds)) ?? median(probes.map((p) => p.seconds)),
      probeChildSeconds: median(probeRewrites.map((r) => r.childSeconds).filter((x) => x !== null)),
      rewriteChildSecondsOnDisk: median(rewrites.map((r) => r.childSeconds).filter((x) => x !== null)),
      // the slowest rewrite child of the run (fork until it renamed its output), e.g. under CPU load
      rewriteChildSecondsMax: Math.max(0, ...rewrites.map((r) => r.childSeconds ?? 0)) || null,
      probeInfoSeconds: median(probes.map((p) => p.seconds)),
      rewrites,
      startAofBytes: median(steady.map((r) => r.startAofBytes)),
      steadyPeakBytes: steadySamples.length ? Math.max(...steadySamples.map((s) => s.total)) : null,
      rewriteSecondsOnDisk: median(rewrites.map((r) => r.seconds)),
      aofLastRewriteTimeSec: last?.aof_last_rewrite_time_sec ?? null,
      aofLastCowBytes: last?.aof_last_cow_size ?? null,
      rdbLastCowBytes: last?.rdb_last_cow_size ?? null,
      usedMemoryAfterBytes: memory1.used_memory,
      maxIncrFiles,
      autoRewrites: startRewrites === undefined ? finished : (last?.aof_rewrites ?? startRewrites) - startRewrites,
      maxDiskBytes: Math.max(...samples.map((s) => s.total)),
      maxFsUsedBytes: volume ? Math.max(...samples.map((s) => s.fsUsed ?? 0)) : null,
      samples: samples.length,
      sampleIntervalMs: samples.length > 1 ? (samples.at(-1).t - samples[0].t) / (samples.length - 1) : null,
      timeToFullSeconds: fullAt === null ? null : (fullAt - writerStarted) / 1000,
      writeError: w.firstError?.message ?? null,
      lastWriteStatus: last?.aof_last_write_status,
      lastBgsaveStatus: last?.rdb_last_bgsave_status,
      lastBgrewriteStatus: last?.aof_last_bgrewrite_status,
      // the replica scenarios: whether the sync completed, and the sync's fork (the last BGSAVE)
      sync,
      maxDumpBytes: Math.max(0, ...samples.map((s) => s.dump)),
    };
    return result;
  } finally {
    for (const h of hogs) h.kill('SIGKILL');
    if (writer) await writer.stop().catch(() => {});
    if (sampler) await sampler.stop().catch(() => {});
    if (cgroup && !('skipped' in cgroup)) cgroup.release();
    if (replicaClient) await replicaClient.sendCommand(['SHUTDOWN', 'NOSAVE']).catch(() => {});
    if (replica) await replica.stop();
    // SHUTDOWN NOSAVE kills a rewrite/BGSAVE child and removes its temp files (no final save)
    await client.sendCommand(['SHUTDOWN', 'NOSAVE']).catch(() => {});
    await server.stop();
    volume?.unmount();
  }
}
