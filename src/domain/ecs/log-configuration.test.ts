import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../aws-error.js';
import { MultilineJoiner, awslogsStreamName, awslogsTargetOf, datetimeFormatPattern, validateLogConfiguration } from './log-configuration.js';

const refuses = (log: unknown, message: RegExp) =>
  assert.throws(
    () => validateLogConfiguration('app', log, 'us-east-1'),
    (e: unknown) => e instanceof AwsError && e.code === 'ClientException' && message.test(e.message),
  );

describe('validateLogConfiguration', () => {
  test('accepts the drivers Berth runs and the awslogs options it honours', () => {
    for (const logDriver of ['json-file', 'syslog']) validateLogConfiguration('app', { logDriver, options: { 'max-size': '1m' } }, 'us-east-1');
    validateLogConfiguration(
      'app',
      {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/ecs/web',
          'awslogs-region': 'us-east-1',
          'awslogs-stream-prefix': 'ecs',
          'awslogs-create-group': 'true',
          'awslogs-multiline-pattern': '^INFO',
          mode: 'non-blocking',
        },
      },
      'us-east-1',
    );
  });
  test('refuses a driver Berth does not run, naming the field', () => {
    refuses({ logDriver: 'splunk' }, /^Invalid 'logConfiguration\.logDriver' setting for container 'app': "splunk"/);
    refuses({ logDriver: 'awsfirelens' }, /logConfiguration\.logDriver/);
  });
  test('refuses awslogs without a group', () => refuses({ logDriver: 'awslogs', options: {} }, /awslogs-group/));
  test('refuses another region', () =>
    refuses({ logDriver: 'awslogs', options: { 'awslogs-group': 'g', 'awslogs-region': 'eu-west-1' } }, /awslogs-region.*\(us-east-1\), not eu-west-1/));
  test('refuses an option Berth does not honour', () =>
    refuses({ logDriver: 'awslogs', options: { 'awslogs-group': 'g', 'awslogs-endpoint': 'x' } }, /options\.awslogs-endpoint/));
  test('refuses blocking mode', () => refuses({ logDriver: 'awslogs', options: { 'awslogs-group': 'g', mode: 'blocking' } }, /options\.mode/));
  test('refuses both multiline options', () =>
    refuses(
      { logDriver: 'awslogs', options: { 'awslogs-group': 'g', 'awslogs-multiline-pattern': 'a', 'awslogs-datetime-format': '%Y' } },
      /cannot both be set/,
    ));
  test('refuses a pattern that does not compile', () =>
    refuses({ logDriver: 'awslogs', options: { 'awslogs-group': 'g', 'awslogs-multiline-pattern': '(' } }, /awslogs-multiline-pattern/));
  test('refuses a create-group that is not a boolean', () =>
    refuses({ logDriver: 'awslogs', options: { 'awslogs-group': 'g', 'awslogs-create-group': 'yes' } }, /awslogs-create-group/));
});

describe('awslogs targets', () => {
  test("the stream is ECS's prefix/container/task-id, or the container's id without a prefix", () => {
    const t = awslogsTargetOf('web', { 'awslogs-group': 'g', 'awslogs-stream-prefix': 'ecs' }, 'us-east-1');
    assert.equal(awslogsStreamName(t, 'web', 'abc123', 'cid'), 'ecs/web/abc123');
    assert.equal(awslogsStreamName(awslogsTargetOf('web', { 'awslogs-group': 'g' }, 'us-east-1'), 'web', 'abc123', 'cid'), 'cid');
  });
  test("datetime-format becomes Docker's anchored pattern", () => {
    const t = awslogsTargetOf('web', { 'awslogs-group': 'g', 'awslogs-datetime-format': '%Y-%m-%d %H:%M:%S' }, 'us-east-1');
    assert.ok(t.multiline!.test('2026-12-02 04:00:00 started'));
    assert.ok(!t.multiline!.test('  at 2026-12-02 04:00:00'));
    assert.equal(datetimeFormatPattern('[%b %d]'), '[(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?:0[1-9]|[1,2][0-9]|3[0,1])]');
  });
});

describe('MultilineJoiner', () => {
  test('without a pattern every line is an event', () => {
    const j = new MultilineJoiner<number>(undefined);
    assert.deepEqual(j.push('a', 1, 1), [{ message: 'a', time: 1, last: 1 }]);
    assert.deepEqual(j.flush(), []);
  });
  test('lines not matching join the event before; the event keeps its first time and its last position', () => {
    const j = new MultilineJoiner<number>(/^INFO/);
    assert.deepEqual(j.push('INFO one', 1, 1), []);
    assert.deepEqual(j.push('  detail', 2, 2), []);
    assert.deepEqual(j.push('INFO two', 3, 3), [{ message: 'INFO one\n  detail', time: 1, last: 2 }]);
    assert.equal(j.hasPending, true);
    assert.deepEqual(j.flush(), [{ message: 'INFO two', time: 3, last: 3 }]);
    assert.equal(j.hasPending, false);
  });
  test('a continuation with nothing pending starts an event', () => {
    const j = new MultilineJoiner<number>(/^INFO/);
    j.push('orphan', 1, 1);
    assert.deepEqual(j.flush(), [{ message: 'orphan', time: 1, last: 1 }]);
  });
});
