/** `berth up|server|agent --help` print every flag of their table and exit 0, before any flag is checked. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot } from '../support/berth-process.js';
import { AGENT_FLAGS } from '../../src/cli/flags/agent-flags.js';
import { UP_FLAGS } from '../../src/cli/flags/up-flags.js';
import { berthEntry } from '../support/berth-command.js';

const run = promisify(execFile);

test('every daemon answers --help with its flags (and -h, even beside a bad flag)', async () => {
  const cases = [
    { argv: ['up', '--help'], flags: UP_FLAGS.filter((f) => !f.hidden) },
    { argv: ['server', '-h'], flags: UP_FLAGS.filter((f) => !f.hidden && !f.upOnly) },
    { argv: ['agent', '--bogus', '--help'], flags: AGENT_FLAGS.filter((f) => !f.hidden) },
  ];
  await Promise.all(
    cases.map(async ({ argv, flags }) => {
      const { stdout } = await run(process.execPath, [...berthEntry(), ...argv], {
        cwd: repoRoot,
        env: { ...process.env, NODE_OPTIONS: '' },
        timeout: 120_000,
      });
      assert.match(stdout, new RegExp(`^usage: berth ${argv[0]}`));
      for (const f of flags) assert.ok(stdout.includes(`--${f.name}`), `berth ${argv[0]} --help lists --${f.name}`);
    }),
  );
});
