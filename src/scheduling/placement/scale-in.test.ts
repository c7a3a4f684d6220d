import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseTasksToStop, type StoppableTask } from './scale-in.js';
import { parseStrategies, SERVICE_DEFAULT_STRATEGIES } from './strategy.js';
import { seededRandom } from '../../platform/random.js';
import { candidate, reservation } from './fixture.test-support.js';

const tasksOn = (name: string, n: number, cpu = 100, memory = 100): StoppableTask[] =>
  Array.from({ length: n }, (_, i) => ({ taskArn: `${name}-t${i}`, instanceArn: candidate(name).arn, reservation: reservation(cpu, memory) }));
const on = (arns: string[]) => arns.map((a) => a.split('-')[0]).sort();

describe('chooseTasksToStop', () => {
  test('binpack(memory): stop where the most is left afterwards', () => {
    const pool = [candidate('a', { memory: 100 }), candidate('b', { memory: 900 })];
    const tasks = [...tasksOn('a', 2), ...tasksOn('b', 2)];
    const chosen = chooseTasksToStop(1, tasks, pool, parseStrategies([{ type: 'binpack', field: 'memory' }], []), seededRandom(1));
    assert.deepEqual(on(chosen), ['b']);
  });

  test('binpack compares what is left after the stop, so a big task can tip it', () => {
    const pool = [candidate('a', { memory: 100 }), candidate('b', { memory: 300 })];
    const tasks = [...tasksOn('a', 1, 1, 500), ...tasksOn('b', 1, 1, 100)];
    assert.deepEqual(on(chooseTasksToStop(1, tasks, pool, parseStrategies([{ type: 'binpack', field: 'memory' }], []), seededRandom(1))), ['a']);
  });

  test('spread(instanceId): stop from the most loaded instance, keeping the balance', () => {
    const pool = [candidate('a'), candidate('b'), candidate('c')];
    const tasks = [...tasksOn('a', 3), ...tasksOn('b', 1), ...tasksOn('c', 2)];
    const chosen = chooseTasksToStop(3, tasks, pool, parseStrategies([{ type: 'spread', field: 'instanceId' }], []), seededRandom(2));
    assert.deepEqual(on(chosen), ['a', 'a', 'c']);
  });

  test('spread(attribute): stop from the most loaded zone', () => {
    const az = (z: string) => ({ attributes: { 'ecs.availability-zone': z } });
    const pool = [candidate('a1', az('a')), candidate('a2', az('a')), candidate('b1', az('b'))];
    const tasks = [...tasksOn('a1', 1), ...tasksOn('a2', 1), ...tasksOn('b1', 1)];
    const chosen = chooseTasksToStop(1, tasks, pool, parseStrategies([{ type: 'spread', field: 'attribute:ecs.availability-zone' }], []), seededRandom(3));
    assert.match(chosen[0]!, /^a[12]-/);
  });

  test('the caller’s order on an instance is kept; tasks on unknown instances go first', () => {
    const pool = [candidate('a')];
    const tasks: StoppableTask[] = [...tasksOn('a', 2), { taskArn: 'gone-t0', instanceArn: 'arn:x', reservation: reservation(1, 1) }];
    assert.deepEqual(chooseTasksToStop(2, tasks, pool, [], seededRandom(4)), ['gone-t0', 'a-t0']);
  });

  test('never more than there are', () => {
    assert.equal(chooseTasksToStop(5, tasksOn('a', 2), [candidate('a')], [], seededRandom(5)).length, 2);
  });

  describe("ECS's order: zones first, then the strategy turned round, then the fuller instance", () => {
    const az = (z: string, over: object = {}) => ({ attributes: { 'ecs.availability-zone': z }, ...over });
    const binpack = parseStrategies([{ type: 'binpack', field: 'memory' }], []);

    test('the zone with the most tasks goes first, even when binpack would stop elsewhere', () => {
      // binpack alone would stop on b1 (the most memory left); zone a holds two tasks, zone b one.
      const pool = [candidate('a1', az('a', { memory: 100 })), candidate('b1', az('b', { memory: 900 }))];
      const tasks = [...tasksOn('a1', 2), ...tasksOn('b1', 1)];
      assert.deepEqual(on(chooseTasksToStop(1, tasks, pool, binpack, seededRandom(1))), ['a1']);
      // Balanced zones: binpack decides.
      assert.deepEqual(on(chooseTasksToStop(2, tasks, pool, binpack, seededRandom(1))), ['a1', 'b1']);
    });

    test('within a zone the strategy decides before the instance counts', () => {
      const pool = [candidate('a1', az('a', { memory: 100 })), candidate('a2', az('a', { memory: 900 }))];
      const tasks = [...tasksOn('a1', 3), ...tasksOn('a2', 1)];
      assert.deepEqual(on(chooseTasksToStop(1, tasks, pool, binpack, seededRandom(1))), ['a2'], 'binpack frees the emptier instance');
    });

    test('what the strategy leaves tied goes to the instance with the most tasks', () => {
      const pool = [candidate('a1', az('a')), candidate('a2', az('a'))];
      const tasks = [...tasksOn('a1', 1), ...tasksOn('a2', 3)];
      for (let seed = 0; seed < 20; seed++) {
        assert.deepEqual(on(chooseTasksToStop(1, tasks, pool, binpack, seededRandom(seed))), ['a2'], `seed ${seed}`);
      }
    });

    test("ECS's default strategy keeps both zones and instances balanced as the service shrinks", () => {
      const pool = [candidate('a1', az('a')), candidate('a2', az('a')), candidate('b1', az('b'))];
      const tasks = [...tasksOn('a1', 3), ...tasksOn('a2', 1), ...tasksOn('b1', 2)];
      const chosen = chooseTasksToStop(3, tasks, pool, parseStrategies([], SERVICE_DEFAULT_STRATEGIES), seededRandom(6));
      // 6 tasks (a: 4, b: 2) down to 3: zone a gives up two, both from its fuller instance; then the zones are even and b1 holds the most.
      assert.deepEqual(on(chosen), ['a1', 'a1', 'b1']);
    });
  });
});
