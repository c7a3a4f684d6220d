import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { requirement } from '../../../test/support/requirements.js';
import { ensureTestImage, TEST_IMAGE } from '../../../test/support/test-image.js';
import { DockerLogDecoder } from './docker-log-stream.js';
import { busyboxImageTar, busyboxRootfs } from './busybox-image.js';

test('the rootfs holds busybox, its applets as links, the web root and the CGIs', () => {
  const entries = busyboxRootfs(Buffer.from('binary'));
  const byPath = new Map(entries.map((e) => [e.path, e]));
  assert.equal(byPath.get('bin/busybox')?.type, 'file');
  for (const a of ['sh', 'httpd', 'hostname', 'wget']) assert.deepEqual(byPath.get(`bin/${a}`), { type: 'symlink', path: `bin/${a}`, target: 'busybox' });
  assert.equal(byPath.get('www/cgi-bin/whoami')?.type, 'file');
  assert.equal((byPath.get('www/cgi-bin/whoami') as { mode: number }).mode, 0o755);
  assert.equal(byPath.get('www/index.html')?.type, 'file');
  // Same input, same hash; different busybox, different image.
  assert.equal(busyboxImageTar(Buffer.from('a')).contentHash, busyboxImageTar(Buffer.from('a')).contentHash);
  assert.notEqual(busyboxImageTar(Buffer.from('a')).contentHash, busyboxImageTar(Buffer.from('b')).contentHash);
});

describe('test image', { skip: requirement('docker') }, () => {
  test('builds idempotently and tells two containers apart through whoami', async () => {
    assert.equal(await ensureTestImage(), TEST_IMAGE);
    const docker = new Docker();
    const info = await docker.getImage(TEST_IMAGE).inspect();
    assert.deepEqual(info.Config.Cmd, ['/bin/serve']);
    const outputs: string[] = [];
    for (const v of ['one', 'two']) {
      const c = await docker.createContainer({ Image: TEST_IMAGE, Cmd: ['/www/cgi-bin/whoami'], Env: [`APP_VERSION=${v}`] });
      try {
        await c.start();
        await c.wait();
        const raw = (await c.logs({ stdout: true })) as unknown as Buffer;
        const d = new DockerLogDecoder();
        outputs.push([...d.push(raw), ...d.flush()].map((l) => l.line).join('\n'));
      } finally {
        await c.remove({ force: true });
      }
    }
    const [a, b] = outputs.map((o) => JSON.parse(o.slice(o.indexOf('{'))) as { host: string; version: string });
    assert.deepEqual([a!.version, b!.version], ['one', 'two']);
    assert.notEqual(a!.host, b!.host);
  });

  test('its default command stops on SIGTERM in well under its stop timeout, exiting 0', async () => {
    await ensureTestImage();
    const docker = new Docker();
    const c = await docker.createContainer({ Image: TEST_IMAGE, Labels: { 'com.berth.test': 'busybox-image' } });
    try {
      await c.start();
      const started = Date.now();
      // 10 s is what a stop that ignored SIGTERM would wait before SIGKILL.
      await c.stop({ t: 10 });
      const tookMs = Date.now() - started;
      const state = (await c.inspect()).State;
      assert.equal(state.ExitCode, 0, 'exited on SIGTERM, not killed (137)');
      assert.ok(tookMs < 3000, `stop took ${tookMs} ms`);
    } finally {
      await c.remove({ force: true });
    }
  });
});
