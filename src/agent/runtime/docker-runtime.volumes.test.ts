/**
 * Volumes and container options on real Docker, through the same path the agent takes:
 * AssignedTask -> containerSpecOf -> DockerRuntime. Each test names its own task ARNs and volumes
 * (random suffix) and removes only what it created.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { requirement } from '../../../test/support/requirements.js';
import { ensureTestImage } from '../../../test/support/test-image.js';
import { eventually } from '../../../test/support/eventually.js';
import { containerSpecOf, taskVolumeName } from '../container-spec.js';
import type { AssignedContainer, AssignedTask, AssignedVolume } from '../control-plane-client.js';
import { createOptions, DockerRuntime, VOLUME_SCOPE_LABEL } from './docker-runtime.js';
import { BERTH_LABELS, RuntimeError } from './runtime.js';

const docker = new Docker();
const runtime = new DockerRuntime({ docker });
const suffix = randomBytes(4).toString('hex');
const cluster = `vol-${suffix}`;
const created: string[] = [];
const sharedVolumes: string[] = [];
const dirs: string[] = [];

after(async () => {
  for (const id of created) await runtime.remove(id).catch(() => undefined);
  for (const v of sharedVolumes)
    await docker
      .getVolume(v)
      .remove({ force: true })
      .catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let n = 0;
function task(containers: (Partial<AssignedContainer> & { name: string })[], volumes: AssignedVolume[] = []): AssignedTask {
  return {
    taskArn: `arn:aws:ecs:us-east-1:000000000000:task/${cluster}/${suffix}${(n++).toString().padStart(4, '0')}`,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/vol:1',
    desiredStatus: 'RUNNING',
    lastStatus: 'PROVISIONING',
    networkMode: 'bridge',
    recorded: [],
    healthStatus: 'UNKNOWN',
    volumes,
    containers: containers.map((c) => ({ image: '', essential: true, environment: {}, portMappings: [], stopTimeoutS: 1, ...c })),
  };
}

const sh = (script: string) => ({ entryPoint: ['/bin/sh', '-c'], command: [script] });

async function create(t: AssignedTask, name: string): Promise<string> {
  const image = await ensureTestImage();
  const c = { ...t.containers.find((x) => x.name === name)!, image };
  const id = await runtime.create(containerSpecOf(cluster, 'i-test', t, c, [], '127.0.0.1'));
  created.push(id);
  return id;
}

/** Starts the container, waits (polling) until it exits, and returns its output. */
async function run(id: string): Promise<string> {
  await runtime.start(id);
  await eventually(async () => (await runtime.inspect(id)).status, {
    what: `container ${id} exited`,
    timeoutMs: 20_000,
    intervalMs: 50,
    until: (s) => s === 'exited',
  });
  const lines: string[] = [];
  for await (const l of runtime.logs(id)) lines.push(l.line);
  return lines.join('\n');
}

const volumeExists = (name: string) =>
  docker
    .getVolume(name)
    .inspect()
    .then(
      () => true,
      () => false,
    );

