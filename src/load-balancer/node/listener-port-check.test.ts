import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { listenerPortCheck } from './listener-port-check.js';

test('a port held by another process is refused; a free one passes; our own listeners count as taken', async () => {
  const holder = net.createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const taken = (holder.address() as net.AddressInfo).port;
  const check = listenerPortCheck({ bindAddressFor: () => '127.0.0.1', servedByNode: (p) => p === 1 });
  try {
    assert.equal(await check(taken, 'internal'), `Port ${taken} is already in use on this host`);
  } finally {
    await new Promise((r) => holder.close(r));
  }
  assert.equal(await check(taken, 'internal'), undefined);
  assert.match(String(await check(1, 'internal')), /another Berth listener/);
});
