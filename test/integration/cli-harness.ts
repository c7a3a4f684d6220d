/**
 * Runs the real `berth` binary (the suite's build of this working tree, see berth-command.ts) against a
 * running `berth up`, and a stack file for it with the sample app under the process runtime.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/berth-process.js';
import { berthEntry } from '../support/berth-command.js';
import { freePort } from '../../src/platform/free-port.js';
export { freePort };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function berthCli(apiUrl: string, args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolveRun) => {
    execFile(
      process.execPath,
      [...berthEntry(), ...args],
      { cwd: repoRoot, env: { ...process.env, NODE_OPTIONS: '', BERTH_ENDPOINT: apiUrl, ...options.env }, timeout: options.timeoutMs ?? 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
        resolveRun({ code, stdout, stderr });
      },
    );
  });
}

export const SAMPLE_APP = join(repoRoot, 'examples/sample-app/server.js');

/** examples/stack-process.yaml with absolute paths (so it runs whatever the working directory) and the listener on `listenerPort`. */
export function sampleStack(listenerPort: number, edit: (text: string) => string = (t) => t): string {
  const text = readFileSync(join(repoRoot, 'examples/stack-process.yaml'), 'utf8')
    .replace('      - Port: 8082\n', `      - Port: ${listenerPort}\n`)
    .replace('entryPoint: [node, examples/sample-app/server.js]', `entryPoint: [${JSON.stringify(process.execPath)}, ${JSON.stringify(SAMPLE_APP)}]`);
  const file = join(mkdtempSync(join(tmpdir(), 'berth-stack-')), 'stack.yaml');
  writeFileSync(file, edit(text));
  return file;
}

/** One line on stderr, prefixed, without a stack trace. */
export function isOneLineError(stderr: string): boolean {
  const lines = stderr.trimEnd().split('\n');
  return lines.length === 1 && lines[0]!.startsWith('berth: ') && !/\n\s+at /.test(stderr);
}
