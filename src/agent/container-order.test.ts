import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOrder, stopWaves } from './container-order.js';
import type { ContainerState } from './runtime/runtime.js';
import type { AssignedContainer, AssignedTask } from './control-plane-client.js';

const NOW = 1_700_000_000_000;

function c(name: string, over: Partial<AssignedContainer> = {}): AssignedContainer {
  return { name, image: 'img', essential: true, environment: {}, portMappings: [], stopTimeoutS: 2, ...over };
}

function task(containers: AssignedContainer[]): AssignedTask {
  return {
    taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/c/t1',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/x:1',
    desiredStatus: 'RUNNING',
    lastStatus: 'PENDING',
    networkMode: 'bridge',
    containers,
    recorded: [],
    healthStatus: 'UNKNOWN',
  };
}

function seen(name: string, over: Partial<ContainerState> = {}): [string, ContainerState] {
  return [name, { runtimeId: `id-${name}`, name, labels: {}, status: 'running', health: 'UNKNOWN', startedAt: NOW - 1000, portBindings: [], ...over }];
}

const sidecar = c('sidecar', { healthCheck: { command: ['CMD-SHELL', 'true'], intervalS: 5, timeoutS: 2, retries: 1, startPeriodS: 0 } });
const app = (condition: 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY', on = 'sidecar') => c('app', { dependsOn: [{ containerName: on, condition }] });

describe('startOrder', () => {
  test('without dependsOn every container is ready at once', () => {
    const o = startOrder(task([c('a'), c('b')]), new Map(), NOW);
    assert.deepEqual(o, { ready: ['a', 'b'], waiting: [], never: [] });
  });

  test('HEALTHY: the app waits while the sidecar is not started, running UNKNOWN or UNHEALTHY; starts once HEALTHY', () => {
    const t = task([app('HEALTHY'), sidecar]);
    assert.deepEqual(startOrder(t, new Map(), NOW), { ready: ['sidecar'], waiting: ['app'], never: [] });
    assert.deepEqual(startOrder(t, new Map([seen('sidecar')]), NOW), { ready: [], waiting: ['app'], never: [] });
    assert.deepEqual(startOrder(t, new Map([seen('sidecar', { health: 'UNHEALTHY' })]), NOW), { ready: [], waiting: ['app'], never: [] });
    assert.deepEqual(startOrder(t, new Map([seen('sidecar', { health: 'HEALTHY' })]), NOW), { ready: ['app'], waiting: [], never: [] });
  });

  test('a created-but-not-started dependency is not started yet', () => {
    const t = task([app('START'), c('sidecar')]);
    assert.deepEqual(startOrder(t, new Map([seen('sidecar', { status: 'created' })]), NOW).ready, ['sidecar']);
    assert.deepEqual(startOrder(t, new Map([seen('sidecar')]), NOW).ready, ['app']);
  });

  test("COMPLETE: any exit code; SUCCESS: exit 0, and a non-zero exit fails the essential app with the agent's words", () => {
    const init = c('init', { essential: false });
    const running = new Map([seen('init')]);
    assert.deepEqual(startOrder(task([app('COMPLETE', 'init'), init]), running, NOW).waiting, ['app']);
    assert.deepEqual(startOrder(task([app('COMPLETE', 'init'), init]), new Map([seen('init', { status: 'exited', exitCode: 3 })]), NOW).ready, ['app']);
    assert.deepEqual(startOrder(task([app('SUCCESS', 'init'), init]), new Map([seen('init', { status: 'exited', exitCode: 0 })]), NOW).ready, ['app']);
    const failed = startOrder(task([app('SUCCESS', 'init'), init]), new Map([seen('init', { status: 'exited', exitCode: 1 })]), NOW);
    assert.deepEqual(failed.failed, {
      name: 'app',
      reason: 'dependency graph: failed to resolve container ordering dependency [init] for target [app] as dependency did not exit successfully.',
    });
    assert.deepEqual(failed.ready, []);
  });

  test("startTimeout counts from the dependency's start and is the dependency's own", () => {
    const slow = { ...sidecar, startTimeoutS: 10 };
    const t = task([app('HEALTHY'), slow]);
    const startedAt = NOW - 10_000;
    assert.equal(startOrder(t, new Map([seen('sidecar', { startedAt })]), NOW - 1).failed, undefined);
    assert.deepEqual(startOrder(t, new Map([seen('sidecar', { startedAt })]), NOW).failed, {
      name: 'app',
      reason: 'dependency graph: container ordering dependency [sidecar] for target [app] has timed out.',
    });
    // START is met at start: no timeout applies; without a startTimeout there is none either.
    assert.deepEqual(startOrder(task([app('START'), slow]), new Map([seen('sidecar', { startedAt: 0 })]), NOW).ready, ['app']);
    assert.equal(startOrder(task([app('HEALTHY'), sidecar]), new Map([seen('sidecar', { startedAt: 0 })]), NOW).failed, undefined);
  });

  test('a non-essential container that can never start is left out, and so is what depends on it; the essential rest goes on', () => {
    const init = c('init', { essential: false });
    const helper = c('helper', { essential: false, dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] });
    const tail = c('tail', { essential: false, dependsOn: [{ containerName: 'helper', condition: 'START' }] });
    const o = startOrder(task([tail, helper, init, c('web')]), new Map([seen('init', { status: 'exited', exitCode: 2 }), seen('web')]), NOW);
    assert.equal(o.failed, undefined);
    assert.deepEqual(o.ready, []);
    assert.deepEqual(o.waiting, []);
    assert.deepEqual(
      o.never.map((n) => n.name),
      ['helper', 'tail'],
    );
    assert.match(o.never[1]!.reason, /dependency \[helper\] for target \[tail\] because dependency will never start/);
  });

  test('a HEALTHY dependency that exits first can never be HEALTHY', () => {
    const o = startOrder(task([app('HEALTHY'), { ...sidecar, essential: false }]), new Map([seen('sidecar', { status: 'exited', exitCode: 0 })]), NOW);
    assert.equal(o.failed?.name, 'app');
  });

  test('chains start one wave at a time', () => {
    const t = task([
      c('c', { dependsOn: [{ containerName: 'b', condition: 'START' }] }),
      c('b', { dependsOn: [{ containerName: 'a', condition: 'START' }] }),
      c('a'),
    ]);
    assert.deepEqual(startOrder(t, new Map(), NOW), { ready: ['a'], waiting: ['b', 'c'], never: [] });
    assert.deepEqual(startOrder(t, new Map([seen('a')]), NOW), { ready: ['b'], waiting: ['c'], never: [] });
    assert.deepEqual(startOrder(t, new Map([seen('a'), seen('b')]), NOW), { ready: ['c'], waiting: [], never: [] });
  });
});

describe('stopWaves', () => {
  test('dependents stop before what they depend on; independent containers in the first wave', () => {
    const t = [
      c('c', { dependsOn: [{ containerName: 'b', condition: 'START' }] }),
      c('b', { dependsOn: [{ containerName: 'a', condition: 'HEALTHY' }] }),
      c('a'),
      c('x'),
    ];
    assert.deepEqual(stopWaves(t), [['c', 'x'], ['b'], ['a']]);
  });
  test('without dependsOn: one wave', () => {
    assert.deepEqual(stopWaves([c('a'), c('b')]), [['a', 'b']]);
  });
});
