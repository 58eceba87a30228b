import { describe, expect, it } from 'vitest';
import { AUTO_REWRITE_DISABLED } from '../../src/model/aof.js';
import { project, type ProjectionInput } from '../../src/model/projection.js';

const Mi = 1048576;
const Gi = 1024 * Mi;

/** Redis 7.2 master, no replicas, AOF on with redis.conf defaults, save "". */
const base: ProjectionInput = {
  redisVersion: { major: 7, minor: 2 },
  role: 'master',
  volumeBytes: null,
  maxmemoryBytes: null,
  memoryLimitBytes: null,
  aof: { enabled: true, rewritePercentage: 100, rewriteMinSizeBytes: 64 * Mi, useRdbPreamble: true },
  rdb: { savePoints: [] },
  hasReplicas: false,
  replDisklessSync: true,
};
const SAVE_DEFAULTS = [
  { seconds: 3600, changes: 1 },
  { seconds: 300, changes: 100 },
  { seconds: 60, changes: 10000 },
];

function hasNaN(value: unknown): boolean {
  if (typeof value === 'number') return Number.isNaN(value);
  if (value && typeof value === 'object') return Object.values(value).some(hasNaN);
  return false;
}

describe('project: (1) 50Mi volume under a 64mb min-size', () => {
  it('flags the rewrite as unreachable whatever the dataset', () => {
    const p = project({ ...base, volumeBytes: 52428800 });
    // serverCron needs aof_current_size > 67108864; 52428800 <= 67108864
    expect(p.disk.rewriteUnreachable).toBe(true);
    expect(p.dataset).toEqual({ bytes: null, basis: 'unknown' });
    expect(p.disk.peakBytes).toBeNull();
    expect(p.memory.forkPeakBytes).toBeNull();
    expect(hasNaN(p)).toBe(false);
  });
});

describe('project: (2) Bitnami nano preset, 100Mi volume, no maxmemory', () => {
  const p = project({ ...base, volumeBytes: 100 * Mi, memoryLimitBytes: 192 * Mi });

  it('bounds the dataset by the 192Mi limit', () => {
    expect(p.dataset).toEqual({ bytes: 201326592, basis: 'memory-limit' }); // 192 * 1048576
    expect(p.rdbBytes).toBe(201326592); // ratio 1.0
  });

  it('projects trigger 384Mi, peak 576Mi, recommended 720Mi', () => {
    // no write rate: w = 0; base after rewrite = BASE = 192Mi
    expect(p.disk.rewriteWriteBytes).toBe(0);
    expect(p.disk.baseAfterRewriteBytes).toBe(201326592);
    // trigger = max(64Mi + 1, ceil(192Mi * 200 / 100)) = 384Mi = 402653184 (strict > only matters for the min-size branch)
    expect(p.disk.rewriteTriggerBytes).toBe(402653184);
    // peak = 384Mi (old BASE + INCRs) + 192Mi (new BASE), no RDB files = 576Mi = 603979776
    expect(p.disk.peakBytes).toBe(603979776);
    // 576Mi / (1 - 0.2) = 720Mi = 754974720
    expect(p.disk.recommendedVolumeBytes).toBe(754974720);
    expect(p.disk.recommendedVolume).toBe('720Mi');
  });

  it('reaches the first rewrite (100Mi > 64mb) but not the steady-state peak', () => {
    expect(p.disk.rewriteUnreachable).toBe(false);
    expect(p.disk.peakBytes! > p.disk.volumeBytes!).toBe(true);
    expect(p.disk.timeToFullSeconds).toBeNull(); // no write rate
  });

  it('projects fork memory above the limit', () => {
    expect(p.memory.forkHappens).toBe(true);
    // used = 192Mi + 8Mi RSS + 1Mi backlog = 201Mi = 210763776
    expect(p.memory.usedBytes).toBe(210763776);
    expect(p.memory.cowBytes).toBe(201326592); // whole dataset
    // 201Mi + 192Mi = 393Mi = 412090368
    expect(p.memory.forkPeakBytes).toBe(412090368);
    expect(p.memory.limitBytes).toBe(201326592);
    expect(p.memory.maxmemoryBytes).toBeNull();
  });

  it('projects load and shutdown times', () => {
    // 192Mi / 100Mi/s + (384Mi - 192Mi) / 20Mi/s = 1.92 + 9.6 = 11.52
    expect(p.loadSeconds).toBeCloseTo(11.52, 9);
    expect(p.shutdownSaveSeconds).toBe(0); // save ""
  });

  it('explains itself', () => {
    expect(p.assumptions).toContain('no workload and no maxmemory: dataset bounded by the container memory limit 192Mi');
    expect(p.assumptions).toContain('no write rate given: bytes written during a rewrite not counted');
  });
});

