/**
 * Test support: a cluster with the real ECS and ELBv2 handlers, the service controller running, and
 * the outside world played through the store where the real component is not the controller's: the
 * agent (through AgentService.submitTaskState, as the real agent reports) and the load balancer's
 * health checker (writing target states, as the lead's wiring will).
 */
import { MemoryStore } from '../../store/memory-store.js';
import type { Store } from '../../store/store.js';
import { ManualClock } from '../../platform/clock.js';
import { seededRandom } from '../../platform/random.js';
import { ACCOUNT_ID, type RequestContext } from '../api/operation.js';
import { keys } from '../../domain/keys.js';
import type { ServiceRecord, TaskRecord } from '../../domain/ecs/records.js';
import type { TargetRecord, TargetState } from '../../domain/elbv2/target.js';
import { SKIP, updateRecord } from '../../store/record-update.js';
import { createEcsHandlers } from '../ecs/ecs-handlers.js';
import { createElbv2Handlers } from '../elbv2/elbv2-handlers.js';
import { registerContainerInstance } from '../ecs/container-instances.js';
import { AgentService } from '../agent-api/agent-service.js';
import { startServiceController, type ServiceController, type ServiceControllerOptions } from './service-controller.js';
import { eventually } from '../../../test/support/eventually.js';
import { operationCaller } from '../api/handler-test-kit.js';

export const CLUSTER = 'prod';
export const EC2_ID = 'i-0123456789abcdef0';

export interface WorldOptions {
  desiredCount?: number;
  deregistrationDelayS?: number;
  grace?: number;
  deploymentConfiguration?: object;
  controller?: ServiceControllerOptions;
  store?: Store;
  /**
   * BLUE_GREEN, CANARY, LINEAR: a second (alternate) target group, the listener's default rule
   * forwarding to both (weights 1 and 0) as production rule, a test listener on port 8080 likewise,
   * and the service with an advancedConfiguration naming them.
   */
  blueGreen?: boolean;
}

/** What the simulated health checker answers for a target; default healthy. */
export type HealthVerdict = (t: TargetRecord) => TargetState | undefined;

