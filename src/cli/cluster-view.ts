/**
 * Reads tasks the way `ps` and `deploy` show them: tasks with their instance's ec2InstanceId and the
 * health of their targets in the services' target groups. Reads only; the joining is pure
 * (targetKey, see ps.ts).
 */
import * as ecs from '@aws-sdk/client-ecs';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Clients } from './cli-context.js';

export interface TargetState {
  state: string;
  reason?: string;
}

/** `${instanceId}:${port}` → the target's health, over the given target groups. */
export async function readTargetHealth(clients: Clients, targetGroupArns: Iterable<string>): Promise<Map<string, TargetState>> {
  const out = new Map<string, TargetState>();
  for (const arn of new Set(targetGroupArns)) {
    const r = await clients.elbv2.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: arn })).catch(() => undefined);
    for (const d of r?.TargetHealthDescriptions ?? []) {
      const h = d.TargetHealth;
      out.set(targetKey(d.Target?.Id, d.Target?.Port), { state: h?.State ?? 'unknown', ...(h?.Reason ? { reason: h.Reason } : {}) });
    }
  }
  return out;
}

export const targetKey = (id: string | undefined, port: number | undefined): string => `${id}:${port}`;

export async function listTaskArns(
  clients: Clients,
  cluster: string,
  filter: { serviceName?: string; desiredStatus?: 'RUNNING' | 'STOPPED' },
): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of ecs.paginateListTasks({ client: clients.ecs }, { cluster, ...filter })) arns.push(...(page.taskArns ?? []));
  return arns;
}

export async function describeTasks(clients: Clients, cluster: string, arns: readonly string[]): Promise<ecs.Task[]> {
  const tasks: ecs.Task[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    const r = await clients.ecs.send(new ecs.DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) }));
    tasks.push(...(r.tasks ?? []));
  }
  return tasks;
}

/** containerInstanceArn → ec2InstanceId. */
export async function instanceIds(clients: Clients, cluster: string, arns: Iterable<string | undefined>): Promise<Map<string, string>> {
  const wanted = [...new Set([...arns].filter((a): a is string => !!a))];
  const out = new Map<string, string>();
  for (let i = 0; i < wanted.length; i += 100) {
    const r = await clients.ecs.send(new ecs.DescribeContainerInstancesCommand({ cluster, containerInstances: wanted.slice(i, i + 100) }));
    for (const ci of r.containerInstances ?? []) if (ci.containerInstanceArn && ci.ec2InstanceId) out.set(ci.containerInstanceArn, ci.ec2InstanceId);
  }
  return out;
}

export async function listServiceNames(clients: Clients, cluster: string): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of ecs.paginateListServices({ client: clients.ecs }, { cluster })) arns.push(...(page.serviceArns ?? []));
  return arns.map((a) => a.slice(a.lastIndexOf('/') + 1));
}

export async function describeServices(clients: Clients, cluster: string, names: readonly string[]): Promise<{ services: ecs.Service[]; missing: string[] }> {
  const services: ecs.Service[] = [];
  const missing: string[] = [];
  for (let i = 0; i < names.length; i += 10) {
    const r = await clients.ecs.send(new ecs.DescribeServicesCommand({ cluster, services: names.slice(i, i + 10) }));
    services.push(...(r.services ?? []).filter((s) => s.status !== 'INACTIVE'));
    for (const f of r.failures ?? []) missing.push(f.arn?.slice(f.arn.lastIndexOf('/') + 1) ?? '?');
    for (const s of r.services ?? []) if (s.status === 'INACTIVE') missing.push(s.serviceName ?? '?');
  }
  return { services, missing };
}
