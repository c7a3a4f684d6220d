/**
 * The awslogs log driver end to end on `berth up` with Docker and the AWS CLI v2: a container's stdout
 * and stderr read back with `aws logs get-log-events` from ECS's `prefix/container/task-id` stream and
 * with `aws logs tail`; awslogs-multiline-pattern joining lines; a missing group without
 * awslogs-create-group stopping the task with the daemon's reason; unknown drivers refused at
 * RegisterTaskDefinition; and a berth killed (-9) while a container writes, restarted on the same
 * data dir, storing every line exactly once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { requirement } from '../support/requirements.js';
import { awsCli } from '../support/aws-cli.js';
import { ensureTestImage, TEST_IMAGE } from '../support/test-image.js';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { berthCli } from './cli-harness.js';
import { eventually } from '../support/eventually.js';
import { containersOfTask } from '../support/own-containers.js';

const SUFFIX = randomBytes(4).toString('hex');
const GROUP = `/w4/awslogs-${SUFFIX}`;

describe('the awslogs log driver on Docker', { skip: requirement('docker') || requirement('aws-cli') }, () => {
  let berth: BerthProcess;
  const taskArns: string[] = [];
  const { raw, aws, awsFails } = awsCli(() => berth.apiUrl);
  const register = (family: string, command: string, options: Record<string, string>) =>
    aws(
      'ecs',
      'register-task-definition',
      '--family',
      family,
      '--container-definitions',
      JSON.stringify([{ name: 'app', image: TEST_IMAGE, memory: 32, command: ['sh', '-c', command], logConfiguration: { logDriver: 'awslogs', options } }]),
    );
  const runTask = async (family: string): Promise<{ arn: string; id: string }> => {
    const arn = (await aws('ecs', 'run-task', '--cluster', 'default', '--task-definition', family)).tasks[0].taskArn as string;
    taskArns.push(arn);
    return { arn, id: arn.split('/').pop()! };
  };
  const messages = async (stream: string): Promise<string[]> =>
    (await aws('logs', 'get-log-events', '--log-group-name', GROUP, '--log-stream-name', stream, '--start-from-head')).events.map(
      (e: { message: string }) => e.message,
    );

  before(async () => {
    await ensureTestImage();
    berth = await startBerthProcess({ args: ['--runtime', 'docker'] });
  });
  after(async () => {
    for (const arn of taskArns) for (const id of containersOfTask(arn)) execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
  });

  test('unknown drivers and another region are refused at RegisterTaskDefinition, naming the field', async () => {
    const bad = (logConfiguration: object) =>
      awsFails(
        'ecs',
        'register-task-definition',
        '--family',
        'w4-bad',
        '--container-definitions',
        JSON.stringify([{ name: 'app', image: TEST_IMAGE, memory: 32, logConfiguration }]),
      );
    assert.match(await bad({ logDriver: 'splunk' }), /ClientException.*Invalid 'logConfiguration\.logDriver' setting for container 'app'/);
    // Not even a driver to ECS: the model's enum refuses it first.
    assert.match(await bad({ logDriver: 'none' }), /InvalidParameterException.*logConfiguration\.logDriver/);
    assert.match(await bad({ logDriver: 'awslogs', options: { 'awslogs-group': GROUP, 'awslogs-region': 'eu-west-1' } }), /ClientException.*awslogs-region/);
  });

  test('stdout and stderr reach prefix/container/task-id, read with get-log-events and tail', async () => {
    // Apart in time: Docker reads stdout and stderr separately, so only lines written apart keep their order across the two.
    await register('w4-lines', 'echo out-1; sleep 0.2; echo err-1 >&2; sleep 0.2; echo out-2; sleep 0.2; echo err-2 >&2; exec sleep 600', {
      'awslogs-group': GROUP,
      'awslogs-region': 'us-east-1',
      'awslogs-stream-prefix': 'ecs',
      'awslogs-create-group': 'true',
    });
    const { arn, id } = await runTask('w4-lines');
    const stream = `ecs/app/${id}`;
    const got = await eventually(
      async () => {
        const m = await messages(stream);
        return m.length >= 4 ? m : undefined;
      },
      { what: 'four lines in the stream', timeoutMs: 45_000 },
    );
    assert.deepEqual(got, ['out-1', 'err-1', 'out-2', 'err-2']);
    const tail = await raw('logs', 'tail', GROUP, '--since', '1h', '--log-stream-names', stream);
    for (const l of got) assert.match(tail, new RegExp(`${stream.replace(/\//g, '\\/')} ${l}$`, 'm'));
    // berth logs reads the log store for awslogs containers: an event put with the CLI shows there too.
    await aws(
      'logs',
      'put-log-events',
      '--log-group-name',
      GROUP,
      '--log-stream-name',
      stream,
      '--log-events',
      JSON.stringify([{ timestamp: Date.now(), message: 'put-by-the-cli' }]),
    );
    const cli = await berthCli(berth.apiUrl, ['logs', id, '--tail', '10']);
    assert.match(cli.stdout, /err-2/);
    assert.match(cli.stdout, /put-by-the-cli/);
    await aws('ecs', 'stop-task', '--cluster', 'default', '--task', arn);
  });

  test('awslogs-multiline-pattern joins the lines that do not start an event', async () => {
    await register('w4-multi', "printf 'INFO start\\n  at a\\n  at b\\nINFO next\\n'; exec sleep 600", {
      'awslogs-group': GROUP,
      'awslogs-stream-prefix': 'multi',
      'awslogs-multiline-pattern': 'INFO',
    });
    const { arn, id } = await runTask('w4-multi');
    const got = await eventually(
      async () => {
        const m = await messages(`multi/app/${id}`).catch(() => []);
        return m.length >= 2 ? m : undefined;
      },
      { what: 'two joined events', timeoutMs: 45_000 },
    );
    assert.deepEqual(got, ['INFO start\n  at a\n  at b', 'INFO next']);
    await aws('ecs', 'stop-task', '--cluster', 'default', '--task', arn);
  });

  test('a group that does not exist, without awslogs-create-group, stops the task as ECS does', async () => {
    await register('w4-nogroup', 'echo never; exec sleep 600', { 'awslogs-group': `${GROUP}-absent`, 'awslogs-stream-prefix': 'ecs' });
    const { arn } = await runTask('w4-nogroup');
    const task = await eventually(
      async () => {
        const t = (await aws('ecs', 'describe-tasks', '--cluster', 'default', '--tasks', arn)).tasks[0];
        return t.lastStatus === 'STOPPED' ? t : undefined;
      },
      { what: 'the task STOPPED', timeoutMs: 45_000 },
    );
    assert.equal(task.stopCode, 'TaskFailedToStart');
    assert.match(task.stoppedReason, /failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist\.$/);
    assert.deepEqual(containersOfTask(arn), []);
    assert.match(await awsFails('logs', 'describe-log-streams', '--log-group-name', `${GROUP}-absent`), /ResourceNotFoundException/);
  });

  test('json-file and syslog, with their options: Docker gets the driver as written', async () => {
    for (const [family, logConfiguration] of [
      ['w4-json', { logDriver: 'json-file', options: { 'max-size': '1m', 'max-file': '2' } }],
      // UDP needs no listener: the driver starts whether or not a syslog server is there.
      ['w4-syslog', { logDriver: 'syslog', options: { 'syslog-address': 'udp://127.0.0.1:9' } }],
    ] as const) {
      await aws(
        'ecs',
        'register-task-definition',
        '--family',
        family,
        '--container-definitions',
        JSON.stringify([{ name: 'app', image: TEST_IMAGE, memory: 32, command: ['sleep', '600'], logConfiguration }]),
      );
      const { arn } = await runTask(family);
      const id = await eventually(async () => containersOfTask(arn)[0], { what: 'its container', timeoutMs: 45_000 });
      const config = JSON.parse(execFileSync('docker', ['inspect', '--format', '{{json .HostConfig.LogConfig}}', id], { encoding: 'utf8' }));
      assert.deepEqual(config, { Type: logConfiguration.logDriver, Config: logConfiguration.options });
      await aws('ecs', 'stop-task', '--cluster', 'default', '--task', arn);
    }
  });

  test('berth killed while a container writes, then restarted on its data dir: every line once, in order', async () => {
    const N = 150;
    await register('w4-restart', `i=0; while [ $i -lt ${N} ]; do echo line-$i; i=$((i+1)); sleep 0.02; done; exec sleep 600`, {
      'awslogs-group': GROUP,
      'awslogs-stream-prefix': 'restart',
    });
    const { id } = await runTask('w4-restart');
    const stream = `restart/app/${id}`;
    await eventually(async () => ((await messages(stream).catch(() => [])).length >= 10 ? true : undefined), { what: 'some lines shipped', timeoutMs: 45_000 });
    await berth.kill9();
    berth = await startBerthProcess({ dataDir: berth.dataDir, args: ['--runtime', 'docker'] });
    const got = await eventually(
      async () => {
        const m = await messages(stream);
        return m.length >= N ? m : undefined;
      },
      { what: `${N} lines`, timeoutMs: 60_000 },
    );
    assert.deepEqual(
      got,
      Array.from({ length: N }, (_, i) => `line-${i}`),
    );
  });
});