describe('docker runtime: container options and volumes', { skip: requirement('docker') }, () => {
  test('user, workingDirectory, hostname, extraHosts, ulimits, readonlyRootFilesystem and init are what the container sees', async () => {
    const t = task([
      {
        name: 'opts',
        ...sh(
          'id -u; pwd; hostname; grep berth-extra /etc/hosts; ulimit -n; ulimit -Hn; touch /probe 2>/dev/null && echo rootfs-writable || echo rootfs-readonly; echo $(cat /proc/1/comm)',
        ),
        user: '1234',
        workingDirectory: '/srv/app',
        hostname: `h-${suffix}`,
        extraHosts: [{ hostname: 'berth-extra', ipAddress: '127.0.0.9' }],
        ulimits: [{ name: 'nofile', softLimit: 1000, hardLimit: 2000 }],
        readonlyRootFilesystem: true,
        initProcessEnabled: true,
      },
    ]);
    const out = (await run(await create(t, 'opts'))).split('\n');
    assert.equal(out[0], '1234');
    assert.equal(out[1], '/srv/app');
    assert.equal(out[2], `h-${suffix}`);
    assert.match(out[3] ?? '', /^127\.0\.0\.9\s+berth-extra$/);
    assert.deepEqual(out.slice(4, 6), ['1000', '2000']);
    assert.equal(out[6], 'rootfs-readonly');
    assert.equal(out[7], 'docker-init', 'an init process is PID 1');
  });

  test('without those options the same container is root, writable, and sh is PID 1', async () => {
    const t = task([{ name: 'plain', ...sh('id -u; touch /probe && echo rootfs-writable; echo $(cat /proc/1/comm)') }]);
    assert.deepEqual((await run(await create(t, 'plain'))).split('\n'), ['0', 'rootfs-writable', 'sh']);
  });

  test('a read-only bind mount: reading works, writing fails (and the host file is untouched)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bind-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'f'), 'from-the-host\n');
    const t = task(
      [
        {
          name: 'ro',
          ...sh('cat /data/f; { echo changed > /data/f; } 2>/dev/null && echo write-worked || echo write-failed'),
          mountPoints: [{ sourceVolume: 'h', containerPath: '/data', readOnly: true }],
        },
        {
          name: 'rw',
          ...sh('echo from-the-container > /data/g && echo write-worked'),
          mountPoints: [{ sourceVolume: 'h', containerPath: '/data', readOnly: false }],
        },
      ],
      [{ name: 'h', kind: 'host', sourcePath: dir }],
    );
    assert.deepEqual((await run(await create(t, 'ro'))).split('\n'), ['from-the-host', 'write-failed']);
    assert.equal(readFileSync(join(dir, 'f'), 'utf8'), 'from-the-host\n');
    assert.equal(await run(await create(t, 'rw')), 'write-worked');
    assert.equal(readFileSync(join(dir, 'g'), 'utf8'), 'from-the-container\n');
  });

  test("a task-scoped volume, shared through volumesFrom (read-only), is removed with the task's last container", async () => {
    const t = task(
      [
        {
          name: 'writer',
          ...sh('echo task-data > /data/f && echo written'),
          mountPoints: [{ sourceVolume: 'scratch', containerPath: '/data', readOnly: false }],
        },
        {
          name: 'reader',
          ...sh('cat /data/f; touch /data/z 2>/dev/null && echo write-worked || echo write-failed'),
          volumesFrom: [{ sourceContainer: 'writer', readOnly: true }],
        },
      ],
      [{ name: 'scratch', kind: 'docker', scope: 'task', autoprovision: false, driver: 'local', driverOpts: {}, labels: { team: 'web' } }],
    );
    const volume = taskVolumeName(t.taskArn, 'scratch');
    const writer = await create(t, 'writer');
    const reader = await create(t, 'reader');
    const info = await docker.getVolume(volume).inspect();
    assert.equal(info.Labels?.[BERTH_LABELS.taskArn], t.taskArn);
    assert.equal(info.Labels?.[VOLUME_SCOPE_LABEL], 'task');
    assert.equal(info.Labels?.team, 'web');
    assert.equal(await run(writer), 'written');
    assert.deepEqual((await run(reader)).split('\n'), ['task-data', 'write-failed']);
    await runtime.remove(reader);
    assert.equal(await volumeExists(volume), true, 'the writer still mounts it');
    await runtime.remove(writer);
    assert.equal(await volumeExists(volume), false, 'removed with the task');
  });

  test('a shared volume persists across tasks; autoprovision refuses one that exists with other options; without autoprovision it must exist', async () => {
    const name = `berth-test-shared-${suffix}`;
    sharedVolumes.push(name);
    const shared = (driverOpts: Record<string, string>, autoprovision = true): AssignedVolume => ({
      name,
      kind: 'docker',
      scope: 'shared',
      autoprovision,
      driver: 'local',
      driverOpts,
      labels: {},
    });
    const mount = [{ sourceVolume: name, containerPath: '/data', readOnly: false }];
    const first = task([{ name: 'w', ...sh('echo kept > /data/f && echo written'), mountPoints: mount }], [shared({})]);
    const w = await create(first, 'w');
    assert.equal(await run(w), 'written');
    await runtime.remove(w);
    assert.equal(await volumeExists(name), true, 'a shared volume outlives its task');
    const second = task([{ name: 'r', ...sh('cat /data/f'), mountPoints: mount }], [shared({}, false)]);
    assert.equal(await run(await create(second, 'r')), 'kept');

    const other = task([{ name: 'x', ...sh('true'), mountPoints: mount }], [shared({ type: 'tmpfs', device: 'tmpfs' })]);
    await assert.rejects(
      create(other, 'x'),
      (e: unknown) => e instanceof RuntimeError && e.code === 'CREATE_FAILED' && /already exists with a different driverOpts/.test(e.message),
    );
    const missing = `berth-test-missing-${suffix}`;
    const none = task(
      [{ name: 'y', ...sh('true'), mountPoints: [{ sourceVolume: missing, containerPath: '/data', readOnly: false }] }],
      [{ ...shared({}, false), name: missing }],
    );
    await assert.rejects(create(none, 'y'), /does not exist and dockerVolumeConfiguration.autoprovision is false/);
    assert.equal(await volumeExists(missing), false);
  });

  test('the task-scoped volume of a container removed while nothing else uses it goes at once; a missing bind source is created', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'berth-bind-')), 'made');
    dirs.push(dir);
    const t = task(
      [
        {
          name: 'a',
          ...sh('true'),
          mountPoints: [
            { sourceVolume: 'h', containerPath: '/h', readOnly: false },
            { sourceVolume: 'v', containerPath: '/v', readOnly: false },
          ],
        },
      ],
      [
        { name: 'h', kind: 'host', sourcePath: dir },
        { name: 'v', kind: 'docker', scope: 'task', autoprovision: false, driver: 'local', driverOpts: {}, labels: {} },
      ],
    );
    const id = await create(t, 'a');
    await run(id);
    assert.equal(existsSync(dir), true);
    await runtime.remove(id);
    assert.equal(await volumeExists(taskVolumeName(t.taskArn, 'v')), false);
  });
});

