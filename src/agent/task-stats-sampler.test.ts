/**
 * The sampler over the fake runtime and a recording client, with a manual clock: a task's sample
 * needs two readings; samples wait while the control plane is away and leave with the next report,
 * in batches the protocol allows; a refusal drops its batch; another agent's containers are not read.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../platform/clock.js';
import { silentLogger } from '../platform/logger.js';
import { ControlPlaneError, MAX_TASK_STATS_SAMPLES, type ControlPlaneClient, type TaskStatsRequest } from './control-plane-client.js';
import { labelsOf } from './container-spec.js';
import { FakeRuntime } from './runtime/fake-runtime.js';
import { MAX_BACKLOG, startTaskStatsSampler } from './task-stats-sampler.js';

const MIB = 1048576;

function rig() {
  const clock = new ManualClock(1_800_000_000_000);
  const runtime = new FakeRuntime(() => clock.now());
  const sent: TaskStatsRequest[] = [];
  let failWith: Error | undefined;
  const client = {
    reportTaskStats: async (req: TaskStatsRequest) => {
      if (failWith) throw failWith;
      sent.push(structuredClone(req));
    },
  } as Pick<ControlPlaneClient, 'reportTaskStats'> as ControlPlaneClient;
  const sampler = startTaskStatsSampler({
    client,
    runtime,
    cluster: 'prod',
    ec2InstanceId: 'i-0000000000000000a',
    containerInstanceArn: () => 'arn:ci',
    clock,
    logger: silentLogger,
    everyMs: 3_600_000,
  });
  const run = async (task: string, name: string, instance = 'i-0000000000000000a') => {
    const id = await runtime.create({
      name,
      image: 'x',
      portBindings: [],
      bindIp: '127.0.0.1',
      networkMode: 'bridge',
      labels: labelsOf('prod', instance, task, name),
      stopTimeoutS: 1,
    });
    await runtime.start(id);
    return id;
  };
  return { clock, runtime, sent, sampler, run, fail: (e: Error | undefined) => (failWith = e) };
}

test("two readings make a task's sample (its containers summed); another instance's containers are not read", async () => {
  const r = rig();
  const a = await r.run('task/A', 'app');
  const b = await r.run('task/A', 'sidecar');
  const other = await r.run('task/X', 'app', 'i-0000000000000000b');
  r.runtime.setUsage(a, { cpuNs: 0, memoryBytes: 10 * MIB });
  r.runtime.setUsage(b, { cpuNs: 0, memoryBytes: 2 * MIB });
  r.runtime.setUsage(other, { cpuNs: 0, memoryBytes: 0 });
  await r.sampler.round();
  assert.deepEqual(r.sent, [], 'one reading gives no rate yet');
  r.clock.advance(10_000);
  r.runtime.setUsage(a, { cpuNs: 10e9, memoryBytes: 20 * MIB });
  r.runtime.setUsage(b, { cpuNs: 2.5e9, memoryBytes: 4 * MIB });
  r.runtime.setUsage(other, { cpuNs: 99e9, memoryBytes: 0 });
  await r.sampler.round();
  assert.deepEqual(r.sent, [
    { cluster: 'prod', containerInstanceArn: 'arn:ci', samples: [{ taskArn: 'task/A', at: r.clock.now(), cpuUnits: 1024 + 256, memoryMiB: 24 }] },
  ]);
  await r.runtime.stop(a, 1);
  r.clock.advance(10_000);
  await r.sampler.round();
  assert.equal(r.sent.length, 2);
  const third: TaskStatsRequest[] = r.sent;
  assert.equal(third[1]?.samples[0]?.memoryMiB, 4, 'a stopped container is no longer read');
});

test('samples wait while the control plane is away, then leave in batches the protocol allows; the backlog is bounded; a refusal drops its batch', async () => {
  const r = rig();
  const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => r.run(`task/${i}`, 'app')));
  await r.sampler.round();
  r.fail(new Error('connection refused'));
  const rounds = Math.ceil(MAX_BACKLOG / ids.length) + 5;
  for (let i = 1; i <= rounds; i++) {
    r.clock.advance(1_000);
    for (const id of ids) r.runtime.setUsage(id, { cpuNs: i * 1e8, memoryBytes: MIB });
    await r.sampler.round();
  }
  assert.equal(r.sampler.backlog(), MAX_BACKLOG, 'bounded: the oldest went');
  r.fail(undefined);
  r.clock.advance(1_000);
  for (const id of ids) r.runtime.setUsage(id, { cpuNs: (rounds + 1) * 1e8, memoryBytes: MIB });
  await r.sampler.round();
  assert.equal(r.sampler.backlog(), 0);
  assert.ok(r.sent.length >= Math.ceil(MAX_BACKLOG / MAX_TASK_STATS_SAMPLES));
  assert.ok(r.sent.every((s) => s.samples.length <= MAX_TASK_STATS_SAMPLES));
  assert.ok(
    r.sent.every((s) => s.samples.every((x) => Math.abs(x.cpuUnits - 102.4) < 0.01)),
    'a tenth of a core each',
  );
  r.fail(new ControlPlaneError('InvalidParameterException', 'no', 400));
  r.clock.advance(1_000);
  await r.sampler.round();
  assert.equal(r.sampler.backlog(), 0, 'a refused batch is not kept');
  await r.sampler.stop();
});
