#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's own test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.js [path-substring ...]   (filters files by substring)
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['src', 'test'];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(relative(process.cwd(), p));
  }
};
for (const r of roots) walk(r);
const filters = process.argv.slice(2);
const selected = files.sort().filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// The tests that start `berth` processes run one compiled build of this working tree
// (test/support/berth-command.ts): tsc into .test-build-<pid>/ once here, instead of tsx transforming
// the source in every process. Only when some selected file is under test/ (the unit tests under src/
// start none), and not when BERTH_TEST_BUILD names a build already. A failed build leaves the tests on
// tsx. The folder sits beside dist/, at the depth the build's own paths (../../dist/web) expect, and is
// this run's alone: two runs in one checkout do not share it.
const env = { ...process.env };
let build;
if (!env.BERTH_TEST_BUILD && selected.some((f) => f.startsWith('test'))) {
  const out = join(process.cwd(), `.test-build-${process.pid}`);
  build = out;
  const tsc = spawnSync(
    process.execPath,
    [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', out, '--sourceMap', 'false'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (existsSync(join(out, 'cli', 'main.js'))) env.BERTH_TEST_BUILD = out;
  else console.error(`run-tests: the build into .test-build failed (exit ${tsc.status}); the tests run berth through tsx`);
}
const concurrency = env.BERTH_TEST_CONCURRENCY ?? '2';
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...selected],
  // The SDK's notice that its 2027 releases need Node 22 would repeat in every test file's output.
  { stdio: 'inherit', env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env, NODE_OPTIONS: '' } },
);
if (build) rmSync(build, { recursive: true, force: true });
process.exit(r.status ?? 1);
