import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessRuntime } from './process-runtime.js';
import { eventually } from '../../../test/support/eventually.js';
import { BERTH_LABELS } from './runtime.js';

test('a restarted agent adopts a running process: lists it, reads new logs, stops it', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'berth-adopt-'));
  const first = new ProcessRuntime({ stateDir, pollMs: 50 });
  const labels = { [BERTH_LABELS.cluster]: 'adopt', [BERTH_LABELS.taskArn]: 'arn:t1' };
  let second: ProcessRuntime | undefined;
  try {
    const id = await first.create({
      name: 'ticker',
      image: 'none',
      entryPoint: ['/bin/sh', '-c'],
      command: ['i=0; while :; do i=$((i+1)); echo tick-$i; sleep 0.2; done'],
      portBindings: [],
      bindIp: '127.0.0.1',
      networkMode: 'bridge',
      labels,
      stopTimeoutS: 1,
    });
    await first.start(id);
    await first.close(); // the agent goes away; the process keeps running

    second = new ProcessRuntime({ stateDir, pollMs: 50 });
    const [found] = await second.list({ [BERTH_LABELS.cluster]: 'adopt' });
    assert.equal(found?.runtimeId, id);
    assert.equal(found?.status, 'running');
    const seen = async () => {
      const ls: string[] = [];
      for await (const l of second!.logs(id)) ls.push(l.line);
      return ls;
    };
    const before = (await seen()).length;
    await eventually(async () => (await seen()).length, {
      what: 'three new log lines from the adopted process',
      timeoutMs: 5000,
      intervalMs: 50,
      until: (n) => n > before + 2,
    });

    await second.stop(id, 1);
    const st = await second.inspect(id);
    assert.equal(st.status, 'exited');
    // Not our child any more, so its exit code cannot be known.
    assert.equal(st.exitCode, undefined);
  } finally {
    await first.close();
    await second?.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('a pid that died while no agent watched reads as exited', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'berth-adopt-'));
  const first = new ProcessRuntime({ stateDir });
  try {
    const id = await first.create({
      name: 'brief',
      image: 'none',
      entryPoint: ['/bin/sh', '-c'],
      command: ['sleep 0.3'],
      portBindings: [],
      bindIp: '127.0.0.1',
      networkMode: 'bridge',
      labels: {},
      stopTimeoutS: 1,
    });
    await first.start(id);
    assert.equal((await first.inspect(id)).status, 'running');
    await first.close();
    // Each look is a fresh runtime, as an agent started after the exit would be.
    const status = async () => {
      const second = new ProcessRuntime({ stateDir });
      try {
        return (await second.inspect(id)).status;
      } finally {
        await second.close();
      }
    };
    assert.equal(
      await eventually(status, { what: 'the unwatched process reads as exited', timeoutMs: 5000, intervalMs: 50, until: (s) => s === 'exited' }),
      'exited',
    );
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});
