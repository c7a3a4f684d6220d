/**
 * `berth lb` as a child process: resolves once it says it is up, rejects with its output if it exits
 * first or is not up within 90 s (tsx on a loaded machine is slow to start). `kill9` and `stop` wait for the exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './berth-process.js';
import { berthEntry } from './berth-command.js';

export interface LbProcess {
  readonly child: ChildProcess;
  /** ms from spawn to "is up" on stdout. */
  readonly startedInMs: number;
  output(): string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

/** `args` follow `berth lb`; `env` adds to the test's own (a secret key goes there). */
export function startLbProcess(args: string[], env: Record<string, string> = {}): Promise<LbProcess> {
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [...berthEntry(), 'lb', ...args], {
    cwd: repoRoot,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`berth lb did not start:\n${out}`)), 90_000);
    child.stdout!.on('data', () => {
      if (out.includes('load-balancer node is up')) {
        clearTimeout(timer);
        resolve({ child, startedInMs: Date.now() - spawnedAt, output: () => out, stop: () => end('SIGTERM'), kill9: () => end('SIGKILL') });
      }
    });
    child.once('exit', (code) => reject(new Error(`berth lb exited with ${code}:\n${out}`)));
  });
}
