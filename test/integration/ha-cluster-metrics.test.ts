/**
 * CloudWatch metrics across `berth server` replicas (issue 14 with issue 17): two servers, in this
 * process, on one real etcd. B starts first and leads; A runs the only load-balancer node, so every
 * AWS/ApplicationELB sample lands in A's own metrics.db. GetMetricStatistics through B (the AWS SDK
 * client) counts A's traffic, through the signed replica routes; an alarm, evaluated only on the
 * leader B, goes to ALARM on it. Once A is gone, B's reads answer at once, without A's data. Both
 * run `--auth sigv4`, as an HA cluster does.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as cw from '@aws-sdk/client-cloudwatch';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { REPLICA_READ_PATH } from '../../src/control-plane/cloudwatch/replica-metric-routes.js';
import { parseUpConfig } from '../../src/main/config.js';
import { startServer } from '../../src/main/server.js';
import type { RunningBerth } from '../../src/main/up.js';
import { freePort } from '../../src/platform/free-port.js';
import { silentLogger } from '../../src/platform/logger.js';
import { etcdRequirement, startEtcdCluster, type EtcdCluster } from '../support/etcd-cluster.js';
import { eventually } from '../support/eventually.js';
import { elbv2Client, TEST_CREDENTIALS } from '../support/sdk-clients.js';

const skip = etcdRequirement();

describe('metrics across replicas: recorded on A, read and alarmed on B (the leader)', { skip }, () => {
  const dirs: string[] = [];
  const dir = (prefix: string): string => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  let etcd: EtcdCluster | undefined;
  let a: RunningBerth | undefined;
  let b: RunningBerth | undefined;
  let cwA: cw.CloudWatchClient;
  let cwB: cw.CloudWatchClient;
  let elbB: elb.ElasticLoadBalancingV2Client;
  const upstream = http.createServer((_req, res) => {
    res.writeHead(200);
    res.end('ok');
  });
  let listenerPort = 0;
  let lbDimension = '';

  const start = async (secretsKey: string, ownLb: boolean): Promise<RunningBerth> => {
    const flags = ['--data-dir', dir('berth-test-hametrics-'), '--api-port', String(await freePort('127.0.0.1')), '--store', etcd?.storeUrl ?? ''];
    flags.push('--secrets-key-file', secretsKey, '--leader-ttl', '2', ...(ownLb ? [] : ['--no-lb']));
    // As an HA cluster runs: every API call signed (the replica routes are signed their own way, whatever --auth says).
    flags.push('--auth', 'sigv4', '--access-key-id', TEST_CREDENTIALS.accessKeyId);
    // lbWorkers 0 (tests only): the node's engine in this process, no child processes to start.
    return startServer({ ...parseUpConfig(flags, { BERTH_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey }), lbWorkers: 0 }, silentLogger);
  };
  const requestSum = async (client: cw.CloudWatchClient): Promise<number> => {
    const now = Date.now();
    const out = await client.send(
      new cw.GetMetricStatisticsCommand({
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'RequestCount',
        Dimensions: [{ Name: 'LoadBalancer', Value: lbDimension }],
        StartTime: new Date(now - 10 * 60_000),
        EndTime: new Date(now + 60_000),
        Period: 60,
        Statistics: ['Sum'],
      }),
    );
    return (out.Datapoints ?? []).reduce((s, d) => s + (d.Sum ?? 0), 0);
  };
  const send = (n: number): Promise<number[]> =>
    Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<number>((resolve, reject) => {
            http
              .get({ host: '127.0.0.1', port: listenerPort, path: '/', agent: false }, (res) => {
                res.resume();
                res.on('end', () => resolve(res.statusCode ?? 0));
              })
              .on('error', reject);
          }),
      ),
    );

  before(async () => {
    etcd = await startEtcdCluster({ members: 1 });
    const secretsKey = join(dir('berth-test-hametrics-key-'), 'secrets.key');
    writeFileSync(secretsKey, randomBytes(32), { mode: 0o600 });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    b = await start(secretsKey, false);
    const leaderB = b.leader;
    await eventually(() => leaderB.term(), { what: 'B leads', timeoutMs: 15_000 });
    a = await start(secretsKey, true);
    const client = (url: string) => new cw.CloudWatchClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    cwA = client(a.apiUrl);
    cwB = client(b.apiUrl);
    elbB = elbv2Client(b.apiUrl, { maxAttempts: 1 });
    const created = (await elbB.send(new elb.CreateLoadBalancerCommand({ Name: 'shop', Scheme: 'internal' }))).LoadBalancers?.[0];
    const tg = (await elbB.send(new elb.CreateTargetGroupCommand({ Name: 'web', Protocol: 'HTTP', Port: 80, TargetType: 'ip', HealthCheckPath: '/' })))
      .TargetGroups?.[0];
    assert.ok(created?.LoadBalancerArn && tg?.TargetGroupArn);
    await elbB.send(
      new elb.RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: '127.0.0.1', Port: (upstream.address() as net.AddressInfo).port }] }),
    );
    listenerPort = await freePort('127.0.0.1');
    await elbB.send(
      new elb.CreateListenerCommand({
        LoadBalancerArn: created.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: listenerPort,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
      }),
    );
    lbDimension = created.LoadBalancerArn.split(':loadbalancer/')[1] ?? '';
  });
  after(async () => {
    cwA?.destroy();
    cwB?.destroy();
    elbB?.destroy();
    await a?.stop();
    await b?.stop();
    await etcd?.stop();
    await new Promise((r) => upstream.close(r));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test("B answers A's traffic in GetMetricStatistics, and the leader's alarm sees it", async () => {
    assert.ok(a && b);
    assert.notEqual(b.leader.term(), undefined, 'B leads');
    assert.equal(a.leader.term(), undefined, 'A does not lead');
    // Only A runs a load-balancer node: the samples land in A's store alone.
    await eventually(() => send(1), { what: "A's node forwards", timeoutMs: 15_000, until: (s) => s[0] === 200 });
    const statuses = await send(19);
    assert.ok(
      statuses.every((s) => s === 200),
      String(statuses),
    );
    // The node reports every 10 s.
    await eventually(() => requestSum(cwB), { what: 'B counts the 20 requests A served', timeoutMs: 25_000, until: (n) => n === 20 });
    assert.equal(await requestSum(cwA), 20, 'A counts them once (B holds none of them)');
    const listed = await cwB.send(new cw.ListMetricsCommand({ Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount' }));
    assert.ok((listed.Metrics ?? []).some((m) => m.Dimensions?.some((d) => d.Value === lbDimension)));

    // The alarm is put through A, evaluated on B (the leader's loop, every 10 s) against A's data.
    await cwA.send(
      new cw.PutMetricAlarmCommand({
        AlarmName: 'busy',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'RequestCount',
        Dimensions: [{ Name: 'LoadBalancer', Value: lbDimension }],
        Statistic: 'Sum',
        Period: 60,
        // Three minutes, one breach: the requests stay in the window even if a minute ends mid-test.
        EvaluationPeriods: 3,
        DatapointsToAlarm: 1,
        Threshold: 10,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    const alarm = async () => (await cwB.send(new cw.DescribeAlarmsCommand({ AlarmNames: ['busy'] }))).MetricAlarms?.[0];
    const alarmed = await eventually(alarm, { what: 'the alarm goes to ALARM on the leader', timeoutMs: 25_000, until: (m) => m?.StateValue === 'ALARM' });
    assert.match(alarmed?.StateReason ?? '', /^Threshold Crossed/);
  });

  test('the replica route refuses a call not signed by the cluster', async () => {
    assert.ok(b);
    const r = await fetch(`${b.apiUrl}${REPLICA_READ_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(r.status, 403);
  });

  test("once A is gone, B answers at once, without A's samples", async () => {
    assert.ok(a);
    await a.stop();
    a = undefined;
    const timed = await eventually(
      async () => {
        const t0 = Date.now();
        return { sum: await requestSum(cwB), ms: Date.now() - t0 };
      },
      { what: "B's reads without A", timeoutMs: 15_000, until: (r) => r.sum === 0 },
    );
    assert.ok(timed.ms < 1_000, `a read took ${timed.ms} ms`);
  });
});
