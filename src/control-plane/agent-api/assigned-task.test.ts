import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignedContainer, assignedVolumes, DEFAULT_STOP_TIMEOUT_S } from './assigned-task.js';

test("dependsOn and startTimeout reach the agent; absent, neither is sent and stopTimeout is ECS's 30 s", () => {
  const c = assignedContainer(
    { name: 'app', image: 'x', stopTimeout: 4, startTimeout: 9, dependsOn: [{ containerName: 'side', condition: 'HEALTHY' }] },
    'bridge',
  );
  assert.deepEqual(c.dependsOn, [{ containerName: 'side', condition: 'HEALTHY' }]);
  assert.equal(c.startTimeoutS, 9);
  assert.equal(c.stopTimeoutS, 4);
  const plain = assignedContainer({ name: 'app', image: 'x', dependsOn: [] }, 'bridge');
  assert.equal('dependsOn' in plain, false);
  assert.equal('startTimeoutS' in plain, false);
  assert.equal(plain.stopTimeoutS, DEFAULT_STOP_TIMEOUT_S);
  assert.equal(DEFAULT_STOP_TIMEOUT_S, 30);
});

test('the container options the agent is told, and nothing when none is asked for', () => {
  const c = assignedContainer(
    {
      name: 'app',
      image: 'i',
      mountPoints: [
        { sourceVolume: 'v', containerPath: '/d', readOnly: true },
        { sourceVolume: 'w', containerPath: '/w' },
      ],
      volumesFrom: [{ sourceContainer: 'other' }],
      user: '1000:1000',
      workingDirectory: '/srv',
      hostname: 'h',
      extraHosts: [{ hostname: 'db', ipAddress: '127.0.0.2' }],
      ulimits: [{ name: 'nofile', softLimit: 10, hardLimit: 20 }],
      readonlyRootFilesystem: true,
      privileged: true,
      linuxParameters: { initProcessEnabled: true },
    },
    'bridge',
  );
  assert.deepEqual(c.mountPoints, [
    { sourceVolume: 'v', containerPath: '/d', readOnly: true },
    { sourceVolume: 'w', containerPath: '/w', readOnly: false },
  ]);
  assert.deepEqual(c.volumesFrom, [{ sourceContainer: 'other', readOnly: false }]);
  assert.equal(c.user, '1000:1000');
  assert.equal(c.workingDirectory, '/srv');
  assert.equal(c.hostname, 'h');
  assert.deepEqual(c.extraHosts, [{ hostname: 'db', ipAddress: '127.0.0.2' }]);
  assert.deepEqual(c.ulimits, [{ name: 'nofile', softLimit: 10, hardLimit: 20 }]);
  assert.equal(c.readonlyRootFilesystem && c.privileged && c.initProcessEnabled, true);
  const plain = assignedContainer({ name: 'p', image: 'i', privileged: false, mountPoints: [], linuxParameters: {} }, 'bridge');
  for (const k of ['mountPoints', 'volumesFrom', 'user', 'privileged', 'initProcessEnabled', 'readonlyRootFilesystem'] as const)
    assert.equal(k in plain, false, k);
});

test('volumes with ECS defaults: task scope, local driver, no autoprovision; an empty host is a Docker volume', () => {
  assert.deepEqual(
    assignedVolumes([
      { name: 'h', host: { sourcePath: '/srv' } },
      { name: 'e', host: {} },
      { name: 's', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: 'local', driverOpts: { type: 'tmpfs' }, labels: { a: 'b' } } },
    ]),
    [
      { name: 'h', kind: 'host', sourcePath: '/srv' },
      { name: 'e', kind: 'docker', scope: 'task', autoprovision: false, driver: 'local', driverOpts: {}, labels: {} },
      { name: 's', kind: 'docker', scope: 'shared', autoprovision: true, driver: 'local', driverOpts: { type: 'tmpfs' }, labels: { a: 'b' } },
    ],
  );
});
