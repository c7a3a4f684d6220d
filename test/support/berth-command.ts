/**
 * How a test runs the `berth` command: `node <entry...> <args>`. Under scripts/run-tests.js the entry
 * is the build it compiled from this working tree before the suite (BERTH_TEST_BUILD: the same tsc
 * build `npm run build` makes, in a folder of its own), so a test still runs the code in front of it;
 * run any other way, it is the source through tsx. A compiled entry starts several times faster than
 * tsx transforming ~300 modules, and the suite starts Berth processes a few hundred times.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..', '..');
/** tsx by URL, so that `--import` resolves whatever the child's working directory. */
const TSX = import.meta.resolve('tsx');

/** The arguments before the command's own: give them to `process.execPath`. */
export function berthEntry(): string[] {
  const build = process.env.BERTH_TEST_BUILD;
  const compiled = build ? join(build, 'cli', 'main.js') : undefined;
  if (compiled && existsSync(compiled)) return [compiled];
  return ['--import', TSX, join(repoRoot, 'src', 'cli', 'main.ts')];
}
