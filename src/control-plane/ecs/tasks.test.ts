import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { awsError, ecsKit } from './ecs-test-kit.js';
import type { TaskRecord } from '../../domain/ecs/records.js';
import { stoppedByUser } from './tasks.js';
import { keys } from '../../domain/keys.js';
import { setAgentConnected } from './container-instances.js';

async function setup(seed = 1) {
  const k = ecsKit(seed);
  await k.call('CreateCluster', { clusterName: 'c' });
  return k;
}

describe('tasks', () => {
  test('RunTask writes PROVISIONING tasks with containers, group and startedBy', async () => {
    const k = await setup();
    const ci = await k.instance({ cluster: 'c' });
    const td = await k.taskDefinition('web', { memoryReservation: 64 });
    const r = await k.call('RunTask', { cluster: 'c', taskDefinition: 'web', count: 2, startedBy: 'me' });
    assert.deepEqual(r.failures, []);
    assert.equal(r.tasks.length, 2);
    const t = r.tasks[0];
    assert.match(t.taskArn, /^arn:aws:ecs:us-east-1:000000000000:task\/c\/[0-9a-f]{32}$/);
    assert.deepEqual(
      [t.lastStatus, t.desiredStatus, t.group, t.startedBy, t.launchType, t.version, t.containerInstanceArn, t.taskDefinitionArn],
      ['PROVISIONING', 'RUNNING', 'family:web', 'me', 'EC2', 1, ci.containerInstanceArn, td.taskDefinitionArn],
    );
    assert.equal(t.createdAt, k.clock.now());
    const c = t.containers[0];
    assert.match(c.containerArn, new RegExp(`^arn:aws:ecs:us-east-1:000000000000:container/c/${t.taskArn.split('/').pop()}/[0-9a-f-]{36}$`));
    assert.deepEqual([c.name, c.image, c.lastStatus, c.cpu, c.memory, c.memoryReservation], ['app', 'nginx', 'PENDING', '128', '128', '64']);
    for (const internal of ['reservation', 'taskId', 'clusterName', 'family', 'ec2InstanceId']) assert.equal(internal in t, false);
  });

  test('RunTask failures: no instances, agent, CPU, memory, ports', async () => {
    const k = await setup();
    await assert.rejects(
      k.call('RunTask', { cluster: 'c', taskDefinition: (await k.taskDefinition()).taskDefinitionArn }),
      awsError('InvalidParameterException', 'No Container Instances were found in your cluster.'),
    );
    const ci = await k.instance({ cluster: 'c' });
    await k.taskDefinition('big-cpu', { cpu: 2048 });
    await k.taskDefinition('big-mem', { memory: 2048 });
    await k.taskDefinition('static', { portMappings: [{ containerPort: 80, hostPort: 8080 }] });
    const fail = async (family: string, count = 1) => (await k.call('RunTask', { cluster: 'c', taskDefinition: family, count })).failures;
    assert.deepEqual(await fail('big-cpu'), [{ arn: ci.containerInstanceArn, reason: 'RESOURCE:CPU' }]);
    assert.deepEqual(await fail('big-mem'), [{ arn: ci.containerInstanceArn, reason: 'RESOURCE:MEMORY' }]);
    assert.deepEqual(await fail('static', 2), [{ arn: ci.containerInstanceArn, reason: 'RESOURCE:PORTS' }]);
    assert.deepEqual(await fail('static'), [{ arn: ci.containerInstanceArn, reason: 'RESOURCE:PORTS' }], 'the port is held by the first task');
    await setAgentConnected(k.store, 'c', ci.id, false);
    assert.deepEqual(await fail('web'), [{ arn: ci.containerInstanceArn, reason: 'AGENT' }]);
    await assert.rejects(k.call('RunTask', { cluster: 'c', taskDefinition: 'web', count: 11 }), awsError('InvalidParameterException'));
    await assert.rejects(k.call('RunTask', { cluster: 'x', taskDefinition: 'web' }), awsError('ClusterNotFoundException'));
  });

  test('dynamic ports stack on one instance until CPU runs out', async () => {
    const k = await setup();
    await k.instance({ cluster: 'c' });
    await k.taskDefinition('web', { cpu: 256, memory: 64 });
    const r = await k.call('RunTask', { cluster: 'c', taskDefinition: 'web', count: 5 });
    assert.equal(r.tasks.length, 4);
    assert.equal(r.failures[0].reason, 'RESOURCE:CPU');
  });

  test('a host whose dynamic range is used up answers RESOURCE:PORTS, as ECS does, instead of placing tasks that cannot start', async () => {
    const k = await setup();
    const ci = await k.instance({ cluster: 'c', attributes: [{ name: 'berth.dynamic-port-range', value: '20000-20002' }] });
    await k.taskDefinition('web', { cpu: 0, memory: 6, portMappings: [{ containerPort: 80 }, { containerPort: 81, hostPort: 0 }] });
    const r = await k.call('RunTask', { cluster: 'c', taskDefinition: 'web', count: 3 });
    assert.equal(r.tasks.length, 1, 'two ports each: one task fits in a range of three');
    assert.deepEqual(r.failures, [{ arn: ci.containerInstanceArn, reason: 'RESOURCE:PORTS' }]);
    const again = await k.call('RunTask', { cluster: 'c', taskDefinition: 'web' });
    assert.deepEqual([again.tasks.length, again.failures[0]?.reason], [0, 'RESOURCE:PORTS']);
  });

  test('overrides cannot make a task reserve negative resources', async () => {
    const k = await setup();
    await k.instance({ cluster: 'c' });
    await k.taskDefinition('web');
    const run = (overrides: object) => k.call('RunTask', { cluster: 'c', taskDefinition: 'web', overrides });
    await assert.rejects(
      run({ containerOverrides: [{ name: 'app', cpu: -5000 }] }),
      awsError('InvalidParameterException', "Invalid 'cpu' setting in containerOverrides for container 'app'."),
    );
    await assert.rejects(
      run({ containerOverrides: [{ name: 'app', memory: -1 }] }),
      awsError('InvalidParameterException', /^Invalid 'memory' setting in containerOverrides/),
    );
    await assert.rejects(
      run({ containerOverrides: [{ name: 'nope' }] }),
      awsError('InvalidParameterException', 'Override for container named nope is not a container in the TaskDefinition.'),
    );
    await assert.rejects(run({ cpu: '-1' }), awsError('InvalidParameterException', "Invalid 'cpu' setting in overrides for task."));
    await assert.rejects(run({ memory: '0' }), awsError('InvalidParameterException', "Invalid 'memory' setting in overrides for task."));
    const ok = await run({ containerOverrides: [{ name: 'app', cpu: 64, memory: 32 }] });
    assert.equal(ok.tasks.length, 1);
  });

  test('concurrent RunTasks never over-commit an instance', async () => {
    const k = await setup();
    const ci = await k.instance({ cluster: 'c' });
    await k.taskDefinition('web', { cpu: 100, memory: 64 }); // 10 fit in 1024 CPU
    const results = await Promise.all(Array.from({ length: 8 }, () => k.call('RunTask', { cluster: 'c', taskDefinition: 'web', count: 3 })));
    const placed = results.reduce((n, r) => n + r.tasks.length, 0);
    assert.equal(placed, 10);
    const d = await k.call('DescribeContainerInstances', { cluster: 'c', containerInstances: [ci.id] });
    const cpu = d.containerInstances[0].remainingResources.find((x: { name: string }) => x.name === 'CPU');
    assert.equal(cpu.integerValue, 24);
    assert.equal(d.containerInstances[0].pendingTasksCount, 10);
  });

  test('StartTask targets the named instances', async () => {
    const k = await setup();
    const a = await k.instance({ cluster: 'c', ec2InstanceId: 'i-a' });
    await k.instance({ cluster: 'c', ec2InstanceId: 'i-b' });
    await k.taskDefinition('web');
    const r = await k.call('StartTask', { cluster: 'c', taskDefinition: 'web', containerInstances: [a.id, a.containerInstanceArn, 'f'.repeat(32)] });
    assert.equal(r.tasks.length, 2);
    assert.ok(r.tasks.every((t: { containerInstanceArn: string }) => t.containerInstanceArn === a.containerInstanceArn));
    assert.deepEqual(r.failures, [{ arn: 'f'.repeat(32), reason: 'MISSING' }]);
  });

  test('StopTask: desiredStatus STOPPED, UserInitiated, reason, stoppingAt', async () => {
    const k = await setup();
    await k.instance({ cluster: 'c' });
    await k.taskDefinition();
    const [t1, t2] = (await k.call('RunTask', { cluster: 'c', taskDefinition: 'web', count: 2 })).tasks;
    k.clock.advance(500);
    const s1 = (await k.call('StopTask', { cluster: 'c', task: t1.taskArn })).task;
    assert.deepEqual(
      [s1.desiredStatus, s1.stopCode, s1.stoppedReason, s1.stoppingAt, s1.version],
      ['STOPPED', 'UserInitiated', 'Task stopped by user', k.clock.now(), 2],
    );
    const s2 = (await k.call('StopTask', { cluster: 'c', task: t2.taskArn.split('/').pop(), reason: 'bye' })).task;
    assert.equal(s2.stoppedReason, 'bye');
    await assert.rejects(
      k.call('StopTask', { cluster: 'c', task: 'a'.repeat(32) }),
      awsError('InvalidParameterException', 'The referenced task was not found.'),
    );
  });

  test('stoppedByUser: a service task behind a target group deactivates first (desiredStatus kept RUNNING); others stop at once', () => {
    const t = { lastStatus: 'RUNNING', desiredStatus: 'RUNNING', version: 3 } as TaskRecord;
    const how = { behindLoadBalancer: true, reason: 'bye', now: 42 };
    assert.deepEqual(stoppedByUser(t, how), { ...t, lastStatus: 'DEACTIVATING', stopCode: 'UserInitiated', stoppedReason: 'bye', stoppingAt: 42, version: 4 });
    assert.equal(stoppedByUser(t, { ...how, behindLoadBalancer: false }).desiredStatus, 'STOPPED');
    assert.equal(stoppedByUser({ ...t, lastStatus: 'PENDING' }, how).desiredStatus, 'STOPPED', 'nothing registered yet: stop at once');
    const deactivating = stoppedByUser(t, how);
    assert.equal(stoppedByUser(deactivating, { ...how, now: 99 }), deactivating, 'a repeat changes nothing');
  });

  test('DescribeTasks and ListTasks filters', async () => {
    const k = await setup();
    const a = await k.instance({ cluster: 'c', ec2InstanceId: 'i-a' });
    const b = await k.instance({ cluster: 'c', ec2InstanceId: 'i-b' });
    await k.taskDefinition('web');
    await k.taskDefinition('api');
    await k.call('CreateService', { cluster: 'c', serviceName: 'svc', taskDefinition: 'web' });
    const onA = (await k.call('StartTask', { cluster: 'c', taskDefinition: 'web', containerInstances: [a.id], startedBy: 'x' })).tasks[0];
    const onB = (await k.call('StartTask', { cluster: 'c', taskDefinition: 'api', containerInstances: [b.id], group: 'service:svc' })).tasks[0];
    const stopped = (await k.call('RunTask', { cluster: 'c', taskDefinition: 'web' })).tasks[0];
    await k.call('StopTask', { cluster: 'c', task: stopped.taskArn });
    const list = async (f: object) => (await k.call('ListTasks', { cluster: 'c', ...f })).taskArns.sort();
    assert.deepEqual(await list({}), [onA.taskArn, onB.taskArn].sort());
    assert.deepEqual(await list({ containerInstance: a.containerInstanceArn }), [onA.taskArn]);
    assert.deepEqual(await list({ family: 'api' }), [onB.taskArn]);
    assert.deepEqual(await list({ serviceName: 'svc' }), [onB.taskArn]);
    assert.deepEqual(await list({ startedBy: 'x' }), [onA.taskArn]);
    assert.deepEqual(await list({ desiredStatus: 'STOPPED' }), [stopped.taskArn]);
    assert.deepEqual(await list({ desiredStatus: 'PENDING' }), []);
    await assert.rejects(k.call('ListTasks', { cluster: 'c', serviceName: 'nope' }), awsError('ServiceNotFoundException'));
    // Pages: maxResults 1, nextToken followed to the end, every task once.
    const paged: string[] = [];
    let token: string | undefined;
    do {
      const p = await k.call('ListTasks', { cluster: 'c', maxResults: 1, ...(token ? { nextToken: token } : {}) });
      assert.ok(p.taskArns.length <= 1);
      paged.push(...p.taskArns);
      token = p.nextToken;
    } while (token);
    assert.deepEqual(paged.sort(), [onA.taskArn, onB.taskArn].sort());
    await assert.rejects(k.call('ListTasks', { cluster: 'c', nextToken: 'garbage' }), awsError('InvalidParameterException'));
    const d = await k.call('DescribeTasks', { cluster: 'c', tasks: [onA.taskArn, 'b'.repeat(32)], include: ['TAGS'] });
    assert.equal(d.tasks[0].taskArn, onA.taskArn);
    assert.deepEqual(d.tasks[0].tags, []);
    assert.deepEqual(d.failures, [{ arn: `arn:aws:ecs:us-east-1:000000000000:task/c/${'b'.repeat(32)}`, reason: 'MISSING' }]);
    await assert.rejects(k.call('DescribeTasks', { cluster: 'c', tasks: [] }), awsError('InvalidParameterException', 'Tasks cannot be empty.'));
  });

  test('a STOPPED task frees its resources and static ports', async () => {
    const k = await setup();
    const ci = await k.instance({ cluster: 'c' });
    await k.taskDefinition('static', { portMappings: [{ containerPort: 80, hostPort: 8080 }] });
    const t = (await k.call('RunTask', { cluster: 'c', taskDefinition: 'static' })).tasks[0];
    const ports = async () =>
      (await k.call('DescribeContainerInstances', { cluster: 'c', containerInstances: [ci.id] })).containerInstances[0].remainingResources.find(
        (r: { name: string }) => r.name === 'PORTS',
      ).stringSetValue;
    assert.ok((await ports()).includes('8080'));
    const id = t.taskArn.split('/').pop();
    const rec = await k.store.get<Record<string, unknown>>(keys.task('c', id));
    await k.store.put(keys.task('c', id), { ...rec!.value, lastStatus: 'STOPPED' });
    assert.ok(!(await ports()).includes('8080'));
    assert.equal((await k.call('RunTask', { cluster: 'c', taskDefinition: 'static' })).tasks.length, 1);
  });
});
