#!/usr/bin/env node
// The `redis-lint` command. This file is tracked with its run bit set, so the bin works after any
// clean install or rebuild (tsc writes dist/ without run bits, and npx caches its link to the bin).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('redis-lint: dist/ is not built: run `npm run build` (npm ci and npm install run it)\n');
  process.exit(2);
}
const { runCli } = await import(entry.href);
runCli();
