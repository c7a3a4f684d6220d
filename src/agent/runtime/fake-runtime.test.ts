import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRuntime } from './fake-runtime.js';
import { BERTH_LABELS } from './runtime.js';
import { runtimeContract } from './runtime.conformance.js';

// The contract every runtime passes; real time, as the real runtimes' states carry.
runtimeContract('fake', async () => ({ runtime: new FakeRuntime(() => Date.now()), image: 'any:latest', cleanup: async () => undefined }));

test('the fake keeps the interface promises: idempotent stop/remove, missing, label filters, exits', async () => {
  let now = 1000;
  const rt = new FakeRuntime(() => now);
  const exits: string[] = [];
  rt.onExit((id) => exits.push(id));
  const id = await rt.create({
    name: 'web',
    image: 'i',
    portBindings: [],
    bindIp: '127.0.0.1',
    networkMode: 'bridge',
    labels: { [BERTH_LABELS.taskArn]: 't1' },
    stopTimeoutS: 1,
  });
  assert.equal((await rt.inspect(id)).status, 'created');
  await rt.start(id);
  assert.equal((await rt.inspect(id)).startedAt, 1000);
  assert.equal((await rt.list({ [BERTH_LABELS.taskArn]: 't1' })).length, 1);
  assert.equal((await rt.list({ [BERTH_LABELS.taskArn]: 't2' })).length, 0);
  rt.setHealth(id, 'HEALTHY');
  rt.emitLog(id, 'hello');
  assert.equal((await rt.inspect(id)).health, 'HEALTHY');
  now = 2000;
  rt.exit(id, 2);
  await rt.stop(id, 1);
  const st = await rt.inspect(id);
  assert.deepEqual([st.status, st.exitCode, st.finishedAt], ['exited', 2, 2000]);
  assert.deepEqual(exits, [id]);
  const lines = [];
  for await (const l of rt.logs(id)) lines.push(l.line);
  assert.deepEqual(lines, ['hello']);
  await rt.remove(id);
  await rt.remove(id);
  assert.equal((await rt.inspect(id)).status, 'missing');
  rt.images = new Set(['only']);
  await assert.rejects(
    rt.ensureImage('other', () => undefined),
    /no image/,
  );
});
