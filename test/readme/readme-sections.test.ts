import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFlagSections } from '../../src/cli/flags/readme-flags.js';
import { replaceWalkthroughSections, repoRoot } from './walkthroughs.js';

test('the README shows docs/walkthroughs/*.sh and the flag tables as they are (npm run docs regenerates them)', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  assert.equal(readme, replaceWalkthroughSections(replaceFlagSections(readme)), 'README.md is stale: run npm run docs');
});

test('the README never tells a reader to run a bare berth, which a checkout does not put on the PATH', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  for (const line of blocks.flatMap((b) => b.split('\n'))) assert.doesNotMatch(line, /^\s*berth /, line);
});
