/**
 * Starts the real `berth up` as a child process on a free port with its own data dir, for
 * integration tests. The process runs this working tree's `berth` (berth-command.ts: the suite's build, or tsx).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { berthEntry } from './berth-command.js';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

export interface BerthProcess {
  readonly apiUrl: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill9(): Promise<void>;
}

export interface StartOptions {
  /** `up` (default: everything, with a local agent) or `server` (no agent). */
  readonly command?: 'up' | 'server';
  readonly dataDir?: string;
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

export async function startBerthProcess(options: StartOptions = {}): Promise<BerthProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'berth-test-'));
  const child = spawn(
    process.execPath,
    [...berthEntry(), options.command ?? 'up', '--data-dir', dataDir, '--api-port', '0', '--no-demo', '--log-level', 'warn', ...(options.args ?? [])],
    { cwd: repoRoot, env: { ...process.env, NODE_OPTIONS: '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  const apiUrl = await new Promise<string>((resolveUrl, reject) => {
    // A Berth that did not start in time is killed: left running, it would hold the test process open.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`berth up did not start in time:\n${out}`));
    }, options.timeoutMs ?? 30_000);
    const check = (): void => {
      const m = /API: +(http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`berth up exited with ${code} before starting:\n${out}`));
    });
  });

  return {
    apiUrl,
    dataDir,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
