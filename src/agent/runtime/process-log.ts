/**
 * Logs of a host process. The process writes straight into two append-only files (`<id>.stdout`,
 * `<id>.stderr`), never into a pipe the agent holds, so it survives an agent restart (a pipe with no
 * reader would kill it with SIGPIPE). While the agent runs, a tailer turns new complete lines into
 * timestamped JSON lines in `<id>.log`, bounded by rotation to `<id>.log.1`, and tells followers.
 *
 * poll() runs on a timer, where a throw would be uncaught and end the whole process: out of file
 * descriptors (EMFILE/ENFILE, e.g. under a flood of idle connections) or disk space, a poll keeps
 * what it has not written and tries again on the next one, losing no line.
 */
import { EventEmitter } from 'node:events';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readSync, renameSync, statSync } from 'node:fs';
import type { LogLine, LogOptions } from './runtime.js';

export interface LogOffsets {
  stdout: number;
  stderr: number;
}

export interface LogPaths {
  stdout: string;
  stderr: string;
  log: string;
}

const CHUNK = 64 * 1024;

export class ProcessLogTailer {
  readonly events = new EventEmitter();
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  /** Lines read but not yet in `<id>.log` (its append failed); written and emitted first next time. */
  private unwritten: StoredLine[] = [];
  private ended = false;
  /** The last failure of a poll, cleared by one that succeeds (for diagnostics). */
  lastError: Error | undefined;

  constructor(
    private readonly paths: LogPaths,
    readonly offsets: LogOffsets,
    private readonly now: () => number,
    private readonly maxBytes = 8 * 1024 * 1024,
  ) {
    this.events.setMaxListeners(0);
    // The record's offsets are saved now and then; `<id>.log` knows exactly how far it got (each line
    // holds its stream's offset after it), so a restarted agent neither repeats nor skips a line.
    for (const l of readStored(paths.log)) {
      if (l.o !== undefined && l.o > this.offsets[l.stream]) this.offsets[l.stream] = l.o;
    }
  }

  /** Reads what the process wrote since the last poll; `final` also emits a trailing line without newline. */
  poll(final = false): LogLine[] {
    if (this.ended) return [];
    const lines: StoredLine[] = this.unwritten;
    this.unwritten = [];
    const time = this.now();
    this.lastError = undefined;
    for (const stream of ['stdout', 'stderr'] as const) {
      let fresh: string;
      try {
        fresh = this.readNew(stream);
      } catch (err) {
        // Nothing consumed (offsets only move past what was read): the next poll reads it.
        this.lastError = err as Error;
        fresh = '';
      }
      const text = this.partial[stream] + fresh;
      let at = this.offsets[stream] - Buffer.byteLength(text, 'utf8');
      const parts = text.split('\n');
      this.partial[stream] = parts.pop() ?? '';
      const ends = parts.map((line) => (at += Buffer.byteLength(line, 'utf8') + 1));
      if (final && this.partial[stream]) parts.push(this.partial[stream]), ends.push(this.offsets[stream]), (this.partial[stream] = '');
      parts.forEach((line, i) => lines.push({ stream, line, time, o: ends[i]! }));
    }
    if (lines.length > 0) {
      try {
        this.append(lines);
      } catch (err) {
        this.lastError = err as Error;
        // Kept for the next poll; a final poll has no next one, so followers still get the lines.
        if (!final) {
          this.unwritten = lines;
          return [];
        }
      }
      for (const l of lines) this.events.emit('line', { stream: l.stream, line: l.line, time: l.time });
    }
    if (final) {
      this.ended = true;
      this.events.emit('end');
    }
    return lines;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private readNew(stream: 'stdout' | 'stderr'): string {
    if (!existsSync(this.paths[stream])) return '';
    const fd = openSync(this.paths[stream], 'r');
    try {
      const bufs: Buffer[] = [];
      let offset = this.offsets[stream];
      for (;;) {
        const buf = Buffer.alloc(CHUNK);
        const n = readSync(fd, buf, 0, CHUNK, offset);
        if (n <= 0) break;
        offset += n;
        bufs.push(buf.subarray(0, n));
      }
      // Only once all of it is read: a read that throws half-way consumes nothing.
      this.offsets[stream] = offset;
      return Buffer.concat(bufs).toString('utf8');
    } finally {
      closeSync(fd);
    }
  }

  private append(lines: StoredLine[]): void {
    if (existsSync(this.paths.log) && statSync(this.paths.log).size > this.maxBytes) {
      renameSync(this.paths.log, `${this.paths.log}.1`);
    }
    appendFileSync(this.paths.log, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  }
}

/** A line as `<id>.log` holds it: with its stream's byte offset after it (absent in files older than that). */
interface StoredLine extends LogLine {
  o?: number;
}

function readStored(path: string): StoredLine[] {
  if (!existsSync(path)) return [];
  const out: StoredLine[] = [];
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    if (!raw) continue;
    try {
      out.push(JSON.parse(raw) as StoredLine);
    } catch {
      /* a line torn by a crash mid-write */
    }
  }
  return out;
}

/** What `<id>.log.1` and `<id>.log` hold, oldest first, filtered by `since` and `tail`. */
export function readLogFile(logPath: string, options: Pick<LogOptions, 'since' | 'tail'> = {}): LogLine[] {
  let lines: LogLine[] = [`${logPath}.1`, logPath].flatMap(readStored).map((l) => ({ stream: l.stream, line: l.line, time: l.time }));
  if (options.since !== undefined) lines = lines.filter((l) => l.time >= options.since!);
  if (options.tail !== undefined) lines = options.tail === 0 ? [] : lines.slice(-options.tail);
  return lines;
}

/** Lines from the file, then live ones from the tailer until the process ends or the signal aborts. */
export async function* followLog(logPath: string, tailer: ProcessLogTailer | undefined, options: LogOptions): AsyncIterable<LogLine> {
  const queue: LogLine[] = [];
  let done = !tailer || tailer.isEnded;
  let wake: (() => void) | undefined;
  const onLine = (l: LogLine) => {
    queue.push(l);
    wake?.();
  };
  const onEnd = () => {
    done = true;
    wake?.();
  };
  // The tailer appends and emits in one synchronous step, and subscribing and reading the file happen
  // in one tick too: every line is either in the file read or in the queue, never both, never neither.
  tailer?.events.on('line', onLine).on('end', onEnd);
  options.signal?.addEventListener('abort', onEnd, { once: true });
  try {
    const existing = readLogFile(logPath, options);
    yield* existing;
    for (;;) {
      while (queue.length > 0) {
        const l = queue.shift()!;
        if (options.since === undefined || l.time >= options.since) yield l;
      }
      if (done || options.signal?.aborted) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    tailer?.events.off('line', onLine).off('end', onEnd);
    options.signal?.removeEventListener('abort', onEnd);
  }
}