describe('project: (3) RDB save points next to the AOF', () => {
  const input: ProjectionInput = {
    ...base,
    volumeBytes: Gi,
    maxmemoryBytes: 256 * Mi,
    rdb: { savePoints: SAVE_DEFAULTS },
  };

  it('adds dump.rdb and, during BGSAVE, its temp file (never together with the rewrite files)', () => {
    const p = project(input);
    expect(p.dataset.basis).toBe('maxmemory');
    expect(p.disk.dumpRdbPresent).toBe(true);
    // trigger = 2 * 256Mi = 512Mi = 536870912
    expect(p.disk.rewriteTriggerBytes).toBe(536870912);
    // peak = 512Mi + 256Mi dump + max(256Mi new BASE, 256Mi temp rdb) = 1024Mi = 1073741824
    expect(p.disk.peakBytes).toBe(1073741824);
    // 1024Mi / 0.8 = 1280Mi = 1342177280 = 1.25Gi
    expect(p.disk.recommendedVolumeBytes).toBe(1342177280);
    expect(p.disk.recommendedVolume).toBe('1.25Gi');
    // shutdown SAVE: 256Mi / 100Mi/s = 2.56
    expect(p.shutdownSaveSeconds).toBeCloseTo(2.56, 9);
    // load: 256Mi / 100Mi/s + 256Mi / 20Mi/s = 2.56 + 12.8 = 15.36
    expect(p.loadSeconds).toBeCloseTo(15.36, 9);
  });

  it('delays the rewrite while a BGSAVE child runs', () => {
    const p = project({
      ...input,
      workload: { writeRateBytesPerSec: Mi },
      params: { forkChildThroughputBytesPerSec: 64 * Mi },
    });
    // child = 256Mi / 64Mi/s = 4 s; w = 1Mi/s * 4 s = 4Mi; base after = 260Mi; trigger = 520Mi
    expect(p.disk.rewriteTriggerBytes).toBe(545259520);
    // start = 520Mi + ceil(1Mi/s / hz 10) = 104858 (cron overshoot) + 4Mi (BGSAVE delay) = 524Mi + 104858
    expect(p.disk.rewriteStartBytes).toBe(524 * Mi + 104858);
    // peak = start + 256Mi + max(256Mi + 4Mi, 256Mi) = 1040Mi + 104858 = 1090623898
    expect(p.disk.peakBytes).toBe(1090623898);
  });

  it('RDB only: dump.rdb plus its temp file', () => {
    const p = project({ ...input, aof: { ...input.aof, enabled: false } });
    expect(p.disk.rewriteTriggerBytes).toBeNull();
    expect(p.disk.rewriteWriteBytes).toBeNull();
    expect(p.disk.rewriteUnreachable).toBe(false);
    // 256Mi + 256Mi = 512Mi = 536870912; / 0.8 = 640Mi = 671088640
    expect(p.disk.peakBytes).toBe(536870912);
    expect(p.disk.recommendedVolume).toBe('640Mi');
    // start-up loads dump.rdb: 256Mi / 100Mi/s = 2.56
    expect(p.loadSeconds).toBeCloseTo(2.56, 9);
  });
});

