import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { place, type PlacementRequest } from './place.js';
import { parseConstraints } from './constraint.js';
import { parseStrategies, RUN_TASK_DEFAULT_STRATEGIES, SERVICE_DEFAULT_STRATEGIES } from './strategy.js';
import { Rejection } from './rejection.js';
import { seededRandom } from '../../platform/random.js';
import { candidate, names, reservation, tally } from './fixture.test-support.js';

const req = (over: Partial<PlacementRequest> = {}): PlacementRequest => ({
  count: 1,
  reservation: reservation(128, 128),
  group: 'service:web',
  ...over,
});
const strategies = (...raw: object[]) => parseStrategies(raw, RUN_TASK_DEFAULT_STRATEGIES);
const constraints = (...raw: object[]) => parseConstraints(raw);

describe('place: filters name their reason', () => {
  const cases: [string, Parameters<typeof candidate>[1], Partial<PlacementRequest>, string][] = [
    ['agent disconnected', { agentConnected: false }, {}, Rejection.AGENT],
    ['not enough CPU', { cpu: 100 }, {}, Rejection.CPU],
    ['not enough memory', { memory: 100 }, {}, Rejection.MEMORY],
    ['CPU is checked before memory', { cpu: 100, memory: 100 }, {}, Rejection.CPU],
    ['a static port already held', { ports: [8080] }, { reservation: reservation(1, 1, [8080]) }, Rejection.PORTS],
    ['a reserved port (22)', {}, { reservation: reservation(1, 1, [22]) }, Rejection.PORTS],
    ['a required attribute missing', {}, { requiredAttributes: ['ecs.capability.x'] }, Rejection.ATTRIBUTE],
    [
      'memberOf not matched',
      { attributes: { stack: 'dev' } },
      { constraints: constraints({ type: 'memberOf', expression: 'attribute:stack == prod' }) },
      Rejection.MEMBER_OF,
    ],
    [
      'distinctInstance: the group is already there',
      { groups: { 'service:web': 1 } },
      { constraints: constraints({ type: 'distinctInstance' }) },
      Rejection.DISTINCT_INSTANCE,
    ],
    [
      'resources are checked before constraints',
      { cpu: 1, groups: { 'service:web': 1 } },
      { constraints: constraints({ type: 'distinctInstance' }) },
      Rejection.CPU,
    ],
  ];
  for (const [name, spec, over, reason] of cases) {
    test(name, () => {
      const r = place(req(over), [candidate('a', spec)], seededRandom(1));
      assert.deepEqual(r.placements, []);
      assert.equal(r.failure?.reason, reason);
      assert.deepEqual(r.failure?.closest, { arn: candidate('a').arn, id: 'a', why: reason });
      assert.deepEqual(
        r.failure?.rejections.map((x) => x.reason),
        [reason],
      );
    });
  }

  test('inactive and draining instances are skipped without a failure entry', () => {
    const r = place(req(), [candidate('a', { status: 'DRAINING' }), candidate('b', { status: 'INACTIVE' })], seededRandom(1));
    assert.deepEqual(r.failure, { reason: 'NO_CONTAINER_INSTANCES', rejections: [] });
  });

  test('no candidates at all', () => assert.deepEqual(place(req(), [], seededRandom(1)).failure, { reason: 'NO_CONTAINER_INSTANCES', rejections: [] }));

  test('the closest instance is the one that passed the most filters', () => {
    const r = place(
      req({ constraints: constraints({ type: 'memberOf', expression: 'attribute:stack == prod' }) }),
      [candidate('a', { agentConnected: false }), candidate('b', { memory: 1 }), candidate('c', { attributes: { stack: 'dev' } }), candidate('d', { cpu: 1 })],
      seededRandom(1),
    );
    assert.equal(r.failure?.closest?.id, 'c');
    assert.deepEqual(
      r.failure?.rejections.map((x) => [x.id, x.reason]),
      [
        ['a', 'AGENT'],
        ['b', 'RESOURCE:MEMORY'],
        ['c', Rejection.MEMBER_OF],
        ['d', 'RESOURCE:CPU'],
      ],
    );
  });

  test('tasks placed earlier in the request count: capacity, ports and distinctInstance', () => {
    const cpu = place(req({ count: 5, reservation: reservation(256, 1) }), [candidate('a')], seededRandom(1));
    assert.equal(cpu.placements.length, 4);
    assert.equal(cpu.failure?.reason, Rejection.CPU);
    const ports = place(req({ count: 3, reservation: reservation(1, 1, [80]) }), [candidate('a'), candidate('b')], seededRandom(1));
    assert.deepEqual(names(ports.placements).sort(), ['a', 'b']);
    assert.equal(ports.failure?.reason, Rejection.PORTS);
    const distinct = place(req({ count: 3, constraints: constraints({ type: 'distinctInstance' }) }), [candidate('a'), candidate('b')], seededRandom(1));
    assert.deepEqual(names(distinct.placements).sort(), ['a', 'b']);
    assert.equal(distinct.failure?.reason, Rejection.DISTINCT_INSTANCE);
  });

  test('distinctInstance only looks at the same group', () => {
    const r = place(req({ constraints: constraints({ type: 'distinctInstance' }) }), [candidate('a', { groups: { 'service:api': 3 } })], seededRandom(1));
    assert.deepEqual(names(r.placements), ['a']);
  });

  test('memberOf with task:group, runningTasksCount and ec2InstanceId', () => {
    const pool = [candidate('a', { groups: { 'service:db': 1 }, runningTasksCount: 1 }), candidate('b', { runningTasksCount: 5 }), candidate('c')];
    const on = (expression: string) =>
      names(place(req({ count: 3, constraints: constraints({ type: 'memberOf', expression }) }), pool, seededRandom(1)).placements).sort();
    assert.deepEqual(on('task:group == service:db'), ['a', 'a', 'a']);
    assert.deepEqual(on('not(task:group == service:db)').includes('a'), false);
    assert.deepEqual(on('runningTasksCount > 2'), ['b', 'b', 'b']);
    assert.deepEqual(on('ec2InstanceId in [i-a, i-c] and runningTasksCount == 0'), ['c', 'c', 'c']);
  });

  test('the given candidates are never mutated', () => {
    const a = candidate('a');
    place(req({ count: 2, reservation: reservation(100, 100, [9000]) }), [a], seededRandom(1));
    assert.equal(a.capacity.cpu, 1024);
    assert.equal(a.capacity.ports.has(9000), false);
  });
});

