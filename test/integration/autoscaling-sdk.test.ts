/**
 * Application Auto Scaling through the real AWS SDK v3 client, against a real API server holding the
 * ECS and Application Auto Scaling handlers over a MemoryStore: targets, target tracking and step
 * policies, scheduled actions (cron in a time zone) and the errors, each answer checked against the model. Scaling itself (the
 * auto scaler's decisions) is tested in src/control-plane/autoscaling/auto-scaler.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as aas from '@aws-sdk/client-application-auto-scaling';
import * as ecs from '@aws-sdk/client-ecs';
import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { createAutoScalingHandlers } from '../../src/control-plane/autoscaling/autoscaling-handlers.js';
import { createEcsHandlers } from '../../src/control-plane/ecs/ecs-handlers.js';
import { systemClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { checkResponsesAgainstModel, TEST_CREDENTIALS } from '../support/sdk-clients.js';

const RESOURCE = 'service/default/web';
const target = { ServiceNamespace: 'ecs', ResourceId: RESOURCE, ScalableDimension: 'ecs:service:DesiredCount' } as const;
const LABEL = 'app/front/0123456789abcdef/targetgroup/web/fedcba9876543210';

describe('Application Auto Scaling through the AWS SDK', () => {
  const store = new MemoryStore();
  let app: FastifyInstance;
  let client: aas.ApplicationAutoScalingClient;
  let ecsClient: ecs.ECSClient;
  before(async () => {
    const random = seededRandom(9);
    app = await createApiServer({
      handlers: {
        ecs: createEcsHandlers({ store, clock: systemClock, random }),
        elbv2: {},
        ec2: {},
        applicationautoscaling: createAutoScalingHandlers({ store, random }),
      },
    });
    const endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
    client = checkResponsesAgainstModel(
      new aas.ApplicationAutoScalingClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 }),
      'applicationautoscaling',
    );
    ecsClient = new ecs.ECSClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    await ecsClient.send(new ecs.CreateClusterCommand({ clusterName: 'default' }));
    await ecsClient.send(new ecs.RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'web', memory: 32 }] }));
    await ecsClient.send(new ecs.CreateServiceCommand({ serviceName: 'web', taskDefinition: 'web', desiredCount: 1 }));
  });
  after(async () => {
    client?.destroy();
    ecsClient?.destroy();
    await app?.close();
    await store.close();
  });

  test('register a target, put a target tracking policy and a schedule, describe them, deregister', async () => {
    const registered = await client.send(new aas.RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 5 }));
    assert.match(registered.ScalableTargetARN!, /^arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target\//);
    const [t] = (await client.send(new aas.DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }))).ScalableTargets!;
    assert.deepEqual([t?.ResourceId, t?.MinCapacity, t?.MaxCapacity, t?.SuspendedState?.DynamicScalingInSuspended], [RESOURCE, 1, 5, false]);
    assert.ok(t?.CreationTime instanceof Date);
    const policy = await client.send(
      new aas.PutScalingPolicyCommand({
        ...target,
        PolicyName: 'web-requests',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 100,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: LABEL },
          ScaleInCooldown: 120,
        },
      }),
    );
    assert.match(policy.PolicyARN!, /:scalingPolicy:.*:resource\/ecs\/service\/default\/web:policyName\/web-requests$/);
    const [p] = (await client.send(new aas.DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: RESOURCE }))).ScalingPolicies!;
    assert.deepEqual(
      [p?.PolicyType, p?.TargetTrackingScalingPolicyConfiguration?.ScaleInCooldown, p?.TargetTrackingScalingPolicyConfiguration?.ScaleOutCooldown],
      ['TargetTrackingScaling', 120, 300],
    );
    await client.send(
      new aas.PutScheduledActionCommand({
        ...target,
        ScheduledActionName: 'night',
        Schedule: 'rate(1 day)',
        ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 },
      }),
    );
    const [s] = (await client.send(new aas.DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs' }))).ScheduledActions!;
    assert.deepEqual([s?.Schedule, s?.ScalableTargetAction?.MaxCapacity], ['rate(1 day)', 2]);
    assert.deepEqual((await client.send(new aas.DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs' }))).ScalingActivities, []);
    await client.send(new aas.DeleteScheduledActionCommand({ ...target, ScheduledActionName: 'night' }));
    await client.send(new aas.DeleteScalingPolicyCommand({ ...target, PolicyName: 'web-requests' }));
    await client.send(new aas.DeregisterScalableTargetCommand(target));
    assert.deepEqual((await client.send(new aas.DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }))).ScalableTargets, []);
  });

  test('a step scaling policy and a cron schedule in a time zone read back as they were put', async () => {
    await client.send(new aas.RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 5 }));
    const put = await client.send(
      new aas.PutScalingPolicyCommand({
        ...target,
        PolicyName: 'step',
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'PercentChangeInCapacity',
          MinAdjustmentMagnitude: 1,
          Cooldown: 30,
          MetricAggregationType: 'Average',
          StepAdjustments: [
            { MetricIntervalUpperBound: 0, ScalingAdjustment: -50 },
            { MetricIntervalLowerBound: 0, ScalingAdjustment: 100 },
          ],
        },
      }),
    );
    assert.match(
      put.PolicyARN ?? '',
      /^arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:[0-9a-f-]{36}:resource\/ecs\/service\/default\/web:policyName\/step$/,
    );
    assert.deepEqual(put.Alarms, []);
    const [p] = (await client.send(new aas.DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', PolicyNames: ['step'] }))).ScalingPolicies ?? [];
    assert.equal(p?.PolicyType, 'StepScaling');
    assert.deepEqual(p?.StepScalingPolicyConfiguration?.StepAdjustments, [
      { MetricIntervalUpperBound: 0, ScalingAdjustment: -50 },
      { MetricIntervalLowerBound: 0, ScalingAdjustment: 100 },
    ]);
    assert.equal(p?.StepScalingPolicyConfiguration?.MinAdjustmentMagnitude, 1);
    await client.send(
      new aas.PutScheduledActionCommand({
        ...target,
        ScheduledActionName: 'mornings',
        Schedule: 'cron(0 8 ? * MON-FRI *)',
        Timezone: 'Europe/Paris',
        ScalableTargetAction: { MinCapacity: 2 },
      }),
    );
    const [a] =
      (await client.send(new aas.DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ScheduledActionNames: ['mornings'] }))).ScheduledActions ?? [];
    assert.deepEqual([a?.Schedule, a?.Timezone], ['cron(0 8 ? * MON-FRI *)', 'Europe/Paris']);
    await assert.rejects(
      client.send(
        new aas.PutScheduledActionCommand({ ...target, ScheduledActionName: 'x', Schedule: 'cron(0 8 * * MON *)', ScalableTargetAction: { MinCapacity: 2 } }),
      ),
      (e: unknown) => e instanceof aas.ValidationException && /Day-of-month and Day-of-week/.test(e.message),
    );
    await client.send(new aas.DeregisterScalableTargetCommand(target));
  });

  test('bad input: ValidationException and ObjectNotFoundException as the SDK types them', async () => {
    await assert.rejects(
      client.send(new aas.RegisterScalableTargetCommand({ ...target, ResourceId: 'service/default/nope', MinCapacity: 1, MaxCapacity: 2 })),
      aas.ValidationException,
    );
    await assert.rejects(client.send(new aas.RegisterScalableTargetCommand({ ...target, MinCapacity: 4, MaxCapacity: 2 })), /cannot be greater than maximum/);
    await assert.rejects(
      client.send(
        new aas.RegisterScalableTargetCommand({
          ...target,
          ServiceNamespace: 'dynamodb',
          ResourceId: 'table/x',
          ScalableDimension: 'dynamodb:table:ReadCapacityUnits',
          MinCapacity: 1,
          MaxCapacity: 2,
        }),
      ),
      aas.ValidationException,
    );
    await assert.rejects(client.send(new aas.DeregisterScalableTargetCommand(target)), aas.ObjectNotFoundException);
    await assert.rejects(
      client.send(
        new aas.PutScalingPolicyCommand({
          ...target,
          PolicyName: 'p',
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 1,
            PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: LABEL },
          },
        }),
      ),
      aas.ObjectNotFoundException,
    );
    await client.send(new aas.RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 3 }));
    await assert.rejects(
      client.send(
        new aas.PutScalingPolicyCommand({
          ...target,
          PolicyName: 'p',
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: { TargetValue: 1, PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' } },
        }),
      ),
      /ResourceLabel must be specified/,
    );
    await assert.rejects(
      client.send(
        new aas.PutScalingPolicyCommand({
          ...target,
          PolicyName: 'p',
          StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ ScalingAdjustment: 1 }] },
        }),
      ),
      (e: unknown) => e instanceof aas.ValidationException && /StepAdjustments: .*cannot both be null/.test(e.message),
    );
    await assert.rejects(
      client.send(new aas.RegisterScalableTargetCommand({ ...target, MaxCapacity: 3, Tags: { team: 'web' } })),
      (e: unknown) => e instanceof aas.ValidationException && /Tags/.test(e.message),
    );
  });
});