describe('project: (4) fork with maxmemory 1gb and no workload', () => {
  it('copies the whole dataset: 2gb + overhead', () => {
    const p = project({ ...base, maxmemoryBytes: Gi, memoryLimitBytes: 2 * Gi });
    expect(p.memory.cowBytes).toBe(1073741824); // 1Gi
    // 1Gi + 1Gi + 8Mi + 1Mi = 2147483648 + 9437184 = 2156920832
    expect(p.memory.forkPeakBytes).toBe(2156920832);
    expect(p.memory.forkPeakBytes! > p.memory.limitBytes!).toBe(true); // a 2Gi limit is 9Mi short
  });

  it('does not fork without AOF, save points or replicas', () => {
    const p = project({ ...base, maxmemoryBytes: Gi, aof: { ...base.aof, enabled: false } });
    expect(p.memory.forkHappens).toBe(false);
    expect(p.memory.cowBytes).toBe(0);
    expect(p.memory.forkPeakBytes).toBe(1083179008); // 1Gi + 9Mi = 1073741824 + 9437184
    expect(p.disk.peakBytes).toBe(0); // nothing persisted
  });

  it('forks for a diskless full sync', () => {
    const p = project({ ...base, maxmemoryBytes: Gi, aof: { ...base.aof, enabled: false }, hasReplicas: true });
    expect(p.memory.forkHappens).toBe(true);
    expect(p.disk.dumpRdbPresent).toBe(false);
  });
});

describe('project: (5) write rate bounds copy-on-write', () => {
  const input: ProjectionInput = {
    ...base,
    volumeBytes: 2 * Gi,
    workload: { datasetBytes: Gi, rdbBytes: 512 * Mi, writeRateBytesPerSec: Mi },
    params: { forkChildThroughputBytesPerSec: 64 * Mi },
  };

  it('projects memory from the pages written while the child lives', () => {
    const p = project(input);
    expect(p.dataset).toEqual({ bytes: Gi, basis: 'workload' });
    // child = 512Mi / 64Mi/s = 8 s; w = 1Mi/s * 8 s = 8Mi
    expect(p.disk.rewriteWriteBytes).toBe(8388608);
    // by pages (no value size: 64 B): 8Mi / (64 + 32) B = 87381.33 writes; 2 touches each of the
    // keys' 112348 pages (9586981 keys x 48 B): 88634.29 pages; 1.2 each of the values' 149796:
    // 75409.71 pages; cow = 1.25Mi + ceil(164043.99 x 4096) = 673234911
    expect(p.memory.cowBytes).toBe(673234911);
    // 1Gi + 9Mi + cow
    expect(p.memory.forkPeakBytes).toBe(Gi + 9 * Mi + 673234911);
  });

  it('projects disk with the bytes written during the rewrite', () => {
    const p = project(input);
    // base after = 512Mi + 8Mi = 520Mi; trigger = 1040Mi = 1090519040
    expect(p.disk.baseAfterRewriteBytes).toBe(545259520);
    expect(p.disk.rewriteTriggerBytes).toBe(1090519040);
    // start = 1040Mi + ceil(1Mi / 10) = 104858 of cron overshoot
    // peak = start + 512Mi + 8Mi = 1560Mi + 104858 = 1635883418; / 0.8 = 1950.13Mi → 1951Mi
    expect(p.disk.peakBytes).toBe(1635883418);
    expect(p.disk.recommendedVolume).toBe('1951Mi');
    // (2048Mi - 520Mi) / 1Mi/s = 1528 s
    expect(p.disk.timeToFullSeconds).toBe(1528);
    // load: 512Mi / 100Mi/s + (1040Mi + 104858 + 8Mi - 512Mi) / 20Mi/s = 5.12 + 26.8 + 0.005000019 = 31.925000019
    expect(p.loadSeconds).toBeCloseTo(31.925000019, 8);
  });

  it('caps copy-on-write at the dataset', () => {
    // 10Mi/s * 8 s * 40 = 3200Mi > 1Gi
    const p = project({ ...input, workload: { ...input.workload, writeRateBytesPerSec: 10 * Mi } });
    expect(p.memory.cowBytes).toBe(Gi);
  });
});

