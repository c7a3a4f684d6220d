import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadOrCreateSealedBox, sealedBoxFromKey, SealedBoxError } from './sealed-box.js';

test('a sealed value opens with the same key and aad, and shows nothing of the plaintext', () => {
  const box = sealedBoxFromKey(randomBytes(32));
  const sealed = box.seal('hunter2-very-secret', 'arn:x:1');
  assert.ok(sealed.startsWith('v1:'));
  assert.ok(!sealed.includes('hunter2'));
  assert.notEqual(box.seal('hunter2-very-secret', 'arn:x:1'), sealed, 'a fresh IV each time');
  assert.equal(box.open(sealed, 'arn:x:1'), 'hunter2-very-secret');
});

test('another aad, another key or a flipped byte does not open', () => {
  const key = randomBytes(32);
  const box = sealedBoxFromKey(key);
  const sealed = box.seal('value', 'a');
  assert.throws(() => box.open(sealed, 'b'), SealedBoxError);
  assert.throws(() => sealedBoxFromKey(randomBytes(32)).open(sealed, 'a'), SealedBoxError);
  const raw = Buffer.from(sealed.slice(3), 'base64');
  raw[raw.length - 1] ^= 1;
  assert.throws(() => box.open('v1:' + raw.toString('base64'), 'a'), SealedBoxError);
  assert.throws(() => box.open('plain', 'a'), SealedBoxError);
  assert.throws(() => sealedBoxFromKey(randomBytes(16)), SealedBoxError);
});

test('the key file is made once, mode 0600, and read back on the next start', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'berth-sealed-')), 'secrets.key');
  const first = loadOrCreateSealedBox(path);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(readFileSync(path).length, 32);
  const sealed = first.seal('kept', 'k');
  assert.equal(loadOrCreateSealedBox(path).open(sealed, 'k'), 'kept');
});
