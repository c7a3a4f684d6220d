import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { modifyTargetGroup, resolveTargetGroupSettings, sameTargetGroupSettings, type TargetGroupRecord } from './target-group.js';

const VPC = 'vpc-00000000000000000';
const base = { Name: 'web', Protocol: 'HTTP', Port: 80 };

describe('target group settings', () => {
  test('ALB defaults', () => {
    const s = resolveTargetGroupSettings(base, VPC);
    assert.equal(s.TargetType, 'instance');
    assert.equal(s.HealthCheckPath, '/');
    assert.equal(s.HealthCheckPort, 'traffic-port');
    assert.equal(s.HealthCheckIntervalSeconds, 30);
    assert.equal(s.HealthCheckTimeoutSeconds, 5);
    assert.equal(s.HealthyThresholdCount, 5);
    assert.equal(s.UnhealthyThresholdCount, 2);
    assert.deepEqual(s.Matcher, { HttpCode: '200' });
    assert.equal(s.HealthCheckProtocol, 'HTTP');
    assert.equal(s.VpcId, VPC);
    assert.equal(s.ProtocolVersion, 'HTTP1');
  });

  test('ProtocolVersion HTTP2 is kept; GRPC takes the GrpcCode matcher and the gRPC check path by default', () => {
    assert.equal(resolveTargetGroupSettings({ ...base, ProtocolVersion: 'HTTP2' }, VPC).ProtocolVersion, 'HTTP2');
    const g = resolveTargetGroupSettings({ ...base, ProtocolVersion: 'GRPC' }, VPC);
    assert.equal(g.ProtocolVersion, 'GRPC');
    assert.deepEqual(g.Matcher, { GrpcCode: '12' });
    assert.equal(g.HealthCheckPath, '/AWS.ALB/healthcheck');
    const own = resolveTargetGroupSettings(
      { ...base, Protocol: 'HTTPS', ProtocolVersion: 'GRPC', HealthCheckPath: '/grpc.health.v1.Health/Check', Matcher: { GrpcCode: '0' } },
      VPC,
    );
    assert.deepEqual(own.Matcher, { GrpcCode: '0' });
    assert.equal(own.HealthCheckPath, '/grpc.health.v1.Health/Check');
    assert.throws(() => resolveTargetGroupSettings({ ...base, ProtocolVersion: 'HTTP3' }, VPC), {
      code: 'ValidationError',
      message: /Protocol version 'HTTP3'/,
    });
  });

  test('each protocol version takes its own matcher kind; the other is refused naming the member', () => {
    assert.throws(() => resolveTargetGroupSettings({ ...base, ProtocolVersion: 'GRPC', Matcher: { HttpCode: '200' } }, VPC), {
      code: 'ValidationError',
      message: /Matcher\.HttpCode cannot be used with protocol version 'GRPC'/,
    });
    assert.throws(() => resolveTargetGroupSettings({ ...base, Matcher: { GrpcCode: '0' } }, VPC), {
      code: 'ValidationError',
      message: /Matcher\.GrpcCode can be used only with protocol version 'GRPC', not 'HTTP1'/,
    });
    assert.throws(() => resolveTargetGroupSettings({ ...base, ProtocolVersion: 'HTTP2', Matcher: { GrpcCode: '0' } }, VPC), { code: 'ValidationError' });
    assert.throws(() => resolveTargetGroupSettings({ ...base, ProtocolVersion: 'GRPC', Matcher: { GrpcCode: '200' } }, VPC), {
      code: 'ValidationError',
      message: "Health check matcher GRPC code '200' must be within '0-99' inclusive",
    });
    const grpc = {
      ...resolveTargetGroupSettings({ ...base, ProtocolVersion: 'GRPC' }, VPC),
      TargetGroupArn: 'arn',
      LoadBalancerArns: [],
      attributes: {},
      createdAt: 0,
    } as TargetGroupRecord;
    assert.deepEqual(modifyTargetGroup(grpc, { Matcher: { GrpcCode: '0-2' } }).Matcher, { GrpcCode: '0-2' });
    assert.throws(() => modifyTargetGroup(grpc, { Matcher: { HttpCode: '200' } }), { code: 'ValidationError', message: /Matcher\.HttpCode/ });
    const http = { ...resolveTargetGroupSettings(base, VPC), TargetGroupArn: 'arn', LoadBalancerArns: [], attributes: {}, createdAt: 0 } as TargetGroupRecord;
    assert.throws(() => modifyTargetGroup(http, { Matcher: { GrpcCode: '0' } }), { code: 'ValidationError', message: /Matcher\.GrpcCode/ });
    assert.ok(
      !sameTargetGroupSettings(
        resolveTargetGroupSettings({ ...base, ProtocolVersion: 'GRPC' }, VPC),
        resolveTargetGroupSettings({ ...base, ProtocolVersion: 'GRPC', Matcher: { GrpcCode: '0' } }, VPC),
      ),
    );
  });

  test('a short interval alone works: the default timeout stays below it', () => {
    assert.equal(resolveTargetGroupSettings({ ...base, HealthCheckIntervalSeconds: 5 }, VPC).HealthCheckTimeoutSeconds, 4);
    assert.equal(resolveTargetGroupSettings({ ...base, HealthCheckIntervalSeconds: 6 }, VPC).HealthCheckTimeoutSeconds, 5);
    assert.equal(resolveTargetGroupSettings({ ...base, HealthCheckIntervalSeconds: 300 }, VPC).HealthCheckTimeoutSeconds, 5);
  });
  const bad: Array<[string, Record<string, unknown>]> = [
    ['interval 4', { HealthCheckIntervalSeconds: 4 }],
    ['interval 301', { HealthCheckIntervalSeconds: 301 }],
    ['timeout 1', { HealthCheckTimeoutSeconds: 1 }],
    ['timeout 121', { HealthCheckTimeoutSeconds: 121, HealthCheckIntervalSeconds: 300 }],
    ['timeout = interval', { HealthCheckTimeoutSeconds: 10, HealthCheckIntervalSeconds: 10 }],
    ['healthy threshold 1', { HealthyThresholdCount: 1 }],
    ['unhealthy threshold 11', { UnhealthyThresholdCount: 11 }],
    ['matcher 500', { Matcher: { HttpCode: '500' } }],
    ['path without slash', { HealthCheckPath: 'health' }],
    ['health check port 0', { HealthCheckPort: '0' }],
    ['health check port text', { HealthCheckPort: 'eighty' }],
    ['no port', { Port: undefined }],
    ['TCP', { Protocol: 'TCP' }],
  ];
  for (const [name, change] of bad) {
    test(`rejects ${name}`, () => {
      assert.throws(() => resolveTargetGroupSettings({ ...base, ...change } as typeof base, VPC), { code: 'ValidationError' });
    });
  }
  test('lambda is refused as a configuration Berth cannot serve', () => {
    assert.throws(() => resolveTargetGroupSettings({ ...base, TargetType: 'lambda' }, VPC), {
      code: 'InvalidConfigurationRequest',
    });
  });
  test('sameness compares settings, not names of defaults', () => {
    const a = resolveTargetGroupSettings(base, VPC);
    assert.ok(sameTargetGroupSettings(a, resolveTargetGroupSettings({ ...base, HealthCheckPath: '/' }, VPC)));
    assert.ok(!sameTargetGroupSettings(a, resolveTargetGroupSettings({ ...base, Port: 81 }, VPC)));
    assert.ok(!sameTargetGroupSettings(a, resolveTargetGroupSettings({ ...base, Matcher: { HttpCode: '200-299' } }, VPC)));
  });
  test('modify changes only what is sent and revalidates the whole', () => {
    const tg: TargetGroupRecord = {
      ...resolveTargetGroupSettings(base, VPC),
      TargetGroupArn: 'arn',
      LoadBalancerArns: [],
      attributes: {},
      createdAt: 0,
    };
    const next = modifyTargetGroup(tg, { HealthCheckPath: '/health', HealthCheckIntervalSeconds: 10 });
    assert.equal(next.HealthCheckPath, '/health');
    assert.equal(next.HealthCheckIntervalSeconds, 10);
    assert.equal(next.HealthCheckTimeoutSeconds, 5);
    assert.equal(tg.HealthCheckPath, '/', 'input not mutated');
    assert.throws(() => modifyTargetGroup(tg, { HealthCheckTimeoutSeconds: 30 }), { code: 'ValidationError' });
  });
});
