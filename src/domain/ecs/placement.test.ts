import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { placeTasks, type Candidate } from './placement.js';
import { seededRandom } from '../../platform/random.js';
import type { Reservation } from './records.js';

const cand = (arn: string, cpu: number, memory: number, over: Partial<Candidate> = {}): Candidate => ({
  arn,
  active: true,
  agentConnected: true,
  capacity: { cpu, memory, ports: new Set([22]), portsUdp: new Set() },
  ...over,
});
const res = (cpu: number, memory: number, ports: number[] = []): Reservation => ({ cpu, memory, ports, portsUdp: [] });

describe('placeTasks', () => {
  test('places until capacity runs out, then says why per instance', () => {
    const d = placeTasks([cand('a', 512, 512), cand('b', 256, 1024)], res(256, 256), 5, seededRandom(1));
    assert.equal(d.placed.length, 3);
    assert.equal(d.placed.filter((x) => x === 'a').length, 2);
    assert.deepEqual(d.failures.map((f) => f.reason).sort(), ['RESOURCE:CPU', 'RESOURCE:CPU']);
  });
  test('a static port fits once per instance', () => {
    const d = placeTasks([cand('a', 4096, 4096)], res(1, 1, [8080]), 2, seededRandom(2));
    assert.deepEqual(d.placed, ['a']);
    assert.deepEqual(d.failures, [{ arn: 'a', reason: 'RESOURCE:PORTS' }]);
  });
  test('dynamic-port tasks stack on one instance', () => {
    const d = placeTasks([cand('a', 4096, 4096)], res(1, 1), 10, seededRandom(3));
    assert.equal(d.placed.length, 10);
  });
  test('memory, agent and inactive instances', () => {
    const d = placeTasks(
      [cand('a', 4096, 100), cand('b', 4096, 4096, { agentConnected: false }), cand('c', 4096, 4096, { active: false })],
      res(1, 200),
      1,
      seededRandom(4),
    );
    assert.deepEqual(d.placed, []);
    assert.deepEqual(d.failures, [{ arn: 'a', reason: 'RESOURCE:MEMORY' }, { arn: 'b', reason: 'AGENT' }]);
  });
  test('does not mutate the given capacities', () => {
    const c = cand('a', 100, 100);
    placeTasks([c], res(100, 100, [9000]), 1, seededRandom(5));
    assert.equal(c.capacity.cpu, 100);
    assert.equal(c.capacity.ports.has(9000), false);
  });
});
