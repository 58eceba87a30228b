#!/usr/bin/env node
// The `redis-lint` command. This file is tracked with its run bit set, so the bin works after any
// clean install or rebuild (tsc writes dist/ without run bits, and npx caches its link to the bin).
// It runs the bundled CLI (dist/bundle/redis-lint.mjs: a fast start), or the unbundled build.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/redis-lint.mjs', import.meta.url);
const entry = existsSync(bundle) ? bundle : new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('redis-lint: dist/ is not built: run `npm run build` (npm ci and npm install run it)\n');
  process.exit(2);
}
const { runCli } = await import(entry.href);
runCli();