test('create options: binds (read-only suffix), volumesFrom, hosts, ulimits, user, directory, hostname, rootfs, privileged, init', () => {
  const o = createOptions({
    name: 'c',
    image: 'i',
    portBindings: [],
    bindIp: '127.0.0.1',
    networkMode: 'bridge',
    labels: {},
    stopTimeoutS: 1,
    mounts: [
      { type: 'bind', source: '/srv', target: '/data', readOnly: true },
      {
        type: 'volume',
        volume: { name: 'vol', scope: 'task', autoprovision: false, driver: 'local', driverOpts: {}, labels: {} },
        target: '/v',
        readOnly: false,
      },
    ],
    volumesFrom: [
      { runtimeName: 'berth-t-a', readOnly: true },
      { runtimeName: 'berth-t-b', readOnly: false },
    ],
    extraHosts: [{ hostname: 'db', ipAddress: '127.0.0.2' }],
    ulimits: [{ name: 'nofile', softLimit: 10, hardLimit: 20 }],
    user: '1000',
    workingDirectory: '/w',
    hostname: 'h',
    readonlyRootFilesystem: true,
    privileged: true,
    init: true,
  });
  assert.deepEqual(o.HostConfig?.Binds, ['/srv:/data:ro', 'vol:/v']);
  assert.deepEqual(o.HostConfig?.VolumesFrom, ['berth-t-a:ro', 'berth-t-b']);
  assert.deepEqual(o.HostConfig?.ExtraHosts, ['db:127.0.0.2']);
  assert.deepEqual(o.HostConfig?.Ulimits, [{ Name: 'nofile', Soft: 10, Hard: 20 }]);
  assert.equal(o.User, '1000');
  assert.equal(o.WorkingDir, '/w');
  assert.equal(o.Hostname, 'h');
  assert.equal(o.HostConfig?.ReadonlyRootfs, true);
  assert.equal(o.HostConfig?.Privileged, true);
  assert.equal(o.HostConfig?.Init, true);
  const plain = createOptions({ name: 'c', image: 'i', portBindings: [], bindIp: '127.0.0.1', networkMode: 'bridge', labels: {}, stopTimeoutS: 1 });
  assert.equal(plain.HostConfig?.Binds, undefined);
  assert.equal(plain.HostConfig?.Privileged, undefined);
});

describe('docker runtime: a failed create leaves no task volume behind', { skip: requirement('docker') }, () => {
  test('the volume made for a create Docker refuses is removed again', async () => {
    const t = task(
      [
        {
          name: 'bad',
          ...sh('true'),
          volumesFrom: [{ sourceContainer: 'ghost', readOnly: false }],
          mountPoints: [{ sourceVolume: 'v', containerPath: '/v', readOnly: false }],
        },
      ],
      [{ name: 'v', kind: 'docker', scope: 'task', autoprovision: false, driver: 'local', driverOpts: {}, labels: {} }],
    );
    await assert.rejects(create(t, 'bad'), (e: unknown) => e instanceof RuntimeError && e.code === 'CREATE_FAILED' && /ghost/.test(e.message));
    assert.equal(await volumeExists(taskVolumeName(t.taskArn, 'v')), false);
  });
});
