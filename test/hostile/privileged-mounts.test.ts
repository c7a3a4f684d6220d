/**
 * Hostile task definitions that try to reach the host through a bind mount on an agent without
 * --allow-privileged: the Docker socket under other spellings, a folder above it, a symbolic link to
 * it. Each task stops before start, naming the field, and no container is ever created.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, waitUntilTasksStopped } from '@aws-sdk/client-ecs';
import { DockerRuntime } from '../../src/agent/runtime/docker-runtime.js';
import { requirement } from '../support/requirements.js';
import { ensureTestImage } from '../support/test-image.js';
import { dockerPs, removeClusterContainers, startControlPlane, startTestAgent, tempStateDir, type TestControlPlane } from '../integration/agent-harness.js';

describe('bind mounts that reach the Docker socket, without --allow-privileged', { skip: requirement('docker'), timeout: 90_000 }, () => {
  let cp: TestControlPlane;
  let image: string;
  const links = mkdtempSync(join(tmpdir(), 'berth-hostile-link-'));

  before(async () => {
    image = await ensureTestImage();
    cp = await startControlPlane();
    await startTestAgent(cp, { runtime: new DockerRuntime(), stateDir: tempStateDir(cp, 'agent') });
    symlinkSync('/var/run', join(links, 'innocent'));
  });
  after(async () => {
    if (cp) removeClusterContainers(cp.cluster);
    await cp?.close();
    rmSync(links, { recursive: true, force: true });
  });

  test('every spelling stops before start, and no container is created', async () => {
    const paths: string[] = ['/var/run/../run/docker.sock', '/var//run/', '/', '/run', '/var', join(links, 'innocent'), '/srv/../var/run/docker.sock'];
    const arns: string[] = [];
    for (const [i, sourcePath] of paths.entries()) {
      await cp.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: `hostile-${i}`,
          containerDefinitions: [{ name: 'app', image, memory: 32, command: ['true'], mountPoints: [{ sourceVolume: 'h', containerPath: '/h' }] }],
          volumes: [{ name: 'h', host: { sourcePath } }],
        }),
      );
      arns.push((await cp.ecs.send(new RunTaskCommand({ cluster: cp.cluster, taskDefinition: `hostile-${i}` }))).tasks![0]!.taskArn!);
    }
    // A local-driver Docker volume is a bind mount too when its driverOpts say so.
    await cp.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'hostile-local-bind',
        containerDefinitions: [{ name: 'app', image, memory: 32, command: ['true'], mountPoints: [{ sourceVolume: 'h', containerPath: '/h' }] }],
        volumes: [{ name: 'h', dockerVolumeConfiguration: { scope: 'task', driver: 'local', driverOpts: { type: 'none', o: 'bind', device: '/run' } } }],
      }),
    );
    arns.push((await cp.ecs.send(new RunTaskCommand({ cluster: cp.cluster, taskDefinition: 'hostile-local-bind' }))).tasks![0]!.taskArn!);
    paths.push('/run (driverOpts.device)');
    await waitUntilTasksStopped({ client: cp.ecs, maxWaitTime: 40, minDelay: 1, maxDelay: 1 }, { cluster: cp.cluster, tasks: arns });
    const tasks = (await cp.ecs.send(new DescribeTasksCommand({ cluster: cp.cluster, tasks: arns }))).tasks!;
    for (const [i, t] of arns.entries()) {
      const d = tasks.find((x) => x.taskArn === t)!;
      assert.equal(d.stopCode, 'TaskFailedToStart', paths[i]);
      assert.match(
        d.stoppedReason ?? '',
        /^CannotCreateContainerError: container app: mountPoints sourceVolume 'h' .* reaches the Docker socket, refused because this agent was not started with --allow-privileged/,
        paths[i],
      );
    }
    assert.deepEqual(dockerPs(cp.cluster), []);
  });
});
