// Regenerates the generated sections of docs/differences.md from the code (`npm run docs`):
// the field-support table (src/domain/field-support.ts). src/domain/field-support.test.ts fails
// when the file and the table differ, so the docs cannot drift from the behaviour.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceGeneratedSection } from '../src/domain/field-support-docs.js';
import { replaceFlagSections } from '../src/cli/flags/readme-flags.js';
import { replaceWalkthroughSections } from '../test/readme/walkthroughs.js';

const file = join(import.meta.dirname, '..', 'docs', 'differences.md');
const before = readFileSync(file, 'utf8');
const after = replaceGeneratedSection(before);
if (after !== before) writeFileSync(file, after);
console.log(after === before ? 'docs/differences.md is up to date' : 'docs/differences.md regenerated');

// The README's flag tables (from src/cli/flags/) and walkthroughs (docs/walkthroughs/*.sh); test/readme checks them.
const readmeFile = join(import.meta.dirname, '..', 'README.md');
const readme = readFileSync(readmeFile, 'utf8');
const readmeAfter = replaceWalkthroughSections(replaceFlagSections(readme));
if (readmeAfter !== readme) writeFileSync(readmeFile, readmeAfter);
console.log(readmeAfter === readme ? 'README.md flag tables and walkthroughs are up to date' : 'README.md flag tables and walkthroughs regenerated');
