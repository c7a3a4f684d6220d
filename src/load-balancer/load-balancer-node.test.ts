import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../platform/clock.js';
import { seededRandom } from '../platform/random.js';
import { LoadBalancerNode, probeTargets } from './load-balancer-node.js';
import { buildRoutingTable, type Target } from './routing-table.js';
import { freePort, get, table, target, tg, upstream } from './proxy/proxy.fixture.js';
import type { TargetHealthRecord } from './health/health-state-machine.js';

test('probeTargets: only targets of groups in use, never draining ones', () => {
  const t = table({ port: 1, groups: [tg('used', [target(10), target(11, 'draining')]), tg('spare', [target(12)])] });
  assert.deepEqual(
    probeTargets(t).map((p) => `${p.targetGroupArn}/${p.port}`),
    ['used/10'],
  );
});

test('probeTargets: HTTP2 groups are checked over h2, GRPC groups with a gRPC call', () => {
  const t = table({
    port: 1,
    groups: [tg('h1', [target(10)]), tg('h2', [target(11)], { protocolVersion: 'HTTP2' }), tg('grpc', [target(12)], { protocolVersion: 'GRPC' })],
    defaultAction: { type: 'forward', targetGroups: ['h1', 'h2', 'grpc'].map((targetGroupArn) => ({ targetGroupArn, weight: 1 })) },
  });
  assert.deepEqual(
    probeTargets(t).map((p) => `${p.targetGroupArn}:${p.settings.version ?? 'HTTP1'}`),
    ['h1:HTTP1', 'h2:HTTP2', 'grpc:GRPC'],
  );
});

test('node: health checks turn an initial target healthy, the adapter swaps the table, traffic flows', async () => {
  const up = await upstream((_q, res) => res.end('served'));
  const port = await freePort();
  // A short interval makes the test quick; a generous timeout keeps a loaded machine from failing a check.
  const fast = {
    enabled: true,
    protocol: 'HTTP' as const,
    path: '/',
    port: 'traffic-port' as const,
    intervalSeconds: 0.05,
    timeoutSeconds: 2,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    matcher: '200',
  };
  const build = (state: Target['state']) => table({ port, groups: [tg('tg', [target(up.port, state)], { healthCheck: fast })] });
  const transitions: TargetHealthRecord[] = [];
  let node: LoadBalancerNode | undefined;
  const healthy = new Promise<void>((resolve) => {
    node = new LoadBalancerNode({
      initial: build('initial'),
      clock: systemClock,
      random: seededRandom(1),
      stickinessSecret: Buffer.from('s'),
      onTransition: (_tg, _t, h) => {
        transitions.push(h);
        if (h.state === 'healthy') resolve();
      },
    });
  });
  assert.deepEqual((await node!.start()).opened, [port]);
  try {
    // Fail-open: the initial target already gets traffic while no target is healthy.
    assert.equal((await get(`http://127.0.0.1:${port}/`)).body, 'served');
    await healthy;
    assert.deepEqual(
      transitions.map((h) => h.state),
      ['initial', 'healthy'],
    );
    await node!.update(build('healthy'));
    assert.equal(node!.table().targetGroups.get('tg')!.failOpen, false);
    assert.equal((await get(`http://127.0.0.1:${port}/`)).body, 'served');
    await node!.update(buildRoutingTable({ loadBalancers: [], listeners: [], targetGroups: [] }));
    await assert.rejects(get(`http://127.0.0.1:${port}/`));
  } finally {
    await node!.close();
    await up.close();
  }
});

test('node with its checks elsewhere (a worker): it probes nothing, and a refused connection goes to passiveFailures', async () => {
  const refused = await freePort(); // nothing listens there
  const port = await freePort();
  const t = table({ port, groups: [tg('tg', [target(refused, 'healthy')])] });
  const passive: Array<{ tg: string; port: number }> = [];
  const node = new LoadBalancerNode({
    initial: t,
    clock: systemClock,
    random: seededRandom(1),
    stickinessSecret: Buffer.from('s'),
    passiveFailures: (tgArn, target) => passive.push({ tg: tgArn, port: target.port }),
  });
  await node.start();
  try {
    assert.equal((await get(`http://127.0.0.1:${port}/`)).status, 502);
    assert.deepEqual(passive, [{ tg: 'tg', port: refused }]);
    assert.equal(node.prober.health('tg', { id: `i-${refused}`, port: refused }), undefined, 'no health check of its own');
  } finally {
    await node.close();
  }
});
