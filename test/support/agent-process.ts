/**
 * `berth agent` as a child process: resolves once it says it is up, rejects with its output if it exits
 * first or is not up within 30 s. The caller owns the process (kill it in `after`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './berth-process.js';
import { berthEntry } from './berth-command.js';

/** `args` follow `berth agent`; `env` adds to the test's own (put a secret key there: a command line is readable by every user of the host). */
export function startAgentProcess(args: string[], env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...berthEntry(), 'agent', ...args], {
    cwd: repoRoot,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start:\n${out}`)), 30_000);
    child.stdout!.on('data', () => {
      if (out.includes('Berth agent is up')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`agent exited with ${code}:\n${out}`)));
  });
}
