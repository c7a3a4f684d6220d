/**
 * The README's two set-up commands from a fresh clone: `npm ci` (offline, from npm's cache: the
 * machine has no registry; where the cache lacks a package, node_modules is linked from this checkout
 * and `npm run prepare` builds, which is what `npm ci` runs after installing), then `npm start`.
 * better-sqlite3's install fetches a prebuilt binary, which a reader online gets and this offline
 * machine cannot: the test offers it the binary this checkout built, as a local prebuild (its own
 * mechanism, `npm_config_better_sqlite3_local_prebuilds`), instead of minutes of compiling. The
 * banner's URLs must answer: the API, the console and the demo listener. Own data dir and API port; the
 * demo's listener takes the first free port from 8080, as for a reader.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { freePort } from '../../src/platform/free-port.js';
import { eventually } from '../support/eventually.js';
import { stopAllTasks } from '../support/stop-everything.js';
import { instanceIdOf, removeContainersOfInstance } from '../support/own-containers.js';
import { dockerAvailable } from '../support/requirements.js';
import { repoRoot } from './walkthroughs.js';

/**
 * The prebuilt-binary tarball better-sqlite3's installer (prebuild-install) would download, made from
 * this checkout's own build, in `dir`; returns the environment that points the installer at it (or
 * nothing when this checkout has no build, and the install compiles as before).
 */
function localSqlitePrebuild(dir: string): Record<string, string> {
  const pkgDir = join(repoRoot, 'node_modules', 'better-sqlite3');
  const binary = join(pkgDir, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binary)) return {};
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  mkdirSync(dir, { recursive: true });
  const tarball = join(dir, `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`);
  execFileSync('tar', ['-czf', tarball, '-C', pkgDir, 'build/Release/better_sqlite3.node']);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

describe('a fresh clone: npm ci && npm start', { timeout: 1_200_000 }, () => {
  const clone = mkdtempSync(join(tmpdir(), 'berth-clone-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-clone-data-'));
  let child: ChildProcess | undefined;
  let apiUrl: string | undefined;

  after(async () => {
    if (apiUrl) await stopAllTasks(apiUrl).catch(() => undefined);
    if (child?.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
    if (dockerAvailable()) {
      try {
        removeContainersOfInstance(instanceIdOf(dataDir));
      } catch {
        /* no agent state */
      }
    }
    rmSync(clone, { recursive: true, force: true });
    rmSync(join(clone, '..', `${basename(clone)}-prebuilds`), { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('npm ci warns of no engine, npm start prints a banner whose URLs answer', async () => {
    // The committed state of this checkout, as `git clone` gives it.
    execFileSync('git', ['clone', '--quiet', repoRoot, clone]);
    const env = {
      ...process.env,
      NODE_OPTIONS: '',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      ...localSqlitePrebuild(join(clone, '..', `${basename(clone)}-prebuilds`)),
    };
    const started = Date.now();
    // Offline, better-sqlite3 cannot fetch its prebuilt binary and compiles from source (minutes on a busy machine).
    const ci = spawnSync('npm', ['ci', '--offline'], { cwd: clone, env, encoding: 'utf8', timeout: 480_000 });
    const ciOut = `${ci.stdout}${ci.stderr}`;
    if (ci.status === 0) {
      assert.doesNotMatch(ciOut, /EBADENGINE|Unsupported engine/, ciOut);
      console.log(`npm ci --offline: ${Math.round((Date.now() - started) / 1000)} s`);
    } else {
      const why = ci.signal ? `did not finish in 480 s (${ci.signal})` : 'the cache lacks a package';
      if (!ci.signal) assert.match(ciOut, /ENOTCACHED|offline/i, `npm ci failed for another reason than a missing cache:\n${ciOut}`);
      assert.doesNotMatch(ciOut, /EBADENGINE|Unsupported engine/, ciOut);
      console.log(`npm ci --offline ${why}: linking this checkout's node_modules and running npm run prepare instead`);
      rmSync(join(clone, 'node_modules'), { recursive: true, force: true });
      symlinkSync(join(repoRoot, 'node_modules'), join(clone, 'node_modules'));
      execFileSync('npm', ['run', 'prepare'], { cwd: clone, env, stdio: 'ignore', timeout: 600_000 });
    }

    const apiPort = await freePort();
    child = spawn('npm', ['start', '--', '--data-dir', dataDir, '--api-port', String(apiPort)], {
      cwd: clone,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const banner = await eventually(() => (/\n {2}(Tasks keep running|Ctrl-C stops)[^\n]*\n/.test(out) ? out : undefined), {
      what: `the banner:\n${out}`,
      timeoutMs: 180_000,
      intervalMs: 250,
    });
    const url = (label: string): string => {
      const m = new RegExp(`${label}: +(http://\\S+)`).exec(banner);
      assert.ok(m, `the banner names the ${label}:\n${banner}`);
      return m[1]!;
    };
    apiUrl = url('API');
    const health = await fetch(`${apiUrl}/health`);
    assert.equal(health.status, 200);
    await health.arrayBuffer();
    const consolePage = await fetch(url('Console'));
    assert.equal(consolePage.status, 200);
    assert.match(await consolePage.text(), /<div id="app"|<script/);
    const demo = url('Demo');
    const answer = await eventually(
      async () => {
        const r = await fetch(demo);
        const body = await r.text();
        return r.status === 200 ? body : undefined;
      },
      { what: `the demo listener ${demo} answers 200`, timeoutMs: 180_000, intervalMs: 500 },
    );
    assert.ok(answer.length > 0);
    assert.doesNotMatch(banner, /^ {2}try: +aws (?!--endpoint-url)/m, 'no bare aws in the banner');
  });
});
