import { describe, expect, it } from 'vitest';
import { shutdownSaveSeconds, startupLoadSeconds } from '../../src/model/load-time.js';
import { DEFAULT_MODEL_PARAMS as P } from '../../src/model/params.js';

const Mi = 1048576;

describe('startupLoadSeconds', () => {
  const aof = { aofEnabled: true, useRdbPreamble: true, baseBytes: 192 * Mi, maxAofBytes: 384 * Mi, rdbFileBytes: 0 };

  it('loads the RDB preamble fast and replays INCR slowly', () => {
    // 192Mi / 100Mi/s + (384Mi - 192Mi) / 20Mi/s = 1.92 + 9.6 = 11.52
    expect(startupLoadSeconds(aof, P).seconds).toBeCloseTo(11.52, 9);
  });

  it('replays everything without the preamble', () => {
    // 384Mi / 20Mi/s = 19.2
    expect(startupLoadSeconds({ ...aof, useRdbPreamble: false }, P).seconds).toBeCloseTo(19.2, 9);
  });

  it('is unbounded when auto-rewrite is disabled', () => {
    expect(startupLoadSeconds({ ...aof, maxAofBytes: null }, P).seconds).toBeNull();
  });

  it('loads dump.rdb when AOF is off', () => {
    // 256Mi / 100Mi/s = 2.56
    expect(startupLoadSeconds({ ...aof, aofEnabled: false, rdbFileBytes: 256 * Mi }, P).seconds).toBeCloseTo(2.56, 9);
    expect(startupLoadSeconds({ ...aof, aofEnabled: false, rdbFileBytes: 0 }, P).seconds).toBe(0);
  });
});

describe('shutdownSaveSeconds', () => {
  it('saves only with save points', () => {
    expect(shutdownSaveSeconds(0, 256 * Mi, P).seconds).toBe(0);
    // 256Mi / 100Mi/s = 2.56
    expect(shutdownSaveSeconds(3, 256 * Mi, P).seconds).toBeCloseTo(2.56, 9);
    expect(shutdownSaveSeconds(3, null, P).seconds).toBeNull();
  });
});
