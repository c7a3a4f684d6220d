import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFlagSections } from './readme-flags.js';

test('the README flag tables are the daemons\' flag tables (npm run docs regenerates them)', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
  assert.equal(readme, replaceFlagSections(readme), 'README.md flag tables are stale: run npm run docs');
});
