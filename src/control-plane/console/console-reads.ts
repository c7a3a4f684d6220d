/**
 * The console's read models, built by calling the same handlers the AWS API calls, so every page
 * shows exactly what `aws ecs describe-*` / `aws elbv2 describe-*` would. Thin: paging, joining and
 * nothing else.
 */
import type { InputOf, OperationName, OutputOf, RequestContext, ServiceHandlers } from '../api/operation.js';
import type { TrafficStatsSource } from './traffic-stats.js';
import { hostPortUsage } from './host-ports.js';
import { trafficJson } from './traffic-stats.js';
import type { ClusterOut, ContainerInstanceOut, ServiceDeploymentOut, ServiceOut, TaskDefinitionOut, TaskOut } from '../api/wire-types/ecs.js';
import type { ListenerOut, LoadBalancerOut, RuleOut } from '../api/wire-types/elbv2.js';

export interface ConsoleHandlers {
  readonly ecs: ServiceHandlers;
  readonly elbv2: ServiceHandlers;
  readonly ec2: ServiceHandlers;
  /** ACM: the Certificates page (absent: the page answers that this server has no ACM). */
  readonly acm?: ServiceHandlers;
  /** CloudWatch: the Monitoring tabs' last hour (absent: they show the live second only). */
  readonly cloudwatch?: ServiceHandlers;
}

type ConsoleService = keyof ConsoleHandlers;

/** Calls the handler of `service.operation` with that operation's input and answers its output. */
export type Call = <S extends ConsoleService, O extends OperationName<S>>(service: S, operation: O, input: InputOf<S, O>) => Promise<OutputOf<S, O>>;

export function caller(handlers: ConsoleHandlers, ctx: () => RequestContext): Call {
  return async <S extends ConsoleService, O extends OperationName<S>>(service: S, operation: O, input: InputOf<S, O>) => {
    const h = handlers[service]?.[operation];
    if (!h) throw new Error(`no ${service} handler for ${operation}`);
    // The table is erased to the dispatcher's view; its entry for `operation` was typed Handler<S, O> where it was built.
    return (await h(input, ctx())) as OutputOf<S, O>;
  };
}

/** Every page of a paged call: `page` answers one page's items and the token of the next. */
async function allPages<T>(page: (token: string | undefined) => Promise<readonly [readonly T[] | undefined, string | undefined]>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const [items, next] = await page(token);
    out.push(...(items ?? []));
    token = next;
  } while (token);
  return out;
}