describe('project: (6) Redis 6.x single-file AOF vs 7.x multi-part', () => {
  const input: ProjectionInput = {
    ...base,
    redisVersion: { major: 6, minor: 2 },
    volumeBytes: 2 * Gi,
    workload: { datasetBytes: Gi, rdbBytes: 512 * Mi, writeRateBytesPerSec: Mi },
    params: { forkChildThroughputBytesPerSec: 64 * Mi },
  };

  it('counts the writes during a rewrite twice on disk and twice in memory, over a child that lives 1 s longer', () => {
    const p6 = project(input);
    const p7 = project({ ...input, redisVersion: { major: 7, minor: 0 } });
    // the 6.x child reads the parent's diffs for 1 s after its 8 s BASE (aof.c 6.2.16 rewriteAppendOnlyFile):
    // window 9 s, w = 9Mi (7.x: 8 s, 8Mi)
    expect(p6.disk.rewriteSeconds).toBe(9);
    expect(p7.disk.rewriteSeconds).toBe(8);
    // trigger 2 * (512Mi + 9Mi) = 1042Mi (7.x: 2 * (512Mi + 8Mi) = 1040Mi)
    expect(p6.disk.rewriteTriggerBytes).toBe(1042 * Mi);
    expect(p7.disk.rewriteTriggerBytes).toBe(1040 * Mi);
    // 6.x peak = 1042Mi + 104858 (cron overshoot) + 512Mi + 2 * 9Mi = 1572Mi + 104858 (7.x: 1560Mi + 104858)
    expect(p6.disk.peakBytes).toBe(1572 * Mi + 104858);
    expect(p7.disk.peakBytes).toBe(1635883418);
    // (1572Mi + 104858) / 0.8 = 1965.1Mi → 1966Mi
    expect(p6.disk.recommendedVolume).toBe('1966Mi');
    // 6.x: 1033Mi in use + copy-on-write of a 9 s child (9Mi / 96 B = 98304 writes: 92824.67 keys'
    // pages + 81641.90 values' pages, + 1.25Mi = 715925783) + 2 x 9Mi of diff (the parent's
    // blocks, the child's aof_child_diff) (7.x: 1033Mi + copy-on-write of the 8 s child, 673234911)
    expect(p6.memory.forkPeakBytes).toBe(1033 * Mi + 715925783 + 18 * Mi);
    expect(p7.memory.forkPeakBytes).toBe(1033 * Mi + 673234911);
  });

  it('waits for a BGSAVE child as long as the RDB takes, without the rewrite child\'s diff second', () => {
    const save = { ...input, rdb: { savePoints: [{ seconds: 60, changes: 1 }] } };
    const p6 = project(save);
    const p7 = project({ ...save, redisVersion: { major: 7, minor: 0 } });
    // the BGSAVE child writes 512Mi at 64Mi/s: 8 s, 8Mi of writes in both versions
    expect((p6.disk.rewriteStartBytes as number) - (p6.disk.rewriteTriggerBytes as number)).toBe(104858 + 8 * Mi);
    expect((p7.disk.rewriteStartBytes as number) - (p7.disk.rewriteTriggerBytes as number)).toBe(104858 + 8 * Mi);
  });

  it('is identical to 7.x without a write rate', () => {
    const noRate = { ...input, workload: { datasetBytes: Gi } };
    const p6 = project(noRate);
    const p7 = project({ ...noRate, redisVersion: { major: 7, minor: 4 } });
    // 2 * 1Gi + 1Gi = 3Gi
    expect(p6.disk.peakBytes).toBe(3 * Gi);
    expect(p7.disk.peakBytes).toBe(3 * Gi);
  });
});

describe('project: (7) auto-aof-rewrite-percentage 0', () => {
  it('lets the AOF grow until the volume is full', () => {
    const p = project({
      ...base,
      volumeBytes: Gi,
      maxmemoryBytes: 256 * Mi,
      aof: { ...base.aof, rewritePercentage: 0 },
      workload: { writeRateBytesPerSec: Mi },
      params: { forkChildThroughputBytesPerSec: 64 * Mi },
    });
    expect(p.disk.rewriteUnreachable).toBe(true);
    expect(p.disk.rewriteTriggerBytes).toBeNull();
    expect(p.disk.peakBytes).toBeNull();
    expect(p.disk.recommendedVolumeBytes).toBeNull();
    // no rewrite ever runs: the AOF grows from empty; 1024Mi / 1Mi/s = 1024 s
    expect(p.disk.timeToFullSeconds).toBe(1024);
    expect(p.loadSeconds).toBeNull();
    expect(p.assumptions).toContain(AUTO_REWRITE_DISABLED);
  });

  it('is unreachable even with an unknown dataset', () => {
    const p = project({ ...base, aof: { ...base.aof, rewritePercentage: 0 } });
    expect(p.disk.rewriteUnreachable).toBe(true);
    expect(p.assumptions).toContain(AUTO_REWRITE_DISABLED);
  });
});

