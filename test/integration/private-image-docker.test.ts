/**
 * Private images on `berth up` with Docker: the test image pushed to a real registry with basic auth
 * (Debian's docker-registry, htpasswd bcrypt), its local tag removed; a task with
 * `repositoryCredentials` (a Secrets Manager secret `{"username","password"}`) pulls it and runs;
 * without credentials, or with wrong ones, the task stops with ECS's CannotPullContainerError, in its
 * stoppedReason and in the service's events. The password is in no API answer nor Berth's log.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { requirement } from '../support/requirements.js';
import { awsCli } from '../support/aws-cli.js';
import { ensureTestImage, TEST_IMAGE } from '../support/test-image.js';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { startBasicAuthRegistry, type BasicAuthRegistry } from '../support/basic-auth-registry.js';
import { eventually } from '../support/eventually.js';
import { containersOfTask } from '../support/own-containers.js';
import { ecsClient } from '../support/sdk-clients.js';

describe('private images with repositoryCredentials', { skip: requirement('docker') || requirement('aws-cli') }, () => {
  let berth: BerthProcess;
  let registry: BasicAuthRegistry;
  let image: string;
  let ecs: ECSClient;
  let goodArn: string;
  let wrongArn: string;
  const taskArns: string[] = [];
  const answers: string[] = [];

  const runAndWait = async (family: string, status: 'RUNNING' | 'STOPPED'): Promise<Task> => {
    const r = await ecs.send(new RunTaskCommand({ taskDefinition: family }));
    const arn = r.tasks![0]!.taskArn!;
    taskArns.push(arn);
    return eventually(
      async () => {
        const d = await ecs.send(new DescribeTasksCommand({ tasks: [arn] }));
        answers.push(JSON.stringify(d));
        const t = d.tasks![0]!;
        return t.lastStatus === status || t.lastStatus === 'STOPPED' ? t : undefined;
      },
      { what: `${family} ${status}`, timeoutMs: 45_000 },
    );
  };
  const register = (family: string, credentialsParameter?: string) =>
    ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'web', image, memory: 32, ...(credentialsParameter ? { repositoryCredentials: { credentialsParameter } } : {}) }],
      }),
    );

  before(async () => {
    await ensureTestImage();
    registry = await startBasicAuthRegistry();
    image = await registry.push(TEST_IMAGE);
    berth = await startBerthProcess({ args: ['--runtime', 'docker', '--log-level', 'debug'] });
    const conf = { endpoint: berth.apiUrl, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 };
    ecs = ecsClient(conf.endpoint, conf);
    const { aws } = awsCli(berth.apiUrl, { credentials: conf.credentials });
    const createSecret = async (name: string, value: object): Promise<string> =>
      (await aws('secretsmanager', 'create-secret', '--name', name, '--secret-string', JSON.stringify(value))).ARN;
    goodArn = await createSecret('w1/registry', { username: registry.username, password: registry.password });
    wrongArn = await createSecret('w1/registry-wrong', { username: registry.username, password: 'not-the-password' });
  });
  after(async () => {
    for (const arn of taskArns) for (const id of containersOfTask(arn)) execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
    if (image) await registry.removeLocal(image);
    await registry?.close();
  });

  // Failures first: once pulled, the image is local and no pull (with or without auth) happens.
  test('without credentials the pull is refused: CannotPullContainerError in stoppedReason, no container', async () => {
    await register('w1-nocreds');
    const t = await runAndWait('w1-nocreds', 'STOPPED');
    assert.equal(t.stopCode, 'TaskFailedToStart');
    assert.match(t.stoppedReason!, /^CannotPullContainerError: Error response from daemon: .*no basic auth credentials/);
    assert.deepEqual(containersOfTask(t.taskArn!), []);
  });

  test('with wrong credentials: CannotPullContainerError, and the service event says it', async () => {
    await register('w1-wrong', wrongArn);
    const t = await runAndWait('w1-wrong', 'STOPPED');
    assert.equal(t.stopCode, 'TaskFailedToStart');
    assert.match(t.stoppedReason!, /^CannotPullContainerError: Error response from daemon: .*(unauthorized|authentication required)/);
    await ecs.send(new CreateServiceCommand({ serviceName: 'w1-private', taskDefinition: 'w1-wrong', desiredCount: 1 }));
    const s = await eventually(
      async () => {
        const d = (await ecs.send(new DescribeServicesCommand({ services: ['w1-private'] }))).services![0]!;
        return d.events?.some((e) => /failed to start: CannotPullContainerError: Error response from daemon: /.test(e.message ?? '')) ? d : undefined;
      },
      { what: 'the pull failure in the service events', timeoutMs: 45_000 },
    );
    answers.push(JSON.stringify(s));
    await ecs.send(new UpdateServiceCommand({ service: 'w1-private', desiredCount: 0 }));
  });

  test('with the Secrets Manager credentials the image is pulled and the task runs', async () => {
    await register('w1-private', goodArn);
    const t = await runAndWait('w1-private', 'RUNNING');
    assert.equal(t.lastStatus, 'RUNNING', t.stoppedReason);
    assert.ok(t.pullStartedAt && t.pullStoppedAt);
    assert.equal(containersOfTask(t.taskArn!).length, 1);
    const inspected = JSON.parse(execFileSync('docker', ['inspect', containersOfTask(t.taskArn!)[0]!], { encoding: 'utf8' }))[0];
    assert.equal(inspected.Config.Image, image);
    assert.match(berth.output(), /pulling .* with repositoryCredentials/);
  });

  test("the registry password is in no API answer and not in Berth's log", () => {
    for (const a of answers) assert.ok(!a.includes(registry.password), a);
    assert.ok(!berth.output().includes(registry.password));
    assert.ok(!berth.output().includes('not-the-password'), 'a failed pull logs no password either');
  });
});
