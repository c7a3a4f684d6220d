import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryStore } from '../../store/memory-store.js';
import { seededRandom } from '../../platform/random.js';
import { sealedBoxFromKey } from '../../platform/sealed-box.js';
import type { RequestContext } from '../api/operation.js';
import { createSsmHandlers } from '../ssm/ssm-handlers.js';
import { createSecretsManagerHandlers } from '../secrets-manager/secrets-manager-handlers.js';
import { handlerSecretSources } from './handler-secret-sources.js';
import { resolveSecrets } from './secret-resolver.js';

async function kit() {
  const store = new MemoryStore();
  const sealedBox = sealedBoxFromKey(randomBytes(32));
  const ssm = createSsmHandlers({ store, sealedBox });
  const sm = createSecretsManagerHandlers({ store, random: seededRandom(1), sealedBox });
  const ctx: RequestContext = { requestId: 'r', region: 'us-east-1', accountId: '123456789012', now: 1_700_000_000_000, sourceIp: '127.0.0.1' };
  const call = (h: typeof ssm, op: string, input: object) => (h[op] as (i: object, c: RequestContext) => Promise<Record<string, unknown>>)(input, ctx);
  await call(ssm, 'PutParameter', { Name: '/app/token', Value: 'tok-1', Type: 'SecureString' });
  await call(ssm, 'PutParameter', { Name: 'plain', Value: 'p', Type: 'String' });
  const db = await call(sm, 'CreateSecret', { Name: 'db', SecretString: JSON.stringify({ username: 'admin', password: 'pw', port: 5432 }) });
  return { sources: handlerSecretSources(ssm, sm), ctx, dbArn: String(db.ARN), call, sm };
}

test('values from both stores, by name, ARN and json key', async () => {
  const { sources, ctx, dbArn } = await kit();
  const r = await resolveSecrets(
    sources,
    [
      { name: 'TOKEN', valueFrom: '/app/token' },
      { name: 'PLAIN', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/plain' },
      { name: 'DB', valueFrom: dbArn },
      { name: 'DB_PASSWORD', valueFrom: `${dbArn}:password::` },
      { name: 'DB_PORT', valueFrom: `${dbArn.replace(/-[A-Za-z0-9]{6}$/, '')}:port::` },
    ],
    ctx,
  );
  assert.ok(r.ok);
  assert.deepEqual(r.values, {
    TOKEN: 'tok-1',
    PLAIN: 'p',
    DB: '{"username":"admin","password":"pw","port":5432}',
    DB_PASSWORD: 'pw',
    DB_PORT: '5432',
  });
});

test('a missing parameter, secret or json key fails with ECS stoppedReason', async () => {
  const { sources, ctx, dbArn } = await kit();
  const missingParam = await resolveSecrets(sources, [{ name: 'X', valueFrom: '/app/missing' }], ctx);
  assert.equal(missingParam.ok, false);
  assert.match(
    !missingParam.ok ? missingParam.reason : '',
    /^ResourceInitializationError: unable to pull secrets or registry auth: .*invalid parameters: \/app\/missing$/,
  );
  const missingSecret = await resolveSecrets(sources, [{ name: 'X', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf' }], ctx);
  assert.match(!missingSecret.ok ? missingSecret.reason : '', /^ResourceInitializationError: .*ResourceNotFoundException/);
  const missingKey = await resolveSecrets(sources, [{ name: 'X', valueFrom: `${dbArn}:nokey::` }], ctx);
  assert.match(!missingKey.ok ? missingKey.reason : '', /did not contain json key nokey/);
});
