/**
 * Child process of the EMFILE test (process-log.test.ts), run under a low open-files limit: a
 * tailer polls while every descriptor is taken, then once they are given back. Prints one JSON
 * line: what the polls threw, whether they met EMFILE, and the lines in the log file.
 * Usage: node --import tsx src/agent/runtime/process-log-emfile.fixture.ts <dir>
 */
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessLogTailer, readLogFile } from './process-log.js';

const dir = process.argv[2]!;
const paths = { stdout: join(dir, 'x.stdout'), stderr: join(dir, 'x.stderr'), log: join(dir, 'x.log') };
appendFileSync(paths.stdout, 'one\n');
const tailer = new ProcessLogTailer(paths, { stdout: 0, stderr: 0 }, () => Date.now());
tailer.poll();
let thrown = 0;
let sawEmfile = false;
const poll = (): void => {
  try {
    tailer.poll();
  } catch {
    thrown++;
  }
  if ((tailer.lastError as NodeJS.ErrnoException | undefined)?.code === 'EMFILE') sawEmfile = true;
};
// What the process writes while the agent has no descriptor to spare.
appendFileSync(paths.stdout, 'two\nthree\n');
const hog: number[] = [];
for (;;) {
  try {
    hog.push(openSync('/dev/null', 'r'));
  } catch {
    break;
  }
}
// As the runtime's timer would, several times while nothing can be opened.
for (let i = 0; i < 5; i++) poll();
for (const fd of hog) closeSync(fd);
poll();
const lines = readLogFile(paths.log).map((l) => l.line);
process.stdout.write(`${JSON.stringify({ thrown, sawEmfile, hogged: hog.length, lines })}\n`);
