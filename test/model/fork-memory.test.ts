import { describe, expect, it } from 'vitest';
import { COW_KEY_PAGES_PER_WRITE, childLifetimeSeconds, cowBytesByPages, cowPagesPerWrite, cowValuePagesPerWrite, forkHappens, forkMemory } from '../../src/model/fork-memory.js';
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
    // 256Ki/s x 8 s = 2Mi written in writes of 64 + 32 bytes: 2097152 / 96 = 21845.33 writes.
    // The 1Gi dataset's 262144 pages: ceil(1Gi / (64 + 48)) = 9586981 keys, whose dict entries and
    // objects take ceil(9586981 x 48 / 4096) = 112348 pages, the values the other 149796.
    // Keys: 2 x 21845.33 touches: 112348 x (1 - e^(-43690.67 / 112348)) = 36197.30 pages;
    // values: 1.2 x 21845.33 touches: 149796 x (1 - e^(-26214.4 / 149796)) = 24048.78 pages;
    // 60246.08 pages = 246767939.3 bytes, + 1.25Mi baseline = 248078659.3
    const m = forkMemory({ ...base, writeRateBytesPerSec: 256 * 1024 });
    expect(m.cowBytes).toBe(248078660);
    expect(m.forkPeakBytes).toBe(Gi + 9 * Mi + m.cowBytes);
    expect(m.assumptions.join('\n')).toMatch(/21845 writes of 64 values \(no value size given: 64 B, the safe side\), 3\.2 pages/);
  });

  it('counts fewer writes, each dirtying fewer pages, for larger values', () => {
    // 16Ki values: 2Mi / (16384 + 32) = 127.75 writes (64 B: 21845). 65345 keys' entries and objects
    // in 766 pages take 2 x 127.75 touches: 217.26 pages; the values 1.7 x 127.75: 217.09 pages
    const m = forkMemory({ ...base, writeRateBytesPerSec: 256 * 1024, valueBytes: 16384 });
    expect(m.cowBytes).toBe(3089788); // 1.25Mi + ceil(434.34 x 4096)
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
    // among the values' pages
    expect(cowValuePagesPerWrite(8)).toBe(1.2);
    expect(cowValuePagesPerWrite(64)).toBe(1.2);
    expect(cowValuePagesPerWrite(256)).toBeCloseTo(1.4, 10); // 1.2 + 0.1 x log2(4)
    expect(cowValuePagesPerWrite(1024)).toBeCloseTo(1.6, 10);
    expect(cowValuePagesPerWrite(4096)).toBeCloseTo(1.65, 10); // 1.6 + 0.025 x log2(4)
    expect(cowValuePagesPerWrite(16384)).toBeCloseTo(1.7, 10);
    // above the grid every further page of the value counts
    expect(cowValuePagesPerWrite(16384 + 8192)).toBeCloseTo(3.7, 10);
    // + the dict entry and the object (dbSetValue)
    expect(COW_KEY_PAGES_PER_WRITE).toBe(2);
    expect(cowPagesPerWrite(64)).toBeCloseTo(3.2, 10);
    expect(cowPagesPerWrite(1024)).toBeCloseTo(3.6, 10);
  });

  it('copies each page once: never more than the dataset, about writes x pages while few', () => {
    expect(cowBytesByPages(0, 100, 64, Mi)).toBe(0);
    // 10 writes x (2 + 1.2) pages of 1Gi: 32 pages (minus a hair for the same page hit twice)
    const few = cowBytesByPages(Gi, 10, 64, 0);
    expect(few).toBeLessThanOrEqual(32 * 4096);
    expect(few).toBeGreaterThan(31.99 * 4096);
    expect(cowBytesByPages(Gi, 1e9, 64, Mi)).toBe(Gi);
    // the scale multiplies the pages per write
    expect(cowBytesByPages(Gi, 10, 64, 0, 2)).toBeGreaterThan(63.9 * 4096);
  });

  it("fills the keys' pool first: with 1 KiB values the dict entries and objects are all copied long before the values", () => {
    // 26Mi of 1 KiB values: ceil(27262976 / 1072) = 25432 keys, their entries and objects in
    // ceil(25432 x 48 / 4096) = 299 pages, the values in the other 6357
    const D = 26 * Mi;
    const pages = (writes: number) => cowBytesByPages(D, writes, 1024, 0) / 4096;
    // 1,500 writes: 3000 touches copy 299 x (1 - e^(-3000 / 299)) = 298.99 of the keys' pages and
    // 6357 x (1 - e^(-2400 / 6357)) = 1998.97 of the values': 2297.96 (one pool of 6656 pages at
    // 3.6 per write: 6656 x (1 - e^(-5400 / 6656)) = 3698.87, the over-projection the grid measured)
    expect(pages(1500)).toBeGreaterThan(2297);
    expect(pages(1500)).toBeLessThan(2299);
    // the keys' pool is full: 1,500 more writes add only values' pages
    expect(pages(3000) - pages(1500)).toBeLessThan(1.6 * 1500);
  });
});
