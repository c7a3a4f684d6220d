/**
 * Parameter Store, Secrets Manager and CloudWatch Logs through the unmodified AWS CLI v2 against a
 * real `berth server`: the commands their users type (`aws ssm put-parameter`, `aws secretsmanager
 * create-secret`, `aws logs get-log-events`, `aws logs tail`), and a secret's value nowhere in the
 * clear: not in another API answer, Berth's log, or the database file.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { requirement } from '../support/requirements.js';
import { awsCli } from '../support/aws-cli.js';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';

const SECRET = 'pw-7f3a9c1e-never-in-clear';

describe('SSM, Secrets Manager and Logs through the AWS CLI v2', { skip: requirement('aws-cli') }, () => {
  let berth: BerthProcess;
  const { raw, aws, awsFails } = awsCli(() => berth.apiUrl);
  const answers: string[] = [];

  before(async () => {
    berth = await startBerthProcess({ command: 'server' });
  });
  after(async () => {
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
  });

  // The three services are independent, and each AWS CLI call is a Python start-up: they run side by side.
  describe('the three services, side by side', { concurrency: true }, () => {
    test('ssm: put, overwrite, get with decryption, by path, history, delete', async () => {
      assert.equal((await aws('ssm', 'put-parameter', '--name', '/app/db/password', '--value', SECRET, '--type', 'SecureString')).Version, 1);
      await aws('ssm', 'put-parameter', '--name', '/app/db/host', '--value', 'db.local', '--type', 'String');
      assert.match(await awsFails('ssm', 'put-parameter', '--name', '/app/db/host', '--value', 'x', '--type', 'String'), /ParameterAlreadyExists/);
      assert.equal((await aws('ssm', 'put-parameter', '--name', '/app/db/host', '--value', 'db2.local', '--overwrite')).Version, 2);
      const hidden = await aws('ssm', 'get-parameter', '--name', '/app/db/password');
      answers.push(JSON.stringify(hidden));
      assert.notEqual(hidden.Parameter.Value, SECRET);
      const shown = await aws('ssm', 'get-parameter', '--name', '/app/db/password', '--with-decryption');
      assert.equal(shown.Parameter.Value, SECRET);
      const byPath = await aws('ssm', 'get-parameters-by-path', '--path', '/app', '--recursive');
      answers.push(JSON.stringify(byPath));
      assert.deepEqual(
        byPath.Parameters.map((p: { Name: string }) => p.Name),
        ['/app/db/host', '/app/db/password'],
      );
      const described = await aws('ssm', 'describe-parameters');
      answers.push(JSON.stringify(described));
      assert.equal(described.Parameters.length, 2);
      const history = await aws('ssm', 'get-parameter-history', '--name', '/app/db/host');
      assert.deepEqual(
        history.Parameters.map((p: { Value: string }) => p.Value),
        ['db.local', 'db2.local'],
      );
      assert.match(await awsFails('ssm', 'get-parameter', '--name', '/nope'), /ParameterNotFound/);
      await aws('ssm', 'add-tags-to-resource', '--resource-type', 'Parameter', '--resource-id', '/app/db/host', '--tags', 'Key=env,Value=prod');
      assert.deepEqual((await aws('ssm', 'list-tags-for-resource', '--resource-type', 'Parameter', '--resource-id', '/app/db/host')).TagList, [
        { Key: 'env', Value: 'prod' },
      ]);
      await aws('ssm', 'delete-parameter', '--name', '/app/db/host');
      assert.match(await awsFails('ssm', 'delete-parameter', '--name', '/app/db/host'), /ParameterNotFound/);
    });

    test('secretsmanager: create, get by stage, put a new version, delete and restore', async () => {
      const created = await aws(
        'secretsmanager',
        'create-secret',
        '--name',
        'prod/db',
        '--secret-string',
        JSON.stringify({ username: 'admin', password: SECRET }),
      );
      assert.match(created.ARN, /:secret:prod\/db-[A-Za-z0-9]{6}$/);
      assert.equal(JSON.parse((await aws('secretsmanager', 'get-secret-value', '--secret-id', 'prod/db')).SecretString).password, SECRET);
      await aws('secretsmanager', 'put-secret-value', '--secret-id', created.ARN, '--secret-string', '{"username":"admin","password":"rotated"}');
      const previous = await aws('secretsmanager', 'get-secret-value', '--secret-id', 'prod/db', '--version-stage', 'AWSPREVIOUS');
      assert.equal(JSON.parse(previous.SecretString).password, SECRET);
      const described = await aws('secretsmanager', 'describe-secret', '--secret-id', 'prod/db');
      answers.push(JSON.stringify(described), JSON.stringify(await aws('secretsmanager', 'list-secrets')));
      assert.equal(Object.keys(described.VersionIdsToStages).length, 2);
      assert.match(await awsFails('secretsmanager', 'create-secret', '--name', 'prod/db', '--secret-string', 'x'), /ResourceExistsException/);
      await aws('secretsmanager', 'delete-secret', '--secret-id', 'prod/db', '--recovery-window-in-days', '7');
      assert.match(await awsFails('secretsmanager', 'get-secret-value', '--secret-id', 'prod/db'), /InvalidRequestException/);
      await aws('secretsmanager', 'restore-secret', '--secret-id', 'prod/db');
      assert.equal(JSON.parse((await aws('secretsmanager', 'get-secret-value', '--secret-id', 'prod/db')).SecretString).password, 'rotated');
      await aws('secretsmanager', 'delete-secret', '--secret-id', 'prod/db', '--force-delete-without-recovery');
      assert.match(await awsFails('secretsmanager', 'get-secret-value', '--secret-id', 'prod/db'), /ResourceNotFoundException/);
    });

    test('logs: groups, streams, events read back by get-log-events, filter-log-events and tail', async () => {
      await aws('logs', 'create-log-group', '--log-group-name', '/ecs/web');
      assert.match(await awsFails('logs', 'create-log-group', '--log-group-name', '/ecs/web'), /ResourceAlreadyExistsException/);
      await aws('logs', 'create-log-stream', '--log-group-name', '/ecs/web', '--log-stream-name', 'ecs/web/task1');
      const now = Date.now();
      await aws(
        'logs',
        'put-log-events',
        '--log-group-name',
        '/ecs/web',
        '--log-stream-name',
        'ecs/web/task1',
        '--log-events',
        `timestamp=${now - 2},message=hello`,
        `timestamp=${now - 1},message=ERROR boom`,
      );
      const got = await aws('logs', 'get-log-events', '--log-group-name', '/ecs/web', '--log-stream-name', 'ecs/web/task1', '--start-from-head');
      assert.deepEqual(
        got.events.map((e: { message: string }) => e.message),
        ['hello', 'ERROR boom'],
      );
      const filtered = await aws('logs', 'filter-log-events', '--log-group-name', '/ecs/web', '--filter-pattern', 'ERROR');
      assert.deepEqual(
        filtered.events.map((e: { message: string }) => e.message),
        ['ERROR boom'],
      );
      const tail = await raw('logs', 'tail', '/ecs/web', '--since', '1h', '--format', 'short');
      assert.match(tail, /hello[\s\S]*ERROR boom/);
      await aws('logs', 'put-retention-policy', '--log-group-name', '/ecs/web', '--retention-in-days', '7');
      assert.equal((await aws('logs', 'describe-log-groups')).logGroups[0].retentionInDays, 7);
      assert.match(await awsFails('logs', 'put-retention-policy', '--log-group-name', '/ecs/web', '--retention-in-days', '2'), /InvalidParameterException/);
      await aws('logs', 'delete-log-group', '--log-group-name', '/ecs/web');
      assert.match(await awsFails('logs', 'describe-log-streams', '--log-group-name', '/ecs/web'), /ResourceNotFoundException/);
    });
  });

  test('the secret value is in no other answer, in no log line, and not in the clear on disk', () => {
    for (const a of answers) assert.ok(!a.includes(SECRET), a);
    assert.ok(!berth.output().includes(SECRET));
    // Every file, in subdirectories too (the CA, access logs).
    for (const f of readdirSync(berth.dataDir, { recursive: true, encoding: 'utf8' })) {
      const path = join(berth.dataDir, f);
      if (!statSync(path).isFile()) continue;
      assert.ok(!readFileSync(path).includes(SECRET), `${f} holds the secret in the clear`);
    }
  });
});
