import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryStore } from '../../store/memory-store.js';
import { ManualClock } from '../../platform/clock.js';
import { sealedBoxFromKey } from '../../platform/sealed-box.js';
import { handlerCaller, rejects, requestContext } from '../api/handler-test-kit.js';
import { createSsmHandlers } from './ssm-handlers.js';

function kit() {
  const store = new MemoryStore();
  const clock = new ManualClock(1_700_000_000_000);
  const h = createSsmHandlers({ store, sealedBox: sealedBoxFromKey(randomBytes(32)) });
  const call = handlerCaller(h, (region) => requestContext(clock.now(), region));
  return { store, call };
}

test('put, overwrite and read back by version; history keeps every version', async () => {
  const { call } = kit();
  assert.deepEqual(await call('PutParameter', { Name: '/app/db/host', Value: 'a', Type: 'String' }), { Version: 1, Tier: 'Standard' });
  await rejects(call('PutParameter', { Name: '/app/db/host', Value: 'b' }), 'ParameterAlreadyExists', /overwrite option/);
  assert.equal((await call('PutParameter', { Name: '/app/db/host', Value: 'b', Overwrite: true })).Version, 2);
  const latest = (await call('GetParameter', { Name: '/app/db/host' })).Parameter as Record<string, unknown>;
  assert.equal(latest.Value, 'b');
  assert.equal(latest.ARN, 'arn:aws:ssm:us-east-1:123456789012:parameter/app/db/host');
  const first = (await call('GetParameter', { Name: '/app/db/host:1' })).Parameter as Record<string, unknown>;
  assert.deepEqual([first.Value, first.Version, first.Selector], ['a', 1, ':1']);
  const byArn = (await call('GetParameter', { Name: 'arn:aws:ssm:us-east-1:123456789012:parameter/app/db/host' })).Parameter as Record<string, unknown>;
  assert.equal(byArn.Value, 'b');
  await rejects(call('GetParameter', { Name: '/app/db/host:9' }), 'ParameterVersionNotFound');
  await rejects(call('GetParameter', { Name: '/nope' }), 'ParameterNotFound');
  const history = (await call('GetParameterHistory', { Name: '/app/db/host' })).Parameters as Record<string, unknown>[];
  assert.deepEqual(
    history.map((p) => [p.Version, p.Value]),
    [
      [1, 'a'],
      [2, 'b'],
    ],
  );
});

test('a SecureString is sealed in the store and opened only WithDecryption', async () => {
  const { store, call } = kit();
  await call('PutParameter', { Name: 'db-password', Value: 's3cr3t-value', Type: 'SecureString' });
  const raw = JSON.stringify((await store.list('/berth/')).records);
  assert.ok(!raw.includes('s3cr3t-value'), 'the value is nowhere in the store in the clear');
  const hidden = (await call('GetParameter', { Name: 'db-password' })).Parameter as Record<string, unknown>;
  assert.notEqual(hidden.Value, 's3cr3t-value');
  const shown = (await call('GetParameter', { Name: 'db-password', WithDecryption: true })).Parameter as Record<string, unknown>;
  assert.equal(shown.Value, 's3cr3t-value');
  const meta = ((await call('DescribeParameters', {})).Parameters as Record<string, unknown>[])[0];
  assert.equal(meta?.KeyId, 'alias/aws/ssm');
  assert.equal(JSON.stringify(meta).includes('s3cr3t'), false);
  await rejects(call('PutParameter', { Name: 'x', Value: 'v', Type: 'SecureString', KeyId: 'arn:aws:kms:us-east-1:1:key/k' }), 'InvalidKeyId');
  await rejects(call('PutParameter', { Name: 'y', Value: 'v', Type: 'String', KeyId: 'alias/aws/ssm' }), 'ValidationException', /SecureString/);
});

test('GetParameters splits found and invalid names', async () => {
  const { call } = kit();
  await call('PutParameter', { Name: 'one', Value: '1', Type: 'String' });
  const r = await call('GetParameters', { Names: ['one', 'two'] });
  assert.deepEqual(
    (r.Parameters as { Name: string }[]).map((p) => p.Name),
    ['one'],
  );
  assert.deepEqual(r.InvalidParameters, ['two']);
});

test('GetParametersByPath: one level or recursive, paged, filtered by type', async () => {
  const { call } = kit();
  for (const n of ['/a/x', '/a/y', '/a/b/z', '/c/w']) await call('PutParameter', { Name: n, Value: n, Type: n === '/a/y' ? 'SecureString' : 'String' });
  const names = (r: Record<string, unknown>) => (r.Parameters as { Name: string }[]).map((p) => p.Name);
  assert.deepEqual(names(await call('GetParametersByPath', { Path: '/a' })), ['/a/x', '/a/y']);
  assert.deepEqual(names(await call('GetParametersByPath', { Path: '/a/', Recursive: true })), ['/a/b/z', '/a/x', '/a/y']);
  const p1 = await call('GetParametersByPath', { Path: '/a', Recursive: true, MaxResults: 2 });
  assert.deepEqual(names(p1), ['/a/b/z', '/a/x']);
  const p2 = await call('GetParametersByPath', { Path: '/a', Recursive: true, MaxResults: 2, NextToken: p1.NextToken });
  assert.deepEqual(names(p2), ['/a/y']);
  assert.equal(p2.NextToken, undefined);
  const typed = await call('GetParametersByPath', { Path: '/a', Recursive: true, ParameterFilters: [{ Key: 'Type', Values: ['SecureString'] }] });
  assert.deepEqual(names(typed), ['/a/y']);
  await rejects(call('GetParametersByPath', { Path: '/a', ParameterFilters: [{ Key: 'Name', Values: ['x'] }] }), 'InvalidFilterKey');
  await rejects(call('GetParametersByPath', { Path: '/a', NextToken: 'garbage!' }), 'InvalidNextToken');
  await rejects(call('GetParametersByPath', { Path: 'a' }), 'ValidationException', /forward slash/);
});

