import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStatus } from './status.js';

test('renderStatus: ok, and a failing store with its reason and for how long', () => {
  assert.equal(
    renderStatus('http://b', { status: 'ok', store: { ok: true }, fdLimit: { soft: 4096, hard: 4096 } }, 0),
    'Berth at http://b: ok\n  store: ok\n  open files limit: 4096 (hard 4096)\n',
  );
  const text = renderStatus('http://b', { status: 'unavailable', store: { ok: false, fault: { reason: 'disk-full', message: 'the disk holding /d is full', since: 1000 } } }, 31_000);
  assert.equal(text, 'Berth at http://b: unavailable\n  store: FAILING (disk-full) for 30 s: the disk holding /d is full\n');
});
