import { describe, expect, it } from 'vitest';
import { estimateRdbBytes, rdbFilesOnVolume, type RdbFilesInput } from '../../src/model/rdb.js';

const Mi = 1048576;

describe('estimateRdbBytes', () => {
  it('prefers the measured size', () => {
    expect(estimateRdbBytes(1024 * Mi, 300 * Mi, 1).bytes).toBe(314572800); // 300 * 1048576
  });

  it('scales the dataset by rdbToMemoryRatio', () => {
    // 1000Mi * 0.5 = 500Mi = 524288000
    expect(estimateRdbBytes(1000 * Mi, undefined, 0.5).bytes).toBe(524288000);
  });

  it('is unknown without a dataset or a measurement', () => {
    expect(estimateRdbBytes(null, undefined, 1)).toEqual({ bytes: null, assumptions: [] });
  });
});

describe('rdbFilesOnVolume', () => {
  const none: RdbFilesInput = { savePointCount: 0, role: 'master', hasReplicas: false, replDisklessSync: true };

  it('has no RDB file without save points, replication to disk or a replica role', () => {
    expect(rdbFilesOnVolume(none, 256 * Mi)).toMatchObject({ dumpPresent: false, dumpBytes: 0, tempBytes: 0 });
    // diskless full sync streams to sockets: still no file
    expect(rdbFilesOnVolume({ ...none, hasReplicas: true }, 256 * Mi).dumpPresent).toBe(false);
  });

  it('keeps dump.rdb and a same-size temp file with save points', () => {
    // 256Mi = 268435456 each
    expect(rdbFilesOnVolume({ ...none, savePointCount: 3 }, 256 * Mi)).toMatchObject({
      dumpPresent: true,
      dumpBytes: 268435456,
      tempBytes: 268435456,
    });
  });

  it('keeps dump.rdb on a replica and on a master with disk-based full sync', () => {
    expect(rdbFilesOnVolume({ ...none, role: 'replica' }, Mi).dumpPresent).toBe(true);
    expect(rdbFilesOnVolume({ ...none, hasReplicas: true, replDisklessSync: false }, Mi).dumpPresent).toBe(true);
  });

  it('reports unknown sizes as null, but a known absence as 0', () => {
    expect(rdbFilesOnVolume({ ...none, savePointCount: 1 }, null).dumpBytes).toBeNull();
    expect(rdbFilesOnVolume(none, null).dumpBytes).toBe(0);
  });
});
