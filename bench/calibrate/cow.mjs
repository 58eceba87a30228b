// Copy-on-write by pages (issue 16 item 3): how many bytes a fork child's pages cost while the
// parent takes writes of a given value size, against the model's pages-per-write formula
// (src/model/fork-memory.ts). It only measures; run.mjs --cow projects and compares.
//
// Per scenario: a fresh server with AOF on (RDB preamble) and no automatic rewrite or save; N keys
// of V random bytes; `rdb-key-save-delay` (a hidden, modifiable config of Redis 6.2+ and Valkey:
// the child sleeps that many microseconds per key, rdbSaveKeyValuePair in rdb.c) stretches the
// child to ~2 s so the writes it overlaps are many and countable. Then, with no writes, a
// BGREWRITEAOF and a BGSAVE (the baseline copy), and with paced SETs of random keys across the
// whole keyspace, a BGREWRITEAOF and a BGSAVE. The child's life is read from /proc (the server's
// children, a zombie counts as gone: the child has exited and sent its Private_Dirty), so the
// writes counted are those the parent served while the child lived.
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseInfo } from '../../dist/calibrate/live.js';
import { startRedisServer } from './redis-server.mjs';
import { keyOf, populate, setCommandBytes, startWriter, valuePool } from './harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

/**
 * A copy-on-write scenario.
 * @typedef {object} CowScenario
 * @property {string} id
 * @property {number} keys       N keys
 * @property {number} valueSize  V bytes per value
 * @property {number} opsPerSec  paced SETs of random keys while the child runs
 * @property {number} [childSeconds] target child lifetime, default 2
 */