export async function createWorld(o: WorldOptions = {}) {
  const store = o.store ?? new MemoryStore();
  const clock = new ManualClock();
  const random = seededRandom(7);
  const ecs = createEcsHandlers({ store, clock, random });
  const elb = createElbv2Handlers({ store, clock, random });
  const ctx = (): RequestContext => ({ requestId: 'r', region: 'us-east-1', accountId: ACCOUNT_ID, now: clock.now(), sourceIp: '127.0.0.1' });
  const ecsCall = operationCaller<'ecs'>(ecs, ctx);
  const elbCall = operationCaller<'elbv2'>(elb, ctx);
  const agent = new AgentService({ store, clock, random });

  await ecsCall('CreateCluster', { clusterName: CLUSTER });
  const instance = await registerContainerInstance(
    store,
    {
      cluster: CLUSTER,
      ec2InstanceId: EC2_ID,
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 4096 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: 4096 },
      ],
    },
    ctx(),
    random,
  );
  const registerTd = async (image = 'app:1', extra: object = {}) =>
    (
      await ecsCall('RegisterTaskDefinition', {
        family: 'web',
        containerDefinitions: [{ name: 'app', image, memory: 128, cpu: 128, portMappings: [{ containerPort: 80, hostPort: 0 }], ...extra }],
      })
    ).taskDefinition.taskDefinitionArn as string;
  const td1 = await registerTd();
  const lb = (await elbCall('CreateLoadBalancer', { Name: 'web' })).LoadBalancers[0];
  const tg = (await elbCall('CreateTargetGroup', { Name: 'web-tg', Protocol: 'HTTP', Port: 80, HealthCheckIntervalSeconds: 5 })).TargetGroups[0];
  const tgArn = tg.TargetGroupArn as string;
  const altArn = o.blueGreen
    ? ((await elbCall('CreateTargetGroup', { Name: 'web-tg-2', Protocol: 'HTTP', Port: 80, HealthCheckIntervalSeconds: 5 })).TargetGroups[0]
        .TargetGroupArn as string)
    : undefined;
  const both = altArn
    ? [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: tgArn, Weight: 1 },
              { TargetGroupArn: altArn, Weight: 0 },
            ],
          },
        },
      ]
    : [{ Type: 'forward', TargetGroupArn: tgArn }];
  const listenerArn = (await elbCall('CreateListener', { LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: both })).Listeners[0]
    .ListenerArn as string;
  const testListenerArn = altArn
    ? ((await elbCall('CreateListener', { LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 8080, DefaultActions: both })).Listeners[0]
        .ListenerArn as string)
    : undefined;
  const defaultRule = async (listener: string | undefined): Promise<string | undefined> => {
    if (!listener) return undefined;
    const rule = (await elbCall('DescribeRules', { ListenerArn: listener })).Rules?.find((r) => r.IsDefault);
    if (!rule?.RuleArn) throw new Error(`listener ${listener} has no default rule`);
    return rule.RuleArn;
  };
  const productionRule = await defaultRule(altArn ? listenerArn : undefined);
  const testRule = await defaultRule(testListenerArn);
  for (const arn of [tgArn, ...(altArn ? [altArn] : [])]) {
    await elbCall('ModifyTargetGroupAttributes', {
      TargetGroupArn: arn,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(o.deregistrationDelayS ?? 5) }],
    });
  }
  const advancedConfiguration = altArn
    ? { alternateTargetGroupArn: altArn, productionListenerRule: productionRule, testListenerRule: testRule, roleArn: 'arn:aws:iam::000000000000:role/ecs-lb' }
    : undefined;

  const controller: ServiceController = startServiceController({ store, clock, random, options: { resyncIntervalMs: 60_000, ...o.controller } });
  await controller.ready;
  await ecsCall('CreateService', {
    cluster: CLUSTER,
    serviceName: 'web',
    taskDefinition: td1,
    desiredCount: o.desiredCount ?? 2,
    loadBalancers: [{ targetGroupArn: tgArn, containerName: 'app', containerPort: 80, ...(advancedConfiguration ? { advancedConfiguration } : {}) }],
    ...(o.grace !== undefined ? { healthCheckGracePeriodSeconds: o.grace } : {}),
    ...(o.deploymentConfiguration ? { deploymentConfiguration: o.deploymentConfiguration } : {}),
  });
  const serviceKey = keys.service(CLUSTER, 'web');

  let nextPort = 32768;
  /** Task ARN -> what the simulated agent does with it when asked to start. */
  const failToStart = new Set<string>();
  let startsFail = (_t: TaskRecord) => false;
  let verdict: HealthVerdict = () => 'healthy';

  const tasks = async () => (await store.list<TaskRecord>(keys.tasks(CLUSTER))).records.map((r) => r.value);
  const service = async () => (await store.get<ServiceRecord>(serviceKey))!.value;
  const targets = async () => (await store.list<TargetRecord>(keys.targets())).records.map((r) => r.value);

  /** Waits until the controller has nothing queued and the store stopped changing. */
  async function settle(): Promise<void> {
    let last = -1;
    // Settled: two looks in a row, each after the controller went idle, see the same store revision.
    await eventually(
      async () => {
        await controller.idle();
        const rev = await store.revision();
        const same = rev === last;
        last = rev;
        return same;
      },
      { what: 'the world settled', timeoutMs: 5_000, intervalMs: 2, until: (same) => same },
    );
  }

  /** The agent's half of one round: start what should run, stop what should stop. */
  async function agentRound(): Promise<boolean> {
    let acted = false;
    for (const t of await tasks()) {
      const base = { cluster: CLUSTER, taskArn: t.taskArn };
      if (t.lastStatus === 'STOPPED') continue;
      if (t.desiredStatus === 'STOPPED') {
        await agent.submitTaskState({ ...base, lastStatus: 'STOPPED', containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 0 }] });
        acted = true;
      } else if (t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING') {
        if (failToStart.has(t.taskArn) || startsFail(t)) {
          await agent.submitTaskState({
            ...base,
            lastStatus: 'STOPPED',
            stopCode: 'TaskFailedToStart',
            stoppedReason: 'CannotStartContainerError: boom',
            containers: [{ name: 'app', lastStatus: 'STOPPED' }],
          });
        } else {
          const port = nextPort++;
          const containers = [
            { name: 'app', lastStatus: 'RUNNING', networkBindings: [{ bindIP: '127.0.0.1', containerPort: 80, hostPort: port, protocol: 'tcp' as const }] },
          ];
          await agent.submitTaskState({ ...base, lastStatus: 'ACTIVATING', containers, connectivityAt: clock.now() });
          await agent.submitTaskState({ ...base, lastStatus: 'RUNNING', containers, startedAt: clock.now() });
        }
        acted = true;
      }
    }
    return acted;
  }

  /** The health checker's half: judge every registered, non-draining target. */
  async function lbRound(): Promise<boolean> {
    let acted = false;
    for (const r of (await store.list<TargetRecord>(keys.targets())).records) {
      if (r.value.state === 'draining') continue;
      const want = verdict(r.value);
      if (!want || want === r.value.state) continue;
      await updateRecord<TargetRecord>(store, r.key, (cur) =>
        cur && cur.state !== 'draining'
          ? { ...cur, state: want, ...(want === 'unhealthy' ? { reason: 'Target.FailedHealthChecks', description: 'Health checks failed' } : {}) }
          : SKIP,
      );
      acted = true;
    }
    return acted;
  }

  /** Rounds of controller, agent and load balancer until nothing moves; `check` runs after every round. */
  async function run(check?: () => Promise<void>, rounds = 30): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      await settle();
      if (check) await check();
      const a = await agentRound();
      await settle();
      if (check) await check();
      const b = await lbRound();
      if (!a && !b) return;
    }
  }

  /** Moves time on and lets the controller look again (timers inside plans are real-time). */
  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    controller.kick(serviceKey);
    await settle();
  }

  return {
    store,
    clock,
    random,
    ecs: ecsCall,
    elb: elbCall,
    agent,
    controller,
    instance,
    tgArn,
    altArn,
    productionRule,
    testRule,
    td1,
    serviceKey,
    registerTd,
    tasks,
    service,
    targets,
    settle,
    run,
    advance,
    failToStart,
    setStartsFail: (f: (t: TaskRecord) => boolean) => (startsFail = f),
    setVerdict: (v: HealthVerdict) => (verdict = v),
    async close() {
      await controller.stop();
      await store.close();
    },
  };
}

export type World = Awaited<ReturnType<typeof createWorld>>;

/** Service events oldest first (the API shows newest first). */
export const eventTexts = (s: ServiceRecord) => s.events.map((e) => e.message).reverse();