test('names are checked as Parameter Store checks them', async () => {
  const { call } = kit();
  await rejects(call('PutParameter', { Name: 'aws-thing', Value: 'v', Type: 'String' }), 'ValidationException', /prefixed with "aws"/);
  await rejects(call('PutParameter', { Name: 'a/b', Value: 'v', Type: 'String' }), 'ValidationException', /fully qualified/);
  await rejects(call('PutParameter', { Name: 'bad name', Value: 'v', Type: 'String' }), 'ValidationException');
  const deep = '/' + Array.from({ length: 16 }, (_, i) => `l${i}`).join('/');
  await rejects(call('PutParameter', { Name: deep, Value: 'v', Type: 'String' }), 'HierarchyLevelLimitExceededException');
  await rejects(call('PutParameter', { Name: 'n', Value: 'v' }), 'ValidationException', /type is required/);
  await rejects(call('PutParameter', { Name: 'n', Value: 'abc', Type: 'String', AllowedPattern: '^[0-9]+$' }), 'ParameterPatternMismatchException');
  await rejects(call('PutParameter', { Name: 'n', Value: 'x'.repeat(4097), Type: 'String' }), 'ValidationException', /4096/);
  assert.equal((await call('PutParameter', { Name: 'big', Value: 'x'.repeat(4097), Type: 'String', Tier: 'Intelligent-Tiering' })).Tier, 'Advanced');
  await rejects(call('PutParameter', { Name: 'n', Value: 'v', Type: 'String', Policies: '[]' }), 'ValidationException', /Policies/);
  await rejects(call('PutParameter', { Name: 'n', Value: 'v', Type: 'String', DataType: 'aws:ec2:image' }), 'ValidationException', /DataType/);
});

test('parameters are per region', async () => {
  const { call } = kit();
  await call('PutParameter', { Name: 'p', Value: 'east', Type: 'String' });
  await rejects(call('GetParameter', { Name: 'p' }, 'eu-west-1'), 'ParameterNotFound');
  await call('PutParameter', { Name: 'p', Value: 'west', Type: 'String' }, 'eu-west-1');
  assert.equal(((await call('GetParameter', { Name: 'p' }, 'eu-west-1')).Parameter as { Value: string }).Value, 'west');
});

test('describe filters, tags, and delete', async () => {
  const { call } = kit();
  await call('PutParameter', { Name: '/t/a', Value: '1', Type: 'String', Tags: [{ Key: 'env', Value: 'prod' }] });
  await call('PutParameter', { Name: '/t/b', Value: '2', Type: 'String' });
  await rejects(
    call('PutParameter', { Name: '/t/b', Value: '3', Overwrite: true, Tags: [{ Key: 'k', Value: 'v' }] }),
    'ValidationException',
    /tags and overwrite/,
  );
  const names = (r: Record<string, unknown>) => (r.Parameters as { Name: string }[]).map((p) => p.Name);
  assert.deepEqual(names(await call('DescribeParameters', { ParameterFilters: [{ Key: 'tag:env', Values: ['prod'] }] })), ['/t/a']);
  assert.deepEqual(names(await call('DescribeParameters', { ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: ['/t/'] }] })), ['/t/a', '/t/b']);
  assert.deepEqual(names(await call('DescribeParameters', { ParameterFilters: [{ Key: 'Path', Option: 'OneLevel', Values: ['/t'] }] })), ['/t/a', '/t/b']);
  await rejects(call('DescribeParameters', { ParameterFilters: [{ Key: 'Name', Option: 'Sideways', Values: ['x'] }] }), 'InvalidFilterOption');
  await call('AddTagsToResource', { ResourceType: 'Parameter', ResourceId: '/t/b', Tags: [{ Key: 'team', Value: 'x' }] });
  assert.deepEqual((await call('ListTagsForResource', { ResourceType: 'Parameter', ResourceId: '/t/b' })).TagList, [{ Key: 'team', Value: 'x' }]);
  await call('RemoveTagsFromResource', { ResourceType: 'Parameter', ResourceId: '/t/b', TagKeys: ['team'] });
  assert.deepEqual((await call('ListTagsForResource', { ResourceType: 'Parameter', ResourceId: '/t/b' })).TagList, []);
  await rejects(call('ListTagsForResource', { ResourceType: 'Document', ResourceId: '/t/b' }), 'InvalidResourceType');
  await rejects(call('ListTagsForResource', { ResourceType: 'Parameter', ResourceId: '/t/zz' }), 'InvalidResourceId');
  assert.deepEqual(await call('DeleteParameters', { Names: ['/t/a', '/t/zz'] }), { DeletedParameters: ['/t/a'], InvalidParameters: ['/t/zz'] });
  await call('DeleteParameter', { Name: '/t/b' });
  await rejects(call('DeleteParameter', { Name: '/t/b' }), 'ParameterNotFound');
  assert.deepEqual((await call('DescribeParameters', {})).Parameters, []);
});
