/**
 * The unmodified AWS CLI v2 against a real `berth up` process: the common operations of ECS, ELBv2
 * and EC2, and the waiters that need no running containers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requirement } from '../support/requirements.js';
import { awsCli } from '../support/aws-cli.js';
import { removeDataDir, startBerthProcess, type BerthProcess } from '../support/berth-process.js';
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Answer } from '../../src/control-plane/api/handler-test-kit.js';

describe('AWS CLI v2 against berth up', { skip: requirement('aws-cli') }, () => {
  let berth: BerthProcess;
  const { aws, awsFails } = awsCli(() => berth.apiUrl);

  before(async () => {
    berth = await startBerthProcess();
  });
  after(async () => {
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
  });

  test('ecs: the default cluster exists from the first start', async () => {
    const out = await aws('ecs', 'list-clusters');
    assert.deepEqual(out.clusterArns, ['arn:aws:ecs:us-east-1:000000000000:cluster/default']);
    const d = await aws('ecs', 'describe-clusters', '--clusters', 'default', 'nope');
    assert.equal(d.clusters[0].clusterName, 'default');
    assert.equal(d.clusters[0].status, 'ACTIVE');
    assert.equal(d.failures[0].reason, 'MISSING');
  });

  test('ecs: task definitions with a dynamic host port, revisions and describe', async () => {
    const defs = JSON.stringify([{ name: 'web', image: 'berth-test/busybox', memory: 64, portMappings: [{ containerPort: 80, hostPort: 0 }] }]);
    const r1 = await aws('ecs', 'register-task-definition', '--family', 'cli-web', '--container-definitions', defs);
    const r2 = await aws('ecs', 'register-task-definition', '--family', 'cli-web', '--container-definitions', defs);
    assert.equal(r1.taskDefinition.revision, 1);
    assert.equal(r2.taskDefinition.revision, 2);
    assert.equal(r2.taskDefinition.taskDefinitionArn, 'arn:aws:ecs:us-east-1:000000000000:task-definition/cli-web:2');
    const d = await aws('ecs', 'describe-task-definition', '--task-definition', 'cli-web');
    assert.equal(d.taskDefinition.revision, 2);
    assert.equal(d.taskDefinition.containerDefinitions[0].portMappings[0].hostPort, 0);
    const list = await aws('ecs', 'list-task-definitions', '--family-prefix', 'cli-web');
    assert.equal(list.taskDefinitionArns.length, 2);
    const err = await awsFails(
      'ecs',
      'register-task-definition',
      '--family',
      'cli-bad',
      '--container-definitions',
      JSON.stringify([{ name: 'web', image: 'x' }]),
    );
    assert.match(err, /ClientException/);
    assert.match(err, /memory/);
  });

  test('ecs: a missing cluster is ClusterNotFoundException', async () => {
    const err = await awsFails('ecs', 'list-services', '--cluster', 'nope');
    assert.match(err, /ClusterNotFoundException/);
  });

  test('elbv2 + ec2: load balancer, target group, listener, targets on two ports of one instance', async () => {
    const subnets = (await aws('ec2', 'describe-subnets')).Subnets.map((s: { SubnetId: string }) => s.SubnetId);
    assert.equal(subnets.length, 2);
    const vpc = (await aws('ec2', 'describe-vpcs')).Vpcs[0].VpcId;
    const sg = await aws('ec2', 'create-security-group', '--group-name', 'cli-web', '--description', 'web', '--vpc-id', vpc);
    assert.match(sg.GroupId, /^sg-[0-9a-f]{17}$/);

    const lb = (
      await aws('elbv2', 'create-load-balancer', '--name', 'cli-web', '--scheme', 'internal', '--subnets', ...subnets, '--security-groups', sg.GroupId)
    ).LoadBalancers[0];
    assert.match(lb.LoadBalancerArn, /^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer\/app\/cli-web\/[0-9a-f]{16}$/);
    assert.match(lb.DNSName, /^internal-cli-web-.*\.elb\.localhost$/);
    await aws('elbv2', 'wait', 'load-balancer-available', '--load-balancer-arns', lb.LoadBalancerArn);

    const tg = (
      await aws(
        'elbv2',
        'create-target-group',
        '--name',
        'cli-web',
        '--protocol',
        'HTTP',
        '--port',
        '80',
        '--vpc-id',
        vpc,
        '--health-check-path',
        '/',
        '--health-check-interval-seconds',
        '5',
      )
    ).TargetGroups[0];
    assert.equal(tg.HealthCheckIntervalSeconds, 5);
    const again = (
      await aws(
        'elbv2',
        'create-target-group',
        '--name',
        'cli-web',
        '--protocol',
        'HTTP',
        '--port',
        '80',
        '--vpc-id',
        vpc,
        '--health-check-path',
        '/',
        '--health-check-interval-seconds',
        '5',
      )
    ).TargetGroups[0];
    assert.equal(again.TargetGroupArn, tg.TargetGroupArn, 'CreateTargetGroup is idempotent');

    const listener = (
      await aws(
        'elbv2',
        'create-listener',
        '--load-balancer-arn',
        lb.LoadBalancerArn,
        '--protocol',
        'HTTP',
        '--port',
        '18080',
        '--default-actions',
        `Type=forward,TargetGroupArn=${tg.TargetGroupArn}`,
      )
    ).Listeners[0];
    const rules = (await aws('elbv2', 'describe-rules', '--listener-arn', listener.ListenerArn)).Rules;
    assert.equal(rules.length, 1);
    assert.equal(rules[0].IsDefault, true);
    assert.equal(rules[0].Priority, 'default');

    await aws(
      'elbv2',
      'register-targets',
      '--target-group-arn',
      tg.TargetGroupArn,
      '--targets',
      'Id=i-0123456789abcdef0,Port=32768',
      'Id=i-0123456789abcdef0,Port=32769',
    );
    const health = (await aws('elbv2', 'describe-target-health', '--target-group-arn', tg.TargetGroupArn)).TargetHealthDescriptions;
    assert.deepEqual(health.map((h: Answer<TargetHealthDescription>) => `${h.Target.Id}:${h.Target.Port}`).sort(), [
      'i-0123456789abcdef0:32768',
      'i-0123456789abcdef0:32769',
    ]);
    assert.ok(health.every((h: Answer<TargetHealthDescription>) => h.TargetHealth.State === 'initial'));

    await aws(
      'elbv2',
      'modify-target-group-attributes',
      '--target-group-arn',
      tg.TargetGroupArn,
      '--attributes',
      'Key=deregistration_delay.timeout_seconds,Value=0',
    );
    await aws(
      'elbv2',
      'deregister-targets',
      '--target-group-arn',
      tg.TargetGroupArn,
      '--targets',
      'Id=i-0123456789abcdef0,Port=32768',
      'Id=i-0123456789abcdef0,Port=32769',
    );
    await aws('elbv2', 'wait', 'target-deregistered', '--target-group-arn', tg.TargetGroupArn, '--targets', 'Id=i-0123456789abcdef0,Port=32768');

    const inUse = await awsFails('elbv2', 'delete-target-group', '--target-group-arn', tg.TargetGroupArn);
    assert.match(inUse, /ResourceInUse/);
    await aws('elbv2', 'delete-listener', '--listener-arn', listener.ListenerArn);
    await aws('elbv2', 'delete-target-group', '--target-group-arn', tg.TargetGroupArn);
    await aws('elbv2', 'delete-load-balancer', '--load-balancer-arn', lb.LoadBalancerArn);
    const gone = await awsFails('elbv2', 'describe-load-balancers', '--names', 'cli-web');
    assert.match(gone, /LoadBalancerNotFound/);
  });

  test('the process shuts down cleanly on SIGTERM and keeps its state', async () => {
    const dataDir = berth.dataDir;
    const code = await berth.stop();
    assert.equal(code, 0);
    berth = await startBerthProcess({ dataDir });
    const d = await aws('ecs', 'describe-task-definition', '--task-definition', 'cli-web:2');
    assert.equal(d.taskDefinition.revision, 2);
  });
});
