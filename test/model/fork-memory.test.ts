import { describe, expect, it } from 'vitest';
import { childLifetimeSeconds, forkHappens, forkMemory } from '../../src/model/fork-memory.js';
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
  const base = { forks: true, datasetBytes: Gi, childSeconds: 8, writeRateBytesPerSec: null, rewriteBufferBytes: 0, params: DEFAULT_MODEL_PARAMS };

  it('copies the whole dataset without a write rate (2x rule)', () => {
    const m = forkMemory(base);
    // used = 1Gi + 8Mi + 1Mi = 1073741824 + 9437184 = 1083179008
    expect(m.usedBytes).toBe(1083179008);
    expect(m.cowBytes).toBe(1073741824); // 1Gi
    // peak = 1083179008 + 1073741824 = 2156920832
    expect(m.forkPeakBytes).toBe(2156920832);
  });

  it('bounds copy-on-write by pages written during the child', () => {
    // 1Mi (baseline) + 256Ki/s * 8 s * 120 = 1Mi + 240Mi = 241Mi = 252706816 < 1Gi
    const m = forkMemory({ ...base, writeRateBytesPerSec: 256 * 1024 });
    expect(m.cowBytes).toBe(252706816);
    // 1Gi + 9Mi + 241Mi = 1274Mi = 1335885824
    expect(m.forkPeakBytes).toBe(1335885824);
  });

  it('never copies more than the dataset', () => {
    // 1Mi + 10Mi/s * 8 s * 120 = 9601Mi > 1Gi -> 1Gi
    expect(forkMemory({ ...base, writeRateBytesPerSec: 10 * Mi }).cowBytes).toBe(Gi);
  });

  it('adds the 6.x rewrite buffer', () => {
    // 1274Mi + 2Mi = 1276Mi = 1337982976
    expect(forkMemory({ ...base, writeRateBytesPerSec: 256 * 1024, rewriteBufferBytes: 2 * Mi }).forkPeakBytes).toBe(1337982976);
  });

  it('has no copy-on-write without a fork', () => {
    const m = forkMemory({ ...base, forks: false });
    expect(m.cowBytes).toBe(0);
    expect(m.forkPeakBytes).toBe(1083179008); // used only: 1Gi + 9Mi
  });
});
