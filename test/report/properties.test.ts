import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatGithub } from '../../src/report/github.js';
import { formatJunit } from '../../src/report/junit.js';
import { utf8Column } from '../../src/report/rdjson.js';
import { formatSarif } from '../../src/report/sarif.js';
import type { Finding, Severity } from '../../src/types.js';
import { parseXml, projectRoot, runMultitool, sarifSchemaErrors, syntheticInput, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** Any UTF-16 string, lone surrogates and control characters included. */
const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 });
/** Any well-formed Unicode text. */
const unicodeText = fc.string({ unit: 'binary', maxLength: 40 });

/** A path segment: any Unicode except the separator and NUL, not `.` or `..`. */
const segment = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 12 })
  .map((s) => s.replace(/[/\\\u0000]/g, '_'))
  .filter((s) => s !== '.' && s !== '..');

const position = fc.record({ line: fc.integer({ min: 0, max: 500 }), column: fc.integer({ min: 0, max: 200 }), endLine: fc.integer({ min: 0, max: 500 }), endColumn: fc.integer({ min: 0, max: 200 }) });

/** A finding in a file anywhere: inside the project, outside it, or on stdin. */
const anyFinding: fc.Arbitrary<Finding> = fc
  .record({
    ruleId: fc.constantFrom('aof-rewrite-unreachable', 'maxmemory-unset', 'unresolved-values', 'invalid-yaml', 'memory-limit-missing', 'x-custom'),
    severity: fc.constantFrom<Severity>('error', 'warning', 'info'),
    message: unicodeText,
    where: fc.oneof(
      fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => path.join(projectRoot, ...s)),
      fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => path.join('/elsewhere', ...s)),
      fc.constant('<stdin>'),
    ),
    pos: position,
    object: fc.option(fc.record({ kind: fc.constantFrom('StatefulSet', 'HelmRelease'), name: unicodeText, namespace: fc.option(unicodeText, { nil: undefined }) }), { nil: undefined }),
  })
  .map(({ ruleId, severity, message, where, pos, object }) => ({ ruleId, severity, message, object, pos: { file: where, yamlPath: 'a.b', ...pos } }));

describe('properties', () => {
  it('workflow command escaping round-trips and leaves no separator in a property', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const p = escapeProperty(s);
        expect(p).not.toMatch(/[\r\n:,]/);
        expect(escapeData(s)).not.toMatch(/[\r\n]/);
        expect(p.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')).toBe(s);
      }),
    );
  });

  it('every github annotation is one line', () => {
    fc.assert(
      fc.property(fc.array(anyFinding, { maxLength: 30 }), (findings) => {
        const text = formatGithub(syntheticInput(findings));
        const lines = text ? text.slice(0, -1).split('\n') : [];
        for (const l of lines) expect(l).toMatch(/^::(error|warning|notice)( [^:]*)?::/);
        for (const sev of ['error', 'warning', 'notice']) expect(lines.filter((l) => l.startsWith(`::${sev}`)).length).toBeLessThanOrEqual(10);
      }),
    );
  });

  it('junit output is always well-formed XML', () => {
    fc.assert(
      fc.property(fc.array(anyFinding, { maxLength: 8 }), anyText, (findings, extra) => {
        const withNasty = findings.map((f) => ({ ...f, message: f.message + extra }));
        const doc = parseXml(formatJunit(syntheticInput(withNasty)));
        expect(doc.name).toBe('testsuites');
        const failures = doc.children.reduce((n, s) => n + Number(s.attrs.failures), 0);
        expect(Number(doc.attrs.failures)).toBe(failures);
      }),
      { numRuns: 200 },
    );
  });

  it('utf8Column is the UTF-8 length of the text before the column, plus one', () => {
    fc.assert(
      fc.property(unicodeText, fc.nat(60), (line, n) => {
        // a column at a code point boundary
        const cps = [...line];
        const k = Math.min(n, cps.length);
        const before = cps.slice(0, k).join('');
        expect(utf8Column(line, before.length + 1)).toBe(Buffer.byteLength(before, 'utf8') + 1);
      }),
    );
  });

  it('SARIF is schema-valid for any findings, and the multitool (Gh) accepts a sample of them', () => {
    const dir = tempDir('redis-lint-sarif-prop-');
    mkdirSync(dir, { recursive: true });
    fc.assert(
      fc.property(fc.array(anyFinding, { maxLength: 10 }), (findings) => {
        expect(sarifSchemaErrors(JSON.parse(formatSarif(syntheticInput(findings))))).toEqual([]);
      }),
      { numRuns: 200 },
    );
    const samples = fc.sample(fc.array(anyFinding, { minLength: 1, maxLength: 10 }), { numRuns: 20, seed: 42 });
    const files = samples.map((findings, i) => {
      const file = path.join(dir, `sample-${i}.sarif`);
      writeFileSync(file, formatSarif(syntheticInput(findings)));
      return file;
    });
    const { results } = runMultitool(files, 'Gh');
    expect(results.filter((r) => r.level === 'error')).toEqual([]);
  }, 120_000);
});
