import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRuntime } from './runtime/fake-runtime.js';
import type { ContainerState } from './runtime/runtime.js';
import { containerSpecOf } from './container-spec.js';
import { converge, portsInUse, taskHealth, type ConvergenceInput, type PortState } from './task-convergence.js';
import type { AssignedContainer, AssignedTask, TaskState } from './control-plane-client.js';

const CLUSTER = 'c';
const INSTANCE = 'i-00000000000000001';
const NOW = 1_700_000_000_000;

function container(over: Partial<AssignedContainer> = {}): AssignedContainer {
  return {
    name: 'web',
    image: 'img',
    essential: true,
    environment: {},
    portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
    stopTimeoutS: 2,
    ...over,
  };
}

function task(id: string, over: Partial<AssignedTask> = {}): AssignedTask {
  return {
    taskArn: `arn:aws:ecs:us-east-1:000000000000:task/${CLUSTER}/${id}`,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
    desiredStatus: 'RUNNING',
    lastStatus: 'PROVISIONING',
    networkMode: 'bridge',
    containers: [container()],
    recorded: [],
    healthStatus: 'UNKNOWN',
    ...over,
  };
}

const ports = (over: Partial<PortState> = {}): PortState => ({
  range: { low: 20000, high: 20009 },
  reserved: new Set([20001]),
  pending: new Set(),
  cooldownUntil: new Map(),
  ...over,
});

function input(over: Partial<ConvergenceInput>): ConvergenceInput {
  return { tasks: [], observed: [], busy: new Set(), ports: ports(), advertiseAddress: '127.0.0.2', now: NOW, retentionMs: 60_000, ...over };
}

/** Runs a task's containers in the fake runtime (as a previous start would have) and returns what list shows. */
async function runIn(rt: FakeRuntime, t: AssignedTask, hostPorts: number[], start = true): Promise<ContainerState[]> {
  let i = 0;
  for (const c of t.containers) {
    const bindings = c.portMappings.map((m) => ({ containerPort: m.containerPort, hostPort: hostPorts[i++]!, protocol: m.protocol }));
    const id = await rt.create(containerSpecOf(CLUSTER, INSTANCE, t, c, bindings, '127.0.0.2'));
    if (start) await rt.start(id);
  }
  return rt.list({});
}

