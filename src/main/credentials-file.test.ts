import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCredentials } from './credentials-file.js';

test('reads every profile of an AWS credentials file', () => {
  const keys = parseCredentials(`
# comment
[default]
aws_access_key_id = AKIDONE
aws_secret_access_key = secret/one

[ci]
AWS_ACCESS_KEY_ID=AKIDTWO
aws_secret_access_key=two ; trailing comment
[incomplete]
aws_access_key_id = NOSECRET
`);
  assert.deepEqual([...keys], [
    ['AKIDONE', 'secret/one'],
    ['AKIDTWO', 'two'],
  ]);
});
