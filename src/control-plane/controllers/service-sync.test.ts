import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerInstanceRecord, ServiceRecord, TaskRecord } from '../../domain/ecs/records.js';
import { keys } from '../../domain/keys.js';
import { ManualClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { service as serviceRecord, taskDefinition, T0, TD1 } from '../../reconciling/scenario.js';
import { MemoryStore } from '../../store/memory-store.js';
import type { Store, TxnRequest } from '../../store/store.js';
import { startChunks, syncService } from './service-sync.js';

const ci = (n: number): ContainerInstanceRecord => ({
  containerInstanceArn: `arn:aws:ecs:us-east-1:000000000000:container-instance/default/inst${n}`,
  ec2InstanceId: `i-${n}`,
  version: 1,
  versionInfo: {},
  registeredResources: [
    { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
    { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
  ],
  status: 'ACTIVE',
  agentConnected: true,
  attributes: [],
  registeredAt: T0,
  id: `inst${n}`,
  clusterName: 'default',
  placementVersion: 0,
});

const SERVICE_KEY = keys.service('default', 'web');

test('startChunks splits starts and their pre-drawn ids into pieces of at most n tasks, in order', () => {
  const start = (deploymentId: string, count: number) => ({
    deploymentId,
    taskDefinition: TD1,
    count,
    taskIds: Array.from({ length: count }, (_, i) => `${deploymentId}-${i}`),
    startedBy: deploymentId,
    group: 'service:web',
  });
  const chunks = startChunks([start('a', 5), start('b', 4)], 4);
  assert.deepEqual(
    chunks.map((c) => c.map((s) => `${s.deploymentId}:${s.taskIds.join(',')}`)),
    [['a:a-0,a-1,a-2,a-3'], ['a:a-4', 'b:b-0,b-1,b-2'], ['b:b-3']],
  );
  assert.ok(chunks.flat().every((s) => s.count === s.taskIds.length));
  assert.deepEqual(startChunks([], 4), [[]]);
});

test('a large start is placed and committed a chunk at a time, as one plan: every task once, instances bumped per write, events of at most 10 tasks', async () => {
  const store = new MemoryStore();
  for (const n of [1, 2, 3]) await store.put(keys.containerInstance('default', `inst${n}`), ci(n));
  await store.put(keys.taskDefinition('web', 1), taskDefinition(TD1));
  await store.put(SERVICE_KEY, serviceRecord({ lb: false, desired: 30 }));
  const created: number[] = [];
  const instanceWrites = new Map<string, number>();
  const counting: Store = Object.create(store, {
    txn: {
      value: async (req: TxnRequest) => {
        const r = await store.txn(req);
        if (r.succeeded) {
          created.push(req.compares.filter((c) => c.modRevision === 0 && c.key.startsWith(keys.tasks())).length);
          for (const op of req.success) if (op.key.startsWith(keys.containerInstances())) instanceWrites.set(op.key, (instanceWrites.get(op.key) ?? 0) + 1);
        }
        return r;
      },
    },
  });
  const r = await syncService({ store: counting, clock: new ManualClock(T0), random: seededRandom(5), startChunk: 7, maxTxnOps: 50 }, SERVICE_KEY);
  assert.equal(r.committed, true);
  const tasks = (await store.list<TaskRecord>(keys.tasks('default'))).records;
  assert.equal(tasks.length, 30);
  assert.equal(new Set(tasks.map((t) => t.value.taskId)).size, 30);
  // 30 tasks in chunks of 7: five commits of new tasks, none with more than a chunk.
  assert.deepEqual(
    created.filter((n) => n > 0),
    [7, 7, 7, 7, 2],
  );
  for (const n of [1, 2, 3]) {
    const key = keys.containerInstance('default', `inst${n}`);
    const rec = await store.get<ContainerInstanceRecord>(key);
    assert.equal(rec?.value.placementVersion, instanceWrites.get(key), `inst${n}: placementVersion counts its writes`);
  }
  const events = (await store.get<ServiceRecord>(SERVICE_KEY))?.value.events ?? [];
  const started = events
    .map((e) => /has started (\d+) tasks/.exec(e.message)?.[1])
    .filter((x) => x !== undefined)
    .map(Number);
  assert.equal(
    started.reduce((a, b) => a + b, 0),
    30,
  );
  assert.ok(started.every((n) => n <= 10));
});

test('a chunk whose commit fails while the next is placed fails the pass with that error; the chunks before stay', async () => {
  const store = new MemoryStore();
  for (const n of [1, 2, 3]) await store.put(keys.containerInstance('default', `inst${n}`), ci(n));
  await store.put(keys.taskDefinition('web', 1), taskDefinition(TD1));
  await store.put(SERVICE_KEY, serviceRecord({ lb: false, desired: 30 }));
  let txns = 0;
  const failing: Store = Object.create(store, {
    txn: {
      value: async (req: TxnRequest) => {
        // The second chunk's commit: the first has landed, the third is being placed meanwhile.
        if (++txns === 2) throw new Error('store unreachable');
        return store.txn(req);
      },
    },
  });
  await assert.rejects(
    syncService({ store: failing, clock: new ManualClock(T0), random: seededRandom(5), startChunk: 7, maxTxnOps: 50 }, SERVICE_KEY),
    /store unreachable/,
  );
  assert.equal((await store.list(keys.tasks('default'))).records.length, 7);
});
