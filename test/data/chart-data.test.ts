import { readFileSync, readdirSync, statSync } from 'node:fs';
import { Ajv } from 'ajv';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { chartData } from '../../src/sources/chart-data.js';

const ROOT = new URL('../../data/charts/', import.meta.url);
const read = (u: URL) => JSON.parse(readFileSync(u, 'utf8'));

/** Every chart folder under data/charts (`bitnami/redis`, …): the folders holding a chart.json. */
function chartDirs(dir = '', out: string[] = []): string[] {
  for (const name of readdirSync(new URL(dir, ROOT))) {
    const rel = dir + name;
    if (statSync(new URL(rel, ROOT)).isDirectory()) chartDirs(`${rel}/`, out);
    else if (name === 'chart.json') out.push(dir.replace(/\/$/, ''));
  }
  return out;
}

describe('data/charts/<repo>/<chart>/chart.json', () => {
  const validate = new Ajv({ strict: true, allErrors: true }).compile(read(new URL('chart.schema.json', ROOT)));
  const validateVersions = new Ajv({ strict: true, allErrors: true }).compile(read(new URL('versions.schema.json', ROOT)));
  const dirs = chartDirs();

  it('holds at least the Bitnami redis chart', () => {
    expect(dirs).toContain('bitnami/redis');
  });

  it.each(dirs)('%s: chart.json and versions.json are valid (ajv), changes and presets in release order, every change released', (dir) => {
    const file = read(new URL(`${dir}/chart.json`, ROOT));
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
    const versions = read(new URL(`${dir}/versions.json`, ROOT));
    expect(validateVersions(versions), JSON.stringify(validateVersions.errors)).toBe(true);
    const released = new Map<string, { commit: string }>(versions.versions.map((v: { version: string; commit: string }) => [v.version, v]));
    const changes: Array<{ version: string; commit: string }> = file.defaults.changes;
    expect(changes.map((c) => c.version)).toEqual([...changes.map((c) => c.version)].sort(semver.compare));
    // each fact's source is the commit that released that version
    for (const c of [file.defaults.base, ...changes]) expect(released.get(c.version)?.commit, c.version).toBe(c.commit);
    for (const span of Object.values(file.keys) as Array<{ since: string; until?: string }>) {
      expect(released.has(span.since)).toBe(true);
      if (span.until) expect(semver.lte(span.since, span.until)).toBe(true);
    }
    // a schema violation is caught: the test can fail
    expect(validate({ ...file, defaults: { ...file.defaults, changes: [{ version: '1.0', commit: 'x', date: 'today' }] } })).toBe(false);
  });

  it('defaults at a version are the base plus the changes released up to it', () => {
    const d = chartData('bitnami/redis');
    const base = d.file.defaults.base;
    expect(d.defaultsAt(base.version)).toMatchObject({ master: { persistence: { size: '8Gi' } } });
    // a leaf removed by a change (18.14.0: resources {limits: {}, requests: {}} became {})
    expect((d.defaultsAt('18.13.0') as { master: { resources: unknown } }).master.resources).toEqual({ limits: {}, requests: {} });
    expect((d.defaultsAt('18.14.0') as { master: { resources: unknown } }).master.resources).toEqual({});
    // fresh objects: a caller's edit does not leak into the next answer
    const a = d.defaultsAt('23.1.1') as { master: { extraFlags: string[] } };
    a.master.extraFlags.push('--x');
    expect((d.defaultsAt('23.1.1') as { master: { extraFlags: string[] } }).master.extraFlags).toEqual([]);
  });
});