describe('place: strategies', () => {
  test('binpack(memory) fills the fullest instance that still fits', () => {
    const pool = [candidate('roomy', { memory: 4096 }), candidate('tight', { memory: 300 }), candidate('full', { memory: 100 })];
    const r = place(req({ count: 4, strategies: strategies({ type: 'binpack', field: 'memory' }) }), pool, seededRandom(1));
    assert.deepEqual(names(r.placements), ['tight', 'tight', 'roomy', 'roomy']);
  });

  test('binpack(cpu) looks at CPU, not memory', () => {
    const pool = [candidate('a', { cpu: 2048, memory: 200 }), candidate('b', { cpu: 512, memory: 4096 })];
    const r = place(req({ count: 1, strategies: strategies({ type: 'binpack', field: 'CPU' }) }), pool, seededRandom(1));
    assert.deepEqual(names(r.placements), ['b']);
  });

  test('spread(instanceId) balances the group, counting tasks already there', () => {
    const pool = [candidate('a', { groups: { 'service:web': 2 } }), candidate('b'), candidate('c', { groups: { 'service:other': 5 } })];
    const r = place(req({ count: 4, strategies: strategies({ type: 'spread', field: 'instanceId' }) }), pool, seededRandom(3));
    assert.deepEqual(tally(r.placements), { b: 2, c: 2 }, 'a already holds two of the group');
  });

  test('spread(host) is spread(instanceId)', () => {
    const r = place(
      req({ count: 6, strategies: strategies({ type: 'spread', field: 'host' }) }),
      [candidate('a'), candidate('b'), candidate('c')],
      seededRandom(4),
    );
    assert.deepEqual(tally(r.placements), { a: 2, b: 2, c: 2 });
  });

  test('spread(attribute) balances across values, then the next strategy decides within a value', () => {
    const az = (zone: string) => ({ attributes: { 'ecs.availability-zone': zone } });
    const pool = [candidate('a1', az('a')), candidate('a2', az('a')), candidate('b1', az('b'))];
    const r = place(req({ count: 4, strategies: SERVICE_DEFAULT_STRATEGIES }), pool, seededRandom(5));
    assert.deepEqual(tally(r.placements), { a1: 1, a2: 1, b1: 2 });
  });

  test('instances without the attribute form their own value', () => {
    const pool = [candidate('x', { attributes: { rack: '1' } }), candidate('y'), candidate('z')];
    const r = place(req({ count: 2, strategies: strategies({ type: 'spread', field: 'attribute:rack' }) }), pool, seededRandom(6));
    assert.equal(tally(r.placements).x, 1);
  });

  test('ties under binpack are broken by the next strategy', () => {
    const pool = [candidate('a', { memory: 512, groups: { 'service:web': 1 } }), candidate('b', { memory: 512 })];
    const r = place(req({ strategies: strategies({ type: 'binpack', field: 'memory' }, { type: 'spread', field: 'instanceId' }) }), pool, seededRandom(7));
    assert.deepEqual(names(r.placements), ['b']);
  });

  test('random: every fitting instance gets picked, seeded and reproducible', () => {
    const pool = ['a', 'b', 'c', 'd'].map((n) => candidate(n, { cpu: 100_000, memory: 100_000 }));
    const run = (seed: number) => place(req({ count: 400, strategies: strategies({ type: 'random' }) }), pool, seededRandom(seed)).placements;
    const t = tally(run(8));
    for (const n of ['a', 'b', 'c', 'd']) assert.ok(t[n]! > 60, `${n} got ${t[n]}`);
    assert.deepEqual(run(8), run(8));
    assert.notDeepEqual(run(8), run(9));
  });

  test('strategies after random never matter', () => {
    const pool = [candidate('a', { memory: 200 }), candidate('b', { memory: 4000 })];
    const picks = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const r = place(req({ strategies: strategies({ type: 'random' }, { type: 'binpack', field: 'memory' }) }), pool, seededRandom(seed));
      picks.add(names(r.placements)[0]!);
    }
    assert.deepEqual([...picks].sort(), ['a', 'b']);
  });
});

