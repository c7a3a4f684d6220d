/**
 * A target that accepts every connection and resets it (a crashed worker behind a live socket, a
 * misconfigured sidecar) must leave rotation after a few requests: the proxy counts the resets
 * against it (passive health) and the node's health state machine takes it out, while every client
 * request is still answered by the healthy target.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';
import { LoadBalancerNode } from '../../src/load-balancer/load-balancer-node.js';
import type { Target } from '../../src/load-balancer/routing-table.js';
import { freePort, get, table, target, tg, upstream } from '../../src/load-balancer/proxy/proxy.fixture.js';

async function resetter(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = net.createServer((s) => {
    // Reset as soon as the request's first bytes arrive, before any response byte. Only clients'
    // requests count: the node's first active check (jittered within its first second) asks for the
    // health-check path (/), and on a loaded machine it can land while the 60 requests still run.
    s.once('data', (head: Buffer) => {
      if (head.toString('latin1').includes(' /client ')) connections++;
      s.resetAndDestroy();
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, connections: () => connections, close: () => new Promise((r) => server.close(() => r())) };
}

for (const method of ['GET', 'POST']) {
  test(`a target that resets every connection leaves rotation within a few ${method}s; clients of the other target see no error`, async () => {
    const good = await upstream((req, res) => {
      req.resume();
      req.on('end', () => res.end('good'));
    });
    const bad = await resetter();
    const port = await freePort();
    // Active checks are far apart (30 s): only passive health can act within this test.
    const states = new Map<number, Target['state']>([
      [good.port, 'healthy'],
      [bad.port, 'healthy'],
    ]);
    const build = () => table({ port, groups: [tg('tg', [target(good.port, states.get(good.port)), target(bad.port, states.get(bad.port))])] });
    let node: LoadBalancerNode | undefined;
    const updates: Promise<unknown>[] = [];
    node = new LoadBalancerNode({
      initial: build(),
      clock: systemClock,
      random: seededRandom(5),
      stickinessSecret: Buffer.from('passive-resets-secret'),
      // What the composition root does through the store: the transition becomes the table's state.
      onTransition: (_tg, t, h) => {
        if (h.state !== 'healthy' && h.state !== 'unhealthy') return;
        states.set(t.port, h.state);
        updates.push(node!.update(build()));
      },
    });
    await node.start();
    // Closed whatever the asserts say: an open server would keep the file from ending.
    try {
      const statuses: number[] = [];
      const firstHits: number[] = [];
      for (let i = 0; i < 60; i++) {
        const before = bad.connections();
        const r = await get(`http://127.0.0.1:${port}/client`, method === 'POST' ? { method, body: 'x' } : {});
        await Promise.all(updates);
        statuses.push(r.status);
        if (bad.connections() > before) firstHits.push(i);
      }
      assert.equal(states.get(bad.port), 'unhealthy', 'the resetting target was taken out');
      assert.equal(states.get(good.port), 'healthy');
      assert.ok(firstHits.length <= 2, `requests that reached the resetting target: ${firstHits.join(',')}`);
      if (method === 'GET') assert.deepEqual(new Set(statuses), new Set([200]), 'every GET was retried onto the good target');
      else assert.equal(statuses.filter((s) => s !== 200).length, firstHits.length, 'a POST is not retried: each reset one is a 502, the rest succeed');
    } finally {
      await node.close();
      await good.close();
      await bad.close();
    }
  });
}
