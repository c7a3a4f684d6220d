import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { candidatesOf, type PlacementCandidate } from './candidate.js';
import { CandidatePool } from './candidate-pool.js';
import { DYNAMIC_RANGE_ATTRIBUTE } from '../../domain/ecs/dynamic-port-range.js';
import type { Resource } from '../../domain/ecs/records.js';

const instance = (i: number, ranged: boolean) => ({
  containerInstanceArn: `arn:aws:ecs:us-east-1:000000000000:container-instance/c/i${i}`,
  id: `i${i}`,
  ec2InstanceId: `i-${i}`,
  status: 'ACTIVE' as const,
  agentConnected: true,
  attributes: ranged ? [{ name: DYNAMIC_RANGE_ATTRIBUTE, value: '40000-40009' }] : [],
  registeredAt: 1,
  registeredResources: [
    { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
    { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
    { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22'] },
  ] satisfies Resource[],
});

const taskArb = fc.record({
  on: fc.integer({ min: 0, max: 4 }),
  lastStatus: fc.constantFrom('PROVISIONING' as const, 'RUNNING' as const, 'STOPPED' as const),
  desiredStatus: fc.constantFrom('RUNNING' as const, 'STOPPED' as const),
  cpu: fc.integer({ min: 0, max: 300 }),
  memory: fc.integer({ min: 0, max: 600 }),
  port: fc.option(fc.constantFrom(80, 40001, 40005), { nil: undefined }),
  dynamicPorts: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  group: fc.constantFrom('service:a', 'service:b'),
});

type TaskSpec = typeof taskArb extends fc.Arbitrary<infer T> ? T : never;

const toTask = (s: TaskSpec) => ({
  containerInstanceId: `i${s.on}`,
  lastStatus: s.lastStatus,
  desiredStatus: s.desiredStatus,
  group: s.group,
  reservation: {
    cpu: s.cpu,
    memory: s.memory,
    ports: s.port === undefined ? [] : [s.port],
    portsUdp: [],
    ...(s.dynamicPorts !== undefined ? { dynamicPorts: s.dynamicPorts } : {}),
  },
});

/** Maps and sets as sorted arrays, so two candidates compare by value. */
const plain = (c: PlacementCandidate) => ({
  ...c,
  attributes: [...c.attributes].sort(),
  groupCounts: [...c.groupCounts].sort(),
  capacity: { ...c.capacity, ports: [...c.capacity.ports].sort(), portsUdp: [...c.capacity.portsUdp].sort() },
});

test('a pool kept in step by add() agrees with candidatesOf over every task, after every batch', () => {
  fc.assert(
    fc.property(
      fc.array(taskArb, { maxLength: 20 }),
      fc.array(fc.array(taskArb, { maxLength: 10 }), { maxLength: 4 }),
      fc.boolean(),
      (first, batches, ranged) => {
        const instances = [0, 1, 2, 3].map((i) => instance(i, ranged && i % 2 === 0));
        const all = first.map(toTask);
        const pool = new CandidatePool(instances, all);
        assert.deepEqual(pool.candidates().map(plain), candidatesOf(instances, all).map(plain));
        for (const batch of batches) {
          for (const s of batch) {
            const t = toTask(s);
            pool.add(t);
            all.push(t);
          }
          // A task on an instance not in the cluster (i4) counts nowhere, in both.
          assert.deepEqual(pool.candidates().map(plain), candidatesOf(instances, all).map(plain));
        }
      },
    ),
  );
});
