/**
 * `berth deploy` as a person sees it: run in a real terminal (tmux, 120x30), the screen captured about
 * twice a second through a rolling deployment (new tasks need five passing health checks). The progress table is redrawn in place (one table on
 * screen at every capture, never a second copy below the first) and no warning text gets into it (the
 * MaxListenersExceededWarning an abort listener per poll printed after ~10 s).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { requirement } from '../support/requirements.js';
import { removeDataDir, repoRoot, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { stopAllTasks } from '../support/stop-everything.js';
import { ecsClient } from '../support/sdk-clients.js';
import { eventually } from '../support/eventually.js';
import { berthCli, freePort, sampleStack } from '../integration/cli-harness.js';
import { berthEntry } from '../support/berth-command.js';

/** This test's own tmux server: it never sees or touches another session. */
const ARTIFACTS = join(repoRoot, 'test-artifacts', 'deploy-screen');
const SOCKET = `berth-deploy-screen-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });

describe('berth deploy on a terminal, through tmux', { skip: requirement('tmux'), timeout: 300_000 }, () => {
  let berth: BerthProcess | undefined;

  before(async () => {
    berth = await startBerthProcess({ args: ['--runtime', 'process'], timeoutMs: 90_000 });
    const stack = sampleStack(await freePort(), (t) => t.replace('HealthyThresholdCount: 2', 'HealthyThresholdCount: 5'));
    const applied = await berthCli(berth.apiUrl, ['apply', '-f', stack], { timeoutMs: 120_000 });
    assert.equal(applied.code, 0, applied.stderr);
    const ecs = ecsClient(berth.apiUrl);
    await eventually(
      async () => {
        const s = (await ecs.send(new DescribeServicesCommand({ services: ['web'] }))).services?.[0];
        return s?.runningCount === 2 && s.deployments?.length === 1 && s.deployments[0]?.rolloutState === 'COMPLETED' ? true : undefined;
      },
      { what: 'the service is stable', timeoutMs: 120_000 },
    );
    ecs.destroy();
  });

  after(async () => {
    try {
      tmux('kill-server');
    } catch {
      /* not started */
    }
    if (berth) {
      await stopAllTasks(berth.apiUrl);
      await berth.stop();
      removeDataDir(berth.dataDir);
    }
  });

  test('the table is redrawn in place, with no warning, until the deployment completes', async () => {
    const cli = [process.execPath, ...berthEntry()];
    const command = [...cli, 'deploy', 'web', '--image', 'sample-app:v2', '--endpoint', berth!.apiUrl].map((a) => `'${a}'`).join(' ');
    tmux('new-session', '-d', '-s', 'deploy', '-x', '120', '-y', '30', '-c', repoRoot, `NODE_OPTIONS= ${command}; echo "EXIT=$?"; sleep 600`);
    const screens: string[] = [];
    let firstTableAt: number | undefined;
    const last = await eventually(
      () => {
        const screen = tmux('capture-pane', '-p', '-t', 'deploy');
        screens.push(screen);
        if (firstTableAt === undefined && /DEPLOYMENT\s+STATUS/.test(screen)) firstTableAt = Date.now();
        return /EXIT=\d+/.test(screen) ? screen : undefined;
      },
      { what: `berth deploy ends:\n${screens.at(-1) ?? ''}`, timeoutMs: 240_000, intervalMs: 500 },
    );
    const seconds = firstTableAt === undefined ? 0 : (Date.now() - firstTableAt) / 1000;
    console.log(`table on screen for ${seconds.toFixed(1)} s, ${screens.length} screens captured`);
    // What a person would have seen, kept for a look (test-artifacts/ is not committed).
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'screens.txt'), screens.map((sc, i) => `--- screen ${i} ---\n${sc}`).join('\n'));

    assert.match(last, /EXIT=0/, last);
    assert.match(last, /==> Deployment completed/, last);
    // A rollout here completes in seconds, fewer than the ~10 polls after which the leak warned: that count is
    // follow-deployment.test.ts's (20 pauses, no listener left); this test checks what the screen shows.
    const tables = screens.filter((s) => /DEPLOYMENT\s+STATUS/.test(s));
    assert.ok(tables.length >= 2, `the table was on screen ${tables.length} times`);
    for (const s of screens) {
      assert.doesNotMatch(s, /Warning|MaxListeners|memory leak/i, s);
      assert.ok((s.match(/DEPLOYMENT\s+STATUS/g) ?? []).length <= 1, `the table is drawn twice:\n${s}`);
      assert.ok((s.match(/==> Following deployment/g) ?? []).length <= 1, s);
    }
    // Both deployments showed while the old tasks drained: the table grew and shrank in place.
    assert.ok(
      screens.some((s) => /PRIMARY[\s\S]*ACTIVE/.test(s)),
      'the old deployment showed beside the new one',
    );
  });
});