/** Live (not zombie) child processes of `pid`, from /proc (Linux with CONFIG_PROC_CHILDREN). */
function liveChildren(pid) {
  const f = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .filter((c) => {
      try {
        // state is the field after the parenthesised command name
        const stat = readFileSync(`/proc/${c}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
      } catch {
        return false;
      }
    });
}

/** VmRSS of a process, bytes (/proc/<pid>/status); null when unreadable. */
function rssBytes(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function info(client, section) {
  return parseInfo(await client.info(section)).fields;
}

/**
 * Starts a BGREWRITEAOF or BGSAVE and follows its child in /proc.
 * @returns {Promise<{ childSeconds: number, writes: number, cowBytes: number, parentRssDeltaBytes: number | null }>}
 *   the child's lifetime, the SETs the server answered while it lived, the copy-on-write Redis
 *   reported for it, and how the parent's VmRSS moved meanwhile
 */
async function forkAndFollow(client, pid, kind, writer) {
  const field = kind === 'aof' ? 'aof_last_cow_size' : 'rdb_last_cow_size';
  if (kind === 'aof') await client.bgRewriteAof();
  else await client.bgSave();
  const t0 = now();
  const served0 = writer?.served ?? 0;
  // the parent's resident memory across the child's life: a page the parent copies leaves it
  // unchanged; a page the allocator gives back (jemalloc purging freed extents, MADV_DONTNEED)
  // lowers it while the child's report counts that page as its own from then on
  const rss0 = rssBytes(pid);
  // the child forked inside the command: wait for it to show up, then to exit
  let seen = false;
  for (;;) {
    const live = liveChildren(pid).length > 0;
    if (live) seen = true;
    if (seen && !live) break;
    if (!seen && now() - t0 > 2000) throw new Error(`no ${kind} child seen`);
    if (now() - t0 > 60_000) throw new Error(`${kind} child did not exit within 60 s`);
    await sleep(1);
  }
  const childSeconds = (now() - t0) / 1000;
  const writes = (writer?.served ?? 0) - served0;
  const rss1 = rssBytes(pid);
  // the parent reads the child's report when it reaps it (checkChildrenDone, serverCron)
  const inProgress = kind === 'aof' ? 'aof_rewrite_in_progress' : 'rdb_bgsave_in_progress';
  for (let i = 0; (await info(client, 'persistence'))[inProgress]; i++) {
    if (i > 2000) throw new Error(`${kind} not reaped`);
    await sleep(5);
  }
  const p = await info(client, 'persistence');
  return { childSeconds, writes, cowBytes: p[field], parentRssDeltaBytes: rss0 === null || rss1 === null ? null : rss1 - rss0 };
}

/**
 * Runs one copy-on-write scenario.
 * @param {CowScenario} sc
 * @param {{ server?: string, log?: (l: string) => void }} [options]
 * @returns {Promise<object>} datasetBytes (used_memory_dataset), heapBytes (used_memory − used_memory_startup), rssBytes, baseBytes (aof_base_size),
 *   baseline { aof, rdb } (copy-on-write of a child with no writes), and per fork kind
 *   { childSeconds, writes, cowBytes, aofBytesPerSec } with the writer on
 */
export async function runCowScenario(sc, options = {}) {
  const log = options.log ?? (() => {});
  const { createClient } = await import('redis');
  const server = await startRedisServer({
    config: { appendonly: 'yes', appendfsync: 'everysec', 'aof-use-rdb-preamble': 'yes', 'auto-aof-rewrite-percentage': 0, save: '', hz: 10 },
    server: options.server,
  });
  const client = createClient({ url: server.url, socket: { reconnectStrategy: false } });
  client.on('error', () => {});
  let writer = null;
  try {
    await client.connect();
    const values = valuePool(sc.valueSize);
    await populate(client, sc.keys, values);
    await client.bgRewriteAof();
    while ((await info(client, 'persistence')).aof_rewrite_in_progress) await sleep(10);
    const childSeconds = sc.childSeconds ?? 2;
    // usleep() of a few µs sleeps ~55 µs more (timer slack): measured, not computed
    await client.configSet('rdb-key-save-delay', String(Math.max(0, Math.round((childSeconds * 1e6) / sc.keys - 55))));
    const memory = await info(client, 'memory');
    const base = (await info(client, 'persistence')).aof_base_size;
    const baseline = {
      aof: (await forkAndFollow(client, server.pid, 'aof', null)).cowBytes,
      rdb: (await forkAndFollow(client, server.pid, 'rdb', null)).cowBytes,
    };
    const load = { start: loadavg()[0] };
    writer = startWriter(server, { keys: sc.keys, values, opsPerSec: sc.opsPerSec });
    await sleep(500);
    const p0 = await info(client, 'persistence');
    const t0 = now();
    const aof = await forkAndFollow(client, server.pid, 'aof', writer);
    await sleep(300);
    const rdb = await forkAndFollow(client, server.pid, 'rdb', writer);
    const p1 = await info(client, 'persistence');
    const aofBytesPerSec = (p1.aof_current_size - p0.aof_current_size) / ((now() - t0) / 1000);
    await writer.stop();
    writer = null;
    load.end = loadavg()[0];
    const r = {
      id: sc.id,
      serverVersion: (await info(client, 'server')).valkey_version ?? (await info(client, 'server')).redis_version,
      redisVersion: (await info(client, 'server')).redis_version,
      keys: sc.keys,
      valueSize: sc.valueSize,
      // AOF bytes of one SET of the writer (catAppendOnlyGenericCommand)
      commandBytes: setCommandBytes(keyOf(0).length, sc.valueSize),
      datasetBytes: memory.used_memory_dataset,
      // the data with its per-key overhead, as `redis-lint calibrate` reads the dataset
      heapBytes: memory.used_memory - (memory.used_memory_startup ?? 0),
      usedMemoryBytes: memory.used_memory,
      rssBytes: memory.used_memory_rss,
      baseBytes: base,
      baseline,
      aof: { ...aof, aofBytesPerSec },
      rdb: { ...rdb, aofBytesPerSec },
      loadAverage: load,
    };
    log(`${sc.id}: ${sc.keys} keys x ${sc.valueSize} B, dataset ${(r.datasetBytes / 2 ** 20).toFixed(1)} MiB, baseline ${(baseline.aof / 2 ** 20).toFixed(2)}/${(baseline.rdb / 2 ** 20).toFixed(2)} MiB, aof child ${aof.childSeconds.toFixed(2)} s ${aof.writes} writes ${(aof.cowBytes / 2 ** 20).toFixed(2)} MiB, rdb child ${rdb.childSeconds.toFixed(2)} s ${rdb.writes} writes ${(rdb.cowBytes / 2 ** 20).toFixed(2)} MiB`);
    return r;
  } finally {
    if (writer) await writer.stop().catch(() => {});
    await client.sendCommand(['SHUTDOWN', 'NOSAVE']).catch(() => {});
    await server.stop();
  }
}

