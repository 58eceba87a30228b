import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { largestFitting } from '../../src/model/capacity.js';
import { project, type ProjectionInput } from '../../src/model/projection.js';
import { formatQuantityDown } from '../../src/model/volume.js';

const Mi = 1048576;

const base: ProjectionInput = {
  redisVersion: { major: 7, minor: 2 },
  role: 'master',
  volumeBytes: 100 * Mi,
  maxmemoryBytes: null,
  memoryLimitBytes: null,
  aof: { enabled: true, rewritePercentage: 100, rewriteMinSizeBytes: 64 * Mi, useRdbPreamble: true },
  rdb: { savePoints: [] },
  hasReplicas: false,
  replDisklessSync: true,
};

describe('largestFitting', () => {
  it('finds the edge of a monotone predicate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 40 }), (edge, hi) => {
        const got = largestFitting((d) => d <= edge, hi);
        expect(got).toBe(Math.min(edge, hi));
      }),
    );
    expect(largestFitting(() => false, 100)).toBe(-1);
  });
});

describe('capacity: the largest dataset a volume and a memory limit carry', () => {
  it('100Mi PVC, min-size 64mb, no limit: the first rewrite at 64Mi + 1 plus a new BASE must fit 80Mi', () => {
    const p = project(base);
    expect(p.dataset.basis).toBe('unknown');
    expect(p.disk.peakBytes).toBeNull();
    // peak = (64Mi + 1) + B <= 80Mi  =>  B <= 16Mi - 1
    expect(p.disk.maxDatasetBytes).toBe(16 * Mi - 1);
    expect(formatQuantityDown(p.disk.maxDatasetBytes as number)).toBe('15Mi');
    expect(p.memory.maxDatasetBytes).toBeNull();
  });

  it('1Gi, percentage 100 above the min-size: 3 × dataset at the peak (old AOF at 2B + new BASE)', () => {
    const p = project({ ...base, volumeBytes: 1024 * Mi });
    // 2B + B <= 819.2Mi
    expect(p.disk.maxDatasetBytes).toBe(Math.floor((0.8 * 1024 * Mi) / 3));
  });

  it('a volume at or under min-size carries no dataset: 0, and the same for percentage 0', () => {
    expect(project({ ...base, volumeBytes: 50 * Mi }).disk.maxDatasetBytes).toBe(0);
    expect(project({ ...base, aof: { ...base.aof, rewritePercentage: 0 } }).disk.maxDatasetBytes).toBe(0);
  });

  it('null without a volume or with nothing persisted on it', () => {
    expect(project({ ...base, volumeBytes: null }).disk.maxDatasetBytes).toBeNull();
    expect(project({ ...base, aof: { ...base.aof, enabled: false } }).disk.maxDatasetBytes).toBeNull();
    // AOF off with save points: dump.rdb + the temp file, 2 × dataset <= 80Mi
    expect(project({ ...base, aof: { ...base.aof, enabled: false }, rdb: { savePoints: [{ seconds: 60, changes: 1 }] } }).disk.maxDatasetBytes).toBe(40 * Mi);
  });

  it('memory: a 256Mi limit carries (256Mi − 9Mi overhead) / 2 through a fork without a write rate', () => {
    const p = project({ ...base, memoryLimitBytes: 256 * Mi });
    expect(p.memory.maxDatasetBytes).toBe(Math.floor((256 * Mi - 9 * Mi) / 2));
  });

  const arb = fc.record({
    major: fc.constantFrom(6, 7),
    volumeMi: fc.integer({ min: 1, max: 4096 }),
    limitMi: fc.option(fc.integer({ min: 1, max: 4096 }), { nil: null }),
    percentage: fc.integer({ min: 0, max: 300 }),
    minSizeMi: fc.integer({ min: 0, max: 256 }),
    savePoints: fc.integer({ min: 0, max: 2 }),
    aof: fc.boolean(),
    rate: fc.option(fc.integer({ min: 1, max: 20 * Mi }), { nil: undefined }),
    hasReplicas: fc.boolean(),
  });

  it('the answer is exact: the peak at maxDatasetBytes fits the headroom, one byte more does not', () => {
    fc.assert(
      fc.property(arb, (c) => {
        const input: ProjectionInput = {
          ...base,
          redisVersion: { major: c.major, minor: 0 },
          volumeBytes: c.volumeMi * Mi,
          memoryLimitBytes: c.limitMi === null ? null : c.limitMi * Mi,
          aof: { ...base.aof, enabled: c.aof, rewritePercentage: c.percentage, rewriteMinSizeBytes: c.minSizeMi * Mi },
          rdb: { savePoints: Array.from({ length: c.savePoints }, () => ({ seconds: 60, changes: 1 })) },
          hasReplicas: c.hasReplicas,
          workload: c.rate === undefined ? undefined : { writeRateBytesPerSec: c.rate },
        };
        const p = project(input);
        const usable = c.volumeMi * Mi * 0.8;
        const at = (d: number) => project({ ...input, workload: { ...input.workload, datasetBytes: d } });
        const max = p.disk.maxDatasetBytes;
        if (max === null) expect(p.disk.aofEnabled || p.disk.dumpRdbPresent).toBe(false);
        else if (max > 0) {
          expect(at(max).disk.peakBytes as number).toBeLessThanOrEqual(usable);
          const above = at(max + 1).disk.peakBytes;
          expect(above === null || above > usable).toBe(true);
        }
        if (c.limitMi !== null) {
          const m = p.memory.maxDatasetBytes as number;
          expect(m).not.toBeNull();
          if (m > 0) expect(at(m).memory.forkPeakBytes as number).toBeLessThanOrEqual(c.limitMi * Mi);
          expect(at(m + 1).memory.forkPeakBytes as number).toBeGreaterThan(c.limitMi * Mi);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('a slow rewrite child never lowers the projection', () => {
  // the Valkey p50 outlier (issue 16): under CPU load the child took longer than the model was told;
  // every disk and memory number must grow (or stay) as the child slows down, so a model given the
  // child's real speed cannot fall below what a slower child makes Redis do
  it('peak, rewrite start and fork peak are non-increasing in forkChildThroughputBytesPerSec', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(6, 7, 8),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 64 * Mi }),
        fc.integer({ min: 1, max: 1000 * Mi }),
        fc.double({ min: 1.01, max: 20, noNaN: true }),
        (major, percentage, savePoints, rate, throughput, slower) => {
          const input: ProjectionInput = {
            ...base,
            redisVersion: { major, minor: 0 },
            volumeBytes: 100 * 1024 * Mi,
            aof: { ...base.aof, rewritePercentage: percentage, rewriteMinSizeBytes: Mi },
            rdb: { savePoints: Array.from({ length: savePoints }, () => ({ seconds: 60, changes: 1 })) },
            workload: { datasetBytes: 512 * Mi, writeRateBytesPerSec: rate },
          };
          const fast = project({ ...input, params: { forkChildThroughputBytesPerSec: throughput } });
          const slow = project({ ...input, params: { forkChildThroughputBytesPerSec: throughput / slower } });
          expect(slow.disk.peakBytes as number).toBeGreaterThanOrEqual(fast.disk.peakBytes as number);
          expect(slow.disk.rewriteStartBytes as number).toBeGreaterThanOrEqual(fast.disk.rewriteStartBytes as number);
          expect(slow.memory.forkPeakBytes as number).toBeGreaterThanOrEqual(fast.memory.forkPeakBytes as number);
        },
      ),
      { numRuns: 300 },
    );
  });
});
