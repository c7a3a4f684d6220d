/**
 * What every ControlPlaneClient must do, against a real control plane (MemoryStore + the real ECS
 * handlers + AgentService). control-plane-client.test.ts runs it in process and over HTTP.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ControlPlaneError, type ControlPlaneClient, type RegisterRequest } from './control-plane-client.js';
import { hostResources } from './instance-identity.js';
import type { OperationCaller } from '../control-plane/api/handler-test-kit.js';
import type { MetricStore } from '../control-plane/cloudwatch/metric-store.js';

export interface ConformanceRig {
  client: ControlPlaneClient;
  /** Calls an ECS operation handler directly (RunTask, StopTask, DescribeTasks, ...), typed by operation. */
  ecs: OperationCaller<'ecs'>;
  /** Call SSM and Secrets Manager operation handlers directly. */
  ssm: OperationCaller<'ssm'>;
  secretsmanager: OperationCaller<'secretsmanager'>;
  /** Calls a CloudWatch Logs operation handler directly. */
  logs: OperationCaller<'logs'>;
  /** Where the control plane records the AWS/ECS metrics of the tasks' stats. */
  metrics: MetricStore;
  close(): Promise<void>;
}

const registration = (cluster: string, ec2InstanceId: string): RegisterRequest => ({
  cluster,
  ec2InstanceId,
  advertiseAddress: '127.0.0.2',
  totalResources: hostResources({ cpuCount: 2, totalMemoryBytes: 4096 * 1024 * 1024 }, { memoryReserveMiB: 0 }),
  attributes: [{ name: 'ecs.os-type', value: 'linux' }],
  versionInfo: { agentVersion: 'test' },
});

