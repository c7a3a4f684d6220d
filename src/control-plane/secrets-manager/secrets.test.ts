import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryStore } from '../../store/memory-store.js';
import { seededRandom } from '../../platform/random.js';
import { sealedBoxFromKey } from '../../platform/sealed-box.js';
import { handlerCaller, rejects, requestContext } from '../api/handler-test-kit.js';
import { createSecretsManagerHandlers } from './secrets-manager-handlers.js';

function kit() {
  const store = new MemoryStore();
  let now = 1_700_000_000_000;
  const h = createSecretsManagerHandlers({ store, random: seededRandom(7), sealedBox: sealedBoxFromKey(randomBytes(32)) });
  const call = handlerCaller(h, () => requestContext(now));
  return { store, call, advance: (ms: number) => (now += ms) };
}

test('create, read by name, full ARN and partial ARN; the value is sealed in the store', async () => {
  const { store, call } = kit();
  const created = await call('CreateSecret', { Name: 'prod/db', SecretString: '{"username":"u","password":"pw-123456"}' });
  assert.match(String(created.ARN), /^arn:aws:secretsmanager:us-east-1:123456789012:secret:prod\/db-[A-Za-z0-9]{6}$/);
  for (const id of ['prod/db', created.ARN, 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db']) {
    const v = await call('GetSecretValue', { SecretId: id });
    assert.equal(v.SecretString, '{"username":"u","password":"pw-123456"}');
    assert.deepEqual(v.VersionStages, ['AWSCURRENT']);
  }
  assert.ok(!JSON.stringify((await store.list('/berth/')).records).includes('pw-123456'));
  const described = await call('DescribeSecret', { SecretId: 'prod/db' });
  assert.ok(!JSON.stringify(described).includes('pw-123456'));
  await rejects(call('CreateSecret', { Name: 'prod/db', SecretString: 'x' }), 'ResourceExistsException');
  await rejects(call('GetSecretValue', { SecretId: 'nope' }), 'ResourceNotFoundException');
  await rejects(call('GetSecretValue', { SecretId: `${String(created.ARN).slice(0, -6)}ZZZZZZ` }), 'ResourceNotFoundException');
});

test('new versions move AWSCURRENT and AWSPREVIOUS; stages and version ids select', async () => {
  const { call } = kit();
  const v1 = await call('CreateSecret', { Name: 's', SecretString: 'one', ClientRequestToken: '11111111-1111-1111-1111-111111111111' });
  assert.equal(v1.VersionId, '11111111-1111-1111-1111-111111111111');
  const v2 = await call('PutSecretValue', { SecretId: 's', SecretString: 'two' });
  assert.deepEqual(v2.VersionStages, ['AWSCURRENT']);
  assert.equal((await call('GetSecretValue', { SecretId: 's' })).SecretString, 'two');
  assert.equal((await call('GetSecretValue', { SecretId: 's', VersionStage: 'AWSPREVIOUS' })).SecretString, 'one');
  assert.equal((await call('GetSecretValue', { SecretId: 's', VersionId: v1.VersionId })).SecretString, 'one');
  await rejects(call('GetSecretValue', { SecretId: 's', VersionStage: 'NOPE' }), 'ResourceNotFoundException');
  // The same token and value is the same request; the same token with another value is refused.
  await call('PutSecretValue', { SecretId: 's', SecretString: 'two', ClientRequestToken: v2.VersionId });
  await rejects(call('PutSecretValue', { SecretId: 's', SecretString: 'other', ClientRequestToken: v2.VersionId }), 'ResourceExistsException');
  const staged = await call('PutSecretValue', { SecretId: 's', SecretString: 'pending', VersionStages: ['AWSPENDING'] });
  assert.equal((await call('GetSecretValue', { SecretId: 's' })).SecretString, 'two', 'a custom stage leaves AWSCURRENT');
  assert.equal((await call('GetSecretValue', { SecretId: 's', VersionStage: 'AWSPENDING' })).VersionId, staged.VersionId);
  const upd = await call('UpdateSecret', { SecretId: 's', SecretString: 'three', Description: 'd' });
  assert.equal((await call('GetSecretValue', { SecretId: 's' })).VersionId, upd.VersionId);
  assert.equal((await call('DescribeSecret', { SecretId: 's' })).Description, 'd');
  const bin = await call('CreateSecret', { Name: 'b', SecretBinary: Buffer.from([1, 2, 3]) });
  assert.deepEqual([...((await call('GetSecretValue', { SecretId: bin.ARN })).SecretBinary as Buffer)], [1, 2, 3]);
});

test('bad input gets Secrets Manager codes', async () => {
  const { call } = kit();
  await rejects(call('CreateSecret', { Name: 'bad name!', SecretString: 'x' }), 'InvalidParameterException');
  await rejects(call('CreateSecret', { Name: 'x', SecretString: 'a', SecretBinary: Buffer.from('b') }), 'InvalidParameterException', /both/);
  await rejects(call('CreateSecret', { Name: 'x', SecretString: 'a', KmsKeyId: 'arn:aws:kms:us-east-1:1:key/k' }), 'InvalidParameterException', /KmsKeyId/);
  await rejects(call('CreateSecret', { Name: 'x', SecretString: 'a', AddReplicaRegions: [{ Region: 'eu-west-1' }] }), 'InvalidParameterException', /Replica/);
  await rejects(call('CreateSecret', { Name: 'x', SecretString: 'a'.repeat(65_537) }), 'InvalidParameterException');
  await call('CreateSecret', { Name: 'x', SecretString: 'a' });
  await rejects(call('DeleteSecret', { SecretId: 'x', RecoveryWindowInDays: 3 }), 'InvalidParameterException', /between 7 and 30/);
  await rejects(call('DeleteSecret', { SecretId: 'x', RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true }), 'InvalidParameterException');
  await rejects(call('ListSecrets', { Filters: [{ Key: 'owning-service', Values: ['x'] }] }), 'InvalidParameterException');
});

test('delete with a recovery window, restore, and the window ending; forced delete is at once', async () => {
  const { call, advance } = kit();
  await call('CreateSecret', { Name: 'w', SecretString: 'v' });
  const del = await call('DeleteSecret', { SecretId: 'w', RecoveryWindowInDays: 7 });
  assert.equal(typeof del.DeletionDate, 'number');
  await rejects(call('GetSecretValue', { SecretId: 'w' }), 'InvalidRequestException', /marked for deletion/);
  await rejects(call('CreateSecret', { Name: 'w', SecretString: 'again' }), 'InvalidRequestException', /scheduled for deletion/);
  assert.deepEqual(((await call('ListSecrets', {})).SecretList as unknown[]).length, 0);
  assert.deepEqual(((await call('ListSecrets', { IncludePlannedDeletion: true })).SecretList as unknown[]).length, 1);
  await call('RestoreSecret', { SecretId: 'w' });
  assert.equal((await call('GetSecretValue', { SecretId: 'w' })).SecretString, 'v');
  await call('DeleteSecret', { SecretId: 'w' });
  advance(30 * 86_400_000 + 1);
  await rejects(call('DescribeSecret', { SecretId: 'w' }), 'ResourceNotFoundException');
  await call('CreateSecret', { Name: 'w', SecretString: 'new' });
  await call('DeleteSecret', { SecretId: 'w', ForceDeleteWithoutRecovery: true });
  await rejects(call('GetSecretValue', { SecretId: 'w' }), 'ResourceNotFoundException');
});

test('list with filters, paging and sort order; tags', async () => {
  const { call, advance } = kit();
  for (const n of ['app/a', 'app/b', 'other']) {
    await call('CreateSecret', { Name: n, SecretString: 'v', Tags: n === 'other' ? [{ Key: 'team', Value: 'blue' }] : [] });
    advance(1000);
  }
  const names = (r: Record<string, unknown>) => (r.SecretList as { Name: string }[]).map((s) => s.Name);
  assert.deepEqual(names(await call('ListSecrets', { Filters: [{ Key: 'name', Values: ['APP/'] }] })), ['app/a', 'app/b']);
  assert.deepEqual(names(await call('ListSecrets', { Filters: [{ Key: 'name', Values: ['!app'] }] })), ['other']);
  assert.deepEqual(names(await call('ListSecrets', { Filters: [{ Key: 'tag-value', Values: ['blue'] }] })), ['other']);
  assert.deepEqual(names(await call('ListSecrets', { SortOrder: 'desc' })), ['other', 'app/b', 'app/a']);
  const p1 = await call('ListSecrets', { MaxResults: 2 });
  const p2 = await call('ListSecrets', { MaxResults: 2, NextToken: p1.NextToken });
  assert.deepEqual([...names(p1), ...names(p2)], ['app/a', 'app/b', 'other']);
  await rejects(call('ListSecrets', { NextToken: '%%%' }), 'InvalidNextTokenException');
  await call('TagResource', { SecretId: 'app/a', Tags: [{ Key: 'k', Value: 'v' }] });
  assert.deepEqual((await call('DescribeSecret', { SecretId: 'app/a' })).Tags, [{ Key: 'k', Value: 'v' }]);
  await call('UntagResource', { SecretId: 'app/a', TagKeys: ['k'] });
  assert.deepEqual((await call('DescribeSecret', { SecretId: 'app/a' })).Tags, []);
});
