/**
 * Task secrets end to end on `berth up` with Docker: an SSM SecureString and a Secrets Manager JSON
 * key, created with the AWS CLI v2, reach a real container's environment (read back through `berth
 * logs` and, shipped by the awslogs driver, `aws logs get-log-events`), and their values are in no API answer (DescribeTasks, DescribeTaskDefinition) nor in Berth's
 * own log. A missing secret stops the task before any container exists (ECS's stoppedReason,
 * TaskFailedToStart); in a service, the event says so and the circuit breaker counts it. A malformed
 * valueFrom is refused at RegisterTaskDefinition.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type ECSClient,
  RunTaskCommand,
  UpdateServiceCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { requirement } from '../support/requirements.js';
import { awsCli } from '../support/aws-cli.js';
import { ensureTestImage, TEST_IMAGE } from '../support/test-image.js';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { berthCli } from './cli-harness.js';
import { eventually } from '../support/eventually.js';
import { containersOfTask } from '../support/own-containers.js';
import { ecsClient } from '../support/sdk-clients.js';

const TOKEN = `tok-${randomBytes(8).toString('hex')}`;
const DB_PASSWORD = `dbpw-${randomBytes(8).toString('hex')}`;

describe('task secrets on Docker', { skip: requirement('docker') || requirement('aws-cli') }, () => {
  let berth: BerthProcess;
  let ecs: ECSClient;
  const taskArns: string[] = [];
  const answers: string[] = [];
  const { aws, awsFails } = awsCli(() => berth.apiUrl);
  const describeTask = async (arn: string): Promise<Task> => {
    const d = await ecs.send(new DescribeTasksCommand({ tasks: [arn] }));
    answers.push(JSON.stringify(d));
    return d.tasks![0]!;
  };
  let dbArn: string;

  before(async () => {
    await ensureTestImage();
    // debug: the most Berth ever logs, so "not in the log" means something.
    berth = await startBerthProcess({ args: ['--runtime', 'docker', '--log-level', 'debug'] });
    ecs = ecsClient(berth.apiUrl, { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    await aws('ssm', 'put-parameter', '--name', '/w1/token', '--value', TOKEN, '--type', 'SecureString');
    dbArn = (await aws('secretsmanager', 'create-secret', '--name', 'w1/db', '--secret-string', JSON.stringify({ username: 'admin', password: DB_PASSWORD })))
      .ARN;
  });
  after(async () => {
    for (const arn of taskArns) for (const id of containersOfTask(arn)) execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
  });

  test('a malformed valueFrom is refused at RegisterTaskDefinition; a missing parameter or secret comes from its service', async () => {
    const bad = (valueFrom: string) =>
      awsFails(
        'ecs',
        'register-task-definition',
        '--family',
        'w1-bad',
        '--container-definitions',
        JSON.stringify([{ name: 'app', image: TEST_IMAGE, memory: 32, secrets: [{ name: 'X', valueFrom }] }]),
      );
    assert.match(await bad('arn:aws:s3:::bucket/key'), /ClientException.*Invalid 'secrets' setting for container 'app'/);
    assert.match(await bad(`${dbArn}:k:AWSCURRENT:v:extra`), /ClientException.*valueFrom of 'X'/);
    const badCreds = await awsFails(
      'ecs',
      'register-task-definition',
      '--family',
      'w1-bad',
      '--container-definitions',
      JSON.stringify([
        { name: 'app', image: TEST_IMAGE, memory: 32, repositoryCredentials: { credentialsParameter: 'arn:aws:ssm:us-east-1:000000000000:parameter/x' } },
      ]),
    );
    assert.match(badCreds, /ClientException.*repositoryCredentials\.credentialsParameter/);
    assert.match(await awsFails('ssm', 'get-parameter', '--name', '/w1/absent'), /ParameterNotFound/);
    assert.match(await awsFails('secretsmanager', 'get-secret-value', '--secret-id', 'w1/absent'), /ResourceNotFoundException/);
  });

  test('values from both stores are in the container env (berth logs), and in no API answer', async () => {
    await aws(
      'ecs',
      'register-task-definition',
      '--family',
      'w1-env',
      '--container-definitions',
      JSON.stringify([
        {
          name: 'app',
          image: TEST_IMAGE,
          memory: 32,
          command: ['sh', '-c', 'env; exec sleep 600'],
          environment: [{ name: 'PLAIN', value: 'visible' }],
          secrets: [
            { name: 'TOKEN', valueFrom: '/w1/token' },
            { name: 'DB_PASSWORD', valueFrom: `${dbArn}:password::` },
          ],
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/w1/env', 'awslogs-create-group': 'true', 'awslogs-stream-prefix': 'w1' } },
        },
      ]),
    );
    const r = await ecs.send(new RunTaskCommand({ taskDefinition: 'w1-env' }));
    const arn = r.tasks![0]!.taskArn!;
    taskArns.push(arn);
    answers.push(JSON.stringify(r));
    await eventually(async () => ((await describeTask(arn)).lastStatus === 'RUNNING' ? true : undefined), { what: 'the task RUNNING', timeoutMs: 45_000 });
    const logs = await eventually(
      async () => {
        const out = await berthCli(berth.apiUrl, ['logs', arn.split('/').pop()!, '--tail', '100']);
        return out.stdout.includes('DB_PASSWORD=') ? out.stdout : undefined;
      },
      { what: 'the env in berth logs', timeoutMs: 45_000 },
    );
    assert.match(logs, new RegExp(`^TOKEN=${TOKEN}$`, 'm'));
    assert.match(logs, new RegExp(`^DB_PASSWORD=${DB_PASSWORD}$`, 'm'));
    assert.match(logs, /^PLAIN=visible$/m);
    // The same lines through the awslogs driver, read back as a user would: aws logs get-log-events on prefix/container/task-id.
    const shipped = await eventually(
      async () => {
        const out = await aws(
          'logs',
          'get-log-events',
          '--log-group-name',
          '/w1/env',
          '--log-stream-name',
          `w1/app/${arn.split('/').pop()!}`,
          '--start-from-head',
        );
        const text = (out.events as { message: string }[]).map((e) => e.message).join('\n');
        return text.includes('DB_PASSWORD=') ? text : undefined;
      },
      { what: 'the env in CloudWatch Logs', timeoutMs: 45_000 },
    );
    assert.match(shipped, new RegExp(`^TOKEN=${TOKEN}$`, 'm'));
    assert.match(shipped, new RegExp(`^DB_PASSWORD=${DB_PASSWORD}$`, 'm'));
    const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'w1-env' }));
    answers.push(JSON.stringify(td));
    assert.deepEqual(td.taskDefinition!.containerDefinitions![0]!.secrets, [
      { name: 'TOKEN', valueFrom: '/w1/token' },
      { name: 'DB_PASSWORD', valueFrom: `${dbArn}:password::` },
    ]);
    answers.push(JSON.stringify(await aws('ecs', 'describe-tasks', '--tasks', arn)));
  });

  test('a missing secret stops the task before any container starts: TaskFailedToStart, ECS stoppedReason', async () => {
    await aws(
      'ecs',
      'register-task-definition',
      '--family',
      'w1-missing',
      '--container-definitions',
      JSON.stringify([{ name: 'app', image: TEST_IMAGE, memory: 32, secrets: [{ name: 'GONE', valueFrom: '/w1/absent' }] }]),
    );
    const arn = (await ecs.send(new RunTaskCommand({ taskDefinition: 'w1-missing' }))).tasks![0]!.taskArn!;
    taskArns.push(arn);
    const t = await eventually(
      async () => {
        const d = await describeTask(arn);
        return d.lastStatus === 'STOPPED' ? d : undefined;
      },
      { what: 'the task STOPPED', timeoutMs: 45_000 },
    );
    assert.equal(t.stopCode, 'TaskFailedToStart');
    assert.match(t.stoppedReason!, /^ResourceInitializationError: unable to pull secrets or registry auth: .*invalid parameters: \/w1\/absent$/);
    assert.equal(t.startedAt, undefined);
    assert.deepEqual(containersOfTask(arn), [], 'no container was ever created');
  });

  test('in a service: the event tells the reason and the circuit breaker counts the failed task', async () => {
    await ecs.send(
      new CreateServiceCommand({
        serviceName: 'w1-svc',
        taskDefinition: 'w1-missing',
        desiredCount: 1,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
      }),
    );
    const svc = await eventually(
      async () => {
        const s = (await ecs.send(new DescribeServicesCommand({ services: ['w1-svc'] }))).services![0]!;
        return s.events?.some((e) =>
          /\(task [0-9a-f]+\) failed to start: ResourceInitializationError: unable to pull secrets or registry auth: /.test(e.message ?? ''),
        ) && (s.deployments?.[0]?.failedTasks ?? 0) >= 1
          ? s
          : undefined;
      },
      { what: 'the failed start in the service events', timeoutMs: 45_000 },
    );
    answers.push(JSON.stringify(svc));
    await ecs.send(new UpdateServiceCommand({ service: 'w1-svc', desiredCount: 0 }));
  });

  test("the values are in no API answer and not in Berth's log", () => {
    assert.ok(answers.length >= 5);
    for (const a of answers) {
      assert.ok(!a.includes(TOKEN), a);
      assert.ok(!a.includes(DB_PASSWORD), a);
    }
    assert.ok(berth.output().length > 0);
    assert.ok(!berth.output().includes(TOKEN), 'token in the log');
    assert.ok(!berth.output().includes(DB_PASSWORD), 'password in the log');
  });
});
