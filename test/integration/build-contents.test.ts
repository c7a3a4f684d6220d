/**
 * The build ships no test support: fixtures, fakes, test-support modules, conformance suites and
 * scenario builders stay out of what `tsconfig.build.json` compiles into dist/, and so no
 * production file imports one (tsc would pull it back in through the import).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../support/berth-process.js';

const testSupport = /(\.test|\.conformance|\.fixture|\.test-support)\.ts$|\/fake-[^/]*\.ts$|\/scenario\.ts$/;

test('tsconfig.build.json compiles no test support, directly or through an import', () => {
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const files = execFileSync(process.execPath, [tsc, '-p', join(repoRoot, 'tsconfig.build.json'), '--listFilesOnly'], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.startsWith(join(repoRoot, 'src')))
    .map((f) => relative(repoRoot, f));
  assert.ok(files.length > 100, `the build compiles the sources (${files.length})`);
  assert.deepEqual(
    files.filter((f) => testSupport.test(`/${f}`)),
    [],
  );
});

test('the pattern knows every kind of test support the tree has', () => {
  const all: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else all.push(relative(repoRoot, join(dir, e.name)));
    }
  };
  walk(join(repoRoot, 'src'));
  const support = all.filter((f) => testSupport.test(`/${f}`) && !f.endsWith('.test.ts'));
  for (const known of [
    'src/agent/runtime/fake-runtime.ts',
    'src/reconciling/scenario.ts',
    'src/load-balancer/proxy/proxy.fixture.ts',
    'src/agent/runtime/runtime.conformance.ts',
  ]) {
    assert.ok(support.includes(known), known);
  }
});
