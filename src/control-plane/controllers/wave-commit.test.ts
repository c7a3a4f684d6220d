import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerInstanceRecord, ServiceRecord, TaskRecord } from '../../domain/ecs/records.js';
import { keys } from '../../domain/keys.js';
import { seededRandom } from '../../platform/random.js';
import { TimeSlice } from '../../platform/time-slice.js';
import { instance, input, service as serviceRecord, taskDefinition, TD1, T0 } from '../../reconciling/scenario.js';
import { reconcileService } from '../../reconciling/reconcile-service.js';
import { withStartedTasks } from '../../reconciling/plan-builder.js';
import { SqliteStore } from '../../store/sqlite-store.js';
import type { TxnRequest } from '../../store/store.js';
import { planCommits, planTxn } from './plan-commit.js';
import { placeStarts } from './service-placement.js';
import type { ServiceSnapshot } from './service-snapshot.js';
import { commitWaves } from './wave-commit.js';

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

/** A store holding three instances and a service of 30 tasks, none placed; the snapshot, plan and placement of its first pass. */
async function world() {
  const dir = mkdtempSync(join(tmpdir(), 'berth-test-waves-'));
  const store = SqliteStore.open(join(dir, 'berth.db'));
  const svc = serviceRecord({ lb: false, desired: 30 });
  const instances = [];
  for (const n of [1, 2, 3]) {
    const key = keys.containerInstance('default', `inst${n}`);
    const modRevision = await store.put(key, ci(n));
    instances.push({ key, value: ci(n), modRevision, createRevision: modRevision });
  }
  const rev = await store.put(SERVICE_KEY, svc);
  const snap: ServiceSnapshot = {
    key: SERVICE_KEY,
    service: { key: SERVICE_KEY, value: svc, modRevision: rev, createRevision: rev },
    clusterName: 'default',
    clusterTasks: [],
    tasks: [],
    targets: new Map(),
    targetGroups: new Map(),
    taskDefinitions: { [TD1]: taskDefinition(TD1) },
    instances,
  };
  const decided = reconcileService(input(svc, [], [], { instances: [1, 2, 3].map((i) => instance(i)) }));
  const placed = placeStarts(snap, decided.start, T0, seededRandom(3));
  // As the applier does: the "has started" event makes the service record change.
  const plan = withStartedTasks(
    decided,
    'web',
    placed.tasks.map((t) => t.taskArn),
    T0,
    seededRandom(4),
  );
  return { store, snap, plan, placed, close: () => (store.close(), rmSync(dir, { recursive: true, force: true })) };
}

const puts = (txns: readonly TxnRequest[], prefix: string) => txns.flatMap((t) => t.success.filter((op) => op.key.startsWith(prefix)));

test('a plan that fits is one transaction, the service written in it', async () => {
  const w = await world();
  try {
    const waves = planCommits(w.snap, w.plan, w.placed, T0);
    assert.equal(waves.length, 1);
    assert.equal(waves[0]!.length, 1);
    assert.equal(puts(waves[0]!, keys.tasks('default')).length, 30);
    assert.equal(puts(waves[0]!, SERVICE_KEY).length, 1);
    assert.deepEqual(waves[0]![0], planTxn(w.snap, w.plan, w.placed, T0));
  } finally {
    w.close();
  }
});

test('within maxOps: every transaction fits and compares the service, an instance with more tasks than fit chains over waves, the service goes last', async () => {
  const w = await world();
  try {
    assert.equal(w.placed.tasks.length, 30);
    const waves = planCommits(w.snap, w.plan, w.placed, T0, 8);
    const all = waves.flat();
    for (const t of all) {
      assert.ok(t.compares.length <= 8 && t.success.length <= 8, 'within maxOps');
      assert.equal(t.compares.filter((c) => c.key === SERVICE_KEY).length, 1, 'every transaction compares the service');
    }
    // 10 tasks on each of 3 instances, at most 6 a piece: two pieces each, then the service.
    assert.equal(waves.length, 3);
    assert.deepEqual(
      waves.at(-1)!.map((t) => t.success.map((op) => op.key)),
      [[SERVICE_KEY]],
    );
    const taskKeys = puts(all, keys.tasks('default')).map((op) => op.key);
    assert.equal(new Set(taskKeys).size, 30, 'every new task once');

    assert.equal(await commitWaves(w.store, waves, new TimeSlice(1_000)), true);
    const stored = await w.store.list<TaskRecord>(keys.tasks('default'));
    assert.equal(stored.records.length, 30);
    for (const n of [1, 2, 3]) {
      const rec = await w.store.get<ContainerInstanceRecord>(keys.containerInstance('default', `inst${n}`));
      assert.equal(rec?.value.placementVersion, 2, 'bumped by each of its two pieces, the second compared at the first one’s revision');
    }
    const svc = await w.store.get<ServiceRecord>(SERVICE_KEY);
    assert.ok(svc?.value.events.some((e) => e.message.includes('has started')));
    assert.notEqual(svc?.modRevision, w.snap.service.modRevision, 'the service record was written, last');
  } finally {
    w.close();
  }
});

test('a concurrent write to a used instance fails the commit; the service is not written', async () => {
  const w = await world();
  try {
    const waves = planCommits(w.snap, w.plan, w.placed, T0, 8);
    // Another placement (RunTask) claims capacity on inst2 in between.
    await w.store.put(keys.containerInstance('default', 'inst2'), { ...ci(2), placementVersion: 1 });
    assert.equal(await commitWaves(w.store, waves, new TimeSlice(1_000)), false);
    const svc = await w.store.get<ServiceRecord>(SERVICE_KEY);
    assert.equal(svc?.modRevision, w.snap.service.modRevision, 'the service update waits for a pass that commits everything');
    const onInst2 = (await w.store.list<TaskRecord>(keys.tasks('default'))).records.filter((r) => r.value.containerInstanceId === 'inst2');
    assert.equal(onInst2.length, 0, 'nothing placed on the instance whose compare failed');
  } finally {
    w.close();
  }
});