const nextTokenOf = (nextToken: string | undefined) => (nextToken ? { nextToken } : {});
const markerOf = (marker: string | undefined) => (marker ? { Marker: marker } : {});

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function consoleReads(call: Call, trafficStats?: TrafficStatsSource) {
  const clusterArns = () =>
    allPages(async (t) => {
      const p = await call('ecs', 'ListClusters', nextTokenOf(t));
      return [p.clusterArns, p.nextToken] as const;
    });

  async function containerInstances(cluster: string): Promise<ContainerInstanceOut[]> {
    const arns = await allPages(async (t) => {
      const p = await call('ecs', 'ListContainerInstances', { cluster, ...nextTokenOf(t) });
      return [p.containerInstanceArns, p.nextToken] as const;
    });
    const out: ContainerInstanceOut[] = [];
    for (const part of chunks(arns, 100)) {
      out.push(...((await call('ecs', 'DescribeContainerInstances', { cluster, containerInstances: part })).containerInstances ?? []));
    }
    return out;
  }

  async function describedTasks(cluster: string, serviceName?: string): Promise<TaskOut[]> {
    const arns = await allPages(async (t) => {
      const p = await call('ecs', 'ListTasks', { cluster, ...(serviceName ? { serviceName } : {}), ...nextTokenOf(t) });
      return [p.taskArns, p.nextToken] as const;
    });
    const out: TaskOut[] = [];
    for (const part of chunks(arns, 100)) out.push(...((await call('ecs', 'DescribeTasks', { cluster, tasks: part })).tasks ?? []));
    return out;
  }

  async function tasks(cluster: string, serviceName?: string) {
    const out = await describedTasks(cluster, serviceName);
    // The console shows where a task runs by instance id, as the AWS console does.
    const byArn = new Map((await containerInstances(cluster)).map((ci) => [ci.containerInstanceArn, ci.ec2InstanceId]));
    return out.map((t) => ({ ...t, ec2InstanceId: byArn.get(t.containerInstanceArn) }));
  }

  return {
    async clusters() {
      const arns = await clusterArns();
      const out: ClusterOut[] = [];
      for (const part of chunks(arns, 100)) {
        out.push(...((await call('ecs', 'DescribeClusters', { clusters: part, include: ['STATISTICS'] })).clusters ?? []));
      }
      return { clusters: out };
    },

    async services(cluster: string) {
      const arns = await allPages(async (t) => {
        const p = await call('ecs', 'ListServices', { cluster, ...nextTokenOf(t) });
        return [p.serviceArns, p.nextToken] as const;
      });
      const out: ServiceOut[] = [];
      for (const part of chunks(arns, 10)) out.push(...((await call('ecs', 'DescribeServices', { cluster, services: part })).services ?? []));
      return { services: out };
    },

    async service(cluster: string, name: string) {
      const described = await call('ecs', 'DescribeServices', { cluster, services: [name] });
      const service = described.services?.[0];
      if (!service) return undefined;
      // Each task's target health in its service's target groups, joined by (instance id, host port).
      const health = new Map<string, { targetGroupArn: string; state?: string; reason?: string }[]>();
      for (const lb of service.loadBalancers ?? []) {
        if (!lb.targetGroupArn) continue;
        const described = await call('elbv2', 'DescribeTargetHealth', { TargetGroupArn: lb.targetGroupArn }).catch(() => undefined);
        for (const d of described?.TargetHealthDescriptions ?? []) {
          const key = `${d.Target?.Id}:${d.Target?.Port}`;
          health.set(key, [...(health.get(key) ?? []), { targetGroupArn: lb.targetGroupArn, state: d.TargetHealth?.State, reason: d.TargetHealth?.Reason }]);
        }
      }
      const withTargets = (await tasks(cluster, name)).map((t) => ({
        ...t,
        targets: (t.containers ?? []).flatMap((c) => (c.networkBindings ?? []).flatMap((b) => health.get(`${t.ec2InstanceId}:${b.hostPort}`) ?? [])),
      }));
      // BLUE_GREEN, CANARY, LINEAR: the ongoing service deployment's stage and traffic split (the Deployments tab charts it).
      const strategy = service.deploymentConfiguration?.strategy;
      let serviceDeployment: ServiceDeploymentOut | undefined;
      if (strategy !== undefined && strategy !== 'ROLLING') {
        const listed = await call('ecs', 'ListServiceDeployments', { cluster, service: name, status: ['IN_PROGRESS'], maxResults: 1 }).catch(() => undefined);
        const arn = listed?.serviceDeployments?.[0]?.serviceDeploymentArn;
        if (arn) serviceDeployment = (await call('ecs', 'DescribeServiceDeployments', { serviceDeploymentArns: [arn] })).serviceDeployments?.[0];
      }
      return { service, tasks: withTargets, ...(serviceDeployment !== undefined ? { serviceDeployment } : {}) };
    },

    tasks: async (cluster: string) => ({ tasks: await tasks(cluster) }),

    async containerInstances(cluster: string) {
      const [instances, live] = [await containerInstances(cluster), await describedTasks(cluster)];
      return { containerInstances: instances.map((ci) => ({ ...ci, hostPorts: hostPortUsage(ci, live) })) };
    },

    async taskDefinitions() {
      const families = await allPages(async (t) => {
        const p = await call('ecs', 'ListTaskDefinitionFamilies', { status: 'ACTIVE', ...nextTokenOf(t) });
        return [p.families, p.nextToken] as const;
      });
      const out: { family: string; revisions: string[]; latest?: TaskDefinitionOut }[] = [];
      for (const family of families) {
        const revisions = await allPages(async (t) => {
          const p = await call('ecs', 'ListTaskDefinitions', { familyPrefix: family, sort: 'DESC', ...nextTokenOf(t) });
          return [p.taskDefinitionArns, p.nextToken] as const;
        });
        const newest = revisions[0];
        if (newest === undefined) continue;
        const latest = (await call('ecs', 'DescribeTaskDefinition', { taskDefinition: newest })).taskDefinition;
        out.push({ family, revisions, latest });
      }
      return { families: out };
    },

    taskDefinition: async (taskDefinition: string) => call('ecs', 'DescribeTaskDefinition', { taskDefinition }),

    async loadBalancers() {
      const lbs = await allPages(async (m) => {
        const p = await call('elbv2', 'DescribeLoadBalancers', markerOf(m));
        return [p.LoadBalancers, p.NextMarker] as const;
      });
      const out: (LoadBalancerOut & { Listeners: (ListenerOut & { Rules: RuleOut[] })[] })[] = [];
      for (const lb of lbs) {
        const listeners = await allPages(async (m) => {
          const p = await call('elbv2', 'DescribeListeners', { LoadBalancerArn: lb.LoadBalancerArn, ...markerOf(m) });
          return [p.Listeners, p.NextMarker] as const;
        });
        const withRules: (ListenerOut & { Rules: RuleOut[] })[] = [];
        for (const l of listeners) {
          const rules = await allPages(async (m) => {
            const p = await call('elbv2', 'DescribeRules', { ListenerArn: l.ListenerArn, ...markerOf(m) });
            return [p.Rules, p.NextMarker] as const;
          });
          withRules.push({ ...l, Rules: rules });
        }
        out.push({ ...lb, Listeners: withRules });
      }
      return { loadBalancers: out };
    },

    async targetGroups() {
      const groups = await allPages(async (m) => {
        const p = await call('elbv2', 'DescribeTargetGroups', markerOf(m));
        return [p.TargetGroups, p.NextMarker] as const;
      });
      const traffic = trafficStats?.snapshot();
      const out: unknown[] = [];
      for (const tg of groups) {
        const arn = tg.TargetGroupArn ?? '';
        const health = await call('elbv2', 'DescribeTargetHealth', { TargetGroupArn: arn });
        const t = traffic?.get(arn);
        const targets = (health.TargetHealthDescriptions ?? []).map((d) => {
          const live = t?.targets.get(`${d.Target?.Id}:${d.Target?.Port}`);
          return {
            id: d.Target?.Id,
            port: d.Target?.Port,
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
