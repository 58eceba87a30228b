import { describe, expect, it } from 'vitest';
import { project, type ProjectionInput } from '../../src/model/projection.js';
import { diskTimeline } from '../../src/model/timeline.js';

const MI = 1024 * 1024;
const base: ProjectionInput = {
  redisVersion: { major: 7, minor: 2 },
  role: 'standalone',
  volumeBytes: 1024 * MI,
  maxmemoryBytes: 100 * MI,
  memoryLimitBytes: null,
  aof: { enabled: true, rewritePercentage: 100, rewriteMinSizeBytes: 64 * MI, useRdbPreamble: true },
  rdb: { savePoints: [] },
  hasReplicas: false,
  replDisklessSync: true,
};

describe('diskTimeline', () => {
  it('draws rewrite cycles in seconds with the write rate: grow b→S, rewrite to S+E, drop to b', () => {
    const p = project({ ...base, workload: { writeRateBytesPerSec: 1 * MI }, params: { forkChildThroughputBytesPerSec: 100 * MI } });
    const t = diskTimeline(p, 2)!;
    expect(t.unit).toBe('seconds');
    const b = p.disk.baseAfterRewriteBytes!;
    const s = p.disk.rewriteStartBytes!;
    expect(t.points[0]).toEqual({ x: 0, bytes: b, phase: 'grow' });
    expect(t.points[1]!.bytes).toBe(s);
    expect(t.points[1]!.x).toBeCloseTo((s - b) / MI, 6);
    expect(t.points[2]!.bytes).toBe(p.disk.peakBytes);
    expect(t.points[2]!.x - t.points[1]!.x).toBeCloseTo(1, 6); // 100Mi BASE at 100Mi/s
    expect(t.points.at(-1)!.bytes).toBe(b);
    expect(Math.max(...t.points.map((q) => q.bytes))).toBe(p.disk.peakBytes);
  });

  it('uses bytes appended as x without a write rate', () => {
    const t = diskTimeline(project(base))!;
    expect(t.unit).toBe('bytes-appended');
    expect(t.points[1]!.x).toBe(t.points[1]!.bytes - t.points[0]!.bytes);
  });

  it('ends at the full volume when the rewrite is unreachable (50Mi under min-size 64mb)', () => {
    const p = project({ ...base, volumeBytes: 50 * MI, maxmemoryBytes: 10 * MI, workload: { writeRateBytesPerSec: MI } });
    const t = diskTimeline(p)!;
    expect(t.unbounded).toBe(true);
    expect(t.points.at(-1)).toMatchObject({ bytes: 50 * MI, phase: 'full' });
    expect(t.points.at(-1)!.x).toBeCloseTo(p.disk.timeToFullSeconds!, 6);
  });

  it('is null when the dataset is unknown, and rejects a bad cycle count', () => {
    expect(diskTimeline(project({ ...base, maxmemoryBytes: null }))).toBeNull();
    expect(() => diskTimeline(project(base), 0)).toThrow(RangeError);
  });
});
