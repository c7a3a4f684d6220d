#!/usr/bin/env node
// The `berth` command. Runs the compiled program (npm ci runs `prepare`, which builds dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  console.error('berth: dist/ is missing; run `npm run build` (npm ci does it for you)');
  process.exit(1);
}
await import(pathToFileURL(entry).href);
