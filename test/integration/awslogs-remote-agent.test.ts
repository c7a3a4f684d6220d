/**
 * awslogs from a remote agent: `berth server --auth sigv4` and one `berth agent` process (Docker
 * runtime, then the process runtime) on 127.0.0.2. The agent ships a task's lines through the signed logs/batch route; it is
 * killed (-9) while the task writes and started again on its state dir, and the stream read with the
 * AWS CLI holds every line exactly once, in order.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { requirement } from '../support/requirements.js';
import { awsCli } from '../support/aws-cli.js';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import { startAgentProcess } from '../support/agent-process.js';
import { stopAllTasks } from '../support/stop-everything.js';
import { ensureTestImage, TEST_IMAGE } from '../support/test-image.js';
import { eventually } from '../support/eventually.js';

const creds = { accessKeyId: 'AKIDAWSLOGSW4', secretAccessKey: `awslogs-${randomBytes(8).toString('hex')}` };
const SUFFIX = randomBytes(4).toString('hex');

const startAgent = (server: string, stateDir: string, runtime: 'docker' | 'process', cluster: string): Promise<ChildProcess> =>
  startAgentProcess(
    [
      '--server',
      server,
      '--advertise-ip',
      '127.0.0.2',
      '--cluster',
      cluster,
      '--state-dir',
      stateDir,
      '--runtime',
      runtime,
      '--log-level',
      'warn',
      '--access-key-id',
      creds.accessKeyId,
    ],
    { BERTH_SECRET_ACCESS_KEY: creds.secretAccessKey },
  );

for (const runtime of ['docker', 'process'] as const)
  describe(`awslogs from a remote agent (${runtime} runtime) killed and restarted`, {
    skip: (runtime === 'docker' && requirement('docker')) || requirement('aws-cli'),
  }, () => {
    const CLUSTER = `w4-logs-${runtime}-${SUFFIX}`;
    const GROUP = `/w4/remote-${runtime}-${SUFFIX}`;
    let server: BerthProcess;
    let agent: ChildProcess | undefined;
    const stateDir = mkdtempSync(join(tmpdir(), 'berth-w4-agent-'));
    const { aws } = awsCli(() => server.apiUrl, { credentials: creds });

    before(async () => {
      if (runtime === 'docker') await ensureTestImage();
      server = await startBerthProcess({
        command: 'server',
        args: ['--auth', 'sigv4', '--access-key-id', creds.accessKeyId],
        env: { BERTH_SECRET_ACCESS_KEY: creds.secretAccessKey },
      });
      await aws('ecs', 'create-cluster', '--cluster-name', CLUSTER);
      agent = await startAgent(server.apiUrl, stateDir, runtime, CLUSTER);
    });
    after(async () => {
      if (server) await stopAllTasks(server.apiUrl, 45_000, creds);
      agent?.kill('SIGTERM');
      // The agent keeps exited containers for their logs; only this test's go.
      if (runtime === 'docker')
        for (const id of execFileSync('docker', ['ps', '-aq', '--filter', `label=com.berth.cluster=${CLUSTER}`], { encoding: 'utf8' })
          .split('\n')
          .filter(Boolean)) {
          execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
        }
      await server?.stop();
      if (server) removeDataDir(server.dataDir);
      rmSync(stateDir, { recursive: true, force: true });
    });

    test('every line once, in order, across the agent restart', async () => {
      const N = 120;
      await aws(
        'ecs',
        'register-task-definition',
        '--family',
        `w4-remote-${SUFFIX}`,
        '--container-definitions',
        JSON.stringify([
          {
            name: 'app',
            image: TEST_IMAGE,
            memory: 32,
            stopTimeout: 2,
            entryPoint: ['sh', '-c', `i=0; while [ $i -lt ${N} ]; do echo line-$i; i=$((i+1)); sleep 0.03; done; exec sleep 600`],
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': GROUP, 'awslogs-stream-prefix': 'ecs', 'awslogs-create-group': 'true' } },
          },
        ]),
      );
      await eventually(async () => ((await aws('ecs', 'list-container-instances', '--cluster', CLUSTER)).containerInstanceArns.length > 0 ? true : undefined), {
        what: 'the agent registered',
        timeoutMs: 45_000,
      });
      const arn = (await aws('ecs', 'run-task', '--cluster', CLUSTER, '--task-definition', `w4-remote-${SUFFIX}`)).tasks[0].taskArn as string;
      const stream = `ecs/app/${arn.split('/').pop()}`;
      const messages = async (): Promise<string[]> =>
        (await aws('logs', 'get-log-events', '--log-group-name', GROUP, '--log-stream-name', stream, '--start-from-head')).events.map(
          (e: { message: string }) => e.message,
        );
      await eventually(async () => ((await messages().catch(() => [])).length >= 10 ? true : undefined), { what: 'some lines shipped', timeoutMs: 45_000 });
      agent!.kill('SIGKILL');
      await new Promise((r) => agent!.once('exit', r));
      const before = (await messages()).length;
      assert.ok(before < N, `the restart must fall mid-output (had ${before} of ${N})`);
      agent = await startAgent(server.apiUrl, stateDir, runtime, CLUSTER);
      const got = await eventually(
        async () => {
          const m = await messages();
          return m.length >= N ? m : undefined;
        },
        { what: `${N} lines`, timeoutMs: 60_000 },
      );
      assert.deepEqual(
        got,
        Array.from({ length: N }, (_, i) => `line-${i}`),
      );
    });
  });
