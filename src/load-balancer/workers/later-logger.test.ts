import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../platform/logger.js';
import { LaterLogger } from './later-logger.js';

test('lines logged before the logger is attached go out once it is, in order, then lines go straight out', () => {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().trim().split('\n'));
      done();
    },
  });
  const later = new LaterLogger();
  later.warn({ n: 1 }, 'first');
  later.info({ n: 2 }, 'second');
  assert.equal(lines.length, 0);
  later.attach(createLogger({ level: 'info', format: 'json', out }));
  later.warn({ n: 3 }, 'third');
  const records = lines.map((l) => JSON.parse(l) as { n: number; msg: string; level: number });
  assert.deepEqual(
    records.map((r) => [r.n, r.msg, r.level]),
    [
      [1, 'first', 40],
      [2, 'second', 30],
      [3, 'third', 40],
    ],
  );
});
