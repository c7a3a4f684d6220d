/**
 * The command that runs `berth` compiled, for tests whose figures include process start-up (a
 * restarted load-balancer node serving within 2 s): node on plain JS starts in a fraction of tsx's
 * time. `bin/berth.js` (dist/) when it is newer than every source file, as after `npm ci`; else the
 * sources are compiled once per test process into test-artifacts/ (inside the repository, so the
 * package root and node_modules resolve as they do from dist/). Under scripts/run-tests.js, the build
 * it made of the tree (BERTH_TEST_BUILD) instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './berth-process.js';

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

let entry: string | undefined;
let built: string | undefined;

/** The JS file to run with `node` (the cli's main). Compiles at most once per process. */
export function compiledBerthEntry(): string {
  if (entry) return entry;
  // Under scripts/run-tests.js the suite's one build of this tree (berth-command.ts) serves here too.
  const suiteBuild = process.env.BERTH_TEST_BUILD ? join(process.env.BERTH_TEST_BUILD, 'cli', 'main.js') : undefined;
  if (suiteBuild && existsSync(suiteBuild)) {
    entry = suiteBuild;
    return entry;
  }
  const dist = join(repoRoot, 'dist', 'cli', 'main.js');
  if (existsSync(dist) && statSync(dist).mtimeMs >= newestSource(join(repoRoot, 'src'))) {
    entry = join(repoRoot, 'bin', 'berth.js');
    return entry;
  }
  built = join(repoRoot, 'test-artifacts', `berth-build-${process.pid}`);
  mkdirSync(built, { recursive: true });
  execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', built], {
    cwd: repoRoot,
    stdio: 'inherit',
    timeout: 180_000,
  });
  entry = join(built, 'cli', 'main.js');
  return entry;
}

/** Removes this process's build, if it made one. */
export function removeCompiledBerth(): void {
  if (built) rmSync(built, { recursive: true, force: true });
  built = undefined;
  entry = undefined;
}
