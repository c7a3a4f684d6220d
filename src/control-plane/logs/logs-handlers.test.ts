import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.js';
import { handlerCaller, rejects, requestContext } from '../api/handler-test-kit.js';
import { createLogsHandlers } from './logs-handlers.js';

const DAY = 86_400_000;

function kit() {
  const store = new MemoryStore();
  let now = 1_700_000_000_000;
  const h = createLogsHandlers({ store });
  const call = handlerCaller(h, () => requestContext(now));
  return { store, call, now: () => now, advance: (ms: number) => (now += ms) };
}

const messages = (r: Record<string, unknown>) => (r.events as { message: string }[]).map((e) => e.message);

test('groups and streams: create, describe, conflicts and missing ones', async () => {
  const { call } = kit();
  await call('CreateLogGroup', { logGroupName: '/ecs/web' });
  await rejects(call('CreateLogGroup', { logGroupName: '/ecs/web' }), 'ResourceAlreadyExistsException');
  await rejects(call('CreateLogGroup', { logGroupName: 'bad name' }), 'InvalidParameterException');
  await rejects(call('CreateLogGroup', { logGroupName: 'k', kmsKeyId: 'arn:aws:kms:x' }), 'InvalidParameterException', /kmsKeyId/);
  await call('CreateLogStream', { logGroupName: '/ecs/web', logStreamName: 'ecs/web/1' });
  await rejects(call('CreateLogStream', { logGroupName: '/ecs/web', logStreamName: 'ecs/web/1' }), 'ResourceAlreadyExistsException');
  await rejects(call('CreateLogStream', { logGroupName: '/nope', logStreamName: 's' }), 'ResourceNotFoundException', /log group/);
  const groups = (await call('DescribeLogGroups', { logGroupNamePrefix: '/ecs' })).logGroups as Record<string, unknown>[];
  assert.deepEqual(
    groups.map((g) => [g.logGroupName, g.arn]),
    [['/ecs/web', 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*']],
  );
  const streams = (await call('DescribeLogStreams', { logGroupName: '/ecs/web' })).logStreams as Record<string, unknown>[];
  assert.equal(streams[0]?.arn, 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:log-stream:ecs/web/1');
  await rejects(call('DescribeLogStreams', { logGroupName: '/ecs/web', orderBy: 'LastEventTime', logStreamNamePrefix: 'e' }), 'InvalidParameterException');
});

test('put and get events, from the head, from the tail, and paged by tokens', async () => {
  const { call, now } = kit();
  await call('CreateLogGroup', { logGroupName: 'g' });
  await call('CreateLogStream', { logGroupName: 'g', logStreamName: 's' });
  await call('PutLogEvents', {
    logGroupName: 'g',
    logStreamName: 's',
    logEvents: [1, 2, 3].map((i) => ({ timestamp: now() - 100 + i, message: `line ${i}` })),
  });
  await call('PutLogEvents', { logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: now(), message: 'line 4' }] });
  assert.deepEqual(messages(await call('GetLogEvents', { logGroupName: 'g', logStreamName: 's', startFromHead: true })), [
    'line 1',
    'line 2',
    'line 3',
    'line 4',
  ]);
  const tail = await call('GetLogEvents', { logGroupName: 'g', logStreamName: 's', limit: 2 });
  assert.deepEqual(messages(tail), ['line 3', 'line 4']);
  assert.deepEqual(messages(await call('GetLogEvents', { logGroupName: 'g', logStreamName: 's', limit: 2, nextToken: tail.nextBackwardToken })), [
    'line 1',
    'line 2',
  ]);
  const head = await call('GetLogEvents', { logGroupName: 'g', logStreamName: 's', limit: 3, startFromHead: true });
  const rest = await call('GetLogEvents', { logGroupName: 'g', logStreamName: 's', limit: 3, nextToken: head.nextForwardToken });
  assert.deepEqual(messages(rest), ['line 4']);
  const end = await call('GetLogEvents', { logGroupName: 'g', logStreamName: 's', nextToken: rest.nextForwardToken });
  assert.deepEqual(messages(end), []);
  assert.equal(end.nextForwardToken, rest.nextForwardToken, 'the same token at the end, which is how clients stop');
  await rejects(
    call('PutLogEvents', { logGroupName: 'g', logStreamName: 'nope', logEvents: [{ timestamp: now(), message: 'x' }] }),
    'ResourceNotFoundException',
    /log stream/,
  );
  const future = await call('PutLogEvents', { logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: now() + 3 * 3_600_000, message: 'x' }] });
  assert.deepEqual(future.rejectedLogEventsInfo, { tooNewLogEventStartIndex: 0 });
});

