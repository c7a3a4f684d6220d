/**
 * The state sequence an agent reports for a task, start to stop, with ECS's names and timestamps.
 * The fake runtime stands in for containers (pure bookkeeping); the control plane is a recorder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../platform/clock.js';
import { silentLogger } from '../platform/logger.js';
import { FakeRuntime } from './runtime/fake-runtime.js';
import { runAction, volumesFromFirst, type ActionContext } from './task-actions.js';
import type { AssignedTask, ControlPlaneClient, TaskSecretsRequest, TaskSecretsResponse, TaskStateReport } from './control-plane-client.js';

function rig(secrets: (r: TaskSecretsRequest) => TaskSecretsResponse = () => ({ ok: true, containers: [] }), allowPrivileged = false) {
  const secretCalls: TaskSecretsRequest[] = [];
  const clock = new ManualClock(1_700_000_000_000);
  const reports: TaskStateReport[] = [];
  const client: ControlPlaneClient = {
    register: async () => ({ containerInstanceArn: 'arn:ci' }),
    heartbeat: async () => undefined,
    watchTasks: async () => ({ revision: 0, tasks: [] }),
    submitTaskState: async (r) => {
      reports.push(r);
      clock.advance(10);
    },
    taskSecrets: async (r) => {
      secretCalls.push(r);
      return secrets(r);
    },
    shipLogs: async () => ({ ok: true, logGroup: 'g', logStream: 's', stored: 0, skipped: 0 }),
    reportTaskStats: async () => undefined,
  };
  const released: number[] = [];
  const ctx: ActionContext = {
    client,
    runtime: new FakeRuntime(() => clock.now()),
    cluster: 'c',
    containerInstanceArn: () => 'arn:ci',
    ec2InstanceId: 'i-00000000000000001',
    advertiseAddress: '127.0.0.1',
    clock,
    logger: silentLogger,
    probe: async () => true,
    portBusy: () => undefined,
    portsReleased: (p) => released.push(...p),
    allowPrivileged,
  };
  return { ctx, reports, released, secretCalls, runtime: ctx.runtime as FakeRuntime };
}

const task: AssignedTask = {
  taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/c/abc',
  taskDefinitionArn: 'arn:td',
  desiredStatus: 'RUNNING',
  lastStatus: 'PROVISIONING',
  networkMode: 'bridge',
  recorded: [],
  healthStatus: 'UNKNOWN',
  containers: [
    { name: 'web', image: 'img', essential: true, environment: {}, portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }], stopTimeoutS: 2 },
  ],
};

test('start: PENDING (pull times), ACTIVATING (bindings, connectivityAt), RUNNING (startedAt)', async () => {
  const { ctx, reports } = rig();
  const patch = await runAction(ctx, {
    type: 'start',
    task,
    create: [{ name: 'web', bindings: [{ containerPort: 80, hostPort: 20005, protocol: 'tcp' }] }],
    startExisting: [],
    last: true,
  });
  assert.deepEqual(
    reports.map((r) => r.lastStatus),
    ['PENDING', 'ACTIVATING', 'RUNNING'],
  );
  assert.ok(reports[0]!.pullStartedAt !== undefined && reports[0]!.pullStoppedAt !== undefined);
  assert.ok(reports[1]!.connectivityAt !== undefined);
  assert.deepEqual(reports[1]!.containers[0]!.networkBindings, [{ bindIP: '127.0.0.1', containerPort: 80, hostPort: 20005, protocol: 'tcp' }]);
  assert.ok(reports[2]!.startedAt !== undefined);
  assert.equal(patch?.lastStatus, 'RUNNING');
});

test('stop: DEACTIVATING, STOPPING (stoppingAt), DEPROVISIONING, STOPPED (executionStoppedAt, stoppedAt, exit code); the port is released', async () => {
  const { ctx, reports, released } = rig();
  await runAction(ctx, {
    type: 'start',
    task,
    create: [{ name: 'web', bindings: [{ containerPort: 80, hostPort: 20006, protocol: 'tcp' }] }],
    startExisting: [],
    last: true,
  });
  reports.length = 0;
  await runAction(ctx, { type: 'stop', task: { ...task, lastStatus: 'RUNNING', desiredStatus: 'STOPPED' } });
  assert.deepEqual(
    reports.map((r) => r.lastStatus),
    ['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'],
  );
  const stopped = reports.at(-1)!;
  assert.ok(stopped.stoppingAt !== undefined && stopped.executionStoppedAt !== undefined && stopped.stoppedAt !== undefined);
  assert.ok(stopped.stoppingAt! <= stopped.stoppedAt!);
  assert.equal(stopped.containers[0]!.exitCode, 143, 'SIGTERM');
  assert.deepEqual(released, [20006]);
});

test('a task already DEACTIVATING (its targets drained) goes straight to STOPPING', async () => {
  const { ctx, reports } = rig();
  await runAction(ctx, {
    type: 'start',
    task,
    create: [{ name: 'web', bindings: [{ containerPort: 80, hostPort: 20007, protocol: 'tcp' }] }],
    startExisting: [],
    last: true,
  });
  reports.length = 0;
  await runAction(ctx, { type: 'stop', task: { ...task, lastStatus: 'DEACTIVATING', desiredStatus: 'STOPPED' } });
  assert.deepEqual(
    reports.map((r) => r.lastStatus),
    ['STOPPING', 'DEPROVISIONING', 'STOPPED'],
  );
});

const secretTask: AssignedTask = {
  ...task,
  containers: [
    {
      ...task.containers[0]!,
      image: 'reg.example:5000/private',
      environment: { PLAIN: 'p' },
      secrets: [{ name: 'TOKEN', valueFrom: '/app/token' }],
      credentialsParameter: 'regcreds',
    },
  ],
};
const bindings = [{ containerPort: 80, hostPort: 20008, protocol: 'tcp' as const }];

test('secrets: asked for this task on this instance before the pull; env and registry auth reach the runtime, values in no report', async () => {
  const { ctx, reports, secretCalls, runtime } = rig(() => ({
    ok: true,
    containers: [{ name: 'web', environment: { TOKEN: 's3cr3t-value' }, registryAuth: { username: 'u', password: 'pw-value' } }],
  }));
  runtime.credentials.set('reg.example:5000/private', { username: 'u', password: 'pw-value' });
  const patch = await runAction(ctx, { type: 'start', task: secretTask, create: [{ name: 'web', bindings }], startExisting: [], last: true });
  assert.equal(patch?.lastStatus, 'RUNNING');
  assert.deepEqual(secretCalls, [{ cluster: 'c', containerInstanceArn: 'arn:ci', taskArn: task.taskArn }]);
  assert.equal(runtime.calls[0], 'ensureImage reg.example:5000/private as u');
  const spec = [...runtime.containers.values()][0]!.spec;
  assert.deepEqual(spec.environment, { PLAIN: 'p', TOKEN: 's3cr3t-value' });
  assert.ok(!JSON.stringify(reports).includes('s3cr3t-value') && !JSON.stringify(reports).includes('pw-value'));
});

test('a task without secrets does not ask for them', async () => {
  const { ctx, secretCalls } = rig();
  await runAction(ctx, { type: 'start', task, create: [{ name: 'web', bindings }], startExisting: [], last: true });
  assert.deepEqual(secretCalls, []);
});

test('a secret that cannot be pulled stops the task before any pull or container: TaskFailedToStart with the reason', async () => {
  const reason = 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: invalid parameters: /app/token';
  const { ctx, reports, runtime } = rig(() => ({ ok: false, stoppedReason: reason }));
  const patch = await runAction(ctx, { type: 'start', task: secretTask, create: [{ name: 'web', bindings }], startExisting: [], last: true });
  assert.equal(patch?.lastStatus, 'STOPPED');
  assert.deepEqual(runtime.calls, []);
  assert.equal(reports.length, 1);
  assert.equal(reports[0]!.lastStatus, 'STOPPED');
  assert.equal(reports[0]!.stopCode, 'TaskFailedToStart');
  assert.equal(reports[0]!.stoppedReason, reason);
});

test('wrong registry credentials: CannotPullContainerError, no container', async () => {
  const { ctx, reports, runtime } = rig(() => ({
    ok: true,
    containers: [{ name: 'web', environment: {}, registryAuth: { username: 'u', password: 'wrong' } }],
  }));
  runtime.credentials.set('reg.example:5000/private', { username: 'u', password: 'right' });
  await runAction(ctx, { type: 'start', task: secretTask, create: [{ name: 'web', bindings }], startExisting: [], last: true });
  assert.match(reports.at(-1)!.stoppedReason ?? '', /^CannotPullContainerError: Error response from daemon: pull access denied/);
  assert.equal(reports.at(-1)!.stopCode, 'TaskFailedToStart');
  assert.equal(runtime.containers.size, 0);
});

test('start in waves (dependsOn): an early wave reports PENDING only; a later wave skips PENDING and goes ACTIVATING, RUNNING', async () => {
  const { ctx, reports, runtime } = rig();
  const ordered: AssignedTask = {
    ...task,
    containers: [
      { ...task.containers[0]!, dependsOn: [{ containerName: 'side', condition: 'START' }] },
      { name: 'side', image: 'img', essential: true, environment: {}, portMappings: [], stopTimeoutS: 2 },
    ],
  };
  const first = await runAction(ctx, { type: 'start', task: ordered, create: [{ name: 'side', bindings: [] }], startExisting: [], last: false });
  assert.deepEqual(
    reports.map((r) => r.lastStatus),
    ['PENDING'],
  );
  assert.deepEqual(first, { lastStatus: 'PENDING' });
  assert.deepEqual(
    (await runtime.list({})).map((c) => [c.name, c.status]),
    [['side', 'running']],
  );
  reports.length = 0;
  const second = await runAction(ctx, {
    type: 'start',
    task: { ...ordered, lastStatus: 'PENDING' },
    create: [{ name: 'web', bindings: [{ containerPort: 80, hostPort: 20008, protocol: 'tcp' }] }],
    startExisting: [],
    last: true,
  });
  assert.deepEqual(
    reports.map((r) => r.lastStatus),
    ['ACTIVATING', 'RUNNING'],
  );
  assert.equal(second?.lastStatus, 'RUNNING');
  assert.deepEqual(reports[1]!.containers.map((c) => [c.name, c.lastStatus]).sort(), [
    ['side', 'RUNNING'],
    ['web', 'RUNNING'],
  ]);
});

test('stop in reverse dependency order: the dependent has exited before its dependency is asked to stop', async () => {
  const { ctx, runtime } = rig();
  const ordered: AssignedTask = {
    ...task,
    containers: [
      { ...task.containers[0]!, dependsOn: [{ containerName: 'side', condition: 'START' }] },
      { name: 'side', image: 'img', essential: true, environment: {}, portMappings: [], stopTimeoutS: 2 },
    ],
  };
  await runAction(ctx, {
    type: 'start',
    task: ordered,
    create: [
      { name: 'side', bindings: [] },
      { name: 'web', bindings: [{ containerPort: 80, hostPort: 20009, protocol: 'tcp' }] },
    ],
    startExisting: [],
    last: true,
  });
  const order: string[] = [];
  const stop = runtime.stop.bind(runtime);
  runtime.stop = async (id, t) => {
    order.push((await runtime.list({})).find((c) => c.runtimeId === id)!.name);
    return stop(id, t);
  };
  await runAction(ctx, { type: 'stop', task: { ...ordered, lastStatus: 'RUNNING', desiredStatus: 'STOPPED' } });
  assert.deepEqual(order, ['web', 'side']);
});

const privilegedTask: AssignedTask = { ...task, containers: [{ ...task.containers[0]!, privileged: true }] };

test('privileged without --allow-privileged: TaskFailedToStart naming the field, before any pull or container', async () => {
  const { ctx, reports, runtime } = rig();
  const patch = await runAction(ctx, { type: 'start', task: privilegedTask, create: [{ name: 'web', bindings }], startExisting: [], last: true });
  assert.equal(patch?.lastStatus, 'STOPPED');
  assert.deepEqual(runtime.calls, []);
  assert.equal(reports[0]!.stopCode, 'TaskFailedToStart');
  assert.match(
    reports[0]!.stoppedReason ?? '',
    /^CannotCreateContainerError: container web: privileged is refused because this agent was not started with --allow-privileged/,
  );
});

test('with --allow-privileged the runtime is asked for a privileged container', async () => {
  const { ctx, runtime } = rig(undefined, true);
  const patch = await runAction(ctx, { type: 'start', task: privilegedTask, create: [{ name: 'web', bindings }], startExisting: [], last: true });
  assert.equal(patch?.lastStatus, 'RUNNING');
  assert.equal([...runtime.containers.values()][0]!.spec.privileged, true);
});

test('volumesFrom sources are created before the containers that take their volumes', () => {
  const t: AssignedTask = {
    ...task,
    containers: [
      { ...task.containers[0]!, name: 'a', volumesFrom: [{ sourceContainer: 'b', readOnly: false }] },
      { ...task.containers[0]!, name: 'b', volumesFrom: [{ sourceContainer: 'c', readOnly: true }] },
      { ...task.containers[0]!, name: 'c' },
      { ...task.containers[0]!, name: 'd' },
    ],
  };
  const order = volumesFromFirst(
    t,
    ['a', 'b', 'c', 'd'].map((name) => ({ name })),
  ).map((c) => c.name);
  assert.deepEqual(order, ['c', 'b', 'a', 'd']);
  assert.deepEqual(
    volumesFromFirst(t, [{ name: 'a' }, { name: 'd' }]).map((c) => c.name),
    ['a', 'd'],
    'a source already created is not waited for',
  );
});
