import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../platform/logger.js';
import { systemClock } from '../platform/clock.js';
import { FakeRuntime } from './runtime/fake-runtime.js';
import { BERTH_LABELS } from './runtime/runtime.js';
import { LogShipper } from './log-shipper.js';
import { eventually } from '../../test/support/eventually.js';
import type { AssignedTask, ControlPlaneClient, LogBatchRequest } from './control-plane-client.js';

const TASK = 'arn:aws:ecs:us-east-1:000000000000:task/c/t1';

function rig(options: Record<string, string> = { 'awslogs-group': 'g', 'awslogs-stream-prefix': 'p' }) {
  let t = 1_700_000_000_000;
  const runtime = new FakeRuntime(() => t);
  const batches: LogBatchRequest[] = [];
  const client = {
    shipLogs: async (r: LogBatchRequest) => {
      batches.push(structuredClone(r));
      return { ok: true as const, logGroup: 'g', logStream: 's', stored: r.events.length, skipped: 0 };
    },
  } as unknown as ControlPlaneClient;
  const task = {
    taskArn: TASK,
    containers: [{ name: 'app', logConfiguration: { logDriver: 'awslogs', options, secretOptions: [] } }],
  } as unknown as AssignedTask;
  const stateDir = mkdtempSync(join(tmpdir(), 'berth-shipper-'));
  const shipper = () =>
    new LogShipper({ client, runtime, cluster: 'c', containerInstanceArn: () => 'ci', stateDir, clock: systemClock, logger: silentLogger, flushMs: 10 });
  const container = async () => {
    const id = await runtime.create({
      name: 'app',
      image: 'i',
      portBindings: [],
      bindIp: '127.0.0.1',
      networkMode: 'bridge',
      labels: { [BERTH_LABELS.taskArn]: TASK },
      stopTimeoutS: 1,
    });
    await runtime.start(id);
    return id;
  };
  const emit = (id: string, line: string, advance = 1) => {
    runtime.emitLog(id, line);
    t += advance;
  };
  const shipped = () => batches.flatMap((b) => b.events.map((e) => e.message));
  return { runtime, batches, task, stateDir, shipper, container, emit, shipped, cleanup: () => rmSync(stateDir, { recursive: true, force: true }) };
}

async function drain(s: LogShipper, r: ReturnType<typeof rig>): Promise<void> {
  s.sync([r.task], await r.runtime.list({}));
  await s.stop();
}

test('an exited container is shipped to its end, the stream opened first, the cursor kept with done', async () => {
  const r = rig();
  const id = await r.container();
  r.emit(id, 'a', 0);
  r.emit(id, 'b');
  r.emit(id, 'c');
  r.runtime.exit(id, 0);
  const s = r.shipper();
  s.sync([r.task], await r.runtime.list({}));
  await eventually(() => r.shipped().length, { what: '3 lines shipped', timeoutMs: 2000, intervalMs: 10, until: (n) => n >= 3 });
  await s.stop();
  assert.deepEqual(r.batches[0]!.events, []);
  assert.deepEqual(r.shipped(), ['a', 'b', 'c']);
  // 'a' and 'b' share a millisecond: told apart by their index in it.
  assert.deepEqual(
    r.batches.flatMap((b) => b.events.map((e) => e.last)),
    [
      { t: 1_700_000_000_000, k: 0 },
      { t: 1_700_000_000_000, k: 1 },
      { t: 1_700_000_000_001, k: 0 },
    ],
  );
  assert.deepEqual(JSON.parse(readFileSync(join(r.stateDir, 'awslogs', `${id}.json`), 'utf8')), { last: { t: 1_700_000_000_001, k: 0 }, done: true });
  // Done: a new shipper on the same state dir sends nothing more.
  const before = r.batches.length;
  await drain(r.shipper(), r);
  assert.equal(r.batches.length, before);
  r.cleanup();
});

test('a restarted shipper resumes after its cursor: nothing before it is sent again', async () => {
  const r = rig();
  const id = await r.container();
  for (const l of ['l0', 'l1', 'l2', 'l3']) r.emit(id, l);
  r.runtime.exit(id, 0);
  mkdirSync(join(r.stateDir, 'awslogs'), { recursive: true });
  writeFileSync(join(r.stateDir, 'awslogs', `${id}.json`), JSON.stringify({ last: { t: 1_700_000_000_001, k: 0 } }));
  const s = r.shipper();
  s.sync([r.task], await r.runtime.list({}));
  await eventually(() => r.shipped().length, { what: '2 lines shipped', timeoutMs: 2000, intervalMs: 10, until: (n) => n >= 2 });
  await s.stop();
  assert.deepEqual(r.shipped(), ['l2', 'l3']);
  r.cleanup();
});

test('multiline: a datetime-format event keeps its continuation lines; the last event goes at the end', async () => {
  const r = rig({ 'awslogs-group': 'g', 'awslogs-datetime-format': '%H:%M:%S' });
  const id = await r.container();
  for (const l of ['10:00:00 boom', '  at f', '  at g', '10:00:01 ok']) r.emit(id, l);
  r.runtime.exit(id, 0);
  const s = r.shipper();
  s.sync([r.task], await r.runtime.list({}));
  await eventually(() => r.shipped().length, { what: '2 lines shipped', timeoutMs: 2000, intervalMs: 10, until: (n) => n >= 2 });
  await s.stop();
  assert.deepEqual(r.shipped(), ['10:00:00 boom\n  at f\n  at g', '10:00:01 ok']);
  r.cleanup();
});

test('containers of other drivers are not followed', async () => {
  const r = rig();
  const id = await r.container();
  r.emit(id, 'x');
  const plain = { ...r.task, containers: [{ name: 'app' }] } as unknown as AssignedTask;
  const s = r.shipper();
  s.sync([plain], await r.runtime.list({}));
  await s.stop();
  assert.equal(r.batches.length, 0);
  r.cleanup();
});