describe('project: replicas and roles', () => {
  it('keeps a dump.rdb next to the AOF on a replica', () => {
    const p = project({ ...base, role: 'replica', maxmemoryBytes: 256 * Mi, volumeBytes: Gi });
    expect(p.disk.dumpRdbPresent).toBe(true);
    // 512Mi + 256Mi dump + max(256Mi, 256Mi transfer temp) = 1024Mi
    expect(p.disk.peakBytes).toBe(Gi);
  });
});

describe('project: validation', () => {
  it('rejects bad input', () => {
    expect(() => project({ ...base, volumeBytes: -1 })).toThrow(RangeError);
    expect(() => project({ ...base, aof: { ...base.aof, rewritePercentage: 1.5 } })).toThrow(RangeError);
    expect(() => project({ ...base, workload: { writeRateBytesPerSec: Number.POSITIVE_INFINITY } })).toThrow(RangeError);
    expect(() => project({ ...base, redisVersion: { major: 7.5, minor: 0 } })).toThrow(RangeError);
    expect(() => project({ ...base, params: { headroomFraction: 1 } })).toThrow(RangeError);
  });

  it('treats maxmemory 0 as unset', () => {
    const p = project({ ...base, maxmemoryBytes: 0, memoryLimitBytes: 192 * Mi });
    expect(p.dataset.basis).toBe('memory-limit');
    expect(p.memory.maxmemoryBytes).toBeNull();
  });
});

describe('project: (8) time to full with save points, if rewrites stop succeeding', () => {
  const input: ProjectionInput = {
    ...base,
    volumeBytes: Gi,
    maxmemoryBytes: 256 * Mi,
    rdb: { savePoints: [{ seconds: 1, changes: 1 }] },
    workload: { writeRateBytesPerSec: Mi },
    params: { forkChildThroughputBytesPerSec: 64 * Mi },
  };

  it('stops writes when the next BGSAVE temp file no longer fits (stop-writes-on-bgsave-error yes)', () => {
    const p = project(input);
    // AOF at full = 1024Mi - dump 256Mi - temp 256Mi = 512Mi; post-rewrite AOF 256Mi + w 4Mi (4 s child) = 260Mi; (512 - 260) / 1 = 252 s
    expect(p.disk.aofBytesAtFull).toBe(512 * Mi);
    expect(p.disk.timeToFullSeconds).toBe(252);
    expect(p.assumptions.some((a) => a.includes('stop-writes-on-bgsave-error'))).toBe(true);
  });

  it('only needs room for dump.rdb with stop-writes-on-bgsave-error no', () => {
    const p = project({ ...input, rdb: { ...input.rdb, stopWritesOnBgsaveError: false } });
    // (1024 - 256 - 260) / 1 = 508 s
    expect(p.disk.aofBytesAtFull).toBe(768 * Mi);
    expect(p.disk.timeToFullSeconds).toBe(508);
  });

  it('never goes below the post-rewrite AOF (already full: 0 s)', () => {
    const p = project({ ...input, volumeBytes: 600 * Mi });
    expect(p.disk.aofBytesAtFull).toBe(260 * Mi);
    expect(p.disk.timeToFullSeconds).toBe(0);
  });

  it('counts from an empty AOF when no rewrite can run (the Klamm 50Mi volume under min-size 64mb)', () => {
    const p = project({ ...input, volumeBytes: 50 * Mi, maxmemoryBytes: 192 * Mi, rdb: { savePoints: [] } });
    expect(p.disk.rewriteUnreachable).toBe(true);
    // the 192Mi bound does not matter: 50Mi / 1Mi/s = 50 s
    expect(p.disk.aofBytesAtFull).toBe(50 * Mi);
    expect(p.disk.timeToFullSeconds).toBe(50);
  });
});
