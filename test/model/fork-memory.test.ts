import { describe, expect, it } from 'vitest';
import { childLifetimeSeconds, cowBytesByPages, cowPagesPerWrite, forkHappens, forkMemory } from '../../src/model/fork-memory.js';
import { DEFAULT_MODEL_PARAMS } from '../../src/model/params.js';

const Mi = 1048576;
const Gi = 1024 * Mi;

describe('forkHappens', () => {
  it('forks for AOF, save points or replicas', () => {
    const none = { aofEnabled: false, savePointCount: 0, hasReplicas: false };
    expect(forkHappens(none)).toBe(false);
    expect(forkHappens({ ...none, aofEnabled: true })).toBe(true);
    expect(forkHappens({ ...none, savePointCount: 1 })).toBe(true);
    expect(forkHappens({ ...none, hasReplicas: true })).toBe(true);
  });
});

describe('childLifetimeSeconds', () => {
  it('divides bytes written by throughput', () => {
    expect(childLifetimeSeconds(512 * Mi, 64 * Mi)).toBe(8); // 512 / 64
  });
});

describe('forkMemory', () => {
  const base = { forks: true, datasetBytes: Gi, childSeconds: 8, writeRateBytesPerSec: null, valueBytes: null, rewriteBufferBytes: 0, params: DEFAULT_MODEL_PARAMS };

  it('copies the whole dataset without a write rate (2x rule)', () => {
    const m = forkMemory(base);
    // used = 1Gi + 8Mi + 1Mi = 1073741824 + 9437184 = 1083179008
    expect(m.usedBytes).toBe(1083179008);
    expect(m.cowBytes).toBe(1073741824); // 1Gi
    // peak = 1083179008 + 1073741824 = 2156920832
    expect(m.forkPeakBytes).toBe(2156920832);
  });

  it('bounds copy-on-write by the pages the writes during the child dirty', () => {
    // 256Ki/s x 8 s = 2Mi written in writes of 64 + 32 bytes: 2097152 / 96 = 21845.33 writes,
    // x 3.2 pages = 69905.07 touches of the 1Gi dataset's 262144 pages:
    // 262144 x (1 - e^(-69905.07 / 262144)) = 61360.48 pages = 251332532.9 bytes, + 1.25Mi baseline = 252643252.9
    const m = forkMemory({ ...base, writeRateBytesPerSec: 256 * 1024 });
    expect(m.cowBytes).toBe(252643253);
    expect(m.forkPeakBytes).toBe(Gi + 9 * Mi + m.cowBytes);
    expect(m.assumptions.join('\n')).toMatch(/21845 writes of 64 values \(no value size given: 64 B, the safe side\), 3\.2 pages/);
  });

  it('counts fewer writes, each dirtying fewer pages, for larger values', () => {
    // 16Ki values: 2Mi / (16384 + 32) = 127.75 writes x 1.7 pages = 217.2 touches: ~217 pages = 0.85Mi
    const m = forkMemory({ ...base, writeRateBytesPerSec: 256 * 1024, valueBytes: 16384 });
    expect(m.cowBytes).toBeGreaterThan(1.25 * Mi + 216 * 4096);
    expect(m.cowBytes).toBeLessThan(1.25 * Mi + 218 * 4096);
  });

  it('never copies more than the dataset', () => {
    // 10Mi/s x 8 s / 96 B x 3.2 = 2.8M touches of 262144 pages: all of them
    expect(forkMemory({ ...base, writeRateBytesPerSec: 10 * Mi }).cowBytes).toBe(Gi);
  });

  it('adds the 6.x rewrite buffer', () => {
    const without = forkMemory({ ...base, writeRateBytesPerSec: 256 * 1024 });
    expect(forkMemory({ ...base, writeRateBytesPerSec: 256 * 1024, rewriteBufferBytes: 2 * Mi }).forkPeakBytes).toBe(without.forkPeakBytes + 2 * Mi);
  });

  it('has no copy-on-write without a fork', () => {
    const m = forkMemory({ ...base, forks: false });
    expect(m.cowBytes).toBe(0);
    expect(m.forkPeakBytes).toBe(1083179008); // used only: 1Gi + 9Mi
  });
});

describe('cowPagesPerWrite (measured, docs/model.md "Copy-on-write by pages")', () => {
  it('gives the measured envelope at 64 B, 1 KiB and 16 KiB, log-linear between', () => {
    expect(cowPagesPerWrite(8)).toBe(3.2);
    expect(cowPagesPerWrite(64)).toBe(3.2);
    expect(cowPagesPerWrite(256)).toBeCloseTo(2.6, 10); // 3.2 - 0.3 x log2(4)
    expect(cowPagesPerWrite(1024)).toBeCloseTo(2.0, 10);
    expect(cowPagesPerWrite(4096)).toBeCloseTo(1.85, 10); // 2.0 - 0.075 x log2(4)
    expect(cowPagesPerWrite(16384)).toBeCloseTo(1.7, 10);
    // above the grid every further page of the value counts
    expect(cowPagesPerWrite(16384 + 8192)).toBeCloseTo(3.7, 10);
  });

  it('copies each page once: never more than the dataset, about writes x pages while few', () => {
    expect(cowBytesByPages(0, 100, 64, Mi)).toBe(0);
    // 10 writes x 3.2 pages of 1Gi: 32 pages (minus a hair for the same page hit twice)
    const few = cowBytesByPages(Gi, 10, 64, 0);
    expect(few).toBeLessThanOrEqual(32 * 4096);
    expect(few).toBeGreaterThan(31.99 * 4096);
    expect(cowBytesByPages(Gi, 1e9, 64, Mi)).toBe(Gi);
    // the scale multiplies the pages per write
    expect(cowBytesByPages(Gi, 10, 64, 0, 2)).toBeGreaterThan(63.9 * 4096);
  });
});