export function controlPlaneClientConformance(name: string, makeRig: () => Promise<ConformanceRig>): void {
  describe(`ControlPlaneClient conformance: ${name}`, () => {
    let rig: ConformanceRig;
    let arn: string;
    before(async () => {
      rig = await makeRig();
      await rig.ecs('CreateCluster', { clusterName: 'conf' });
      await rig.ecs('RegisterTaskDefinition', {
        family: 'web',
        containerDefinitions: [
          {
            name: 'web',
            image: 'img:1',
            cpu: 256,
            memory: 128,
            environment: [{ name: 'A', value: '1' }],
            portMappings: [{ containerPort: 80 }],
            stopTimeout: 7,
          },
        ],
      });
    });
    after(() => rig.close());

    test('register gives an instance; registering the same ec2InstanceId again gives the same one', async () => {
      arn = (await rig.client.register(registration('conf', 'i-0123456789abcdef0'))).containerInstanceArn;
      assert.match(arn, /^arn:aws:ecs:us-east-1:000000000000:container-instance\/conf\/[0-9a-f]{32}$/);
      const again = await rig.client.register(registration('conf', 'i-0123456789abcdef0'));
      assert.equal(again.containerInstanceArn, arn);
      const other = await rig.client.register(registration('conf', 'i-0123456789abcdef1'));
      assert.notEqual(other.containerInstanceArn, arn);
      const d = await rig.ecs('DescribeContainerInstances', { cluster: 'conf', containerInstances: [arn] });
      assert.equal(d.containerInstances[0].ec2InstanceId, 'i-0123456789abcdef0');
      assert.equal(d.containerInstances[0].registeredResources.find((r: { name: string }) => r.name === 'CPU')?.integerValue, 2048);
    });

    test('register creates the default cluster, but not a named one', async () => {
      const d = await rig.client.register(registration('default', 'i-0123456789abcdef2'));
      assert.match(d.containerInstanceArn, /container-instance\/default\//);
      await assert.rejects(
        rig.client.register(registration('nope', 'i-0123456789abcdef3')),
        (e: unknown) => e instanceof ControlPlaneError && e.code === 'ClusterNotFoundException',
      );
    });

    test('heartbeat answers for a known instance and 404s for an unknown one', async () => {
      await rig.client.heartbeat({ cluster: 'conf', containerInstanceArn: arn });
      await assert.rejects(
        rig.client.heartbeat({ cluster: 'conf', containerInstanceArn: arn.replace(/[0-9a-f]{32}$/, '0'.repeat(32)) }),
        (e: unknown) => e instanceof ControlPlaneError && e.status === 404,
      );
    });

    test('watchTasks answers at once without a revision, waits for a change with one, and times out with the same set', async () => {
      const first = await rig.client.watchTasks({ cluster: 'conf', containerInstanceArn: arn });
      assert.deepEqual(first.tasks, []);
      const t0 = Date.now();
      const idle = await rig.client.watchTasks({ cluster: 'conf', containerInstanceArn: arn, fromRevision: first.revision, timeoutMs: 300 });
      assert.ok(Date.now() - t0 >= 250, 'waited for the timeout');
      assert.deepEqual(idle.tasks, []);
      const waiting = rig.client.watchTasks({ cluster: 'conf', containerInstanceArn: arn, fromRevision: idle.revision, timeoutMs: 10_000 });
      const run = await rig.ecs('StartTask', {
        cluster: 'conf',
        taskDefinition: 'web',
        containerInstances: [arn],
        overrides: { containerOverrides: [{ name: 'web', environment: [{ name: 'B', value: '2' }] }] },
      });
      const woke = await waiting;
      assert.ok(Date.now() - t0 < 5_000, 'woke on the change, not the timeout');
      assert.ok(woke.revision > idle.revision);
      assert.equal(woke.tasks.length, 1);
      const t = woke.tasks[0]!;
      assert.equal(t.taskArn, run.tasks[0].taskArn);
      assert.equal(t.lastStatus, 'PROVISIONING');
      assert.equal(t.desiredStatus, 'RUNNING');
      assert.deepEqual(t.containers[0], {
        name: 'web',
        image: 'img:1',
        essential: true,
        environment: { A: '1', B: '2' },
        portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
        stopTimeoutS: 7,
        cpu: 256,
        memoryMiB: 128,
      });
    });

    test('watchTasks ends early when aborted', async () => {
      const { revision } = await rig.client.watchTasks({ cluster: 'conf', containerInstanceArn: arn });
      const ac = new AbortController();
      const t0 = Date.now();
      const p = rig.client.watchTasks({ cluster: 'conf', containerInstanceArn: arn, fromRevision: revision, timeoutMs: 10_000 }, ac.signal);
      setTimeout(() => ac.abort(), 100);
      await p.catch(() => undefined);
      assert.ok(Date.now() - t0 < 5_000);
    });

    test('task-state reports move the task forward only; STOPPED is final and releases its resources', async () => {
      const { tasks } = await rig.client.watchTasks({ cluster: 'conf', containerInstanceArn: arn });
      const taskArn = tasks[0]!.taskArn;
      const describe = async () => (await rig.ecs('DescribeTasks', { cluster: 'conf', tasks: [taskArn] })).tasks[0];
      const remainingCpu = async () =>
        (await rig.ecs('DescribeContainerInstances', { cluster: 'conf', containerInstances: [arn] })).containerInstances[0].remainingResources.find(
          (r: { name: string }) => r.name === 'CPU',
        )?.integerValue;
      assert.equal(await remainingCpu(), 2048 - 256);
      const binding = { bindIP: '127.0.0.2', containerPort: 80, hostPort: 20123, protocol: 'tcp' as const };
      await rig.client.submitTaskState({
        cluster: 'conf',
        taskArn,
        lastStatus: 'RUNNING',
        startedAt: 5,
        containers: [{ name: 'web', runtimeId: 'abc', lastStatus: 'RUNNING', healthStatus: 'HEALTHY', networkBindings: [binding] }],
        healthStatus: 'HEALTHY',
      });
      let t = await describe();
      assert.equal(t.lastStatus, 'RUNNING');
      assert.equal(t.healthStatus, 'HEALTHY');
      assert.deepEqual(t.containers[0].networkBindings, [binding]);
      await rig.client.submitTaskState({ cluster: 'conf', taskArn, lastStatus: 'PENDING', containers: [] });
      assert.equal((await describe()).lastStatus, 'RUNNING');
      await rig.ecs('StopTask', { cluster: 'conf', task: taskArn, reason: 'because' });
      await rig.client.submitTaskState({
        cluster: 'conf',
        taskArn,
        lastStatus: 'STOPPED',
        stopCode: 'EssentialContainerExited',
        containers: [{ name: 'web', lastStatus: 'STOPPED', exitCode: 143 }],
        stoppedAt: 9,
      });
      t = await describe();
      assert.equal(t.lastStatus, 'STOPPED');
      assert.equal(t.stopCode, 'UserInitiated');
      assert.equal(t.stoppedReason, 'because');
      assert.equal(t.containers[0].exitCode, 143);
      assert.equal(await remainingCpu(), 2048);
      await rig.client.submitTaskState({ cluster: 'conf', taskArn, lastStatus: 'RUNNING', containers: [{ name: 'web', lastStatus: 'RUNNING' }] });
      t = await describe();
      assert.equal(t.lastStatus, 'STOPPED');
      assert.equal(t.containers[0].lastStatus, 'STOPPED');
    });

    test("tasks/secrets answers the values to the task's own instance only, and ECS's stoppedReason for a missing one", async () => {
      await rig.ssm('PutParameter', { Name: '/conf/token', Value: 'conf-token-value', Type: 'SecureString' });
      const db = await rig.secretsmanager('CreateSecret', { Name: 'conf-db', SecretString: '{"username":"u","password":"conf-pw-value"}' });
      await rig.ecs('RegisterTaskDefinition', {
        family: 'sec',
        containerDefinitions: [
          {
            name: 'app',
            image: 'img:1',
            memory: 64,
            secrets: [
              { name: 'TOKEN', valueFrom: '/conf/token' },
              { name: 'PW', valueFrom: `${db.ARN}:password::` },
            ],
            repositoryCredentials: { credentialsParameter: db.ARN },
          },
        ],
      });
      await rig.ecs('RegisterTaskDefinition', {
        family: 'sec-missing',
        containerDefinitions: [{ name: 'app', image: 'img:1', memory: 64, secrets: [{ name: 'X', valueFrom: '/conf/absent' }] }],
      });
      const other = (await rig.client.register(registration('conf', 'i-0123456789abcdef9'))).containerInstanceArn;
      const taskArn = (await rig.ecs('StartTask', { cluster: 'conf', taskDefinition: 'sec', containerInstances: [arn] })).tasks[0].taskArn;
      const { tasks } = await rig.client.watchTasks({ cluster: 'conf', containerInstanceArn: arn });
      const assigned = tasks.find((t) => t.taskArn === taskArn)!;
      assert.deepEqual(assigned.containers[0]!.secrets, [
        { name: 'TOKEN', valueFrom: '/conf/token' },
        { name: 'PW', valueFrom: `${db.ARN}:password::` },
      ]);
      assert.equal(assigned.containers[0]!.credentialsParameter, db.ARN);
      assert.ok(!JSON.stringify(tasks).includes('conf-token-value'), 'values never travel with the assignment');
      const answer = await rig.client.taskSecrets({ cluster: 'conf', containerInstanceArn: arn, taskArn });
      assert.deepEqual(answer, {
        ok: true,
        containers: [
          { name: 'app', environment: { TOKEN: 'conf-token-value', PW: 'conf-pw-value' }, registryAuth: { username: 'u', password: 'conf-pw-value' } },
        ],
      });
      await assert.rejects(
        rig.client.taskSecrets({ cluster: 'conf', containerInstanceArn: other, taskArn }),
        (e: unknown) => e instanceof ControlPlaneError && e.status === 404,
      );
      const described =
        JSON.stringify(await rig.ecs('DescribeTasks', { cluster: 'conf', tasks: [taskArn] })) +
        JSON.stringify(await rig.ecs('DescribeTaskDefinition', { taskDefinition: 'sec' }));
      assert.ok(!described.includes('conf-token-value') && !described.includes('conf-pw-value'));
      const missing = (await rig.ecs('StartTask', { cluster: 'conf', taskDefinition: 'sec-missing', containerInstances: [arn] })).tasks[0].taskArn;
      const failed = await rig.client.taskSecrets({ cluster: 'conf', containerInstanceArn: arn, taskArn: missing });
      assert.equal(failed.ok, false);
      assert.match(
        !failed.ok ? failed.stoppedReason : '',
        /^ResourceInitializationError: unable to pull secrets or registry auth: .*invalid parameters: \/conf\/absent$/,
      );
      for (const t of [taskArn, missing]) await rig.ecs('StopTask', { cluster: 'conf', task: t });
    });

    test("logs/batch opens an awslogs container's stream, stores each line once however often it is sent, and refuses another instance", async () => {
      const group = '/conf/ship';
      const awslogs = (family: string, options: Record<string, string>) =>
        rig.ecs('RegisterTaskDefinition', {
          family,
          containerDefinitions: [{ name: 'app', image: 'img:1', memory: 64, logConfiguration: { logDriver: 'awslogs', options } }],
        });
      await awslogs('ship', { 'awslogs-group': group, 'awslogs-stream-prefix': 'ecs', 'awslogs-create-group': 'true' });
      await awslogs('ship-nogroup', { 'awslogs-group': '/conf/absent', 'awslogs-stream-prefix': 'ecs' });
      const other = (await rig.client.register(registration('conf', 'i-0123456789abcdef8'))).containerInstanceArn;
      const taskArn = (await rig.ecs('StartTask', { cluster: 'conf', taskDefinition: 'ship', containerInstances: [arn] })).tasks[0].taskArn as string;
      const taskId = taskArn.split('/').at(-1)!;
      const req = { cluster: 'conf', containerInstanceArn: arn, taskArn, containerName: 'app', runtimeId: 'c0ffee' };
      const opened = await rig.client.shipLogs({ ...req, events: [] });
      assert.deepEqual(opened, { ok: true, logGroup: group, logStream: `ecs/app/${taskId}`, stored: 0, skipped: 0 });
      const t = Date.now() - 1000;
      const batch = [
        { timestamp: t, message: 'one', last: { t, k: 0 } },
        { timestamp: t, message: 'two', last: { t, k: 1 } },
      ];
      assert.deepEqual(await rig.client.shipLogs({ ...req, events: batch }), {
        ok: true,
        logGroup: group,
        logStream: `ecs/app/${taskId}`,
        stored: 2,
        skipped: 0,
      });
      assert.deepEqual(await rig.client.shipLogs({ ...req, events: batch }), {
        ok: true,
        logGroup: group,
        logStream: `ecs/app/${taskId}`,
        stored: 0,
        skipped: 2,
      });
      const again = await rig.client.shipLogs({ ...req, events: [] });
      assert.deepEqual(again.ok && again.shipped, { t, k: 1 });
      const got = await rig.logs('GetLogEvents', { logGroupName: group, logStreamName: `ecs/app/${taskId}`, startFromHead: true });
      assert.deepEqual(
        got.events.map((e: { message: string }) => e.message),
        ['one', 'two'],
      );
      await assert.rejects(
        rig.client.shipLogs({ ...req, containerInstanceArn: other, events: batch }),
        (e: unknown) => e instanceof ControlPlaneError && e.status === 404,
      );
      const missing = (await rig.ecs('StartTask', { cluster: 'conf', taskDefinition: 'ship-nogroup', containerInstances: [arn] })).tasks[0].taskArn;
      const refused = await rig.client.shipLogs({ ...req, taskArn: missing, events: [] });
      assert.equal(refused.ok, false);
      assert.match(
        !refused.ok ? refused.stoppedReason : '',
        /failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist\.$/,
      );
      for (const x of [taskArn, missing]) await rig.ecs('StopTask', { cluster: 'conf', task: x });
    });

    test("tasks/stats become AWS/ECS utilization of the instance's running service task and its cluster; other samples do not count", async () => {
      const other = (await rig.client.register(registration('conf', 'i-0123456789abcdef9'))).containerInstanceArn;
      const started = await rig.ecs('StartTask', { cluster: 'conf', taskDefinition: 'web', containerInstances: [arn], group: 'service:conf-web' });
      const taskArn = started.tasks[0].taskArn as string;
      await rig.client.submitTaskState({ cluster: 'conf', taskArn, lastStatus: 'RUNNING', containers: [{ name: 'web', lastStatus: 'RUNNING' }] });
      const at = Date.now();
      // cpu 256 and memory 128 reserved; the instance registered 2048 units and 4096 MiB.
      await rig.client.reportTaskStats({ cluster: 'conf', containerInstanceArn: arn, samples: [{ taskArn, at, cpuUnits: 128, memoryMiB: 32 }] });
      await rig.client.reportTaskStats({
        cluster: 'conf',
        containerInstanceArn: other,
        samples: [{ taskArn, at, cpuUnits: 9999, memoryMiB: 9999 }],
      });
      const stale = at - 2 * 86_400_000;
      await rig.client.reportTaskStats({
        cluster: 'conf',
        containerInstanceArn: arn,
        samples: [
          { taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/conf/ffff', at, cpuUnits: 9999, memoryMiB: 9999 },
          { taskArn, at: stale, cpuUnits: 9999, memoryMiB: 9999 },
        ],
      });
      const minute = Math.floor(at / 60_000) * 60_000;
      const read = async (name: string, dimensions: { Name: string; Value: string }[]) =>
        (await rig.metrics.read({ namespace: 'AWS/ECS', name, dimensions }, 60, minute, minute + 60_000)).flatMap((u) =>
          u.buckets.map((b) => [u.unit, b.values.sampleCount, b.values.sum]),
        );
      const service = [
        { Name: 'ClusterName', Value: 'conf' },
        { Name: 'ServiceName', Value: 'conf-web' },
      ];
      assert.deepEqual(await read('CPUUtilization', service), [['Percent', 1, 50]]);
      assert.deepEqual(await read('MemoryUtilization', service), [['Percent', 1, 25]]);
      assert.deepEqual(await read('CPUUtilization', [{ Name: 'ClusterName', Value: 'conf' }]), [['Percent', 1, 6.25]]);
      assert.deepEqual(await read('MemoryUtilization', [{ Name: 'ClusterName', Value: 'conf' }]), [['Percent', 1, 0.78125]]);
      const staleMinute = Math.floor(stale / 60_000) * 60_000;
      assert.deepEqual(
        (await rig.metrics.read({ namespace: 'AWS/ECS', name: 'CPUUtilization', dimensions: service }, 60, staleMinute, staleMinute + 60_000)).flatMap(
          (u) => u.buckets,
        ),
        [],
        'older than the store keeps',
      );
      await assert.rejects(
        rig.client.reportTaskStats({ cluster: 'conf', containerInstanceArn: arn, samples: [{ taskArn, at, cpuUnits: -1, memoryMiB: 1 }] }),
        (e: unknown) => e instanceof ControlPlaneError && e.status === 400 && e.code === 'InvalidParameterException',
      );
      await assert.rejects(
        rig.client.reportTaskStats({ cluster: 'conf', containerInstanceArn: arn.replace(/[0-9a-f]{32}$/, '0'.repeat(32)), samples: [] }),
        (e: unknown) => e instanceof ControlPlaneError && e.status === 404,
      );
      await rig.ecs('StopTask', { cluster: 'conf', task: taskArn });
    });

    test('a report for an unknown task is refused', async () => {
      await assert.rejects(
        rig.client.submitTaskState({ cluster: 'conf', taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/conf/ffff', lastStatus: 'RUNNING', containers: [] }),
        (e: unknown) => e instanceof ControlPlaneError && e.status === 404,
      );
    });
  });
}
