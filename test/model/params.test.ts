import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PARAMS, resolveParams } from '../../src/model/params.js';

describe('resolveParams', () => {
  it('returns the defaults when nothing is overridden', () => {
    expect(resolveParams()).toEqual(DEFAULT_MODEL_PARAMS);
    expect(DEFAULT_MODEL_PARAMS.rdbToMemoryRatio).toBe(1);
    expect(DEFAULT_MODEL_PARAMS.replBacklogBytes).toBe(1048576); // repl-backlog-size 1mb
  });

  it('applies overrides and ignores undefined members', () => {
    const p = resolveParams({ rdbToMemoryRatio: 0.5, headroomFraction: undefined });
    expect(p.rdbToMemoryRatio).toBe(0.5);
    expect(p.headroomFraction).toBe(0.2);
  });

  it('rejects invalid values', () => {
    expect(() => resolveParams({ rdbToMemoryRatio: 0 })).toThrow(RangeError);
    expect(() => resolveParams({ aofReplayBytesPerSec: Number.NaN })).toThrow(RangeError);
    expect(() => resolveParams({ baselineRssBytes: -1 })).toThrow(RangeError);
    expect(() => resolveParams({ headroomFraction: 1 })).toThrow(RangeError);
  });
});
