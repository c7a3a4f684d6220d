import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsCliPath, requirement } from '../../test/support/requirements.js';
import { CredentialsFileError, parseCredentials } from './credentials-file.js';

test('reads every profile of an AWS credentials file', () => {
  const keys = parseCredentials(`
# comment
[default]
aws_access_key_id = AKIDONE
aws_secret_access_key = secret/one

[ci]
AWS_ACCESS_KEY_ID=AKIDTWO
aws_secret_access_key=two
[incomplete]
aws_access_key_id = NOSECRET
`);
  assert.deepEqual(
    [...keys],
    [
      ['AKIDONE', 'secret/one'],
      ['AKIDTWO', 'two'],
    ],
  );
});

/** Cases whose expected values are what the AWS CLI itself reads (last test). */
const TRICKY = `# a comment line
[a]
aws_access_key_id = K1
aws_secret_access_key = file#secret;part
[b]
aws_access_key_id=K2
aws_secret_access_key=two ; not a comment
[c]
aws_access_key_id: K3
aws_secret_access_key = x # y
  ; an indented comment line
    ; and another
[d]
AWS_ACCESS_KEY_ID = K4
aws_secret_access_key = v
  continued
`;
const EXPECTED: Array<[string, string]> = [
  ['K1', 'file#secret;part'],
  ['K2', 'two ; not a comment'],
  ['K3', 'x # y'],
  ['K4', 'v\ncontinued'],
];

test('# and ; start comments only at the start of a line: a secret holding them is kept whole', () => {
  assert.deepEqual([...parseCredentials(TRICKY)], EXPECTED);
});

test('a line that is neither a header, a key nor a comment is an error, with its line number', () => {
  assert.throws(
    () => parseCredentials('[a]\njust words\n', '/x/credentials'),
    (e: Error) => e instanceof CredentialsFileError && e.message === '/x/credentials, line 2: neither [profile], key = value nor a comment',
  );
  assert.throws(() => parseCredentials('aws_access_key_id = K\n'), /before any \[profile\] header/);
});

test('the AWS CLI reads the same file the same way', { skip: requirement('aws-cli') }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-creds-'));
  try {
    const path = join(dir, 'credentials');
    writeFileSync(path, TRICKY);
    const env = { PATH: process.env.PATH, HOME: dir, AWS_SHARED_CREDENTIALS_FILE: path, AWS_CONFIG_FILE: '/dev/null' };
    const get = async (profile: string, key: string) =>
      (await promisify(execFile)(awsCliPath()!, ['configure', 'get', key, '--profile', profile], { env, timeout: 60_000 })).stdout.replace(/\n$/, '');
    // The secrets are the tricky part; one CLI start per profile keeps this to seconds.
    const secrets = await Promise.all(['a', 'b', 'c', 'd'].map((p) => get(p, 'aws_secret_access_key')));
    assert.deepEqual(
      secrets,
      EXPECTED.map(([, secret]) => secret),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
