/**
 * A real image registry with basic auth for tests: Debian's `docker-registry` on 127.0.0.1:<free
 * port>, an htpasswd (bcrypt, `htpasswd -B`) user, and a push of the local test image under a unique
 * repository with the Docker CLI logged in through a temporary DOCKER_CONFIG (the user's own config
 * is never touched). Docker trusts a loopback registry without TLS. close() removes what it made.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../src/platform/free-port.js';
import { eventually } from './eventually.js';

const run = promisify(execFile);

export interface BasicAuthRegistry {
  /** `127.0.0.1:port` */
  readonly address: string;
  readonly username: string;
  readonly password: string;
  /** Pushes `localImage` as `<address>/<unique repo>:latest`, then removes that local tag; returns the pushed reference. */
  push(localImage: string): Promise<string>;
  /** Removes a local tag (a pulled image) if it is there. */
  removeLocal(reference: string): Promise<void>;
  close(): Promise<void>;
}

export async function startBasicAuthRegistry(): Promise<BasicAuthRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-registry-'));
  const username = `u${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const htpasswd = (await run('htpasswd', ['-Bbn', username, password])).stdout;
  writeFileSync(join(dir, 'htpasswd'), htpasswd);
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      'http:',
      `  addr: ${address}`,
      'auth:',
      '  htpasswd:',
      '    realm: berth-test',
      `    path: ${join(dir, 'htpasswd')}`,
      '',
    ].join('\n'),
  );
  let out = '';
  const child: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    // Up once /v2/ asks for credentials.
    await eventually(async () => ((await fetch(`http://${address}/v2/`)).status === 401 ? true : undefined), {
      what: `docker-registry on ${address}:\n${out}`,
      timeoutMs: 15_000,
      intervalMs: 100,
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const dockerConfig = join(dir, 'docker-config');
  const env = { ...process.env, DOCKER_CONFIG: dockerConfig };
  const docker = (...args: string[]) => run('docker', args, { env, timeout: 60_000 });
  const tagged = new Set<string>();
  let loggedIn = false;

  return {
    address,
    username,
    password,
    async push(localImage) {
      if (!loggedIn) {
        await new Promise<void>((resolve, reject) => {
          const login = spawn('docker', ['login', address, '-u', username, '--password-stdin'], { env, stdio: ['pipe', 'ignore', 'pipe'] });
          let err = '';
          login.stderr!.on('data', (d) => (err += d));
          login.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker login: ${err}`))));
          login.stdin!.end(password);
        });
        loggedIn = true;
      }
      const ref = `${address}/berth-test-${randomBytes(4).toString('hex')}/busybox:latest`;
      tagged.add(ref);
      await docker('tag', localImage, ref);
      await docker('push', ref);
      await docker('rmi', ref);
      return ref;
    },
    async removeLocal(reference) {
      await docker('rmi', reference).catch(() => undefined);
    },
    async close() {
      for (const ref of tagged) await docker('rmi', ref).catch(() => undefined);
      if (loggedIn) await docker('logout', address).catch(() => undefined);
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
