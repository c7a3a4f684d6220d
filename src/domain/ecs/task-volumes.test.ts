import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../aws-error.js';
import { validateVolumes } from './task-volumes.js';
import type { ContainerDefinition } from './records.js';

const refuses = (volumes: unknown[], containers: ContainerDefinition[], message: RegExp) =>
  assert.throws(
    () => validateVolumes(volumes, containers),
    (e: unknown) => e instanceof AwsError && e.code === 'ClientException' && message.test(e.message),
  );

test('a mountPoint must name a volume of the task definition', () => {
  refuses(
    [{ name: 'data' }],
    [{ name: 'app', mountPoints: [{ sourceVolume: 'nope', containerPath: '/d' }] }],
    /^Invalid volume reference: mountPoints of container 'app' names sourceVolume 'nope'/,
  );
  refuses([], [{ name: 'app', mountPoints: [{ containerPath: '/d' }] }], /sourceVolume 'undefined'/);
  refuses(
    [{ name: 'data' }],
    [{ name: 'app', mountPoints: [{ sourceVolume: 'data', containerPath: 'rel' }] }],
    /containerPath of 'data' must be an absolute path/,
  );
});

test('volume names, host paths, scope and autoprovision as ECS allows them', () => {
  refuses([{ name: 'a' }, { name: 'a' }], [], /Duplicate volume name found: a/);
  refuses([{ name: 'bad name' }], [], /Invalid volume name/);
  refuses([{ name: 'a', host: { sourcePath: '/x' }, dockerVolumeConfiguration: {} }], [], /host and dockerVolumeConfiguration cannot both/);
  refuses([{ name: 'a', host: { sourcePath: 'relative' } }], [], /host.sourcePath must be an absolute path/);
  refuses([{ name: 'a', dockerVolumeConfiguration: { autoprovision: true } }], [], /autoprovision can be true only when the scope is shared/);
  refuses([{ name: 'a', dockerVolumeConfiguration: { scope: 'task', autoprovision: true } }], [], /autoprovision/);
  refuses([{ name: 'a', dockerVolumeConfiguration: { scope: 'global' } }], [], /scope must be task or shared/);
  validateVolumes(
    [
      { name: 'a', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: 'local' } },
      { name: 'b', host: { sourcePath: '/srv' } },
      { name: 'c' },
    ],
    [],
  );
});

test('volumesFrom names another container, without cycles; ulimits soft <= hard', () => {
  refuses([], [{ name: 'a', volumesFrom: [{ sourceContainer: 'ghost' }] }], /Invalid 'volumesFrom' setting for container 'a': sourceContainer 'ghost'/);
  refuses([], [{ name: 'a', volumesFrom: [{ sourceContainer: 'a' }] }], /sourceContainer 'a' is not another container/);
  refuses(
    [],
    [
      { name: 'a', volumesFrom: [{ sourceContainer: 'b' }] },
      { name: 'b', volumesFrom: [{ sourceContainer: 'a' }] },
    ],
    /a -> b -> a take volumes from each other in a cycle/,
  );
  validateVolumes([], [{ name: 'a', volumesFrom: [{ sourceContainer: 'b' }] }, { name: 'b' }]);
  refuses([], [{ name: 'a', ulimits: [{ name: 'nofile', softLimit: 10, hardLimit: 5 }] }], /Invalid 'ulimits' setting for container 'a': nofile/);
  validateVolumes([], [{ name: 'a', ulimits: [{ name: 'nofile', softLimit: 5, hardLimit: 5 }] }]);
});