test('filter across streams by plain terms, paged, with the streams searched', async () => {
  const { call, now } = kit();
  await call('CreateLogGroup', { logGroupName: 'g' });
  for (const s of ['web/a', 'web/b', 'db/c']) {
    await call('CreateLogStream', { logGroupName: 'g', logStreamName: s });
    await call('PutLogEvents', {
      logGroupName: 'g',
      logStreamName: s,
      logEvents: [
        { timestamp: now() - 10, message: `ERROR in ${s}` },
        { timestamp: now(), message: `ok ${s}` },
      ],
    });
  }
  const r = await call('FilterLogEvents', { logGroupName: 'g', logStreamNamePrefix: 'web/', filterPattern: 'ERROR' });
  assert.deepEqual(messages(r).sort(), ['ERROR in web/a', 'ERROR in web/b']);
  assert.deepEqual((r.searchedLogStreams as { logStreamName: string }[]).map((s) => s.logStreamName).sort(), ['web/a', 'web/b']);
  const p1 = await call('FilterLogEvents', { logGroupName: 'g', limit: 4 });
  const p2 = await call('FilterLogEvents', { logGroupName: 'g', limit: 4, nextToken: p1.nextToken });
  assert.equal(messages(p1).length + messages(p2).length, 6);
  assert.equal(p2.nextToken, undefined);
  assert.deepEqual(messages(await call('FilterLogEvents', { logGroupName: 'g', startTime: now() - 5 })).length, 3);
  await rejects(call('FilterLogEvents', { logGroupName: 'g', filterPattern: '{ $.a = 1 }' }), 'InvalidParameterException');
  await rejects(call('FilterLogEvents', { logGroupName: 'g', logStreamNames: ['x'], logStreamNamePrefix: 'y' }), 'InvalidParameterException');
});

test('retention is enforced: expired events are neither returned nor kept', async () => {
  const { store, call, now, advance } = kit();
  await call('CreateLogGroup', { logGroupName: 'g' });
  await rejects(call('PutRetentionPolicy', { logGroupName: 'g', retentionInDays: 2 }), 'InvalidParameterException');
  await call('PutRetentionPolicy', { logGroupName: 'g', retentionInDays: 1 });
  await call('CreateLogStream', { logGroupName: 'g', logStreamName: 's' });
  await call('PutLogEvents', { logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: now(), message: 'old' }] });
  advance(DAY + 1000);
  assert.deepEqual(messages(await call('GetLogEvents', { logGroupName: 'g', logStreamName: 's', startFromHead: true })), []);
  await call('PutLogEvents', { logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: now(), message: 'new' }] });
  const chunks = (await store.list('/berth/logs/chunks/')).records;
  assert.equal(chunks.length, 1, 'the expired chunk was dropped');
  assert.equal(((await call('DescribeLogGroups', {})).logGroups as { retentionInDays: number }[])[0]?.retentionInDays, 1);
  await call('DeleteRetentionPolicy', { logGroupName: 'g' });
  assert.equal(((await call('DescribeLogGroups', {})).logGroups as { retentionInDays?: number }[])[0]?.retentionInDays, undefined);
});

test('deleting a group deletes its streams and events; deletion protection refuses', async () => {
  const { store, call, now } = kit();
  await call('CreateLogGroup', { logGroupName: 'g' });
  await call('CreateLogStream', { logGroupName: 'g', logStreamName: 's' });
  await call('PutLogEvents', { logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: now(), message: 'x' }] });
  await call('DeleteLogGroup', { logGroupName: 'g' });
  assert.equal((await store.list('/berth/logs/')).records.length, 0);
  await rejects(call('DeleteLogGroup', { logGroupName: 'g' }), 'ResourceNotFoundException');
  await call('CreateLogGroup', { logGroupName: 'p', deletionProtectionEnabled: true });
  await rejects(call('DeleteLogGroup', { logGroupName: 'p' }), 'ValidationException', /deletion protection/);
});
