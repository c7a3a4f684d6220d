import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../main/usage-error.js';
import { AGENT_FLAGS } from './agent-flags.js';
import { envName, parseFlags, pickFlag, renderHelp, renderMarkdown, switchOn, wantsHelp } from './flag-table.js';
import { UP_FLAGS } from './up-flags.js';

test('every visible flag is in --help with its env twin, and the README table', () => {
  for (const table of [UP_FLAGS, AGENT_FLAGS]) {
    const help = renderHelp('usage: x', table);
    const md = renderMarkdown(table);
    for (const f of table.filter((x) => !x.hidden)) {
      assert.ok(help.includes(`--${f.name}`), f.name);
      if (envName(f)) assert.ok(help.includes(envName(f)!), `${f.name} env`);
      if (f.name !== 'help') assert.ok(md.includes(`--${f.name}`), f.name);
    }
    assert.ok(!/^\s+--secret-access-key/m.test(help), 'the refused flag is not advertised');
    for (const line of help.split('\n')) assert.ok(line.length <= 112, `help line too long: ${line}`);
  }
});

test("berth server help leaves out the local agent's flags", () => {
  const help = renderHelp('usage: berth server', UP_FLAGS, { server: true });
  assert.ok(!help.includes('--runtime'));
  assert.ok(!help.includes('--memory-reserve'));
  assert.ok(help.includes('--allow-privileged') && help.includes('--api-port'));
});

test('flags win over env twins; switches read 1/true from the env', () => {
  const values = parseFlags(UP_FLAGS, ['--api-port', '5000', '--no-demo', '--attribute', 'a=1', '--attribute', 'b=2']);
  assert.equal(pickFlag(UP_FLAGS, values, { BERTH_API_PORT: '6000' }, 'api-port'), '5000');
  assert.equal(pickFlag(UP_FLAGS, {}, { BERTH_API_PORT: '6000' }, 'api-port'), '6000');
  assert.equal(switchOn(UP_FLAGS, values, {}, 'no-demo'), true);
  assert.equal(switchOn(UP_FLAGS, {}, { BERTH_STOP_TASKS_ON_EXIT: '1' }, 'stop-tasks-on-exit'), true);
  assert.deepEqual(values.attribute, ['a=1', 'b=2']);
  assert.throws(() => parseFlags(UP_FLAGS, ['--bogus']), UsageError);
  assert.throws(() => parseFlags(AGENT_FLAGS, ['--server']), UsageError);
  assert.equal(wantsHelp(['--bogus', '-h']), true);
});
