#!/usr/bin/env node
// Write docs/rules/<id>.md for every rule and docs/rules/README.md, from each rule's metadata
// (`meta` in src/rules/<id>.ts) and its fix (see src/docs/rule-docs.ts). Each page's example
// output comes from linting the example. Run it with `npm run docs:rules` (which builds dist/
// first); test/docs/rule-docs.test.ts fails when a page is out of date.
import { readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_NOTICE, renderRuleDocs } from '../dist/docs/rule-docs.js';

const dir = fileURLToPath(new URL('../docs/rules/', import.meta.url));
await mkdir(dir, { recursive: true });
const pages = await renderRuleDocs();
let written = 0;
for (const [name, text] of pages) {
  const file = path.join(dir, name);
  const before = await readFile(file, 'utf8').catch(() => undefined);
  if (before === text) continue;
  await writeFile(file, text);
  written++;
  console.log(`wrote docs/rules/${name}`);
}
// pages of rules that no longer exist: only generated ones are removed
for (const name of await readdir(dir)) {
  if (!name.endsWith('.md') || pages.has(name)) continue;
  const text = await readFile(path.join(dir, name), 'utf8');
  if (!text.startsWith(GENERATED_NOTICE)) {
    console.warn(`docs/rules/${name} is not a generated page of a known rule: left alone`);
    continue;
  }
  await rm(path.join(dir, name));
  console.log(`removed docs/rules/${name}`);
}
console.log(`${pages.size} pages, ${written} changed`);
