/**
 * Reads what the stack file names, through Describe* calls only: the "current" side of the plan.
 * Not-found answers are absence, any other error stops the apply.
 */
import * as ecs from '@aws-sdk/client-ecs';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Clients } from '../cli-context.js';
import type { CurrentState, CurrentListener } from './plan.js';
import type { Json, Stack } from './stack.js';

const notFound = (e: unknown, ...names: string[]) => e instanceof Error && names.includes(e.name);

export async function readCurrentState(clients: Clients, stack: Stack): Promise<CurrentState> {
  const state: CurrentState = { targetGroups: new Map(), loadBalancers: new Map(), taskDefinitions: new Map(), services: new Map() };

  for (const tg of stack.targetGroups) {
    const found = await clients.elbv2
      .send(new elb.DescribeTargetGroupsCommand({ Names: [tg.Name] }))
      .then((r) => r.TargetGroups?.[0], (e) => (notFound(e, 'TargetGroupNotFoundException') ? undefined : Promise.reject(e)));
    if (!found?.TargetGroupArn) continue;
    const attrs = await clients.elbv2.send(new elb.DescribeTargetGroupAttributesCommand({ TargetGroupArn: found.TargetGroupArn }));
    state.targetGroups.set(tg.Name, {
      arn: found.TargetGroupArn,
      fields: found as Json,
      attributes: Object.fromEntries((attrs.Attributes ?? []).map((a) => [a.Key!, a.Value ?? ''])),
    });
  }

  for (const lb of stack.loadBalancers) {
    const found = await clients.elbv2
      .send(new elb.DescribeLoadBalancersCommand({ Names: [lb.Name] }))
      .then((r) => r.LoadBalancers?.[0], (e) => (notFound(e, 'LoadBalancerNotFoundException') ? undefined : Promise.reject(e)));
    if (!found?.LoadBalancerArn) continue;
    const listeners: CurrentListener[] = [];
    for await (const page of elb.paginateDescribeListeners({ client: clients.elbv2 }, { LoadBalancerArn: found.LoadBalancerArn })) {
      for (const l of page.Listeners ?? []) {
        const rules = await clients.elbv2.send(new elb.DescribeRulesCommand({ ListenerArn: l.ListenerArn! }));
        listeners.push({
          arn: l.ListenerArn!,
          Port: l.Port!,
          ...(l.Protocol ? { Protocol: l.Protocol } : {}),
          DefaultActions: (l.DefaultActions ?? []) as unknown as Json[],
          rules: (rules.Rules ?? []).map((r) => ({
            arn: r.RuleArn!,
            Priority: r.Priority ?? '',
            IsDefault: r.IsDefault ?? false,
            Conditions: r.Conditions ?? [],
            Actions: (r.Actions ?? []) as unknown as Json[],
          })),
        });
      }
    }
    state.loadBalancers.set(lb.Name, { arn: found.LoadBalancerArn, fields: found as Json, listeners });
  }

  // Families of the file, and bare families services name from outside it.
  const families = new Set([
    ...stack.taskDefinitions.map((t) => t.family),
    ...stack.services.map((s) => s.taskDefinition).filter((t) => !t.includes(':') && !t.startsWith('arn:')),
  ]);
  for (const family of families) {
    const td = await clients.ecs
      .send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: family }))
      .then((r) => r.taskDefinition, (e) => (notFound(e, 'ClientException') ? undefined : Promise.reject(e)));
    if (td?.taskDefinitionArn && td.status === 'ACTIVE') state.taskDefinitions.set(family, { arn: td.taskDefinitionArn, fields: td as Json });
  }

  const byCluster = new Map<string, string[]>();
  for (const s of stack.services) byCluster.set(s.cluster, [...(byCluster.get(s.cluster) ?? []), s.serviceName]);
  for (const [cluster, names] of byCluster) {
    for (let i = 0; i < names.length; i += 10) {
      const r = await clients.ecs
        .send(new ecs.DescribeServicesCommand({ cluster, services: names.slice(i, i + 10) }))
        .catch((e) => (notFound(e, 'ClusterNotFoundException') ? { services: [] } : Promise.reject(e)));
      for (const svc of r.services ?? []) {
        if (svc.status === 'INACTIVE' || !svc.serviceArn) continue;
        state.services.set(`${cluster}/${svc.serviceName}`, { arn: svc.serviceArn, fields: svc as Json });
      }
    }
  }
  return state;
}
