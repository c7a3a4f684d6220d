/**
 * The listener's `connectionLimit` option on real sockets: what a worker of a node is allowed (the
 * node's limit less what the other workers hold) is read on each new connection, and at that limit
 * the oldest idle connection makes room. Counts per port are what the worker reports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { eventually } from '../../../test/support/eventually.js';
import { connectionShare } from '../workers/connection-share.js';
import { freePort, startLb, table, target, tg, upstream } from './proxy.fixture.js';

/** A connection that has had one keep-alive answer and now sits idle; `closed` once the node closes it. */
async function idleConnection(port: number): Promise<{ socket: net.Socket; closed: Promise<void> }> {
  const socket = net.connect(port, '127.0.0.1');
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    socket.once('data', () => resolve());
    socket.once('error', reject);
  });
  return { socket, closed };
}

test("a worker's connection limit follows what the other workers hold: at it, the oldest idle connection makes room", async () => {
  const up = await upstream();
  const port = await freePort();
  // The other workers of the node hold 9,998 of the listener's 10,000.
  let othersHeld = 9_998;
  const asked: Array<[number, number]> = [];
  const shed: string[] = [];
  const lb = await startLb(table({ port, groups: [tg('tg', [target(up.port)])], attributes: { maxConnectionsPerListener: 10_000 } }), {
    connectionLimit: (p, nodeLimit) => {
      asked.push([p, nodeLimit]);
      return connectionShare(nodeLimit, othersHeld);
    },
    onShed: (_p, reason, closed) => shed.push(`${reason}:${closed}`),
  });
  try {
    const first = await idleConnection(port);
    const second = await idleConnection(port);
    assert.deepEqual(asked.at(-1), [port, 10_000], 'asked with the listener port and the node limit');
    assert.deepEqual(lb.listeners.connectionCounts(), new Map([[port, 2]]));
    assert.deepEqual(shed, [], 'room for two');

    // A third: this worker is at its share, so its oldest idle connection goes and the new one stays.
    const third = await idleConnection(port);
    await first.closed;
    assert.deepEqual(shed, ['limit:1']);
    assert.equal(second.socket.destroyed, false);

    // The others let 10 go: this worker may hold 12 now, and nothing more is shed.
    othersHeld = 9_988;
    const more = await Promise.all(Array.from({ length: 5 }, () => idleConnection(port)));
    assert.deepEqual(shed, ['limit:1']);
    await eventually(() => lb.listeners.connections(port), { what: 'seven connections held', timeoutMs: 2000, intervalMs: 10, until: (n) => n === 7 });
    for (const c of [second, third, ...more]) c.socket.destroy();
  } finally {
    await lb.close();
    await up.close();
  }
});
