import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rewriteTriggerBytes } from '../../src/model/aof.js';
import { project, type ProjectionInput } from '../../src/model/projection.js';
import { formatQuantity, recommendedVolumeBytes } from '../../src/model/volume.js';

const Mi = 1048576;
const TiB = 2 ** 40;

/** Literal port of serverCron's auto-rewrite condition (server.c), in exact integer arithmetic. */
function serverCronWouldRewrite(cur: number, base: number, perc: number, minSize: number): boolean {
  if (perc === 0 || !(cur > minSize)) return false;
  const b = BigInt(base || 1);
  const growth = (BigInt(cur) * 100n) / b - 100n;
  return growth >= BigInt(perc);
}

const configArb = fc.record({
  major: fc.constantFrom(6, 7, 8),
  role: fc.constantFrom('master', 'replica', 'standalone') as fc.Arbitrary<ProjectionInput['role']>,
  percentage: fc.integer({ min: 1, max: 400 }),
  minSize: fc.integer({ min: 0, max: 1024 * Mi }),
  preamble: fc.boolean(),
  savePoints: fc.integer({ min: 0, max: 3 }),
  hasReplicas: fc.boolean(),
  diskless: fc.boolean(),
  rate: fc.option(fc.integer({ min: 0, max: 100 * Mi }), { nil: undefined }),
  headroom: fc.double({ min: 0, max: 0.9, noNaN: true }),
});

type Config = typeof configArb extends fc.Arbitrary<infer T> ? T : never;

function inputFor(c: Config, datasetBytes: number): ProjectionInput {
  return {
    redisVersion: { major: c.major, minor: 0 },
    role: c.role,
    volumeBytes: 10 * 1024 * Mi,
    maxmemoryBytes: null,
    memoryLimitBytes: null,
    aof: { enabled: true, rewritePercentage: c.percentage, rewriteMinSizeBytes: c.minSize, useRdbPreamble: c.preamble },
    rdb: { savePoints: Array.from({ length: c.savePoints }, () => ({ seconds: 60, changes: 1 })) },
    hasReplicas: c.hasReplicas,
    replDisklessSync: c.diskless,
    workload: { datasetBytes, writeRateBytesPerSec: c.rate },
    params: { headroomFraction: c.headroom },
  };
}

describe('properties', () => {
  it('rewriteTriggerBytes is the first size serverCron rewrites at', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: TiB }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: TiB }),
        (base, perc, minSize) => {
          const t = rewriteTriggerBytes(base, perc, minSize)!;
          expect(serverCronWouldRewrite(t, base, perc, minSize)).toBe(true);
          expect(serverCronWouldRewrite(t - 1, base, perc, minSize)).toBe(false);
        },
      ),
    );
  });

  it('peak >= trigger and recommended is the least whole-Mi volume keeping the headroom', () => {
    fc.assert(
      fc.property(configArb, fc.integer({ min: 0, max: TiB }), (c, dataset) => {
        const p = project(inputFor(c, dataset));
        const { peakBytes, rewriteTriggerBytes: trigger, recommendedVolumeBytes: rec } = p.disk;
        expect(peakBytes).not.toBeNull();
        expect(peakBytes!).toBeGreaterThanOrEqual(trigger!);
        expect(rec! % Mi).toBe(0);
        expect(rec!).toBeGreaterThanOrEqual(peakBytes!);
        expect(rec! * (1 - c.headroom)).toBeGreaterThanOrEqual(peakBytes!);
        if (rec! > 0) expect((rec! - Mi) * (1 - c.headroom)).toBeLessThan(peakBytes!);
        expect(p.memory.forkPeakBytes!).toBeGreaterThanOrEqual(p.memory.usedBytes!);
      }),
    );
  });

  it('is monotonic in dataset size', () => {
    fc.assert(
      fc.property(configArb, fc.integer({ min: 0, max: TiB }), fc.integer({ min: 0, max: TiB }), (c, a, b) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        const ps = project(inputFor(c, small));
        const pl = project(inputFor(c, large));
        expect(ps.disk.peakBytes!).toBeLessThanOrEqual(pl.disk.peakBytes!);
        expect(ps.disk.recommendedVolumeBytes!).toBeLessThanOrEqual(pl.disk.recommendedVolumeBytes!);
        expect(ps.memory.forkPeakBytes!).toBeLessThanOrEqual(pl.memory.forkPeakBytes!);
        // Not loadSeconds: at the min-size floor the trigger stays put while a larger BASE turns
        // slow replay bytes into fast RDB-load bytes, so load time can shrink as the dataset grows.
        expect(ps.memory.cowBytes!).toBeLessThanOrEqual(pl.memory.cowBytes!);
      }),
    );
  });

  it('formatQuantity never denotes fewer bytes, and at most 1Mi more', () => {
    const UNIT: Record<string, number> = { '': 1, Ki: 1024, Mi, Gi: 1024 * Mi, Ti: TiB };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 * TiB }), (bytes) => {
        const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(formatQuantity(bytes))!;
        const denoted = Number(m[1]) * UNIT[m[2] ?? ''];
        expect(denoted).toBeGreaterThanOrEqual(bytes);
        expect(denoted - bytes).toBeLessThan(Mi);
      }),
    );
  });

  it('recommendedVolumeBytes grows with the peak', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TiB }), fc.integer({ min: 0, max: TiB }), fc.double({ min: 0, max: 0.9, noNaN: true }), (a, b, h) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        expect(recommendedVolumeBytes(small, h)).toBeLessThanOrEqual(recommendedVolumeBytes(large, h));
      }),
    );
  });
});