describe('task convergence', () => {
  test('new tasks start on distinct dynamic ports, skipping reserved, in-use and cooling ports', () => {
    const busyTask = task('held', {
      lastStatus: 'RUNNING',
      recorded: [
        {
          name: 'web',
          lastStatus: 'RUNNING',
          healthStatus: 'UNKNOWN',
          networkBindings: [{ bindIP: '127.0.0.2', containerPort: 80, hostPort: 20000, protocol: 'tcp' }],
        },
      ],
    });
    const plan = converge(
      input({
        tasks: [busyTask, task('a'), task('b'), task('c')],
        busy: new Set([busyTask.taskArn]),
        ports: ports({ cooldownUntil: new Map([[20002, NOW + 1]]), pending: new Set([20003]) }),
      }),
    );
    const starts = plan.actions.filter((a) => a.type === 'start');
    assert.equal(starts.length, 3);
    const got = starts.flatMap((a) => (a.type === 'start' ? a.create.flatMap((c) => c.bindings.map((b) => b.hostPort)) : []));
    assert.deepEqual(got, [20004, 20005, 20006]);
    assert.equal(plan.cursor, 20007);
  });

  test('the cursor rotates: the next round starts after the last port handed out', () => {
    const plan = converge(input({ tasks: [task('a')], ports: ports({ cursor: 20008 }) }));
    const a = plan.actions[0]!;
    assert.equal(a.type, 'start');
    if (a.type === 'start') assert.equal(a.create[0]!.bindings[0]!.hostPort, 20008);
  });

  test('cooling ports are used only when nothing else is left; a full range fails the task with RESOURCE:PORTS', () => {
    const range = { low: 20000, high: 20001 };
    const plan = converge(input({ tasks: [task('a')], ports: ports({ range, reserved: new Set([20000]), cooldownUntil: new Map([[20001, NOW + 5]]) }) }));
    assert.equal(plan.actions[0]!.type, 'start');
    const full = converge(input({ tasks: [task('a')], ports: ports({ range, reserved: new Set([20000]), pending: new Set([20001]) }) }));
    assert.deepEqual(
      full.actions.map((a) => a.type),
      ['fail'],
    );
  });

  test('static host ports and host networking need no allocation', () => {
    const t = task('s', { containers: [container({ portMappings: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }] })] });
    const a = converge(input({ tasks: [t] })).actions[0]!;
    assert.ok(a.type === 'start');
    assert.deepEqual(a.create[0]!.bindings, [{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }]);
  });

  test('all containers running: report RUNNING with bindings on the advertised address, then nothing while it holds', async () => {
    const rt = new FakeRuntime(() => NOW);
    const t = task('a', { lastStatus: 'PENDING' });
    const observed = await runIn(rt, t, [20005]);
    const [a] = converge(input({ tasks: [t], observed })).actions;
    assert.ok(a?.type === 'report');
    assert.equal(a.lastStatus, 'RUNNING');
    assert.deepEqual(a.containers[0]!.networkBindings, [{ bindIP: '127.0.0.2', containerPort: 80, hostPort: 20005, protocol: 'tcp' }]);
    const recorded = a.containers.map((c) => ({
      name: c.name,
      runtimeId: c.runtimeId!,
      lastStatus: c.lastStatus,
      healthStatus: c.healthStatus!,
      networkBindings: c.networkBindings!,
    }));
    const settled = { ...t, lastStatus: 'RUNNING' as TaskState, recorded };
    assert.deepEqual(converge(input({ tasks: [settled], observed })).actions, []);
    // A health change is reported, and the task's health follows its essential container.
    rt.setHealth(observed[0]!.runtimeId, 'UNHEALTHY');
    const [h] = converge(input({ tasks: [settled], observed: await rt.list({}) })).actions;
    assert.ok(h?.type === 'report');
    assert.equal(h.healthStatus, 'UNHEALTHY');
  });

  test('a draining task (DEACTIVATING, still wanted) keeps running and is not reported again and again', async () => {
    const rt = new FakeRuntime(() => NOW);
    const t = task('d', { lastStatus: 'PENDING' });
    const observed = await runIn(rt, t, [20006]);
    const [a] = converge(input({ tasks: [t], observed })).actions;
    assert.ok(a?.type === 'report');
    const recorded = a.containers.map((c) => ({
      name: c.name,
      runtimeId: c.runtimeId!,
      lastStatus: c.lastStatus,
      healthStatus: c.healthStatus!,
      networkBindings: c.networkBindings!,
    }));
    const draining = { ...t, lastStatus: 'DEACTIVATING' as TaskState, recorded };
    assert.deepEqual(converge(input({ tasks: [draining], observed })).actions, [], 'nothing to do while it drains');
    rt.setHealth(observed[0]!.runtimeId, 'HEALTHY');
    const [h] = converge(input({ tasks: [draining], observed: await rt.list({}) })).actions;
    assert.ok(h?.type === 'report');
    assert.equal(h.lastStatus, 'DEACTIVATING', 'a report never claims RUNNING for a draining task');
  });

  test('a task interrupted mid-start creates only the missing containers and starts the created ones', async () => {
    const rt = new FakeRuntime(() => NOW);
    const t = task('a', { lastStatus: 'PENDING', containers: [container({ name: 'one' }), container({ name: 'two' })] });
    await runIn(rt, { ...t, containers: [t.containers[0]!] }, [20004], false);
    const [a] = converge(input({ tasks: [t], observed: await rt.list({}) })).actions;
    assert.ok(a?.type === 'start');
    assert.deepEqual(
      a.create.map((c) => c.name),
      ['two'],
    );
    assert.deepEqual(a.startExisting, ['fake-1']);
    assert.notEqual(a.create[0]!.bindings[0]!.hostPort, 20004);
  });

  test('an essential container that exits stops the task with EssentialContainerExited; a non-essential one does not', async () => {
    const rt = new FakeRuntime(() => NOW);
    const t = task('a', { lastStatus: 'RUNNING', containers: [container({ name: 'app' }), container({ name: 'side', essential: false })] });
    const observed = await runIn(rt, t, [20004, 20005]);
    rt.exit(observed.find((c) => c.name === 'side')!.runtimeId, 1);
    const [side] = converge(input({ tasks: [t], observed: await rt.list({}) })).actions;
    assert.ok(side?.type === 'report');
    assert.equal(side.containers.find((c) => c.name === 'side')!.exitCode, 1);
    rt.exit(observed.find((c) => c.name === 'app')!.runtimeId, 3);
    const [stop] = converge(input({ tasks: [t], observed: await rt.list({}) })).actions;
    assert.deepEqual(stop && { type: stop.type, ...(stop.type === 'stop' ? { code: stop.stopCode, reason: stop.stoppedReason } : {}) }, {
      type: 'stop',
      code: 'EssentialContainerExited',
      reason: 'Essential container in task exited',
    });
  });

  test('a RUNNING task whose container vanished is stopped with a reason', () => {
    const [a] = converge(input({ tasks: [task('a', { lastStatus: 'RUNNING' })] })).actions;
    assert.ok(a?.type === 'stop');
    assert.equal(a.stopCode, 'EssentialContainerExited');
    assert.match(a.reasons!.web!, /vanished/);
  });

  test('desiredStatus STOPPED stops the task; busy tasks are left alone', () => {
    const t = task('a', { lastStatus: 'RUNNING', desiredStatus: 'STOPPED' });
    assert.deepEqual(
      converge(input({ tasks: [t] })).actions.map((a) => a.type),
      ['stop'],
    );
    assert.deepEqual(converge(input({ tasks: [t], busy: new Set([t.taskArn]) })).actions, []);
  });

  test('STOPPED tasks: a running container is stopped, exited ones are removed after the retention', async () => {
    const rt = new FakeRuntime(() => NOW);
    const t = task('a', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: NOW - 1_000 });
    const observed = await runIn(rt, t, [20004]);
    assert.deepEqual(
      converge(input({ tasks: [t], observed })).actions.map((a) => a.type),
      ['stop-container'],
    );
    rt.exit(observed[0]!.runtimeId, 0);
    const exited = await rt.list({});
    assert.deepEqual(converge(input({ tasks: [t], observed: exited })).actions, []);
    assert.deepEqual(
      converge(input({ tasks: [t], observed: exited, now: NOW + 60_000 })).actions.map((a) => a.type),
      ['remove'],
    );
  });

  test('containers of no assigned task are orphans: stopped and removed', async () => {
    const rt = new FakeRuntime(() => NOW);
    const observed = await runIn(rt, task('gone'), [20004]);
    const [a] = converge(input({ tasks: [], observed })).actions;
    assert.ok(a?.type === 'stop-container');
    assert.equal(a.remove, true);
  });

  test('ports in use: live tasks (recorded and observed) and running containers, never STOPPED tasks', async () => {
    const rt = new FakeRuntime(() => NOW);
    const live = task('live', { lastStatus: 'RUNNING' });
    const dead = task('dead', {
      lastStatus: 'STOPPED',
      recorded: [
        {
          name: 'web',
          lastStatus: 'STOPPED',
          healthStatus: 'UNKNOWN',
          networkBindings: [{ bindIP: 'x', containerPort: 80, hostPort: 20009, protocol: 'tcp' }],
        },
      ],
    });
    const observed = await runIn(rt, live, [20004]);
    const used = portsInUse({ tasks: [live, dead], observed, ports: ports({ pending: new Set([20007]) }) });
    assert.deepEqual([...used].sort(), [20004, 20007]);
  });

  test('task health is the worst of its essential containers', () => {
    const t = task('a', { containers: [container({ name: 'a' }), container({ name: 'b' }), container({ name: 'c', essential: false })] });
    assert.equal(
      taskHealth(
        t,
        new Map([
          ['a', 'HEALTHY'],
          ['b', 'HEALTHY'],
          ['c', 'UNHEALTHY'],
        ]),
      ),
      'HEALTHY',
    );
    assert.equal(
      taskHealth(
        t,
        new Map([
          ['a', 'HEALTHY'],
          ['b', 'UNKNOWN'],
        ]),
      ),
      'UNKNOWN',
    );
    assert.equal(
      taskHealth(
        t,
        new Map([
          ['a', 'UNHEALTHY'],
          ['b', 'UNKNOWN'],
        ]),
      ),
      'UNHEALTHY',
    );
  });
});

