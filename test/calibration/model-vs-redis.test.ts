// The projection model against a real redis-server (Debian package; .ci/run installs it): the
// reduced calibration set of bench/calibrate (npm run calibrate runs the full grid). Each scenario
// writes at a paced rate, samples the bytes in `dir` every 5 ms and compares with project().
import { describe, expect, it } from 'vitest';
import { compare } from '../../bench/calibrate/compare.mjs';
import { runScenario } from '../../bench/calibrate/harness.mjs';
import { findRedisServer } from '../../bench/calibrate/redis-server.mjs';
import { CI_SET } from '../../bench/calibrate/scenarios.mjs';
import { project } from '../../src/model/projection.js';

const TOLERANCE = 0.15;
const redis = findRedisServer();
if (!redis) console.warn('redis-server not found: the model calibration test is skipped (apt-get install redis-server)');

describe.skipIf(!redis)(`model vs redis-server ${redis?.version ?? ''}`, () => {
  for (const sc of CI_SET) {
    it(`${sc.id}: ${sc.description}`, { timeout: 90_000 }, async (ctx) => {
      const m = await runScenario(sc);
      if ('skipped' in m && m.skipped) {
        ctx.skip(`${sc.id}: ${m.skipped}`);
        return;
      }
      // the harness saw what the scenario is about
      if (sc.mode === 'cycles') expect(m.autoRewrites).toBeGreaterThanOrEqual(sc.rewrites ?? 4);
      // Redis reported the failed write (aof_last_write_status / rdb_last_bgsave_status: err)
      else expect([m.lastWriteStatus, m.lastBgsaveStatus]).toContain('err');
      expect(m.sampleIntervalMs).toBeLessThanOrEqual(10);
      const { rows } = compare(sc, m, project);
      for (const r of rows) {
        expect(r.measured, `${r.quantity} measured`).not.toBeNull();
        expect(Math.abs(r.error ?? Infinity), `${r.quantity}: projected ${r.projected}, measured ${r.measured}`).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  }
});
