import { describe, expect, it } from 'vitest';
import { formatQuantity, recommendedVolumeBytes } from '../../src/model/volume.js';

const Mi = 1048576;

describe('recommendedVolumeBytes', () => {
  it('divides by the usable fraction and rounds up to a whole Mi', () => {
    // 576Mi / 0.8 = 720Mi = 754974720
    expect(recommendedVolumeBytes(576 * Mi, 0.2)).toBe(754974720);
    // 1000Mi / 0.7 = 1428.57Mi -> 1429Mi = 1498415104
    expect(recommendedVolumeBytes(1000 * Mi, 0.3)).toBe(1498415104);
    // 1 byte, no headroom -> 1Mi
    expect(recommendedVolumeBytes(1, 0)).toBe(Mi);
    expect(recommendedVolumeBytes(Mi, 0)).toBe(Mi);
    expect(recommendedVolumeBytes(0, 0.2)).toBe(0);
  });

  it('rejects a headroom outside [0, 1) and a negative peak', () => {
    expect(() => recommendedVolumeBytes(Mi, 1)).toThrow(RangeError);
    expect(() => recommendedVolumeBytes(Mi, -0.1)).toThrow(RangeError);
    expect(() => recommendedVolumeBytes(-1, 0.2)).toThrow(RangeError);
  });
});

describe('formatQuantity', () => {
  it.each([
    [0, '0'],
    [1000, '1000'], // below 1Mi, not a whole Ki: plain bytes
    [1024, '1Ki'],
    [512 * 1024, '512Ki'],
    [576 * Mi, '576Mi'], // 0.5625Gi is not a quarter: Mi
    [720 * Mi, '720Mi'],
    [1024 * Mi, '1Gi'],
    [1536 * Mi, '1.5Gi'],
    [1280 * Mi, '1.25Gi'],
    [1792 * Mi, '1.75Gi'],
    [1536 * 1024 * Mi, '1.5Ti'],
    [2048 * Mi + 1, '2049Mi'], // rounded up to a whole Mi
    [1100000000, '1050Mi'], // 1100000000 / 1048576 = 1049.04 -> 1050Mi; 1050/1024 is not a quarter
    [Mi + 1, '2Mi'],
  ])('%d -> %s', (bytes, text) => {
    expect(formatQuantity(bytes)).toBe(text);
  });

  it('rejects negative and fractional byte counts', () => {
    expect(() => formatQuantity(-1)).toThrow(RangeError);
    expect(() => formatQuantity(1.5)).toThrow(RangeError);
  });
});