describe('converge: container order', () => {
  const hc = { command: ['CMD-SHELL', 'true'], intervalS: 5, timeoutS: 2, retries: 1, startPeriodS: 0 };
  const ordered = (lastStatus: TaskState) =>
    task('o1', {
      lastStatus,
      containers: [
        container({ name: 'app', dependsOn: [{ containerName: 'sidecar', condition: 'HEALTHY' }] }),
        container({ name: 'sidecar', portMappings: [], healthCheck: hc, startTimeoutS: 5 }),
      ],
    });
  const seen = (t: AssignedTask, name: string, over: Partial<ContainerState>): ContainerState => ({
    runtimeId: `id-${name}`,
    name,
    labels: { 'com.berth.task-arn': t.taskArn },
    status: 'running',
    health: 'UNKNOWN',
    startedAt: NOW - 1000,
    portBindings: [],
    ...over,
  });

  test('the first wave starts only the dependency, not last; then nothing until HEALTHY; then the app, last', () => {
    const t = ordered('PROVISIONING');
    const first = converge(input({ tasks: [t] })).actions;
    assert.equal(first.length, 1);
    assert.equal(first[0]!.type, 'start');
    const s = first[0] as Extract<(typeof first)[number], { type: 'start' }>;
    assert.deepEqual(
      s.create.map((c) => c.name),
      ['sidecar'],
    );
    assert.equal(s.last, false);

    const p = ordered('PENDING');
    assert.deepEqual(converge(input({ tasks: [p], observed: [seen(p, 'sidecar', {})] })).actions, []);
    const go = converge(input({ tasks: [p], observed: [seen(p, 'sidecar', { health: 'HEALTHY' })] })).actions;
    assert.equal(go[0]!.type, 'start');
    const g = go[0] as Extract<(typeof go)[number], { type: 'start' }>;
    assert.deepEqual(
      g.create.map((c) => c.name),
      ['app'],
    );
    assert.equal(g.create[0]!.bindings.length, 1);
    assert.equal(g.last, true);
  });

  test("a dependency past its startTimeout stops the task (TaskFailedToStart, the agent's words on the waiting container)", () => {
    const p = ordered('PENDING');
    const [a] = converge(input({ tasks: [p], observed: [seen(p, 'sidecar', { startedAt: NOW - 5000 })] })).actions;
    assert.equal(a?.type, 'stop');
    const reason = 'dependency graph: container ordering dependency [sidecar] for target [app] has timed out.';
    assert.deepEqual(a?.type === 'stop' && { stopCode: a.stopCode, stoppedReason: a.stoppedReason, reasons: a.reasons }, {
      stopCode: 'TaskFailedToStart',
      stoppedReason: reason,
      reasons: { app: reason },
    });
  });

  test('a non-essential container whose dependency failed is reported STOPPED with the reason, once, and the task keeps running', () => {
    const t = task('n2', {
      lastStatus: 'RUNNING',
      containers: [
        container({ name: 'web', portMappings: [] }),
        container({ name: 'init', essential: false, portMappings: [] }),
        container({ name: 'helper', essential: false, portMappings: [], dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] }),
      ],
    });
    const observed = [seen(t, 'web', {}), seen(t, 'init', { status: 'exited', exitCode: 1 })];
    const [a, ...rest] = converge(input({ tasks: [t], observed })).actions;
    assert.equal(rest.length, 0);
    assert.equal(a?.type, 'report');
    const r = a as Extract<typeof a, { type: 'report' }>;
    assert.equal(r.lastStatus, 'RUNNING');
    const helper = r.containers.find((c) => c.name === 'helper');
    assert.deepEqual(helper, {
      name: 'helper',
      lastStatus: 'STOPPED',
      reason: 'dependency graph: failed to resolve container ordering dependency [init] for target [helper] as dependency did not exit successfully.',
      healthStatus: 'UNKNOWN',
      networkBindings: [],
    });
    const recorded = r.containers.map((c) => ({
      name: c.name,
      ...(c.runtimeId ? { runtimeId: c.runtimeId } : {}),
      lastStatus: c.lastStatus,
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      healthStatus: c.healthStatus ?? 'UNKNOWN',
      networkBindings: c.networkBindings ?? [],
    }));
    assert.deepEqual(converge(input({ tasks: [{ ...t, recorded, healthStatus: r.healthStatus }], observed })).actions, []);
  });

  test('a non-essential container that exited leaves a RUNNING task running; an essential one stops it', () => {
    const t = task('n1', {
      lastStatus: 'RUNNING',
      containers: [container({ name: 'web', portMappings: [] }), container({ name: 'job', essential: false, portMappings: [] })],
    });
    const observed = [seen(t, 'web', {}), seen(t, 'job', { status: 'exited', exitCode: 0 })];
    const actions = converge(input({ tasks: [t], observed })).actions;
    assert.ok(
      actions.every((a) => a.type === 'report'),
      JSON.stringify(actions.map((a) => a.type)),
    );
    const stop = converge(input({ tasks: [t], observed: [seen(t, 'web', { status: 'exited', exitCode: 1 }), observed[1]!] })).actions;
    assert.equal(stop[0]?.type, 'stop');
  });
});
