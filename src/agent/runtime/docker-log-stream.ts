/**
 * Docker's multiplexed log stream (a non-TTY container): frames of [stream, 0, 0, 0, size BE32, payload],
 * each payload one or more lines prefixed by an RFC 3339 timestamp when `timestamps=true`. Pure:
 * bytes in, lines out; a frame or a line split across chunks waits for the rest.
 */
import type { LogLine } from './runtime.js';

export class DockerLogDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };

  /** Feeds a chunk; returns the complete lines it finished. */
  push(chunk: Buffer): LogLine[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: LogLine[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const stream = this.pending[0] === 2 ? 'stderr' : 'stdout';
      const text = this.partial[stream] + this.pending.subarray(8, 8 + size).toString('utf8');
      this.pending = this.pending.subarray(8 + size);
      const lines = text.split('\n');
      this.partial[stream] = lines.pop() ?? '';
      for (const l of lines) out.push(parseLine(stream, l));
    }
    return out;
  }

  /** Lines left without a final newline when the stream ends. */
  flush(): LogLine[] {
    const out: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) out.push(parseLine(stream, this.partial[stream]));
      this.partial[stream] = '';
    }
    return out;
  }
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d) /;

function parseLine(stream: 'stdout' | 'stderr', raw: string): LogLine {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const m = STAMP.exec(line);
  if (!m) return { stream, line, time: 0 };
  // Date.parse keeps milliseconds only: trim the nanoseconds Docker writes.
  const frac = m[2] ? m[2].slice(0, 4) : '';
  return { stream, line: line.slice(m[0].length), time: Date.parse(`${m[1]}${frac}${m[3]}`) };
}
