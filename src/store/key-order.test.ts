import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareKeys, prefixEnd } from './key-order.js';

const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('key order', () => {
  test('compareKeys agrees with UTF-8 byte order, including astral characters', () => {
    const keys = ['a', 'ab', 'b', '', '/x/', '/x/0', '\uffff', '\u{1F600}', '\ue000', 'z\u{10000}', 'z\uffff', 'Z'];
    const mine = [...keys].sort(compareKeys);
    const bytes = [...keys].sort(utf8Order);
    assert.deepEqual(mine, bytes);
    assert.ok(compareKeys('\uffff', '\u{1F600}') < 0, 'U+FFFF sorts before an astral character');
  });

  test('prefixEnd bounds exactly the keys with the prefix', () => {
    assert.equal(prefixEnd('/berth/ecs/tasks/'), '/berth/ecs/tasks0');
    assert.equal(prefixEnd(''), undefined);
    assert.equal(prefixEnd('a\u{10FFFF}'), 'b');
    assert.equal(prefixEnd('\u{10FFFF}'), undefined);
    assert.equal(prefixEnd('x\ud7ff'), 'x\ue000');
    const end = prefixEnd('/p/')!;
    for (const k of ['/p/', '/p/a', '/p/\u{1F600}', '/p/\uffff\uffff']) assert.ok(compareKeys(k, end) < 0, k);
    for (const k of ['/p0', '/q', '/p0/a']) assert.ok(compareKeys(k, end) >= 0, k);
  });
});
