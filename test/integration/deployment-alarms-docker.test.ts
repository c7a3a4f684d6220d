/**
 * ECS deployment alarms with real containers under load (issue 17): a rolling deployment of a revision
 * whose app answers 500 trips the CloudWatch alarm on the target group's HTTPCode_Target_5XX_Count,
 * which fails the deployment and rolls it back to the last completed revision, as ECS does. The
 * node's counts reach CloudWatch every 10 s and the alarm counts the running minute as soon as it has
 * crossed, so the rollback starts within seconds of the first errors; the load sees the bad revision's
 * 500s and no connection error.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as cw from '@aws-sdk/client-cloudwatch';
import * as ecs from '@aws-sdk/client-ecs';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { requirement } from '../support/requirements.js';
import { TEST_IMAGE } from '../support/test-image.js';
import type { BerthProcess } from '../support/berth-process.js';
import { startLoad } from '../support/load-loop.js';
import { TEST_CREDENTIALS } from '../support/sdk-clients.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../../src/platform/free-port.js';
import { must, startDockerStack, type DockerStack } from '../support/docker-stack.js';

const skip = requirement('docker');
/** The image's whoami CGI, replaced by one that answers 500 (the health check path `/` still answers 200). */
const FAILING_CGI = '#!/bin/sh\nprintf "Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nbroken\\n"\n';

describe('a deployment rolled back by its CloudWatch alarm, with real containers under load', { skip, timeout: 240_000 }, () => {
  let stack: DockerStack;
  let berth: BerthProcess;
  let CLUSTER = '';
  let client: ecs.ECSClient;
  let lbClient: elb.ElasticLoadBalancingV2Client;
  let metrics: cw.CloudWatchClient;

  before(async () => {
    stack = await startDockerStack('alarm');
    ({ berth, ecs: client, elb: lbClient, cluster: CLUSTER } = stack);
    metrics = new cw.CloudWatchClient({ endpoint: berth.apiUrl, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    metrics?.destroy();
    await stack?.close(['web']);
  });

  test('the 5XX alarm goes to ALARM during the deployment, which fails and rolls back to the last completed revision', async (t) => {
    const lb = must((await lbClient.send(new elb.CreateLoadBalancerCommand({ Name: 'alarmed', Scheme: 'internal' }))).LoadBalancers?.[0], 'the load balancer');
    const tg = must(
      (
        await lbClient.send(
          new elb.CreateTargetGroupCommand({
            Name: 'alarmed',
            Protocol: 'HTTP',
            Port: 80,
            HealthCheckPath: '/',
            HealthCheckIntervalSeconds: 5,
            HealthyThresholdCount: 2,
          }),
        )
      ).TargetGroups?.[0],
      'the target group',
    );
    await lbClient.send(
      new elb.ModifyTargetGroupAttributesCommand({
        TargetGroupArn: tg.TargetGroupArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '3' }],
      }),
    );
    const port = await freePort();
    await lbClient.send(
      new elb.CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
      }),
    );
    const register = async (command?: string[]) =>
      must(
        (
          await client.send(
            new ecs.RegisterTaskDefinitionCommand({
              family: 'web',
              containerDefinitions: [
                {
                  name: 'web',
                  image: TEST_IMAGE,
                  memory: 32,
                  essential: true,
                  portMappings: [{ containerPort: 80, hostPort: 0 }],
                  stopTimeout: 2,
                  ...(command ? { command } : {}),
                },
              ],
            }),
          )
        ).taskDefinition?.taskDefinitionArn,
        'a task definition',
      );
    const good = await register();
    const dimensions = [
      { Name: 'TargetGroup', Value: must(tg.TargetGroupArn, 'tg arn').split(':').at(-1)! },
      { Name: 'LoadBalancer', Value: must(lb.LoadBalancerArn, 'lb arn').split(':loadbalancer/')[1]! },
    ];
    await metrics.send(
      new cw.PutMetricAlarmCommand({
        AlarmName: 'web-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: dimensions,
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    await client.send(
      new ecs.CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: good,
        desiredCount: 2,
        deploymentConfiguration: { alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true } },
        loadBalancers: [{ targetGroupArn: tg.TargetGroupArn, containerName: 'web', containerPort: 80 }],
      }),
    );
    const stableOn = async (td: string) => {
      const s = (await client.send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }))).services?.[0];
      return s?.taskDefinition === td && s.deployments?.length === 1 && s.deployments[0]?.rolloutState === 'COMPLETED' && s.runningCount === 2 ? s : undefined;
    };
    await eventually(() => stableOn(good), { what: 'the good revision stable', timeoutMs: 90_000, intervalMs: 500 });

    const load = startLoad(`http://127.0.0.1:${port}/cgi-bin/whoami`, { concurrency: 2, maxMs: 200_000, pauseMs: 10 });
    const bad = await register(['sh', '-c', `cat > /www/cgi-bin/whoami <<'CGI'\n${FAILING_CGI}CGI\nexec /bin/serve`]);
    await client.send(new ecs.UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition: bad }));
    // What the service and the alarm look like, so a timeout says where it stopped.
    const seen = async () => {
      const s = (await client.send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }))).services?.[0];
      const a = (await metrics.send(new cw.DescribeAlarmsCommand({ AlarmNames: ['web-5xx'] }))).MetricAlarms?.[0];
      return {
        taskDefinition: s?.taskDefinition?.split('/').at(-1),
        running: s?.runningCount,
        deployments: s?.deployments?.map((d) => `${d.status} ${d.rolloutState} ${d.taskDefinition?.split('/').at(-1)} ${d.runningCount}/${d.desiredCount}`),
        alarm: a?.StateValue,
        load: load.snapshot().failures.size,
      };
    };
    await eventually(seen, {
      what: 'rolled back to the good revision',
      timeoutMs: 150_000,
      intervalMs: 1000,
      until: (v) =>
        v.taskDefinition === good.split('/').at(-1) && v.running === 2 && v.deployments?.length === 1 && v.deployments[0]?.includes('COMPLETED') === true,
    });
    const result = await load.stop();
    const statuses = [...result.failures.keys()];
    t.diagnostic(`${result.total} requests, failures ${JSON.stringify([...result.failures])}`);
    assert.ok(
      statuses.every((k) => k.startsWith('HTTP 500')),
      `only the bad revision's own 500s, no connection error or 502: ${statuses.join('; ')}`,
    );

    const alarm = (await metrics.send(new cw.DescribeAlarmsCommand({ AlarmNames: ['web-5xx'] }))).MetricAlarms?.[0];
    assert.match(alarm?.StateReason ?? '', /^Threshold Crossed/);
    const deployments = (await client.send(new ecs.ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web' }))).serviceDeployments ?? [];
    const arns = deployments.map((d) => must(d.serviceDeploymentArn, 'arn'));
    const described = (await client.send(new ecs.DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns }))).serviceDeployments ?? [];
    const failed = described.find((d) => d.alarms?.status === 'TRIGGERED');
    assert.ok(failed, JSON.stringify(described.map((d) => [d.status, d.alarms])));
    assert.deepEqual(failed.alarms?.triggeredAlarmNames, ['web-5xx']);
    assert.match(failed.statusReason ?? '', /alarm web-5xx went into ALARM/);
  });
});
