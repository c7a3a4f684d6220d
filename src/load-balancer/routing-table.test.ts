import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRoutingTable, defaultLoadBalancerAttributes, type RoutingTableInput, type Target, type TargetGroup } from './routing-table.js';

export function targetGroup(arn: string, targets: Target[], over: Partial<TargetGroup> = {}): TargetGroup {
  return {
    arn,
    name: arn,
    protocol: 'HTTP',
    algorithm: 'round_robin',
    stickiness: { enabled: false, type: 'lb_cookie', durationSeconds: 86400 },
    slowStartSeconds: 0,
    deregistrationDelaySeconds: 300,
    minimumHealthyTargets: 1,
    healthCheck: {
      enabled: true,
      protocol: 'HTTP',
      path: '/',
      port: 'traffic-port',
      intervalSeconds: 30,
      timeoutSeconds: 5,
      healthyThreshold: 5,
      unhealthyThreshold: 2,
      matcher: '200',
    },
    targets,
    ...over,
  };
}

function input(targets: Target[]): RoutingTableInput {
  return {
    loadBalancers: [
      { arn: 'lb', name: 'lb', scheme: 'internal', ingress: [{ cidr: '127.0.0.0/8', fromPort: 80, toPort: 80 }], attributes: defaultLoadBalancerAttributes },
    ],
    listeners: [
      {
        arn: 'l80',
        loadBalancerArn: 'lb',
        port: 80,
        protocol: 'HTTP',
        rules: [
          { arn: 'd', priority: 'default', conditions: [], action: { type: 'forward', targetGroups: [{ targetGroupArn: 'tg', weight: 1 }] } },
          {
            arn: 'r2',
            priority: 2,
            conditions: [{ field: 'path-pattern', values: ['/b'] }],
            action: { type: 'fixed-response', fixedResponse: { statusCode: '200' } },
          },
          {
            arn: 'r1',
            priority: 1,
            conditions: [{ field: 'path-pattern', values: ['/a'] }],
            action: { type: 'fixed-response', fixedResponse: { statusCode: '200' } },
          },
        ],
      },
    ],
    targetGroups: [targetGroup('tg', targets)],
  };
}

const t = (port: number, state: Target['state']): Target => ({ id: 'i-1', address: '127.0.0.1', port, state });

test('builder sorts rules by priority with default last, binds internal to loopback', () => {
  const table = buildRoutingTable(input([t(1, 'healthy')]));
  const l = table.listeners.get(80)!;
  assert.deepEqual(
    l.rules.map((r) => r.arn),
    ['r1', 'r2', 'd'],
  );
  assert.equal(l.bindAddress, '127.0.0.1');
  assert.equal(l.allowed!.length, 1);
});

test('table is frozen all the way down', () => {
  const table = buildRoutingTable(input([t(1, 'healthy')]));
  assert.throws(() => (table.listeners as Map<number, unknown>).set(81, {}));
  assert.throws(() => (table.targetGroups.get('tg')!.targets as Target[]).push(t(2, 'healthy')));
  assert.throws(() => {
    (table.targetGroups.get('tg')!.targets[0] as { port: number }).port = 9;
  });
});

test('routable: healthy and unavailable only, never draining', () => {
  const tg = buildRoutingTable(input([t(1, 'healthy'), t(2, 'unhealthy'), t(3, 'draining'), t(4, 'unavailable'), t(5, 'initial')])).targetGroups.get('tg')!;
  assert.deepEqual(
    tg.routable.map((x) => x.port),
    [1, 4],
  );
  assert.equal(tg.failOpen, false);
  assert.equal(tg.byKey.get('i-1:3')!.state, 'draining');
});

test('fail-open: no healthy target routes to every non-draining one', () => {
  const tg = buildRoutingTable(input([t(1, 'unhealthy'), t(2, 'initial'), t(3, 'draining')])).targetGroups.get('tg')!;
  assert.equal(tg.failOpen, true);
  assert.deepEqual(
    tg.routable.map((x) => x.port),
    [1, 2],
  );
});

test('no targets at all: nothing routable, not fail-open', () => {
  const tg = buildRoutingTable(input([])).targetGroups.get('tg')!;
  assert.equal(tg.routable.length, 0);
  assert.equal(tg.failOpen, false);
});

test('builder rejects unknown target groups, load balancers and missing default rules', () => {
  const base = input([]);
  assert.throws(() => buildRoutingTable({ ...base, targetGroups: [] }), /unknown/);
  assert.throws(() => buildRoutingTable({ ...base, loadBalancers: [] }), /unknown load balancer/);
  assert.throws(() => buildRoutingTable({ ...base, listeners: [{ ...base.listeners[0]!, rules: base.listeners[0]!.rules.slice(1) }] }), /default rule/);
  assert.throws(() => buildRoutingTable({ ...base, listeners: [base.listeners[0]!, { ...base.listeners[0]!, arn: 'l2' }] }), /two listeners/);
});
