/**
 * Deployment strategies through @aws-sdk/client-ecs (answers checked against the model): every
 * check of `deploymentConfiguration.strategy`, its settings and `loadBalancers[].advancedConfiguration`
 * answers InvalidParameterException naming the field, as ECS does; lifecycle hooks (Lambda) are
 * refused (deployment alarms are honoured: deployment-alarms-docker tests them); a good CANARY service is created and DescribeServiceDeployments shows its stage.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecs from '@aws-sdk/client-ecs';
import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { createEcsHandlers } from '../../src/control-plane/ecs/ecs-handlers.js';
import { createElbv2Handlers } from '../../src/control-plane/elbv2/elbv2-handlers.js';
import { createWorld, type World } from '../../src/control-plane/controllers/service-world.test-support.js';
import { ecsClient } from '../support/sdk-clients.js';
import { rejectsWith } from '../support/ecs-sdk-server.js';

/** The value, or the test fails naming what was missing. */
function must<T>(v: T | null | undefined, what: string): T {
  if (v === undefined || v === null) throw new Error(`missing: ${what}`);
  return v;
}

describe('deployment strategies: bad input through the AWS SDK v3', () => {
  let w: World;
  let app: FastifyInstance;
  let client: ecs.ECSClient;
  let onlyPrimaryRule: string;

  before(async () => {
    w = await createWorld({ blueGreen: true, desiredCount: 1, deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 } });
    const deps = { store: w.store, clock: w.clock, random: w.random };
    app = await createApiServer({ handlers: { ecs: createEcsHandlers(deps), elbv2: createElbv2Handlers(deps), ec2: {} }, clock: w.clock });
    client = ecsClient(await app.listen({ host: '127.0.0.1', port: 0 }));
    const listener = (await w.elb('DescribeRules', { RuleArns: [w.productionRule] })).Rules[0];
    const listenerArn = (await w.elb('DescribeListeners', { LoadBalancerArn: (await w.elb('DescribeLoadBalancers', {})).LoadBalancers[0].LoadBalancerArn }))
      .Listeners[0].ListenerArn as string;
    assert.ok(listener);
    onlyPrimaryRule = (
      await w.elb('CreateRule', {
        ListenerArn: listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', Values: ['/one'] }],
        Actions: [{ Type: 'forward', TargetGroupArn: w.tgArn }],
      })
    ).Rules[0].RuleArn as string;
  });
  after(async () => {
    client?.destroy();
    await app?.close();
    await w?.close();
  });

  const advanced = () => ({ alternateTargetGroupArn: w.altArn, productionListenerRule: w.productionRule, testListenerRule: w.testRule });
  const lb = (a: object | undefined = advanced()) => [
    { targetGroupArn: w.tgArn, containerName: 'app', containerPort: 80, ...(a ? { advancedConfiguration: a } : {}) },
  ];
  const create = (over: Partial<ecs.CreateServiceRequest>) =>
    client.send(new ecs.CreateServiceCommand({ cluster: 'prod', serviceName: 'x', taskDefinition: w.td1, desiredCount: 1, ...over }));

  test('strategy settings: value, ranges, and which settings go with which strategy', async () => {
    const cases: [ecs.DeploymentConfiguration, RegExp][] = [
      // The model's enum, checked where every request is decoded.
      [
        { strategy: 'PURPLE' as ecs.DeploymentStrategy },
        /at 'deploymentConfiguration\.strategy' failed to satisfy constraint: Member must satisfy enum value set/,
      ],
      [{ strategy: 'BLUE_GREEN' }, /^deploymentConfiguration\.bakeTimeInMinutes must be provided with the BLUE_GREEN/],
      [{ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1441 }, /^deploymentConfiguration\.bakeTimeInMinutes must be an integer from 0 to 1440/],
      [{ strategy: 'ROLLING', bakeTimeInMinutes: 5 }, /^deploymentConfiguration\.bakeTimeInMinutes is only valid with/],
      [{ strategy: 'LINEAR', canaryConfiguration: { canaryPercent: 10 } }, /^deploymentConfiguration\.canaryConfiguration is only valid with the CANARY/],
      [{ strategy: 'CANARY', linearConfiguration: { stepPercent: 10 } }, /^deploymentConfiguration\.linearConfiguration is only valid with the LINEAR/],
      [{ strategy: 'CANARY', canaryConfiguration: { canaryPercent: 0.05 } }, /canaryPercent must be a multiple of 0\.1 from 0\.1 to 100\.0/],
      [{ strategy: 'CANARY', canaryConfiguration: { canaryPercent: 12.34 } }, /canaryPercent must be a multiple of 0\.1/],
      [{ strategy: 'CANARY', canaryConfiguration: { canaryBakeTimeInMinutes: 2000 } }, /canaryBakeTimeInMinutes must be an integer from 0 to 1440/],
      [{ strategy: 'LINEAR', linearConfiguration: { stepPercent: 2 } }, /stepPercent must be a multiple of 0\.1 from 3\.0 to 100\.0/],
      [{ strategy: 'LINEAR', linearConfiguration: { stepBakeTimeInMinutes: -1 } }, /stepBakeTimeInMinutes must be an integer from 0 to 1440/],
    ];
    for (const [deploymentConfiguration, message] of cases) {
      await rejectsWith(create({ deploymentConfiguration, loadBalancers: lb() }), ecs.InvalidParameterException, message);
    }
  });

  test('strategy and load balancers: advancedConfiguration on each, and only with a traffic-shifting strategy', async () => {
    const canary: ecs.DeploymentConfiguration = { strategy: 'CANARY' };
    await rejectsWith(
      create({ deploymentConfiguration: canary }),
      ecs.InvalidParameterException,
      /^deploymentConfiguration\.strategy CANARY needs loadBalancers/,
    );
    await rejectsWith(
      create({ deploymentConfiguration: canary, loadBalancers: lb(null as never) }),
      ecs.InvalidParameterException,
      /needs loadBalancers with an advancedConfiguration/,
    );
    await rejectsWith(
      create({ deploymentConfiguration: { strategy: 'ROLLING' }, loadBalancers: lb() }),
      ecs.InvalidParameterException,
      /^loadBalancers\[\]\.advancedConfiguration is only valid with the BLUE_GREEN, CANARY or LINEAR/,
    );
    await rejectsWith(
      client.send(
        new ecs.CreateServiceCommand({
          cluster: 'prod',
          serviceName: 'd',
          taskDefinition: w.td1,
          schedulingStrategy: 'DAEMON',
          deploymentConfiguration: canary,
          loadBalancers: lb(),
        }),
      ),
      ecs.InvalidParameterException,
      /not supported for services with the DAEMON scheduling strategy/,
    );
  });

  test('advancedConfiguration: required members, the groups and the rules as ECS checks them', async () => {
    const canary: ecs.DeploymentConfiguration = { strategy: 'CANARY' };
    const missingGroup = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/nope/0123456789abcdef';
    const prod = must(w.productionRule, 'the production rule');
    const missingRule = `${prod.slice(0, prod.lastIndexOf('/'))}/0123456789abcdef`;
    const cases: [object, RegExp][] = [
      [{ productionListenerRule: w.productionRule }, /^loadBalancers\[\]\.advancedConfiguration\.alternateTargetGroupArn must be provided/],
      [{ alternateTargetGroupArn: w.altArn }, /^loadBalancers\[\]\.advancedConfiguration\.productionListenerRule must be provided/],
      [{ ...advanced(), alternateTargetGroupArn: w.tgArn }, /alternateTargetGroupArn must differ from the load balancer's targetGroupArn/],
      [{ ...advanced(), alternateTargetGroupArn: missingGroup }, /alternateTargetGroupArn .* does not name a target group/],
      [{ ...advanced(), productionListenerRule: missingRule }, /productionListenerRule .* does not name a listener rule/],
      [
        { ...advanced(), productionListenerRule: onlyPrimaryRule },
        /productionListenerRule .* must forward to both the target group .* and the alternate target group/,
      ],
      [{ ...advanced(), testListenerRule: onlyPrimaryRule }, /testListenerRule .* must forward to both/],
      [{ ...advanced(), testListenerRule: w.productionRule }, /testListenerRule must differ from productionListenerRule/],
    ];
    for (const [a, message] of cases) {
      await rejectsWith(create({ deploymentConfiguration: canary, loadBalancers: lb(a) }), ecs.InvalidParameterException, message);
    }
    // On UpdateService too.
    await rejectsWith(
      client.send(new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'web', loadBalancers: lb({ ...advanced(), alternateTargetGroupArn: w.tgArn }) })),
      ecs.InvalidParameterException,
      /alternateTargetGroupArn must differ/,
    );
  });

  test('lifecycle hooks (Lambda) are refused, naming the field', async () => {
    await rejectsWith(
      create({
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 0,
          lifecycleHooks: [{ hookTargetArn: 'arn:aws:lambda:us-east-1:000000000000:function:f', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
        },
        loadBalancers: lb(),
      }),
      ecs.InvalidParameterException,
      /^deploymentConfiguration\.lifecycleHooks .*Lambda/,
    );
  });

  test('a good CANARY service is created; its deployment shows the lifecycle stage and the split in the model’s shape', async () => {
    const r = await create({
      serviceName: 'good',
      deploymentConfiguration: { strategy: 'CANARY', bakeTimeInMinutes: 1, canaryConfiguration: { canaryPercent: 12.5, canaryBakeTimeInMinutes: 3 } },
      loadBalancers: lb({ ...advanced(), roleArn: 'arn:aws:iam::000000000000:role/ecs-lb' }),
    });
    assert.equal(r.service?.deploymentConfiguration?.strategy, 'CANARY');
    assert.equal(r.service?.deploymentConfiguration?.canaryConfiguration?.canaryPercent, 12.5);
    assert.equal(r.service?.loadBalancers?.[0]?.advancedConfiguration?.alternateTargetGroupArn, w.altArn);
    await client.send(new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'web', forceNewDeployment: true }));
    const [d] =
      (await client.send(new ecs.ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web', status: ['IN_PROGRESS'] }))).serviceDeployments ?? [];
    assert.ok(d?.serviceDeploymentArn);
    const described = (await client.send(new ecs.DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [d.serviceDeploymentArn] })))
      .serviceDeployments?.[0];
    assert.ok(described?.lifecycleStage && ['PRE_SCALE_UP', 'SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'].includes(described.lifecycleStage));
    assert.equal(typeof described?.targetServiceRevision?.requestedProductionTrafficWeight, 'number');
    // The revision resolves to its side: the new one serves from the alternate group.
    const revision = (
      await client.send(new ecs.DescribeServiceRevisionsCommand({ serviceRevisionArns: [must(described?.targetServiceRevision?.arn, 'the revision')] }))
    ).serviceRevisions?.[0];
    assert.deepEqual(revision?.resolvedConfiguration?.loadBalancers, [{ targetGroupArn: w.altArn, productionListenerRule: w.productionRule }]);
  });
});
