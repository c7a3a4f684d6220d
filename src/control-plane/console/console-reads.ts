/**
 * The console's read models, built by calling the same handlers the AWS API calls, so every page
 * shows exactly what `aws ecs describe-*` / `aws elbv2 describe-*` would. Thin: paging, joining and
 * nothing else.
 */
import type { RequestContext, ServiceHandlers } from '../api/operation.js';
import type { TrafficStatsSource } from './traffic-stats.js';
import { hostPortUsage } from './host-ports.js';
import { trafficJson } from './traffic-stats.js';

export interface ConsoleHandlers {
  readonly ecs: ServiceHandlers;
  readonly elbv2: ServiceHandlers;
  readonly ec2: ServiceHandlers;
  /** ACM: the Certificates page (absent: the page answers that this server has no ACM). */
  readonly acm?: ServiceHandlers;
}

export type Call = (service: keyof ConsoleHandlers, operation: string, input: object) => Promise<any>;

export function caller(handlers: ConsoleHandlers, ctx: () => RequestContext): Call {
  return async (service, operation, input) => {
    const h = handlers[service]?.[operation];
    if (!h) throw new Error(`no ${service} handler for ${operation}`);
    return h(input, ctx());
  };
}

/** Every page of an ECS List* call. */
async function ecsAll(call: Call, operation: string, input: object, member: string): Promise<any[]> {
  const out: any[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call('ecs', operation, { ...input, ...(nextToken ? { nextToken } : {}) });
    out.push(...(page[member] ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

/** Every page of an ELBv2 Describe* call. */
async function elbAll(call: Call, operation: string, input: object, member: string): Promise<any[]> {
  const out: any[] = [];
  let marker: string | undefined;
  do {
    const page = await call('elbv2', operation, { ...input, ...(marker ? { Marker: marker } : {}) });
    out.push(...(page[member] ?? []));
    marker = page.NextMarker;
  } while (marker);
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function consoleReads(call: Call, trafficStats?: TrafficStatsSource) {
  const clusterArns = () => ecsAll(call, 'ListClusters', {}, 'clusterArns');

  async function containerInstances(cluster: string): Promise<any[]> {
    const arns = await ecsAll(call, 'ListContainerInstances', { cluster }, 'containerInstanceArns');
    const out: any[] = [];
    for (const part of chunks(arns, 100)) {
      out.push(...(await call('ecs', 'DescribeContainerInstances', { cluster, containerInstances: part })).containerInstances);
    }
    return out;
  }

  async function describedTasks(cluster: string, serviceName?: string): Promise<any[]> {
    const arns = await ecsAll(call, 'ListTasks', { cluster, ...(serviceName ? { serviceName } : {}) }, 'taskArns');
    const out: any[] = [];
    for (const part of chunks(arns, 100)) out.push(...(await call('ecs', 'DescribeTasks', { cluster, tasks: part })).tasks);
    return out;
  }

  async function tasks(cluster: string, serviceName?: string): Promise<any[]> {
    const out = await describedTasks(cluster, serviceName);
    // The console shows where a task runs by instance id, as the AWS console does.
    const byArn = new Map((await containerInstances(cluster)).map((ci) => [ci.containerInstanceArn, ci.ec2InstanceId]));
    return out.map((t) => ({ ...t, ec2InstanceId: byArn.get(t.containerInstanceArn) }));
  }

  return {
    async clusters() {
      const arns = await clusterArns();
      const out: any[] = [];
      for (const part of chunks(arns, 100)) {
        out.push(...(await call('ecs', 'DescribeClusters', { clusters: part, include: ['STATISTICS'] })).clusters);
      }
      return { clusters: out };
    },

    async services(cluster: string) {
      const arns = await ecsAll(call, 'ListServices', { cluster }, 'serviceArns');
      const out: any[] = [];
      for (const part of chunks(arns, 10)) out.push(...(await call('ecs', 'DescribeServices', { cluster, services: part })).services);
      return { services: out };
    },

    async service(cluster: string, name: string) {
      const described = await call('ecs', 'DescribeServices', { cluster, services: [name] });
      const service = described.services?.[0];
      if (!service) return undefined;
      // Each task's target health in its service's target groups, joined by (instance id, host port).
      const health = new Map<string, { targetGroupArn: string; state: string; reason?: string }[]>();
      for (const lb of service.loadBalancers ?? []) {
        if (!lb.targetGroupArn) continue;
        const described = await call('elbv2', 'DescribeTargetHealth', { TargetGroupArn: lb.targetGroupArn }).catch(() => undefined);
        for (const d of described?.TargetHealthDescriptions ?? []) {
          const key = `${d.Target.Id}:${d.Target.Port}`;
          health.set(key, [...(health.get(key) ?? []), { targetGroupArn: lb.targetGroupArn, state: d.TargetHealth?.State, reason: d.TargetHealth?.Reason }]);
        }
      }
      const withTargets = (await tasks(cluster, name)).map((t) => ({
        ...t,
        targets: (t.containers ?? []).flatMap((c: any) =>
          (c.networkBindings ?? []).flatMap((b: any) => health.get(`${t.ec2InstanceId}:${b.hostPort}`) ?? [])),
      }));
      return { service, tasks: withTargets };
    },

    tasks: async (cluster: string) => ({ tasks: await tasks(cluster) }),

    async containerInstances(cluster: string) {
      const [instances, live] = [await containerInstances(cluster), await describedTasks(cluster)];
      return { containerInstances: instances.map((ci) => ({ ...ci, hostPorts: hostPortUsage(ci, live) })) };
    },

    async taskDefinitions() {
      const families = await ecsAll(call, 'ListTaskDefinitionFamilies', { status: 'ACTIVE' }, 'families');
      const out: any[] = [];
      for (const family of families) {
        const revisions = await ecsAll(call, 'ListTaskDefinitions', { familyPrefix: family, sort: 'DESC' }, 'taskDefinitionArns');
        if (revisions.length === 0) continue;
        const latest = (await call('ecs', 'DescribeTaskDefinition', { taskDefinition: revisions[0] })).taskDefinition;
        out.push({ family, revisions, latest });
      }
      return { families: out };
    },

    taskDefinition: async (taskDefinition: string) => call('ecs', 'DescribeTaskDefinition', { taskDefinition }),

    async loadBalancers() {
      const lbs = await elbAll(call, 'DescribeLoadBalancers', {}, 'LoadBalancers');
      const out: any[] = [];
      for (const lb of lbs) {
        const listeners = await elbAll(call, 'DescribeListeners', { LoadBalancerArn: lb.LoadBalancerArn }, 'Listeners');
        const withRules: any[] = [];
        for (const l of listeners) {
          withRules.push({ ...l, Rules: await elbAll(call, 'DescribeRules', { ListenerArn: l.ListenerArn }, 'Rules') });
        }
        out.push({ ...lb, Listeners: withRules });
      }
      return { loadBalancers: out };
    },

    async targetGroups() {
      const groups = await elbAll(call, 'DescribeTargetGroups', {}, 'TargetGroups');
      const traffic = trafficStats?.snapshot();
      const out: any[] = [];
      for (const tg of groups) {
        const health = await call('elbv2', 'DescribeTargetHealth', { TargetGroupArn: tg.TargetGroupArn });
        const t = traffic?.get(tg.TargetGroupArn);
        const targets = (health.TargetHealthDescriptions ?? []).map((d: any) => {
          const live = t?.targets.get(`${d.Target.Id}:${d.Target.Port}`);
          return {
            id: d.Target.Id,
            port: d.Target.Port,
            state: d.TargetHealth?.State,
            reason: d.TargetHealth?.Reason,
            description: d.TargetHealth?.Description,
            inFlight: live?.inFlight ?? 0,
            requestsPerSecond: live?.requestsPerSecond ?? 0,
          };
        });
        out.push({ ...tg, targets, traffic: t ? trafficJson(t) : undefined });
      }
      return { targetGroups: out };
    },
  };
}

export type ConsoleReads = ReturnType<typeof consoleReads>;
