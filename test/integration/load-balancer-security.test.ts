/**
 * Security groups through the EC2 API decide who may connect to a listener; access logs follow the
 * `access_logs.s3.enabled` attribute; `/metrics` counts requests.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import * as ec2 from '@aws-sdk/client-ec2';
import { eventually } from '../support/eventually.js';
import { freePort, get, lbWorld, upstream, type LbWorld, type Upstream } from './load-balancer-harness.js';

const outcome = (port: number, localAddress: string) =>
  get(port, '/', { localAddress }).then(
    (r) => r.status,
    (e: NodeJS.ErrnoException) => e.code ?? 'error',
  );

describe('security groups, access logs and metrics', () => {
  let w: LbWorld;
  let up: Upstream;
  before(async () => {
    w = await lbWorld();
    up = await upstream('up');
  });
  after(async () => {
    await up?.close();
    await w?.close();
  });

  test('a group allowing the port from 127.0.0.1/32 accepts it and refuses 127.0.0.2; revoking refuses both', async () => {
    const port = await freePort();
    const { GroupId } = await w.ec2.send(new ec2.CreateSecurityGroupCommand({ GroupName: 'lb', Description: 'lb' }));
    await w.ec2.send(
      new ec2.AuthorizeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '127.0.0.1/32' }] }],
      }),
    );
    const lb = (await w.elb.send(new elb.CreateLoadBalancerCommand({ Name: 'sec', Scheme: 'internal', SecurityGroups: [GroupId!] }))).LoadBalancers![0]!;
    await w.elb.send(
      new elb.CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: port,
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', MessageBody: 'ok' } }],
      }),
    );
    await eventually(() => outcome(port, '127.0.0.1'), { what: '(s) => s === 200', timeoutMs: 15_000, intervalMs: 100, until: (s) => s === 200 });
    assert.notEqual(await outcome(port, '127.0.0.2'), 200);
    await w.ec2.send(
      new ec2.RevokeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '127.0.0.1/32' }] }],
      }),
    );
    const refused = await eventually(() => outcome(port, '127.0.0.1'), { what: '(s) => s !== 200', timeoutMs: 3000, intervalMs: 100, until: (s) => s !== 200 });
    assert.match(String(refused), /ECONNRESET|error|EPIPE/);
  });

  test('access log lines appear when the attribute is on; /metrics counts requests', async () => {
    const port = await freePort();
    const lb = (await w.elb.send(new elb.CreateLoadBalancerCommand({ Name: 'logged', Scheme: 'internal' }))).LoadBalancers![0]!;
    const tg = (
      await w.elb.send(
        new elb.CreateTargetGroupCommand({
          Name: 'logged',
          Protocol: 'HTTP',
          Port: 80,
          TargetType: 'ip',
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 5,
        }),
      )
    ).TargetGroups![0]!;
    await w.elb.send(
      new elb.CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
      }),
    );
    await w.elb.send(new elb.RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: '127.0.0.1', Port: up.port }] }));
    await eventually(
      async () =>
        (await w.elb.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions![0]!.TargetHealth!.State,
      { what: "(s) => s === 'healthy'", timeoutMs: 15_000, intervalMs: 100, until: (s) => s === 'healthy' },
    );
    await eventually(() => get(port, '/warm').catch(() => ({ status: 0 })), {
      what: '(r) => r.status === 200',
      timeoutMs: 15_000,
      intervalMs: 100,
      until: (r) => r.status === 200,
    });
    const file = path.join(w.dataDir, 'access-logs', 'logged.log');
    await w.lb.accessLog.flush();
    assert.equal(fs.existsSync(file), false, 'no log while the attribute is off');

    await w.elb.send(
      new elb.ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn, Attributes: [{ Key: 'access_logs.s3.enabled', Value: 'true' }] }),
    );
    await eventually(async () => w.lb.accessLog.isEnabled('logged'), { what: '(on) => on', timeoutMs: 2000, intervalMs: 20, until: (on) => on });
    const r = await get(port, '/logged?q=1', { headers: { 'user-agent': 'test-agent/1.0' } });
    assert.equal(r.status, 200);
    await w.lb.accessLog.flush();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    const line = lines.find((l) => l.includes('/logged?q=1'))!;
    assert.ok(line, lines.join('\n'));
    assert.match(
      line,
      new RegExp(
        `^http \\S+Z app/logged/[0-9a-f]+ 127\\.0\\.0\\.1:\\d+ 127\\.0\\.0\\.1:${up.port} 0\\.000 \\d+\\.\\d{3} 0\\.000 200 200 \\d+ \\d+ "GET http://127\\.0\\.0\\.1:${port}/logged\\?q=1 HTTP/1\\.1" "test-agent/1\\.0" - - ${tg.TargetGroupArn!.replace(/[/.]/g, '\\$&')} `,
      ),
    );
    assert.match(line, /"forward" "-" "-" "127\.0\.0\.1:\d+" "200" "-" "-" -$/);
    // The trace id sent to the target, and priority 0 for the listener's default rule (ALB's words).
    assert.match(line, / "Root=1-[0-9a-f]{8}-[0-9a-f]{24}" "-" "-" 0 \S+Z "forward" /);

    const metrics = await (await fetch(`${w.endpoint}/metrics`)).text();
    const count = metrics.match(/berth_lb_requests_total\{load_balancer="logged",target_group="logged",code="200",origin="target"\} (\d+)/);
    assert.ok(count && Number(count[1]) >= 2, metrics.slice(0, 2000));
    assert.match(metrics, /berth_lb_request_duration_seconds_bucket\{le="[^"]+",load_balancer="logged"\}/);
    assert.match(metrics, new RegExp(`berth_lb_target_health\\{target_group="logged",target="127\\.0\\.0\\.1:${up.port}",state="healthy"\\} 1`));
    assert.match(metrics, /berth_lb_open_connections/);
  });
});
