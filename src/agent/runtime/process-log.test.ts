import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessLogTailer, readLogFile } from './process-log.js';

const root = mkdtempSync(join(tmpdir(), 'berth-process-log-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('out of descriptors (EMFILE), polls neither throw nor lose a line; they land once descriptors are back', async () => {
  const dir = mkdtempSync(join(root, 'emfile-'));
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      'prlimit',
      ['--nofile=64:64', process.execPath, '--import', 'tsx', join(import.meta.dirname, 'process-log-emfile.fixture.ts'), dir],
      { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 30_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    ),
  );
  const r = JSON.parse(out.trim().split('\n').pop()!) as { thrown: number; sawEmfile: boolean; hogged: number; lines: string[] };
  assert.ok(r.hogged > 0);
  assert.equal(r.sawEmfile, true, 'the polls ran into EMFILE');
  assert.equal(r.thrown, 0);
  assert.deepEqual(r.lines, ['one', 'two', 'three']);
});

test('a failed append keeps its lines for the next poll, emitted once', () => {
  const dir = mkdtempSync(join(root, 'append-'));
  const paths = { stdout: join(dir, 'x.stdout'), stderr: join(dir, 'x.stderr'), log: join(dir, 'missing-dir', 'x.log') };
  const tailer = new ProcessLogTailer(paths, { stdout: 0, stderr: 0 }, () => 1);
  const emitted: string[] = [];
  tailer.events.on('line', (l: { line: string }) => emitted.push(l.line));
  appendFileSync(paths.stdout, 'a\nb\n');
  assert.deepEqual(tailer.poll(), []);
  assert.equal((tailer.lastError as NodeJS.ErrnoException).code, 'ENOENT');
  // The log's folder appears (space is back, say): the kept lines are written, then emitted.
  (paths as { log: string }).log = join(dir, 'x.log');
  appendFileSync(paths.stdout, 'c\n');
  assert.deepEqual(
    tailer.poll().map((l) => l.line),
    ['a', 'b', 'c'],
  );
  assert.deepEqual(emitted, ['a', 'b', 'c']);
  assert.deepEqual(
    readLogFile(paths.log).map((l) => l.line),
    ['a', 'b', 'c'],
  );
});

test('a new tailer on the same files (an agent killed before it saved its offsets) neither repeats nor skips a line', () => {
  const dir = mkdtempSync(join(root, 'restart-'));
  const paths = { stdout: join(dir, 'x.stdout'), stderr: join(dir, 'x.stderr'), log: join(dir, 'x.log') };
  const first = new ProcessLogTailer(paths, { stdout: 0, stderr: 0 }, () => 1);
  appendFileSync(paths.stdout, 'é one\ntwo\npart');
  appendFileSync(paths.stderr, 'err\n');
  assert.deepEqual(
    first.poll().map((l) => l.line),
    ['é one', 'two', 'err'],
  );
  // Killed here: the record still says 0. The process writes on; a new agent tails again.
  appendFileSync(paths.stdout, 'ial\nthree\n');
  const second = new ProcessLogTailer(paths, { stdout: 0, stderr: 0 }, () => 2);
  assert.deepEqual(second.offsets, { stdout: Buffer.byteLength('é one\ntwo\n'), stderr: 4 });
  assert.deepEqual(
    second.poll().map((l) => l.line),
    ['partial', 'three'],
  );
  assert.deepEqual(
    readLogFile(paths.log).map((l) => l.line),
    ['é one', 'two', 'err', 'partial', 'three'],
  );
  assert.deepEqual(Object.keys(readLogFile(paths.log)[0]!).sort(), ['line', 'stream', 'time']);
});
