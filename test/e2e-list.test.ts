import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { E2E_FILES } from '../vitest.config.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function testFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? testFiles(path.join(dir, d.name)) : d.name.endsWith('.test.ts') ? [path.join(dir, d.name)] : [],
  );
}

describe('vitest projects', () => {
  it('every test file that spawns the built CLI is in the e2e project (which builds dist/ first)', () => {
    const spawning = testFiles('test').filter((f) => /['"`/]dist\/cli\/main\.js|bin\/redis-lint/.test(readFileSync(path.join(root, f), 'utf8')));
    expect(spawning.length).toBeGreaterThan(5);
    expect(spawning.filter((f) => !E2E_FILES.includes(f))).toEqual([]);
  });
});
