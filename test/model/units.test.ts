import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantityToScalar } from '@kubernetes/client-node/dist/util.js';
import { UnitError, formatBytes, parseQuantity, parseRedisMemory, parseSize, positiveSize } from '../../src/model/units.js';

describe('parseQuantity (Kubernetes)', () => {
  it.each([
    ['50Mi', 52428800],
    ['100Mi', 104857600],
    ['8Gi', 8 * 1024 ** 3],
    ['192Mi', 201326592],
    ['1G', 1e9],
    ['500M', 5e8],
    ['1.5Gi', 1610612736],
    ['0.5Gi', 536870912],
    ['128974848', 128974848],
    ['129e6', 129e6],
    ['1k', 1000],
    ['1Ki', 1024],
    ['100m', 1], // 0.1 byte rounds up to 1, like Quantity.Value()
    ['.5Ki', 512],
  ])('%s = %d bytes', (q, bytes) => {
    expect(parseQuantity(q)).toBe(bytes);
  });

  it.each(['', 'Gi', '50MB', '1.2.3Gi', '64mb', 'ten', '5 Gi'])('rejects %j', (q) => {
    expect(() => parseQuantity(q)).toThrow(UnitError);
  });

  it('agrees with @kubernetes/client-node on the integer forms it handles', () => {
    const suffix = fc.constantFrom('', 'k', 'M', 'G', 'Ki', 'Mi', 'Gi', 'Ti');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4096 }), suffix, (n, s) => {
        expect(parseQuantity(`${n}${s}`)).toBe(Number(quantityToScalar(`${n}${s}`)));
      }),
    );
  });
});

describe('parseRedisMemory (memtoull, src/util.c)', () => {
  it.each([
    ['64mb', 64 * 1024 * 1024],
    ['64m', 64_000_000],
    ['1gb', 1024 ** 3],
    ['1GB', 1024 ** 3],
    ['1g', 1e9],
    ['100kb', 102400],
    ['100k', 100000],
    ['0', 0],
    ['12345', 12345],
    ['5b', 5],
  ])('%s = %d bytes', (v, bytes) => {
    expect(parseRedisMemory(v)).toBe(bytes);
  });

  it.each(['1.5gb', '-1', '64Mi', 'mb', '10 mb', '1tb'])('rejects %j', (v) => {
    expect(() => parseRedisMemory(v)).toThrow(UnitError);
  });
});

describe('positiveSize (input caps): a size of at least one byte, or undefined', () => {
  it.each([
    ['20Mi', 20 * 1024 ** 2],
    [100, 100],
    ['1', 1],
    ['0', undefined],
    [0, undefined],
    ['lots', undefined],
    ['-1Gi', undefined],
  ] as const)('%s -> %s', (v, bytes) => {
    expect(positiveSize(v)).toBe(bytes);
  });
});

describe('parseSize (flags, annotations)', () => {
  it.each([
    ['2Gi', 2 * 1024 ** 3],
    ['1.4Gi', Math.ceil(1.4 * 1024 ** 3)],
    ['64m', 64_000_000],
    ['64mb', 64 * 1024 * 1024],
    ['64M', 64_000_000],
    ['5MiB/s', 5 * 1024 * 1024],
    ['5Mi/s', 5 * 1024 * 1024],
    ['1000', 1000],
  ])('%s = %d', (v, bytes) => {
    expect(parseSize(v)).toBe(bytes);
  });

  it('rejects negative sizes', () => {
    expect(() => parseSize('-1Gi')).toThrow(UnitError);
  });

  it('never throws anything but UnitError', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          const n = parseSize(s);
          expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(UnitError);
        }
      }),
    );
  });
});

describe('formatBytes', () => {
  it.each([
    [52428800, '50Mi'],
    [1610612736, '1.5Gi'],
    [1000, '1000B'],
    [67108864, '64Mi'],
  ])('%d -> %s', (b, s) => {
    expect(formatBytes(b)).toBe(s);
  });
});
