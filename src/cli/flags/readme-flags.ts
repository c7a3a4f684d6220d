/**
 * The README's flag tables are generated from the daemons' flag tables (`npm run docs`), between
 * `<!-- flags:up -->` … `<!-- /flags:up -->` (and `agent`, `lb`); readme-flags.test.ts fails when they differ.
 */
import { AGENT_FLAGS } from './agent-flags.js';
import { renderMarkdown, type FlagTable } from './flag-table.js';
import { UP_FLAGS } from './up-flags.js';
import { LB_FLAGS } from './lb-flags.js';

const SECTIONS: ReadonlyArray<readonly [string, FlagTable]> = [
  ['up', UP_FLAGS],
  ['agent', AGENT_FLAGS],
  ['lb', LB_FLAGS],
];

export function replaceFlagSections(readme: string): string {
  let out = readme;
  for (const [name, table] of SECTIONS) {
    const open = `<!-- flags:${name} -->`;
    const close = `<!-- /flags:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`README has no ${open} … ${close} section`);
    out = `${out.slice(0, start + open.length)}\n${renderMarkdown(table)}\n${out.slice(end)}`;
  }
  return out;
}
