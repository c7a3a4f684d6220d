/**
 * The README's walkthroughs live in docs/walkthroughs/*.sh, one place: `npm run docs` copies each into
 * the README between `<!-- walkthrough:NAME -->` markers, readme-sections.test.ts fails when they
 * differ, and walkthroughs.test.ts runs the scripts against a fresh `berth up`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const WALKTHROUGHS = ['aws-cli', 'berth-apply', 'scaling-out'] as const;
export type Walkthrough = (typeof WALKTHROUGHS)[number];

export function walkthroughScript(name: Walkthrough): string {
  return readFileSync(join(repoRoot, 'docs', 'walkthroughs', `${name}.sh`), 'utf8');
}

export function replaceWalkthroughSections(readme: string): string {
  let out = readme;
  for (const name of WALKTHROUGHS) {
    const open = `<!-- walkthrough:${name} -->`;
    const close = `<!-- /walkthrough:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`README has no ${open} … ${close} section`);
    out = `${out.slice(0, start + open.length)}\n\`\`\`sh\n${walkthroughScript(name)}\`\`\`\n${out.slice(end)}`;
  }
  return out;
}
