/** Builds the console once with vite's JS API into a temp folder, for `berth up` to serve via BERTH_WEB_ROOT. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { repoRoot } from '../support/berth-process.js';

export async function buildConsole(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'berth-console-'));
  await build({ configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  if (!existsSync(join(outDir, 'index.html'))) throw new Error(`vite build wrote no index.html to ${outDir}`);
  return outDir;
}
