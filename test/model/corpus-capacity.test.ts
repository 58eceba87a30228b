import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runProject } from '../../src/cli/project.js';
import { loadPolicy } from '../../src/policy/policy.js';
import type { JsonProjectedDeployment } from '../../src/report/project-json.js';
import { CORPUS_DIR, HAS_CORPUS, NEEDS_CORPUS } from '../shared-dir.js';

/**
 * Issue 16: every deployment role with a sized data volume in the real corpus (../shared/corpus,
 * read in place) gets a disk number from `redis-lint project --format json`: the steady-state
 * peak when the dataset is bounded, and the largest dataset the volume carries in every case.
 */
const files = !HAS_CORPUS
  ? []
  : readdirSync(CORPUS_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(path.join(CORPUS_DIR, d.name)).map((f) => `${d.name}/${f}`))
      .sort();

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

async function projectJson(file: string): Promise<JsonProjectedDeployment[]> {
  const out = sink();
  const err = sink();
  await runProject({ paths: [path.join(CORPUS_DIR, file)], policy: loadPolicy(), workloadFlags: {}, format: 'json', color: false }, out.stream, err.stream);
  return (JSON.parse(out.text()) as { deployments: JsonProjectedDeployment[] }).deployments;
}

describe.skipIf(!HAS_CORPUS)(`project --format json gives every volume a disk number ${NEEDS_CORPUS}`, () => {
  const withVolume: string[] = [];
  const unbounded: string[] = [];

  it.each(files)('%s', async (file) => {
    for (const d of await projectJson(file)) {
      if (d.error !== null || d.disk.volumeBytes === null) continue;
      const where = `${file} ${d.object.kind}/${d.object.name} ${d.role}`;
      withVolume.push(where);
      if (d.dataset?.basis === 'unknown') unbounded.push(where);
      expect(d.disk.peakBytes !== null || d.disk.maxDatasetBytes !== null, `${where}: no disk number`).toBe(true);
      // the largest dataset is never larger than what it was projected for when the peak does not fit
      if (d.disk.maxDatasetBytes !== null && d.disk.peakBytes !== null && d.dataset?.bytes != null && d.disk.recommendedVolumeBytes !== null) {
        if (d.disk.recommendedVolumeBytes > d.disk.volumeBytes) expect(d.disk.maxDatasetBytes, where).toBeLessThan(d.dataset.bytes);
        else expect(d.disk.maxDatasetBytes, where).toBeGreaterThanOrEqual(d.dataset.bytes);
      }
      if (d.memory.limitBytes !== null) expect(d.memory.maxDatasetBytes, `${where}: memory`).not.toBeNull();
    }
  });

  it('covers deployments that nothing bounds', () => {
    // the corpus has many deployments with a volume and no maxmemory, memory limit or workload
    expect(withVolume.length).toBeGreaterThan(20);
    expect(unbounded.length).toBeGreaterThan(5);
  });
});
