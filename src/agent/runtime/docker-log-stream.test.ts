import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerLogDecoder } from './docker-log-stream.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

test('decodes frames into timestamped lines per stream, across chunk boundaries', () => {
  const bytes = Buffer.concat([
    frame(1, '2024-05-01T10:00:00.123456789Z hello\n'),
    frame(2, '2024-05-01T10:00:01.5Z oops\n2024-05-01T10:00:02Z second\n'),
    frame(1, '2024-05-01T10:00:03.000000001Z par'),
    frame(1, 'tial\n'),
  ]);
  const d = new DockerLogDecoder();
  const lines = [];
  for (let i = 0; i < bytes.length; i += 7) lines.push(...d.push(bytes.subarray(i, i + 7)));
  lines.push(...d.flush());
  assert.deepEqual(lines, [
    { stream: 'stdout', line: 'hello', time: Date.parse('2024-05-01T10:00:00.123Z') },
    { stream: 'stderr', line: 'oops', time: Date.parse('2024-05-01T10:00:01.500Z') },
    { stream: 'stderr', line: 'second', time: Date.parse('2024-05-01T10:00:02Z') },
    { stream: 'stdout', line: 'partial', time: Date.parse('2024-05-01T10:00:03Z') },
  ]);
});

test('a line with no newline at the end comes out on flush; lines without a stamp keep time 0', () => {
  const d = new DockerLogDecoder();
  assert.deepEqual(d.push(frame(1, 'no stamp')), []);
  assert.deepEqual(d.flush(), [{ stream: 'stdout', line: 'no stamp', time: 0 }]);
});
