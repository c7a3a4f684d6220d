/**
 * Reads what the stack file names, through Describe* calls only: the "current" side of the plan.
 * Not-found answers are absence, any other error stops the apply.
 */
import * as ecs from '@aws-sdk/client-ecs';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Clients } from '../cli-context.js';
import type { CurrentState, CurrentListener } from './plan.js';
import { STACK_TAG, type Json, type Stack } from './stack.js';
import { readCurrentCertificates } from './current-certificates.js';

const notFound = (e: unknown, ...names: string[]) => e instanceof Error && names.includes(e.name);

/** Everything tagged `berth:stack=<name>`: target groups and load balancers of the account, services of `clusters`. */
export async function readOwned(clients: Clients, name: string, clusters: readonly string[]): Promise<NonNullable<CurrentState['owned']>> {
  const owned: NonNullable<CurrentState['owned']> = { targetGroups: [], loadBalancers: [], services: [] };
  const tagged = async (arns: string[]): Promise<Set<string>> => {
    const out = new Set<string>();
    for (let i = 0; i < arns.length; i += 20) {
      const r = await clients.elbv2.send(new elb.DescribeTagsCommand({ ResourceArns: arns.slice(i, i + 20) }));
      for (const d of r.TagDescriptions ?? []) if (d.Tags?.some((t) => t.Key === STACK_TAG && t.Value === name)) out.add(d.ResourceArn!);
    }
    return out;
  };
  const tgs: { name: string; arn: string }[] = [];
  for await (const page of elb.paginateDescribeTargetGroups({ client: clients.elbv2 }, {})) {
    for (const t of page.TargetGroups ?? []) tgs.push({ name: t.TargetGroupName!, arn: t.TargetGroupArn! });
  }
  const tgOwned = await tagged(tgs.map((t) => t.arn));
  owned.targetGroups = tgs.filter((t) => tgOwned.has(t.arn));
  const lbs: { name: string; arn: string }[] = [];
  for await (const page of elb.paginateDescribeLoadBalancers({ client: clients.elbv2 }, {})) {
    for (const l of page.LoadBalancers ?? []) lbs.push({ name: l.LoadBalancerName!, arn: l.LoadBalancerArn! });
  }
  const lbOwned = await tagged(lbs.map((l) => l.arn));
  owned.loadBalancers = lbs.filter((l) => lbOwned.has(l.arn));
  for (const cluster of new Set(clusters)) {
    const arns: string[] = [];
    try {
      for await (const page of ecs.paginateListServices({ client: clients.ecs }, { cluster })) arns.push(...(page.serviceArns ?? []));
    } catch (e) {
      if (notFound(e, 'ClusterNotFoundException')) continue;
      throw e;
    }
    for (let i = 0; i < arns.length; i += 10) {
      const r = await clients.ecs.send(new ecs.DescribeServicesCommand({ cluster, services: arns.slice(i, i + 10), include: ['TAGS'] }));
      for (const svc of r.services ?? []) {
        if (svc.status === 'INACTIVE' || !svc.tags?.some((t) => t.key === STACK_TAG && t.value === name)) continue;
        owned.services.push({ cluster, name: svc.serviceName!, arn: svc.serviceArn! });
      }
    }
  }
  return owned;
}

/** The `berth:stack` tag of each ELBv2 resource (20 per DescribeTags call, as ELBv2 allows). */
async function elbStackTags(clients: Clients, arns: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < arns.length; i += 20) {
    const r = await clients.elbv2.send(new elb.DescribeTagsCommand({ ResourceArns: arns.slice(i, i + 20) }));
    for (const d of r.TagDescriptions ?? []) {
      const tag = d.Tags?.find((t) => t.Key === STACK_TAG);
      if (tag && d.ResourceArn) out.set(d.ResourceArn, tag.Value ?? '');
    }
  }
  return out;
}

