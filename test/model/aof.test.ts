import { describe, expect, it } from 'vitest';
import { AUTO_REWRITE_DISABLED, aofCycle, aofLayoutFor, rewriteTriggerBytes } from '../../src/model/aof.js';

const Mi = 1048576;

describe('aofLayoutFor', () => {
  it('uses the multi-part layout from 7.0 on', () => {
    expect(aofLayoutFor(6)).toBe('single-file');
    expect(aofLayoutFor(7)).toBe('multi-part');
    expect(aofLayoutFor(8)).toBe('multi-part');
  });
});

describe('rewriteTriggerBytes', () => {
  it('applies the strict min-size test: 64mb gives 67108865, not 64Mi', () => {
    // base 0 -> treated as 1: ceil(1*200/100) = 2; max(67108864 + 1, 2) = 67108865
    expect(rewriteTriggerBytes(0, 100, 64 * Mi)).toBe(67108865);
  });

  it('doubles a 192Mi base at 100%', () => {
    // ceil(201326592 * 200 / 100) = 402653184 (384Mi) > 67108865
    expect(rewriteTriggerBytes(192 * Mi, 100, 64 * Mi)).toBe(402653184);
  });

  it('rounds up to the first size whose integer growth reaches the percentage', () => {
    // base 3, 100%: 3*200/100 = 6. serverCron at cur=5: 5*100/3 = 166 -> 66 < 100; at cur=6: 600/3 = 200 -> 100 >= 100
    expect(rewriteTriggerBytes(3, 100, 0)).toBe(6);
    // base 7, 50%: 7*150/100 = 10.5 -> 11. cur=10: 1000/7 = 142 -> 42 < 50; cur=11: 1100/7 = 157 -> 57 >= 50
    expect(rewriteTriggerBytes(7, 50, 0)).toBe(11);
  });

  it('returns null when the percentage is 0 (auto-rewrite disabled)', () => {
    expect(rewriteTriggerBytes(192 * Mi, 0, 64 * Mi)).toBeNull();
  });

  it('rejects invalid arguments', () => {
    expect(() => rewriteTriggerBytes(-1, 100, 0)).toThrow(RangeError);
    expect(() => rewriteTriggerBytes(0, 1.5, 0)).toThrow(RangeError);
    expect(() => rewriteTriggerBytes(0, 100, Number.NaN)).toThrow(RangeError);
  });
});

describe('aofCycle', () => {
  const input = { baseBytes: 512 * Mi, rewriteWriteBytes: 8 * Mi, delayedStartBytes: 0, percentage: 100, minSizeBytes: 64 * Mi };

  it('7.x: old BASE+INCRs + new BASE + new INCR', () => {
    const c = aofCycle({ ...input, layout: 'multi-part' });
    // base after rewrite = 512Mi + 8Mi = 520Mi = 545259520
    expect(c.baseAfterRewriteBytes).toBe(545259520);
    // trigger = 2 * 520Mi = 1040Mi = 1090519040
    expect(c.rewriteTriggerBytes).toBe(1090519040);
    expect(c.rewriteStartBytes).toBe(1090519040);
    // extra = 512Mi + 8Mi = 520Mi = 545259520
    expect(c.rewriteExtraBytes).toBe(545259520);
    // peak = 1040Mi + 520Mi = 1560Mi = 1635778560
    expect(c.peakBytes).toBe(1635778560);
  });

  it('6.x: writes during the rewrite are on disk twice', () => {
    const c = aofCycle({ ...input, layout: 'single-file' });
    // extra = 512Mi + 2*8Mi = 528Mi = 553648128; peak = 1040Mi + 528Mi = 1568Mi = 1644167168
    expect(c.rewriteExtraBytes).toBe(553648128);
    expect(c.peakBytes).toBe(1644167168);
    expect(c.assumptions.join(' ')).toMatch(/single-file/);
  });

  it('adds bytes written while the rewrite waits for another child', () => {
    const c = aofCycle({ ...input, layout: 'multi-part', delayedStartBytes: 4 * Mi });
    // start = 1040Mi + 4Mi = 1044Mi = 1094713344; peak = 1044Mi + 520Mi = 1564Mi = 1639972864
    expect(c.rewriteStartBytes).toBe(1094713344);
    expect(c.peakBytes).toBe(1639972864);
  });

  it('has no trigger or peak when auto-rewrite is disabled', () => {
    const c = aofCycle({ ...input, layout: 'multi-part', percentage: 0 });
    expect(c.rewriteTriggerBytes).toBeNull();
    expect(c.rewriteStartBytes).toBeNull();
    expect(c.peakBytes).toBeNull();
    expect(c.baseAfterRewriteBytes).toBe(545259520); // 512Mi + 8Mi
    expect(c.assumptions).toContain(AUTO_REWRITE_DISABLED);
  });
});
