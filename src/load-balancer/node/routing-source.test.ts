import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerInstanceRecord } from '../../domain/ecs/records.js';
import type { LoadBalancerRecord } from '../../domain/elbv2/load-balancer.js';
import type { ListenerRecord, RuleRecord } from '../../domain/elbv2/listener.js';
import type { TargetGroupRecord } from '../../domain/elbv2/target-group.js';
import type { TargetRecord } from '../../domain/elbv2/target.js';
import type { SecurityGroupRecord } from '../../domain/ec2/security-group.js';
import { buildRoutingTable } from '../routing-table.js';
import { anyCidrContains } from '../routing/cidr.js';
import { nextDrainExpiry, routingInputFromRecords, type RoutingRecords } from './routing-source.js';

const LB = 'arn:lb/app/web/1';
const TG = 'arn:tg/web/1';

const lb = (over: Partial<LoadBalancerRecord> = {}): LoadBalancerRecord => ({
  LoadBalancerArn: LB,
  LoadBalancerName: 'web',
  DNSName: 'x',
  CanonicalHostedZoneId: 'Z',
  CreatedTime: 0,
  Scheme: 'internal',
  VpcId: 'vpc',
  Type: 'application',
  AvailabilityZones: [],
  SecurityGroups: [],
  IpAddressType: 'ipv4',
  attributes: {},
  routingRevision: 0,
  ...over,
});
const tg = (over: Partial<TargetGroupRecord> = {}): TargetGroupRecord => ({
  TargetGroupArn: TG,
  TargetGroupName: 'web',
  TargetType: 'instance',
  Protocol: 'HTTP',
  Port: 80,
  IpAddressType: 'ipv4',
  HealthCheckPort: 'traffic-port',
  HealthCheckEnabled: true,
  HealthCheckPath: '/health',
  HealthCheckIntervalSeconds: 5,
  HealthCheckTimeoutSeconds: 2,
  HealthyThresholdCount: 3,
  UnhealthyThresholdCount: 2,
  Matcher: { HttpCode: '200-299' },
  LoadBalancerArns: [LB],
  attributes: {},
  createdAt: 0,
  ...over,
});
const listener: ListenerRecord = { ListenerArn: 'arn:l/1', LoadBalancerArn: LB, Port: 8080, Protocol: 'HTTP', defaultRuleArn: 'arn:r/d', createdAt: 0 };
const forward = (arn = TG) => [
  {
    Type: 'forward' as const,
    TargetGroupArn: arn,
    ForwardConfig: { TargetGroups: [{ TargetGroupArn: arn, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } },
  },
];
const defaultRule: RuleRecord = {
  RuleArn: 'arn:r/d',
  ListenerArn: 'arn:l/1',
  LoadBalancerArn: LB,
  Priority: 'default',
  IsDefault: true,
  Conditions: [],
  Actions: forward(),
  createdAt: 0,
};
const target = (port: number, over: Partial<TargetRecord> = {}): TargetRecord => ({
  TargetGroupArn: TG,
  Id: 'i-1',
  Port: port,
  registeredAt: 0,
  state: 'initial',
  ...over,
});
const instance = { ec2InstanceId: 'i-1', advertiseAddress: '127.0.0.5', status: 'ACTIVE' } as ContainerInstanceRecord;

function records(over: Partial<RoutingRecords> = {}): RoutingRecords {
  return {
    loadBalancers: [lb()],
    listeners: [listener],
    rules: [defaultRule],
    targetGroups: [tg()],
    targets: [],
    securityGroups: [],
    containerInstances: [instance],
    ...over,
  };
}

describe('routingInputFromRecords', () => {
  test('attributes map to the typed snapshot', () => {
    const input = routingInputFromRecords(
      records({
        loadBalancers: [
          lb({
            attributes: {
              'idle_timeout.timeout_seconds': '7',
              'routing.http.desync_mitigation_mode': 'strictest',
              'routing.http.xff_header_processing.mode': 'remove',
              'routing.http.preserve_host_header.enabled': 'true',
              'routing.http.xff_client_port.enabled': 'true',
              'berth.listener.max_connections': '300',
            },
          }),
        ],
        targetGroups: [
          tg({
            attributes: {
              'stickiness.enabled': 'true',
              'stickiness.type': 'app_cookie',
              'stickiness.app_cookie.cookie_name': 'SID',
              'stickiness.app_cookie.duration_seconds': '60',
              'load_balancing.algorithm.type': 'weighted_random',
              'slow_start.duration_seconds': '30',
              'deregistration_delay.timeout_seconds': '5',
              'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': '2',
            },
          }),
        ],
      }),
      0,
      { connectTimeoutMs: 500 },
    );
    const a = input.loadBalancers[0]!.attributes;
    assert.deepEqual(a, {
      idleTimeoutSeconds: 7,
      desyncMitigationMode: 'strictest',
      xffHeaderProcessingMode: 'remove',
      xffClientPortEnabled: true,
      preserveHostHeader: true,
      dropInvalidHeaderFields: false,
      connectTimeoutMs: 500,
      maxConnectionsPerListener: 300,
    });
    const g = input.targetGroups[0]!;
    assert.deepEqual(g.stickiness, { enabled: true, type: 'app_cookie', durationSeconds: 60, appCookieName: 'SID' });
    assert.equal(g.algorithm, 'weighted_random');
    assert.equal(g.slowStartSeconds, 30);
    assert.equal(g.deregistrationDelaySeconds, 5);
    assert.equal(g.minimumHealthyTargets, 2);
    assert.deepEqual(g.healthCheck, {
      enabled: true,
      protocol: 'HTTP',
      path: '/health',
      port: 'traffic-port',
      intervalSeconds: 5,
      timeoutSeconds: 2,
      healthyThreshold: 3,
      unhealthyThreshold: 2,
      matcher: '200-299',
    });
  });

  test('target group protocol, protocol version and health-check protocol reach the table', () => {
    const input = routingInputFromRecords(records({ targetGroups: [tg({ Protocol: 'HTTPS', ProtocolVersion: 'HTTP2', HealthCheckProtocol: 'HTTPS' })] }), 0);
    const g = input.targetGroups[0]!;
    assert.equal(g.protocol, 'HTTPS');
    assert.equal(g.protocolVersion, 'HTTP2');
    assert.equal(g.healthCheck.protocol, 'HTTPS');
    const plain = routingInputFromRecords(records(), 0).targetGroups[0]!;
    assert.equal(plain.protocolVersion, undefined);
    // A GRPC group carries its GrpcCode matcher as the checks' matcher.
    const grpc = routingInputFromRecords(records({ targetGroups: [tg({ ProtocolVersion: 'GRPC', Matcher: { GrpcCode: '0-2' } })] }), 0).targetGroups[0];
    assert.equal(grpc?.protocolVersion, 'GRPC');
    assert.equal(grpc?.healthCheck.matcher, '0-2');
    assert.equal(plain.healthCheck.protocol, 'HTTP');
  });

  test('defaults: round robin, lb_cookie off, 300 s delay, defensive', () => {
    const input = routingInputFromRecords(records(), 0);
    assert.equal(input.targetGroups[0]!.algorithm, 'round_robin');
    assert.equal(input.targetGroups[0]!.deregistrationDelaySeconds, 300);
    assert.equal(input.targetGroups[0]!.stickiness.enabled, false);
    assert.equal(input.loadBalancers[0]!.attributes.desyncMitigationMode, 'defensive');
    assert.equal(input.loadBalancers[0]!.attributes.idleTimeoutSeconds, 60);
  });

  const states: Array<[string, Partial<TargetRecord>, boolean, string | undefined]> = [
    ['registered', { state: 'initial', reason: 'Elb.RegistrationInProgress' }, true, 'initial'],
    ['healthy', { state: 'healthy' }, true, 'healthy'],
    ['unhealthy', { state: 'unhealthy', reason: 'Target.Timeout' }, true, 'unhealthy'],
    ['checks disabled', { state: 'initial' }, false, 'unavailable'],
    ['draining within the delay', { state: 'draining', drainUntil: 2000 }, true, 'draining'],
    ['draining and drained early: still in the table until drainUntil', { state: 'draining', drainUntil: 2000, drainedAt: 500 }, true, 'draining'],
    ['draining past drainUntil: gone', { state: 'draining', drainUntil: 1000 }, true, undefined],
  ];
  for (const [name, over, enabled, expected] of states) {
    test(`target state: ${name}`, () => {
      const input = routingInputFromRecords(records({ targets: [target(31000, over)], targetGroups: [tg({ HealthCheckEnabled: enabled })] }), 1000);
      assert.equal(input.targetGroups[0]!.targets[0]?.state, expected);
    });
  }

  test('instance targets resolve through the container instance; ip targets use the Id; unknown instances are left out', () => {
    const inst = routingInputFromRecords(records({ targets: [target(31000), target(31001, { Id: 'i-ghost' })] }), 0);
    assert.deepEqual(
      inst.targetGroups[0]!.targets.map((t) => [t.id, t.address, t.port]),
      [['i-1', '127.0.0.5', 31000]],
    );
    const ip = routingInputFromRecords(records({ targetGroups: [tg({ TargetType: 'ip' })], targets: [target(9000, { Id: '127.0.0.9' })] }), 0);
    assert.deepEqual(
      ip.targetGroups[0]!.targets.map((t) => t.address),
      ['127.0.0.9'],
    );
  });

  test('groups no rule forwards to are not routed; dangling references do not break the table', () => {
    const other = tg({ TargetGroupArn: 'arn:tg/other/2', LoadBalancerArns: [] });
    const rule: RuleRecord = {
      ...defaultRule,
      RuleArn: 'arn:r/1',
      IsDefault: false,
      Priority: '5',
      Actions: forward('arn:tg/gone/3'),
      Conditions: [{ Field: 'path-pattern', Values: ['/a'], PathPatternConfig: { Values: ['/a'] } }],
    };
    const orphan: ListenerRecord = { ...listener, ListenerArn: 'arn:l/9', LoadBalancerArn: 'arn:lb/gone', Port: 9090 };
    const input = routingInputFromRecords(records({ targetGroups: [tg(), other], rules: [defaultRule, rule], listeners: [listener, orphan] }), 0);
    assert.deepEqual(
      input.targetGroups.map((g) => g.arn),
      [TG],
    );
    assert.deepEqual(
      input.listeners.map((l) => l.port),
      [8080],
    );
    assert.equal(input.listeners[0]!.rules.length, 1);
    assert.doesNotThrow(() => buildRoutingTable(input));
  });

  test('rules: conditions, redirect and fixed-response convert; the built table sorts them', () => {
    const rules: RuleRecord[] = [
      defaultRule,
      {
        ...defaultRule,
        RuleArn: 'arn:r/2',
        IsDefault: false,
        Priority: '20',
        Conditions: [
          { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-A', Values: ['b*'] } },
          { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v', Value: '1' }, { Value: 'x' }] } },
        ],
        Actions: [
          {
            Type: 'redirect',
            RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' },
          },
        ],
      },
      {
        ...defaultRule,
        RuleArn: 'arn:r/1',
        IsDefault: false,
        Priority: '3',
        Conditions: [
          { Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/8'] } },
          { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['POST'] } },
        ],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '418', ContentType: 'text/plain', MessageBody: 'tea' } }],
      },
    ];
    const input = routingInputFromRecords(records({ rules }), 0);
    const table = buildRoutingTable(input);
    const l = table.listeners.get(8080)!;
    assert.deepEqual(
      l.rules.map((r) => r.priority),
      [3, 20, 'default'],
    );
    assert.deepEqual(l.rules[0]!.conditions, [
      { field: 'source-ip', values: ['10.0.0.0/8'] },
      { field: 'http-request-method', values: ['POST'] },
    ]);
    assert.deepEqual(l.rules[0]!.action, { type: 'fixed-response', fixedResponse: { statusCode: '418', contentType: 'text/plain', messageBody: 'tea' } });
    assert.deepEqual(l.rules[1]!.conditions[1], { field: 'query-string', values: [{ key: 'v', value: '1' }, { value: 'x' }] });
    assert.equal(l.rules[1]!.action.type === 'redirect' && l.rules[1]!.action.redirect.statusCode, 'HTTP_301');
  });

  test('scheme decides the bind address; security groups become ingress', () => {
    const sg: SecurityGroupRecord = {
      GroupId: 'sg-1',
      GroupName: 'a',
      Description: '',
      VpcId: 'v',
      OwnerId: 'o',
      createdAt: 0,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '127.0.0.1/32' }] },
        { IpProtocol: 'udp', FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
      ],
    };
    const input = routingInputFromRecords(records({ loadBalancers: [lb({ SecurityGroups: ['sg-1', 'sg-missing'] })], securityGroups: [sg] }), 0, {
      internalBindAddress: '127.0.0.3',
    });
    assert.equal(input.loadBalancers[0]!.bindAddress, '127.0.0.3');
    assert.deepEqual(input.loadBalancers[0]!.ingress, [
      { cidr: '127.0.0.1/32', fromPort: 8080, toPort: 8080 },
      { cidr: '10.0.0.0/8', fromPort: 0, toPort: 65535 },
    ]);
    const open = routingInputFromRecords(records({ loadBalancers: [lb({ Scheme: 'internet-facing' })] }), 0);
    assert.equal(open.loadBalancers[0]!.bindAddress, '0.0.0.0');
    assert.equal(open.loadBalancers[0]!.ingress, null);
  });

  test('security groups decide who may connect to a listener (the one CIDR check, routing/cidr.ts)', () => {
    const group = (id: string, IpPermissions: SecurityGroupRecord['IpPermissions']): SecurityGroupRecord => ({
      GroupId: id,
      GroupName: id,
      Description: '',
      VpcId: 'v',
      OwnerId: 'o',
      createdAt: 0,
      IpPermissions,
    });
    const web = group('sg-web', [{ IpProtocol: '6', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '127.0.0.0/8' }] }]);
    const other = group('sg-other', [{ IpProtocol: 'tcp', FromPort: 9000, ToPort: 9000, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
    const allowedOn = (groups: SecurityGroupRecord[]) => {
      const input = routingInputFromRecords(records({ loadBalancers: [lb({ SecurityGroups: groups.map((g) => g.GroupId) })], securityGroups: groups }), 0);
      return buildRoutingTable(input).listeners.get(8080)!.allowed;
    };
    const webOnly = allowedOn([web])!;
    assert.ok(anyCidrContains(webOnly, '127.0.0.1'));
    assert.ok(anyCidrContains(webOnly, '::ffff:127.0.0.5'), 'an IPv4 client on a dual-stack socket');
    assert.ok(!anyCidrContains(webOnly, '10.0.0.1'));
    assert.ok(!anyCidrContains(webOnly, '::1'));
    assert.deepEqual(allowedOn([other]), [], 'a group for another port lets nobody in here');
    const everything = group('sg-all', [{ IpProtocol: 'all', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
    assert.ok(anyCidrContains(allowedOn([other, everything])!, '192.168.1.1'), 'any group may allow; all = every port');
  });

  test('nextDrainExpiry: the earliest future drainUntil', () => {
    assert.equal(
      nextDrainExpiry(
        [target(1, { state: 'draining', drainUntil: 50 }), target(2, { state: 'draining', drainUntil: 30 }), target(3, { state: 'draining', drainUntil: 5 })],
        10,
      ),
      30,
    );
    assert.equal(nextDrainExpiry([target(1)], 0), undefined);
  });
});