export async function readCurrentState(clients: Clients, stack: Stack, options: { prune?: boolean } = {}): Promise<CurrentState> {
  const state: CurrentState = { targetGroups: new Map(), loadBalancers: new Map(), taskDefinitions: new Map(), services: new Map() };
  if (stack.certificates?.length) state.certificates = await readCurrentCertificates(clients);

  for (const tg of stack.targetGroups) {
    const found = await clients.elbv2.send(new elb.DescribeTargetGroupsCommand({ Names: [tg.Name] })).then(
      (r) => r.TargetGroups?.[0],
      (e) => (notFound(e, 'TargetGroupNotFoundException') ? undefined : Promise.reject(e)),
    );
    if (!found?.TargetGroupArn) continue;
    const attrs = await clients.elbv2.send(new elb.DescribeTargetGroupAttributesCommand({ TargetGroupArn: found.TargetGroupArn }));
    state.targetGroups.set(tg.Name, {
      arn: found.TargetGroupArn,
      fields: found as Json,
      attributes: Object.fromEntries((attrs.Attributes ?? []).map((a) => [a.Key!, a.Value ?? ''])),
    });
  }

  for (const lb of stack.loadBalancers) {
    const found = await clients.elbv2.send(new elb.DescribeLoadBalancersCommand({ Names: [lb.Name] })).then(
      (r) => r.LoadBalancers?.[0],
      (e) => (notFound(e, 'LoadBalancerNotFoundException') ? undefined : Promise.reject(e)),
    );
    if (!found?.LoadBalancerArn) continue;
    const listeners: CurrentListener[] = [];
    for await (const page of elb.paginateDescribeListeners({ client: clients.elbv2 }, { LoadBalancerArn: found.LoadBalancerArn })) {
      for (const l of page.Listeners ?? []) {
        const rules = await clients.elbv2.send(new elb.DescribeRulesCommand({ ListenerArn: l.ListenerArn! }));
        listeners.push({
          arn: l.ListenerArn!,
          Port: l.Port!,
          ...(l.Protocol ? { Protocol: l.Protocol } : {}),
          ...(l.SslPolicy ? { SslPolicy: l.SslPolicy } : {}),
          ...(l.Certificates?.length ? { Certificates: l.Certificates.map((c) => ({ CertificateArn: c.CertificateArn! })) } : {}),
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
  const elbTags = await elbStackTags(
    clients,
    [...state.targetGroups.values(), ...state.loadBalancers.values()].map((r) => r.arn),
  );
  for (const r of [...state.targetGroups.values(), ...state.loadBalancers.values()]) {
    const tag = elbTags.get(r.arn);
    if (tag !== undefined) r.stackTag = tag;
  }

  // Families of the file, and bare families services name from outside it.
  const families = new Set([
    ...stack.taskDefinitions.map((t) => t.family),
    ...stack.services.map((s) => s.taskDefinition).filter((t) => !t.includes(':') && !t.startsWith('arn:')),
  ]);
  for (const family of families) {
    const td = await clients.ecs.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: family })).then(
      (r) => r.taskDefinition,
      (e) => (notFound(e, 'ClientException') ? undefined : Promise.reject(e)),
    );
    if (td?.taskDefinitionArn && td.status === 'ACTIVE') state.taskDefinitions.set(family, { arn: td.taskDefinitionArn, fields: td as Json });
  }

  const byCluster = new Map<string, string[]>();
  for (const s of stack.services) byCluster.set(s.cluster, [...(byCluster.get(s.cluster) ?? []), s.serviceName]);
  for (const [cluster, names] of byCluster) {
    for (let i = 0; i < names.length; i += 10) {
      const r = await clients.ecs
        .send(new ecs.DescribeServicesCommand({ cluster, services: names.slice(i, i + 10), include: ['TAGS'] }))
        .catch((e) => (notFound(e, 'ClusterNotFoundException') ? { services: [] } : Promise.reject(e)));
      for (const svc of r.services ?? []) {
        if (svc.status === 'INACTIVE' || !svc.serviceArn) continue;
        const tag = svc.tags?.find((t) => t.key === STACK_TAG);
        const { tags: _tags, ...fields } = svc;
        state.services.set(`${cluster}/${svc.serviceName}`, { arn: svc.serviceArn, fields: fields as Json, ...(tag ? { stackTag: tag.value ?? '' } : {}) });
      }
    }
  }
  if (options.prune && stack.name !== undefined) {
    state.owned = await readOwned(clients, stack.name, [...stack.services.map((s) => s.cluster), stack.defaultCluster]);
  }
  return state;
}
