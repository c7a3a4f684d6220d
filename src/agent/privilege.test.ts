import { test } from 'node:test';
import assert from 'node:assert/strict';
import { privilegeRefusal, reachesDockerSocket } from './privilege.js';
import type { AssignedTask } from './control-plane-client.js';

test('the Docker socket is reached by the socket, any folder above it, or any docker.sock', () => {
  for (const p of [
    '/var/run/docker.sock',
    '/run/docker.sock',
    '/var/run',
    '/var/run/',
    '/run',
    '/var',
    '/',
    '//',
    '/var//run/./',
    '/srv/../var/run',
    '/home/u/docker.sock',
  ]) {
    assert.equal(reachesDockerSocket(p), true, p);
  }
  for (const p of ['/srv/data', '/var/lib/app', '/run/user/1000', '/varx', '/var/runner', '/tmp']) assert.equal(reachesDockerSocket(p), false, p);
});

const task = (over: Partial<AssignedTask['containers'][number]>, sourcePath = '/srv/data'): AssignedTask => ({
  taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/c/abc',
  taskDefinitionArn: 'arn:td',
  desiredStatus: 'RUNNING',
  lastStatus: 'PROVISIONING',
  networkMode: 'bridge',
  recorded: [],
  healthStatus: 'UNKNOWN',
  volumes: [
    { name: 'v', kind: 'host', sourcePath },
    { name: 'd', kind: 'docker', scope: 'task', autoprovision: false, driver: 'local', driverOpts: {}, labels: {} },
  ],
  containers: [{ name: 'app', image: 'i', essential: true, environment: {}, portMappings: [], stopTimeoutS: 1, ...over }],
});

test('privileged and socket mounts are refused unless allowed; the rest passes', () => {
  assert.match(privilegeRefusal(task({ privileged: true }), false) ?? '', /container app: privileged is refused .*--allow-privileged/);
  const sock = task({ mountPoints: [{ sourceVolume: 'v', containerPath: '/s', readOnly: true }] }, '/var/run/docker.sock');
  assert.match(privilegeRefusal(sock, false) ?? '', /mountPoints sourceVolume 'v' \(host.sourcePath \/var\/run\/docker.sock\) reaches the Docker socket/);
  assert.equal(privilegeRefusal(sock, true), undefined);
  assert.equal(privilegeRefusal(task({ privileged: true }), true), undefined);
  assert.equal(
    privilegeRefusal(
      task({
        mountPoints: [
          { sourceVolume: 'v', containerPath: '/s', readOnly: false },
          { sourceVolume: 'd', containerPath: '/d', readOnly: false },
        ],
      }),
      false,
    ),
    undefined,
  );
  assert.equal(privilegeRefusal(task({}, '/var/run'), false), undefined, 'a volume no container mounts is no risk');
});

test('a symbolic link to the socket folder is judged by where it points', () => {
  const linked = task({ mountPoints: [{ sourceVolume: 'v', containerPath: '/s', readOnly: false }] }, '/srv/innocent');
  assert.equal(privilegeRefusal(linked, false), undefined);
  assert.match(privilegeRefusal(linked, false, (p) => (p === '/srv/innocent' ? '/run' : p)) ?? '', /reaches the Docker socket/);
});

test('a local Docker volume that binds a host folder (driverOpts.device) is judged like a host path', () => {
  const t: AssignedTask = {
    ...task({ mountPoints: [{ sourceVolume: 'b', containerPath: '/s', readOnly: false }] }),
    volumes: [
      {
        name: 'b',
        kind: 'docker',
        scope: 'task',
        autoprovision: false,
        driver: 'local',
        driverOpts: { type: 'none', o: 'bind', device: '/var/run' },
        labels: {},
      },
    ],
  };
  assert.match(privilegeRefusal(t, false) ?? '', /sourceVolume 'b' \(dockerVolumeConfiguration.driverOpts.device \/var\/run\) reaches the Docker socket/);
  assert.equal(
    privilegeRefusal({ ...t, volumes: [{ ...t.volumes![0]!, driverOpts: { type: 'none', o: 'bind', device: '/srv/data' } }] } as AssignedTask, false),
    undefined,
  );
});
