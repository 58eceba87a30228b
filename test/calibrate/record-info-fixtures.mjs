// Records the INFO fixtures of test/calibrate/live.test.ts from a real redis-server:
//   node test/calibrate/record-info-fixtures.mjs
// Each fixture: { redis, description, writer, samples: [{ localMs, text }] }, one INFO reply a second.
import { writeFileSync } from 'node:fs';
import { createClient } from 'redis';
import { startRedisServer } from '../../bench/calibrate/redis-server.mjs';

// 1000 incompressible characters (fixed LCG seed: same fixture on every run), so the RDB-format
// BASE is about as large as the data, as for real values
let seed = 42;
const VALUE = Array.from({ length: 1000 }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), 'abcdefghijklmnopqrstuvwxyz0123456789'[seed % 36])).join('');
/** Exact RESP size of `SET key value` as feedAppendOnlyFile appends it. */
const setBytes = (key, value) =>
  `*3\r\n$3\r\nSET\r\n$${Buffer.byteLength(key)}\r\n${key}\r\n$${Buffer.byteLength(value)}\r\n${value}\r\n`.length;

async function record(name, description, config, { seconds, rewriteAfterSample }) {
  const server = await startRedisServer({ config });
  const client = createClient({ url: server.url, RESP: 2 });
  client.on('error', () => {});
  await client.connect();
  // preload: 1500 keys so that a rewrite with rdb-key-save-delay spans more than a second
  for (let i = 0; i < 1500; i++) await client.sendCommand(['SET', `pre:${String(i).padStart(6, '0')}`, VALUE]);
  // paced writer: 4 SETs every 20 ms = 200 SET/s, on an absolute schedule
  let n = 0;
  let bytes = 0;
  const t0 = Date.now();
  let stop = false;
  const writer = (async () => {
    while (!stop) {
      const due = Math.floor((Date.now() - t0) / 20) * 4;
      const batch = [];
      while (n < due) {
        const key = `k:${String(n++).padStart(8, '0')}`;
        bytes += setBytes(key, VALUE);
        batch.push(client.sendCommand(['SET', key, VALUE]));
      }
      await Promise.all(batch);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  await new Promise((r) => setTimeout(r, 300));
  const samples = [];
  const start = Date.now();
  for (let k = 0; k <= seconds; k++) {
    await new Promise((r) => setTimeout(r, start + k * 1000 - Date.now()));
    samples.push({ localMs: Date.now(), text: String(await client.sendCommand(['INFO'])) });
    if (k === rewriteAfterSample) await client.sendCommand(['BGREWRITEAOF']);
  }
  stop = true;
  await writer;
  const elapsed = (Date.now() - t0) / 1000;
  await client.close();
  await server.stop();
  const file = new URL(`./fixtures/${name}.json`, import.meta.url);
  const redis = /redis_version:(\S+)/.exec(samples[0].text)?.[1];
  const writerInfo = { setBytes: setBytes('k:00000000', VALUE), setsPerSecond: 200, bytesPerSecond: setBytes('k:00000000', VALUE) * 200, measuredBytesPerSecond: bytes / elapsed };
  writeFileSync(file, JSON.stringify({ redis, description, config, writer: writerInfo, samples }, null, 1) + '\n');
  console.log(name, redis, samples.length, writerInfo);
}

await record(
  'info-aof-rewrite',
  'appendonly yes; 200 SET/s of a 1000-byte value; BGREWRITEAOF right after sample 2, slowed by rdb-key-save-delay so it spans samples',
  { appendonly: 'yes', save: '', 'rdb-key-save-delay': 1000 },
  { seconds: 6, rewriteAfterSample: 2 },
);
await record('info-aof-off', 'appendonly no; same writer', { appendonly: 'no', save: '' }, { seconds: 3, rewriteAfterSample: -1 });
