// Projected vs measured, per scenario. The caller passes the model's `project` (dist for the
// bench, src for the vitest test) so this file has no build dependency.

/**
 * The rewrite child's BASE-writing time for the model: the slower of the quiet probe's child and
 * the slowest child of the run (a child competing for the CPU is slower than the quiet probe: the
 * model is given the speed the deployment's child really has, as `redis-lint calibrate` reads it
 * from the live server). A Redis <= 6.2 child then reads the parent's diffs for up to 1 s more
 * (the model adds that itself: SINGLE_FILE_DIFF_WAIT_SECONDS), so that second is taken off.
 * @returns seconds
 */
export function childSecondsFor(m) {
  const probe = m.probeChildSeconds ?? m.probeRewriteSeconds;
  const major = Number(String(m.redisVersion).split('.')[0]);
  const run = m.rewriteChildSecondsMax === null || m.rewriteChildSecondsMax === undefined ? 0 : m.rewriteChildSecondsMax - (major < 7 ? 1 : 0);
  return Math.max(probe, run);
}

/**
 * The dataset the model is given, bytes: the data with its per-key overhead as `redis-lint calibrate`
 * reads it (used_memory − used_memory_startup, `heapBytes`). Measurements recorded before that field
 * existed fall back to used_memory (startup memory included: a little more) or, for a scenario that
 * starts empty, used_memory_dataset.
 */
export function datasetBytesFor(m) {
  return m.heapBytes ?? (m.usedMemoryBytes && m.datasetBytes < m.usedMemoryBytes ? m.usedMemoryBytes : m.datasetBytes);
}

/**
 * The model input for a measured scenario: its redis.conf, the measured workload (BASE size and
 * AOF write rate, as `redis-lint calibrate` would read them, and the scenario's value size) and the rewrite child's time measured
 * on this machine ({@link childSecondsFor}; forkChildThroughputBytesPerSec = BASE / child seconds).
 *
 * @param {import('./harness.mjs').Scenario} sc
 * @param {object} m measurements from runScenario
 * @returns {import('../../src/model/projection.js').ProjectionInput}
 */
export function projectionInputFor(sc, m) {
  const saveNums = sc.save.trim() ? sc.save.trim().split(/\s+/).map(Number) : [];
  const savePoints = [];
  for (let i = 0; i + 1 < saveNums.length; i += 2) savePoints.push({ seconds: saveNums[i], changes: saveNums[i + 1] });
  return {
    redisVersion: { major: Number(m.redisVersion.split('.')[0]), minor: Number(m.redisVersion.split('.')[1]) },
    role: 'standalone',
    volumeBytes: sc.volumeBytes ?? null,
    maxmemoryBytes: null,
    memoryLimitBytes: null,
    aof: { enabled: true, rewritePercentage: sc.percentage, rewriteMinSizeBytes: sc.minSize, useRdbPreamble: true },
    rdb: { savePoints },
    hasReplicas: Boolean(sc.replica),
    replDisklessSync: sc.replica !== 'disk',
    workload: { datasetBytes: datasetBytesFor(m), rdbBytes: m.rdbBytes, writeRateBytesPerSec: m.rate.measured ?? m.rate.nominal, valueBytes: sc.valueSize },
    // the child's own time (the cron rounding is the model's job)
    params: { forkChildThroughputBytesPerSec: m.rdbBytes / childSecondsFor(m) },
    hz: 10,
  };
}

/** (projected − measured) / measured, or null when either is missing. */
export function relError(projected, measured) {
  if (projected === null || projected === undefined || measured === null || measured === undefined || measured === 0) return null;
  return (projected - measured) / measured;
}

/**
 * Compares one scenario's measurements with the projection.
 * @returns {{ id: string, rows: Row[], info: Row[], projection: object }} `rows` are held to the
 *   goal; `info` (rewrite window, copy-on-write) are reported only.
 *   Row = { quantity: string, projected: number|null, measured: number|null, error: number|null }
 */
export function compare(sc, m, project) {
  const p = project(projectionInputFor(sc, m));
  const rows = [];
  if (sc.mode === 'cycles') {
    rows.push({ quantity: 'rewrite start (AOF bytes)', projected: p.disk.rewriteStartBytes, measured: m.startAofBytes });
    rows.push({ quantity: 'steady-state peak disk', projected: p.disk.peakBytes, measured: m.steadyPeakBytes });
  } else {
    rows.push({ quantity: 'time to full (s)', projected: p.disk.timeToFullSeconds, measured: m.timeToFullSeconds });
  }
  for (const r of rows) r.error = relError(r.projected, r.measured);
  // what the model assumes, measured but not part of the 10% goal
  const info = [];
  if (sc.mode === 'cycles') {
    info.push({ quantity: 'rewrite window (s)', projected: p.disk.rewriteSeconds, measured: m.rewriteSecondsOnDisk });
    // the fork's memory above the dataset: copied pages, and on 6.x the rewrite's diff, which the
    // child holds (aof_child_diff) and so reports in aof_last_cow_size (its private memory)
    info.push({ quantity: 'fork memory above used (aof_last_cow_size)', projected: p.memory.forkPeakBytes === null ? null : p.memory.forkPeakBytes - p.memory.usedBytes, measured: m.aofLastCowBytes });
    // a replica scenario: the full sync's BGSAVE (the only BGSAVE of the run)
    if (sc.replica) info.push({ quantity: 'copy-on-write of the full sync (rdb_last_cow_size)', projected: p.memory.cowBytes, measured: m.rdbLastCowBytes });
  }
  for (const r of info) r.error = relError(r.projected, r.measured);
  return { id: sc.id, rows, info, projection: p };
}

/**
 * A copy-on-write measurement (cow.mjs) against the model: for each fork kind (AOF rewrite, BGSAVE)
 * the model's cowBytes given the dataset, the write rate while the child lived (the SETs served
 * meanwhile × their AOF bytes, `commandBytes`; the AOF growth over the whole run reads lower when
 * the writer falls behind), the value size and the child's measured lifetime (as
 * forkChildThroughputBytesPerSec = BASE / child seconds).
 * @returns {{ id: string, rows: { kind: string, writes: number, childSeconds: number, projected: number, measured: number, error: number|null }[] }}
 */
export function compareCow(m, project) {
  const rows = ['aof', 'rdb'].map((kind) => {
    const x = m[kind];
    const p = project({
      redisVersion: { major: Number(m.redisVersion.split('.')[0]), minor: Number(m.redisVersion.split('.')[1]) },
      role: 'standalone',
      volumeBytes: null,
      maxmemoryBytes: null,
      memoryLimitBytes: null,
      aof: { enabled: true, rewritePercentage: 0, rewriteMinSizeBytes: 64 * 2 ** 20, useRdbPreamble: true },
      rdb: { savePoints: [] },
      hasReplicas: false,
      replDisklessSync: true,
      workload: { datasetBytes: datasetBytesFor(m), rdbBytes: m.baseBytes, writeRateBytesPerSec: (x.writes * m.commandBytes) / x.childSeconds, valueBytes: m.valueSize },
      // the measured child; on 6.x the model adds the diff second to a rewrite child itself
      params: { forkChildThroughputBytesPerSec: m.baseBytes / x.childSeconds },
      hz: 10,
    });
    return { kind, writes: x.writes, childSeconds: x.childSeconds, projected: p.memory.cowBytes, measured: x.cowBytes, error: relError(p.memory.cowBytes, x.cowBytes) };
  });
  return { id: m.id, rows };
}