describe('place: properties', () => {
  const spec = fc.record({
    cpu: fc.integer({ min: 0, max: 2048 }),
    memory: fc.integer({ min: 0, max: 2048 }),
    ports: fc.uniqueArray(fc.integer({ min: 80, max: 90 }), { maxLength: 3 }),
    agentConnected: fc.boolean(),
    web: fc.integer({ min: 0, max: 2 }),
    zone: fc.constantFrom('a', 'b', 'c'),
  });
  const strategyList = fc.array(
    fc.constantFrom<object>(
      { type: 'random' },
      { type: 'binpack', field: 'cpu' },
      { type: 'binpack', field: 'memory' },
      { type: 'spread', field: 'instanceId' },
      { type: 'spread', field: 'attribute:zone' },
    ),
    { maxLength: 3 },
  );

  test('never exceeds CPU or memory, never reuses a static port, never breaks distinctInstance', () => {
    fc.assert(
      fc.property(
        fc.array(spec, { minLength: 0, maxLength: 8 }),
        fc.record({ cpu: fc.integer({ min: 0, max: 600 }), memory: fc.integer({ min: 0, max: 600 }) }),
        fc.uniqueArray(fc.integer({ min: 80, max: 90 }), { maxLength: 2 }),
        fc.boolean(),
        strategyList,
        fc.integer({ min: 1, max: 12 }),
        fc.integer(),
        (specs, res, ports, distinct, strats, count, seed) => {
          const pool = specs.map((s, i) => candidate(`n${i}`, { ...s, attributes: { zone: s.zone }, groups: { 'service:web': s.web } }));
          const r = place(
            req({
              count,
              reservation: reservation(res.cpu, res.memory, ports),
              constraints: distinct ? constraints({ type: 'distinctInstance' }) : [],
              strategies: strategies(...strats),
            }),
            pool,
            seededRandom(seed),
          );
          assert.ok(r.placements.length <= count);
          assert.equal(r.failure === undefined, r.placements.length === count);
          const t = tally(r.placements);
          for (const [i, s] of specs.entries()) {
            const n = t[`n${i}`] ?? 0;
            if (n === 0) continue;
            assert.ok(s.agentConnected, 'placed on a disconnected instance');
            assert.ok(n * res.cpu <= s.cpu, 'CPU over-committed');
            assert.ok(n * res.memory <= s.memory, 'memory over-committed');
            if (ports.length > 0) {
              assert.equal(n, 1, 'a static port placed twice on one instance');
              assert.ok(!ports.some((p) => s.ports.includes(p) || p === 22), 'a held port reused');
            }
            if (distinct) assert.ok(s.web === 0 && n === 1, 'distinctInstance violated');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('spread(instanceId) keeps the group within one task of balanced on equal instances', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 60 }), fc.integer(), (n, count, seed) => {
        const pool = Array.from({ length: n }, (_, i) => candidate(`n${i}`, { cpu: 1e6, memory: 1e6 }));
        const r = place(req({ count, strategies: strategies({ type: 'spread', field: 'instanceId' }) }), pool, seededRandom(seed));
        const counts = pool.map((c) => tally(r.placements)[c.id] ?? 0);
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
      }),
      { numRuns: 100 },
    );
  });
});

describe('place: dynamic host ports are counted against what the agent has left', () => {
  test('tasks fill the range, then the next is RESOURCE:PORTS; an instance with room takes the rest', () => {
    const r = { ...reservation(0, 0), dynamicPorts: 2 };
    const one = place(req({ count: 3, reservation: r }), [candidate('a', { dynamicPorts: 5 })], seededRandom(1));
    assert.deepEqual(names(one.placements), ['a', 'a']);
    assert.equal(one.failure?.reason, Rejection.PORTS);
    assert.deepEqual(
      one.failure?.rejections.map((x) => x.reason),
      [Rejection.PORTS],
    );
    const two = place(req({ count: 3, reservation: r }), [candidate('a', { dynamicPorts: 1 }), candidate('b')], seededRandom(1));
    assert.deepEqual(names(two.placements), ['b', 'b', 'b'], 'an instance naming no range is not limited');
  });
});
