import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryStore } from '../../store/memory-store.js';
import { seededRandom } from '../../platform/random.js';
import { sealedBoxFromKey } from '../../platform/sealed-box.js';
import type { RequestContext } from '../api/operation.js';
import type { AssignedContainer } from '../../protocols/agent/index.js';
import { createSsmHandlers } from '../ssm/ssm-handlers.js';
import { createSecretsManagerHandlers } from '../secrets-manager/secrets-manager-handlers.js';
import { handlerSecretSources } from './handler-secret-sources.js';
import { resolveTaskSecrets } from './task-secrets.js';

async function kit() {
  const store = new MemoryStore();
  const sealedBox = sealedBoxFromKey(randomBytes(32));
  const ssm = createSsmHandlers({ store, sealedBox });
  const sm = createSecretsManagerHandlers({ store, random: seededRandom(2), sealedBox });
  const ctx: RequestContext = { requestId: 'r', region: 'us-east-1', accountId: '123456789012', now: 1_700_000_000_000, sourceIp: '127.0.0.1' };
  const call = (h: typeof ssm, op: string, input: object) => (h[op] as (i: object, c: RequestContext) => Promise<Record<string, unknown>>)(input, ctx);
  await call(ssm, 'PutParameter', { Name: '/log/key', Value: 'log-key', Type: 'SecureString' });
  const reg = await call(sm, 'CreateSecret', { Name: 'reg', SecretString: '{"username":"u","password":"p"}' });
  await call(sm, 'CreateSecret', { Name: 'notjson', SecretString: 'just a string' });
  return { sources: handlerSecretSources(ssm, sm), ctx, regArn: String(reg.ARN) };
}

const container = (over: Partial<AssignedContainer>): AssignedContainer => ({
  name: 'app',
  image: 'img',
  essential: true,
  environment: {},
  portMappings: [],
  stopTimeoutS: 30,
  ...over,
});

test('registry auth by ARN or name, log secretOptions into logOptions, per container', async () => {
  const { sources, ctx, regArn } = await kit();
  const r = await resolveTaskSecrets(
    sources,
    [
      container({
        credentialsParameter: regArn,
        logConfiguration: { logDriver: 'json-file', options: {}, secretOptions: [{ name: 'key', valueFrom: '/log/key' }] },
      }),
      container({ name: 'side', credentialsParameter: 'reg' }),
      container({ name: 'plain' }),
    ],
    ctx,
  );
  assert.deepEqual(r, {
    ok: true,
    containers: [
      { name: 'app', environment: {}, registryAuth: { username: 'u', password: 'p' }, logOptions: { key: 'log-key' } },
      { name: 'side', environment: {}, registryAuth: { username: 'u', password: 'p' } },
      { name: 'plain', environment: {} },
    ],
  });
});

test('registry credentials that are missing or not {username, password}, or a missing log secret: ECS stoppedReason', async () => {
  const { sources, ctx } = await kit();
  const missing = await resolveTaskSecrets(sources, [container({ credentialsParameter: 'gone' })], ctx);
  assert.match(
    !missing.ok ? missing.stoppedReason : '',
    /^ResourceInitializationError: unable to pull secrets or registry auth: .*failed to fetch secret gone .*ResourceNotFoundException/,
  );
  const notJson = await resolveTaskSecrets(sources, [container({ credentialsParameter: 'notjson' })], ctx);
  assert.match(!notJson.ok ? notJson.stoppedReason : '', /must be JSON with "username" and "password"/);
  const log = await resolveTaskSecrets(
    sources,
    [container({ logConfiguration: { logDriver: 'json-file', options: {}, secretOptions: [{ name: 'k', valueFrom: '/log/none' }] } })],
    ctx,
  );
  assert.match(!log.ok ? log.stoppedReason : '', /invalid parameters: \/log\/none$/);
});
