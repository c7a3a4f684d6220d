/**
 * The CloudWatch subset end to end, in process: real listener sockets and a real upstream, the
 * node's AWS/ApplicationELB counts reported through the load-balancer protocol into a real SQLite
 * metric store, read back by the AWS SDK v3 client in each of the three protocols CloudWatch's model
 * declares (JSON 1.0, the SDK's default here; Smithy RPC v2 CBOR, what current boto3 sends; Query,
 * what Debian's AWS CLI 2.9 sends) and by the unmodified AWS CLI; then an alarm on the target 5XX
 * count that the evaluator moves to ALARM within seconds of the errors.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as cw from '@aws-sdk/client-cloudwatch';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsQueryProtocol, AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { startAlarmEvaluator, type AlarmEvaluator } from '../../src/control-plane/cloudwatch/alarm-evaluator.js';
import { createCloudWatchHandlers } from '../../src/control-plane/cloudwatch/cloudwatch-handlers.js';
import { SqliteMetricStore } from '../../src/control-plane/cloudwatch/sqlite-metric-store.js';
import { createEc2Handlers } from '../../src/control-plane/ec2/ec2-handlers.js';
import { createElbv2Handlers } from '../../src/control-plane/elbv2/elbv2-handlers.js';
import { InProcessLbControlPlane } from '../../src/control-plane/load-balancer-api/in-process-lb-control-plane.js';
import { LbNodeService } from '../../src/control-plane/load-balancer-api/lb-node-service.js';
import { startLoadBalancerNode, type RunningLoadBalancerNode } from '../../src/load-balancer/node/start-load-balancer-node.js';
import { systemClock } from '../../src/platform/clock.js';
import { freePort } from '../../src/platform/free-port.js';
import { seededRandom } from '../../src/platform/random.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { awsCli } from '../support/aws-cli.js';
import { eventually } from '../support/eventually.js';
import { requirement } from '../support/requirements.js';
import { elbv2Client, TEST_CREDENTIALS } from '../support/sdk-clients.js';

const PROTOCOLS = {
  json: undefined,
  cbor: AwsSmithyRpcV2CborProtocol,
  query: AwsQueryProtocol,
} as const;
type Wire = keyof typeof PROTOCOLS;

describe('CloudWatch: AWS/ApplicationELB metrics and alarms through the SDK (JSON, CBOR, Query) and the AWS CLI', () => {
  const store = new MemoryStore();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cloudwatch-'));
  const metrics = new SqliteMetricStore(path.join(dir, 'metrics.db'));
  const lbService = new LbNodeService({ store, clock: systemClock, metrics });
  let failing = false;
  const upstream = http.createServer((req, res) => {
    res.writeHead(req.url === '/health' || !failing ? 200 : 500);
    res.end('ok');
  });
  let lb: RunningLoadBalancerNode;
  let app: FastifyInstance;
  let endpoint = '';
  let evaluator: AlarmEvaluator;
  let elbc: elb.ElasticLoadBalancingV2Client;
  const clients: Partial<Record<Wire, cw.CloudWatchClient>> = {};
  const client = (wire: Wire): cw.CloudWatchClient => {
    const protocol = PROTOCOLS[wire];
    clients[wire] ??= new cw.CloudWatchClient({
      endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
      ...(protocol ? { protocol } : {}),
    });
    return clients[wire];
  };
  let port = 0;
  let lbDimension = '';
  let tgDimension = '';
  const cli = awsCli(() => endpoint);

  before(async () => {
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    lb = await startLoadBalancerNode({
      controlPlane: new InProcessLbControlPlane(lbService, { nodeId: 'cw-node', advertiseAddress: '127.0.0.1' }),
      clock: systemClock,
      random: seededRandom(5),
      dataDir: dir,
      debounceMs: 10,
      metricsReportMs: 200,
    });
    const deps = { store, clock: systemClock, random: seededRandom(6), checkListenerPort: lb.checkListenerPort, allowLoopbackTargets: true };
    app = await createApiServer({
      handlers: { ecs: {}, elbv2: createElbv2Handlers(deps), ec2: createEc2Handlers(deps), cloudwatch: createCloudWatchHandlers({ store, metrics }) },
    });
    endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
    evaluator = startAlarmEvaluator({ store, metrics, clock: systemClock, everyMs: 250 });
    elbc = elbv2Client(endpoint, { maxAttempts: 1 });
    const created = (await elbc.send(new elb.CreateLoadBalancerCommand({ Name: 'shop', Scheme: 'internal' }))).LoadBalancers![0]!;
    const tg = (
      await elbc.send(
        new elb.CreateTargetGroupCommand({
          Name: 'web',
          Protocol: 'HTTP',
          Port: 80,
          TargetType: 'ip',
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 5,
        }),
      )
    ).TargetGroups![0]!;
    await elbc.send(
      new elb.RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: '127.0.0.1', Port: (upstream.address() as net.AddressInfo).port }] }),
    );
    port = await freePort();
    await elbc.send(
      new elb.CreateListenerCommand({
        LoadBalancerArn: created.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
      }),
    );
    lbDimension = created.LoadBalancerArn!.split(':loadbalancer/')[1]!;
    tgDimension = tg.TargetGroupArn!.split(':').at(-1)!;
  });
  after(async () => {
    evaluator?.stop();
    for (const c of Object.values(clients)) c.destroy();
    elbc?.destroy();
    await lb?.stop();
    lbService.close();
    await app?.close();
    await new Promise((r) => upstream.close(r));
    metrics.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const send = (n: number) =>
    Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<number>((resolve, reject) => {
            http
              .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
                res.resume();
                res.on('end', () => resolve(res.statusCode ?? 0));
              })
              .on('error', reject);
          }),
      ),
    );

  const requestSum = async (wire: Wire, dimensions: cw.Dimension[]): Promise<number> => {
    const now = Date.now();
    const out = await client(wire).send(
      new cw.GetMetricStatisticsCommand({
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'RequestCount',
        Dimensions: dimensions,
        StartTime: new Date(now - 10 * 60_000),
        EndTime: new Date(now + 60_000),
        Period: 60,
        Statistics: ['Sum', 'SampleCount'],
      }),
    );
    return (out.Datapoints ?? []).reduce((s, d) => s + (d.Sum ?? 0), 0);
  };

  test('RequestCount reaches GetMetricStatistics in every protocol, per load balancer and per target group', async () => {
    // The listener answers once the node has the table (the target is routable while its health is initial).
    await eventually(() => send(1), { what: 'the listener forwards', timeoutMs: 10_000, until: (s) => s[0] === 200 });
    const statuses = await send(19);
    assert.ok(
      statuses.every((s) => s === 200),
      String(statuses),
    );
    const byLb = [{ Name: 'LoadBalancer', Value: lbDimension }];
    const byBoth = [
      { Name: 'TargetGroup', Value: tgDimension },
      { Name: 'LoadBalancer', Value: lbDimension },
    ];
    for (const wire of ['json', 'cbor', 'query'] as const) {
      await eventually(() => requestSum(wire, byLb), { what: `${wire}: 20 requests counted for the load balancer`, timeoutMs: 10_000, until: (n) => n === 20 });
      assert.equal(await requestSum(wire, byBoth), 20, `${wire}: per target group`);
    }
    const data = await client('cbor').send(
      new cw.GetMetricDataCommand({
        StartTime: new Date(Date.now() - 10 * 60_000),
        EndTime: new Date(Date.now() + 60_000),
        MetricDataQueries: [
          {
            Id: 'healthy',
            MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HealthyHostCount', Dimensions: byBoth }, Period: 60, Stat: 'Maximum' },
          },
        ],
      }),
    );
    const healthy = data.MetricDataResults![0]!;
    assert.equal(healthy.StatusCode, 'Complete');
    assert.ok(healthy.Timestamps![0] instanceof Date, 'CBOR timestamps arrive as dates');
    assert.ok(healthy.Values!.every((v) => v <= 1));
    const listed = await client('query').send(new cw.ListMetricsCommand({ Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCountPerTarget' }));
    assert.deepEqual(
      listed.Metrics!.map((m) => m.Dimensions!.map((d) => d.Name).sort()),
      [['LoadBalancer', 'TargetGroup'], ['TargetGroup']],
    );
  });

  test('the unmodified AWS CLI (Query) reads the same statistics', { skip: requirement('aws-cli') }, async () => {
    const now = Date.now();
    const out = await cli.aws(
      'cloudwatch',
      'get-metric-statistics',
      '--namespace',
      'AWS/ApplicationELB',
      '--metric-name',
      'RequestCount',
      '--dimensions',
      `Name=LoadBalancer,Value=${lbDimension}`,
      '--start-time',
      new Date(now - 10 * 60_000).toISOString(),
      '--end-time',
      new Date(now + 60_000).toISOString(),
      '--period',
      '60',
      '--statistics',
      'Sum',
    );
    assert.equal(out.Label, 'RequestCount');
    assert.ok(out.Datapoints.reduce((s: number, d: { Sum: number }) => s + d.Sum, 0) >= 20);
    const err = await cli.awsFails(
      'cloudwatch',
      'get-metric-statistics',
      '--namespace',
      'X',
      '--metric-name',
      'Y',
      '--start-time',
      new Date(now).toISOString(),
      '--end-time',
      new Date(now + 60_000).toISOString(),
      '--period',
      '30',
      '--statistics',
      'Sum',
    );
    assert.match(err, /InvalidParameterValue.*Period must be a multiple of 60/s);
  });

  test('an alarm on the target 5XX count goes to ALARM within seconds of the errors, in CloudWatch words', async () => {
    await client('json').send(
      new cw.PutMetricAlarmCommand({
        AlarmName: 'web-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: [
          { Name: 'TargetGroup', Value: tgDimension },
          { Name: 'LoadBalancer', Value: lbDimension },
        ],
        Statistic: 'Sum',
        Period: 60,
        // Three minutes, one breach: the errors stay in the window even if a minute ends mid-test.
        EvaluationPeriods: 3,
        DatapointsToAlarm: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    const state = async (wire: Wire) => (await client(wire).send(new cw.DescribeAlarmsCommand({ AlarmNames: ['web-5xx'] }))).MetricAlarms?.[0];
    const first = await state('cbor');
    assert.equal(first?.StateValue, 'INSUFFICIENT_DATA');
    // The evaluator's first pass moves it on: no 5XX yet, missing data is not breaching.
    await eventually(() => state('query'), { what: 'the alarm is OK before any error', timeoutMs: 10_000, until: (a) => a?.StateValue === 'OK' });
    failing = true;
    assert.deepEqual([...new Set(await send(5))], [500]);
    const alarmed = await eventually(() => state('json'), { what: 'the alarm goes to ALARM', timeoutMs: 15_000, until: (a) => a?.StateValue === 'ALARM' });
    // Five errors, in one minute or (rarely) split over two.
    assert.match(
      alarmed!.StateReason!,
      /^Threshold Crossed: [12] out of the last \d datapoints \[.*\] (was|were) greater than or equal to the threshold \(1\.0\)/,
    );
    const recent: number[] = JSON.parse(alarmed!.StateReasonData!).recentDatapoints;
    assert.equal(
      recent.reduce((a, b) => a + b, 0),
      5,
    );
    failing = false;
    // SetAlarmState holds until the next evaluation moves it back, as in CloudWatch.
    await client('cbor').send(new cw.SetAlarmStateCommand({ AlarmName: 'web-5xx', StateValue: 'OK', StateReason: 'testing' }));
    await eventually(() => state('cbor'), { what: 'the evaluator puts the alarm back to ALARM', timeoutMs: 10_000, until: (a) => a?.StateValue === 'ALARM' });
    await client('query').send(new cw.DeleteAlarmsCommand({ AlarmNames: ['web-5xx'] }));
    assert.deepEqual((await client('json').send(new cw.DescribeAlarmsCommand({}))).MetricAlarms, []);
  });

  test('bad input gets the modeled exception in every protocol, with the status the model gives it', async () => {
    for (const wire of ['json', 'cbor', 'query'] as const) {
      await assert.rejects(client(wire).send(new cw.DeleteAlarmsCommand({ AlarmNames: ['nope'] })), (e: unknown) => {
        // The modeled exception class, whichever protocol carried it.
        assert.ok(e instanceof cw.ResourceNotFound, `${wire}: ${String(e)}`);
        assert.equal(e.$metadata.httpStatusCode, 404, wire);
        return true;
      });
      await assert.rejects(
        client(wire).send(
          new cw.GetMetricStatisticsCommand({
            Namespace: 'X',
            MetricName: 'Y',
            StartTime: new Date(2000),
            EndTime: new Date(1000),
            Period: 60,
            Statistics: ['Sum'],
          }),
        ),
        (e: unknown) => e instanceof cw.InvalidParameterValueException && /StartTime must be less than/.test(e.message),
      );
      await assert.rejects(
        client(wire).send(new cw.PutMetricDataCommand({ Namespace: 'AWS/ApplicationELB', MetricData: [{ MetricName: 'RequestCount', Value: 1 }] })),
        (e: unknown) => e instanceof cw.InvalidParameterValueException && /reserved/.test(e.message),
      );
      await assert.rejects(
        client(wire).send(
          new cw.PutMetricAlarmCommand({
            AlarmName: 'a',
            Namespace: 'X',
            MetricName: 'Y',
            Statistic: 'Sum',
            Period: 60,
            EvaluationPeriods: 1,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanThreshold',
            AlarmActions: ['arn:aws:sns:us-east-1:000000000000:pager'],
          }),
        ),
        // Not a modeled exception: the Query code, ValidationError, as CloudWatch sends it for a bad action ARN.
        (e: unknown) =>
          e instanceof cw.CloudWatchServiceException &&
          (e as { Error?: { Code?: string } }).Error?.Code === 'ValidationError' &&
          /Invalid AlarmActions action arn:aws:sns/.test(e.message),
      );
    }
  });

  test('a custom metric put with PutMetricData reads back with every statistic', async () => {
    const now = Date.now();
    await client('cbor').send(
      new cw.PutMetricDataCommand({
        Namespace: 'Shop',
        MetricData: [
          { MetricName: 'Orders', Value: 3, Unit: 'Count', Timestamp: new Date(now) },
          { MetricName: 'Orders', Values: [1, 10], Counts: [2, 1], Unit: 'Count', Timestamp: new Date(now) },
        ],
      }),
    );
    const out = await client('json').send(
      new cw.GetMetricStatisticsCommand({
        Namespace: 'Shop',
        MetricName: 'Orders',
        StartTime: new Date(now - 60_000),
        EndTime: new Date(now + 60_000),
        Period: 300,
        Statistics: ['SampleCount', 'Sum', 'Minimum', 'Maximum', 'Average'],
      }),
    );
    const [d] = out.Datapoints!;
    assert.deepEqual([d?.SampleCount, d?.Sum, d?.Minimum, d?.Maximum, d?.Average, d?.Unit], [4, 15, 1, 10, 3.75, 'Count']);
  });
});
