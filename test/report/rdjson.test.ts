import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatRdjson, utf8Column } from '../../src/report/rdjson.js';
import type { FileEdit } from '../../src/report/types.js';
import type { Finding } from '../../src/types.js';
import { edit, finding, lint, reportInput, syntheticInput, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/* eslint-disable @typescript-eslint/no-explicit-any */

const LINE2 = 'master: {note: "ünïcødé 🚀 日本", persistence: {enabled: true, size: 50Mi}}';
const VALUES = `architecture: standalone\n${LINE2}\n`;

describe('rdjson', () => {
  it('utf8Column: the column in UTF-8 bytes (reviewdog.proto example a𐐀b)', () => {
    expect(utf8Column('a𐐀b', 1)).toBe(1);
    expect(utf8Column('a𐐀b', 2)).toBe(2);
    expect(utf8Column('a𐐀b', 4)).toBe(6); // 'b' is UTF-16 column 4 (𐐀 is two code units), byte column 6
    expect(utf8Column('a𐐀b', 5)).toBe(7); // exclusive end after the line
    expect(utf8Column('ab', 6)).toBe(6); // past the end: one byte per missing character
    expect(utf8Column(undefined, 17)).toBe(17);
    expect(utf8Column('é', 0)).toBe(1);
  });

  it('columns in UTF-8 bytes on a line with multibyte characters before the finding', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'values.yaml');
    writeFileSync(file, VALUES);
    const result = await lint([file]);
    const f = result.findings.find((x) => x.ruleId === 'aof-rewrite-unreachable')!;
    expect(f).toBeDefined();
    const u16 = LINE2.indexOf('size') + 1;
    expect(f.pos).toMatchObject({ line: 2, column: u16, endLine: 2, endColumn: u16 + 'size: 50Mi'.length });
    const doc = JSON.parse(formatRdjson(reportInput(result, { baseDir: dir, sourceText: (p) => readFileSync(p, 'utf8') })));
    const d = doc.diagnostics.find((x: any) => x.code.value === 'aof-rewrite-unreachable');
    const bytes = Buffer.byteLength(LINE2.slice(0, LINE2.indexOf('size')), 'utf8') + 1;
    expect(bytes).toBeGreaterThan(u16); // the line really has multibyte characters before the finding
    expect(d.location).toEqual({ path: 'values.yaml', range: { start: { line: 2, column: bytes }, end: { line: 2, column: bytes + 'size: 50Mi'.length } } });
    // without the text, the columns stay as they are
    const plain = JSON.parse(formatRdjson(reportInput(result, { baseDir: dir, sourceText: () => undefined })));
    expect(plain.diagnostics.find((x: any) => x.code.value === 'aof-rewrite-unreachable').location.range.start).toEqual({ line: 2, column: u16 });
  });

  it('document shape: source, severities, codes with documentation links, messages', async () => {
    const input = reportInput(await lint(['examples/incidents']));
    const doc = JSON.parse(formatRdjson(input));
    expect(doc.source).toEqual({ name: 'redis-lint', url: 'https://github.com/redis-lint/redis-lint' });
    expect(doc.severity).toBe('ERROR');
    expect(doc.diagnostics).toHaveLength(input.findings.length);
    input.findings.forEach((f, i) => {
      const d = doc.diagnostics[i];
      expect(d.severity).toBe({ error: 'ERROR', warning: 'WARNING', info: 'INFO' }[f.severity]);
      expect(d.code).toEqual({ value: f.ruleId, url: `https://github.com/redis-lint/redis-lint/blob/main/docs/rules/${f.ruleId}.md` });
      expect(d.message.endsWith(f.message)).toBe(true);
      expect(d.location.path).toBe(f.pos.file);
      // ASCII files: byte columns are the UTF-16 columns
      expect(d.location.range).toEqual({ start: { line: f.pos.line, column: f.pos.column }, end: { line: f.pos.endLine, column: f.pos.endColumn } });
      expect(d.suggestions).toBeUndefined();
    });
    const empty = JSON.parse(formatRdjson(syntheticInput([])));
    expect(empty).toEqual({ source: { name: 'redis-lint', url: 'https://github.com/redis-lint/redis-lint' }, diagnostics: [] });
    expect(JSON.parse(formatRdjson(syntheticInput([finding({ severity: 'info' })]))).severity).toBe('INFO');
  });

  it('suggestions from the fixes, in UTF-8 byte columns; edits in other files are left out', () => {
    const dir = tempDir();
    const file = path.join(dir, 'v.yaml');
    writeFileSync(file, VALUES);
    const start = LINE2.indexOf('50Mi') + 1;
    const f: Finding = finding({ ruleId: 'aof-rewrite-unreachable', severity: 'error', pos: { file, line: 2, column: LINE2.indexOf('size') + 1, endLine: 2, endColumn: start + 4 } });
    const insertAt = LINE2.indexOf('persistence') + 1;
    const fixes = new Map<Finding, FileEdit[]>([
      [f, [edit(file, [2, start], [2, start + 4], '720Mi'), edit(file, [2, insertAt], [2, insertAt], 'storageClass: fast, '), edit(path.join(dir, 'other.yaml'), [1, 1], [1, 1], 'x')]],
    ]);
    const doc = JSON.parse(formatRdjson(syntheticInput([f], { baseDir: dir, fixes, sourceText: (p) => readFileSync(p, 'utf8') })));
    const byte = (u16: number) => Buffer.byteLength(LINE2.slice(0, u16 - 1), 'utf8') + 1;
    expect(doc.diagnostics[0].suggestions).toEqual([
      { range: { start: { line: 2, column: byte(start) }, end: { line: 2, column: byte(start + 4) } }, text: '720Mi' },
      { range: { start: { line: 2, column: byte(insertAt) }, end: { line: 2, column: byte(insertAt) } }, text: 'storageClass: fast, ' },
    ]);
    // applying the suggestion by bytes gives the intended text
    const lineBytes = Buffer.from(LINE2, 'utf8');
    const s = doc.diagnostics[0].suggestions[0].range;
    const fixed = Buffer.concat([lineBytes.subarray(0, s.start.column - 1), Buffer.from('720Mi'), lineBytes.subarray(s.end.column - 1)]).toString('utf8');
    expect(fixed).toBe(LINE2.replace('50Mi', '720Mi'));
  });

  it('stdin (no text) keeps its name and its columns', () => {
    const doc = JSON.parse(formatRdjson(syntheticInput([finding({ pos: { file: '<stdin>', line: 3, column: 4, endLine: 3, endColumn: 9 } })], { sourceText: () => undefined })));
    expect(doc.diagnostics[0].location).toEqual({ path: '<stdin>', range: { start: { line: 3, column: 4 }, end: { line: 3, column: 9 } } });
  });
});
