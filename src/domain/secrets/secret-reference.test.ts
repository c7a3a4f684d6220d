import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretReference, parseSecretReference } from './secret-reference.js';

test('parameter names and ARNs are SSM references', () => {
  assert.deepEqual(parseSecretReference('/app/db/password'), { kind: 'ssm', parameter: '/app/db/password' });
  assert.deepEqual(parseSecretReference('arn:aws:ssm:us-east-1:1:parameter/app/x'), { kind: 'ssm', parameter: 'arn:aws:ssm:us-east-1:1:parameter/app/x' });
});

test('a secret ARN with its json-key, version-stage and version-id suffix', () => {
  const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf';
  assert.deepEqual(parseSecretReference(arn), { kind: 'secretsmanager', secretId: arn });
  assert.deepEqual(parseSecretReference(`${arn}:password::`), { kind: 'secretsmanager', secretId: arn, jsonKey: 'password' });
  assert.deepEqual(parseSecretReference(`${arn}::AWSPREVIOUS:`), { kind: 'secretsmanager', secretId: arn, versionStage: 'AWSPREVIOUS' });
  assert.deepEqual(parseSecretReference(`${arn}:user::0b1c`), { kind: 'secretsmanager', secretId: arn, jsonKey: 'user', versionId: '0b1c' });
});

test('shapes ECS refuses', () => {
  assert.equal(isSecretReference(''), false);
  assert.equal(isSecretReference('arn:aws:s3:::bucket/key'), false);
  assert.equal(isSecretReference('arn:aws:ssm:us-east-1:1:document/x'), false);
  assert.equal(isSecretReference('arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf:a:b:c:d'), false);
  assert.equal(isSecretReference('arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf:password::'), true);
  assert.equal(isSecretReference('plain-name'), true);
});
