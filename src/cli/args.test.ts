import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intFlag, parseArgs } from './args.js';
import { CliError } from './cli-error.js';

const specs = [{ name: 'cluster', value: true }, { name: 'all' }, { name: 'container', short: 'c', value: true }, { name: 'follow', short: 'f' }];

test('positionals, long flags with space or =, short flags, booleans', () => {
  const p = parseArgs(['web', '--cluster', 'prod', '-c', 'x', '--all', '-f', '--json', '--endpoint=http://127.0.0.1:1'], specs);
  assert.deepEqual(p.positionals, ['web']);
  assert.equal(p.flags.cluster, 'prod');
  assert.equal(p.flags.container, 'x');
  assert.equal(p.flags.all, true);
  assert.equal(p.flags.follow, true);
  assert.equal(p.flags.json, true);
  assert.equal(p.flags.endpoint, 'http://127.0.0.1:1');
});

test('everything after -- is positional, negative numbers are positional', () => {
  assert.deepEqual(parseArgs(['--', '--all'], specs).positionals, ['--all']);
  assert.deepEqual(parseArgs(['-1'], specs).positionals, ['-1']);
});

test('unknown flags, missing values and values on switches are usage errors (exit 2)', () => {
  for (const argv of [['--nope'], ['-z'], ['--cluster'], ['--all=yes']]) {
    assert.throws(
      () => parseArgs(argv, specs),
      (e: unknown) => e instanceof CliError && e.exitCode === 2,
      argv.join(' '),
    );
  }
});

test('intFlag accepts non-negative integers only', () => {
  assert.equal(intFlag('12', 'tail'), 12);
  assert.equal(intFlag(undefined, 'tail'), undefined);
  assert.throws(() => intFlag('-1', 'tail'), /non-negative integer/);
  assert.throws(() => intFlag('1.5', 'tail'), /non-negative integer/);
  assert.throws(() => intFlag(true, 'tail'), /non-negative integer/);
});
