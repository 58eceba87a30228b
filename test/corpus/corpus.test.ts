import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, HAS_CORPUS, NEEDS_CORPUS } from '../shared-dir.js';
import { lintPaths } from '../../src/engine.js';
import { loadPolicy } from '../../src/policy/policy.js';

/**
 * Real public Redis configs (../shared/corpus, read in place, never copied; SOURCES.tsv says where
 * each came from). Every file is linted on its own; the findings (position and rule id) must equal
 * the hand-checked list in expected-findings.json. Review notes for surprising entries are in
 * docs/corpus.md. Regenerate with REDIS_LINT_UPDATE_CORPUS=1 and check the diff by hand.
 */
const corpus = CORPUS_DIR;
const expectedFile = fileURLToPath(new URL('./expected-findings.json', import.meta.url));
// without the corpus, the files of the snapshot: each is listed by name as skipped
const files = !HAS_CORPUS ? Object.keys(JSON.parse(readFileSync(expectedFile, 'utf8')) as object).sort() : readdirSync(corpus, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(path.join(corpus, d.name)).map((f) => `${d.name}/${f}`))
  .sort();

describe.skipIf(!HAS_CORPUS)(`corpus of real configs ${NEEDS_CORPUS}`, () => {
  const policy = loadPolicy();
  const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as Record<string, string[]>;
  const actual: Record<string, string[]> = {};

  it('has the corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  it.each(files)('%s', async (file) => {
    const r = await lintPaths([path.join(corpus, file)], { policy });
    expect(r.inputErrors.map((e) => e.message)).toEqual([]);
    for (const f of r.findings) {
      // a message names numbers or keys, never a stack trace or an unformatted value
      expect(f.message).not.toMatch(/\bat .*\.js:\d+|NaN|undefined|\[object Object\]/);
      expect(f.pos.line).toBeGreaterThanOrEqual(1);
    }
    actual[file] = r.findings.map((f) => `${f.pos.line}:${f.pos.column} ${f.ruleId}`);
    if (!process.env.REDIS_LINT_UPDATE_CORPUS) expect(actual[file]).toEqual(expected[file]);
  });

  afterAll(() => {
    if (process.env.REDIS_LINT_UPDATE_CORPUS) writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + '\n');
  });
});
