/** RunTask, StartTask, StopTask, DescribeTasks, ListTasks. Placement itself is in task-launch.ts. */
import type { Handlers, Reply } from '../api/operation.js';
import type { TaskOut } from '../api/wire-types/ecs.js';
import { keys } from '../../domain/keys.js';
import { ecsArn, resourceIdOf } from '../../domain/ecs/arn.js';
import type { ContainerInstanceRecord, Failure, ServiceRecord, TaskRecord } from '../../domain/ecs/records.js';
import { clusterKeyOf, errors, listValues, requireCluster, scopeOf, tagsOfRequest, updateRecord, wantsTags, type EcsDeps } from './ecs-context.js';
import { resolveActiveTaskDefinition } from './task-definitions.js';
import { describeTask, launch } from './task-launch.js';
import { paginate } from './paging.js';
import { validateTaskOverrides } from '../../domain/ecs/task-overrides.js';
import { checkNetworkConfiguration } from './network-configuration-check.js';

export function taskHandlers(deps: EcsDeps): Handlers<'ecs'> {
  const { store } = deps;
  return {
    async RunTask(input, ctx): Reply<'ecs', 'RunTask'> {
      const s = scopeOf(ctx);
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      const count = input.count ?? 1;
      if (!Number.isInteger(count) || count < 1 || count > 10) throw errors.invalid('count must be between 1 and 10.');
      if (input.launchType !== undefined && input.launchType !== 'EC2' && input.launchType !== 'EXTERNAL') {
        throw errors.invalid(`Launch type ${input.launchType} is not supported by Berth; use EC2.`);
      }
      const td = await resolveActiveTaskDefinition(store, input.taskDefinition);
      validateTaskOverrides(input.overrides, td);
      await checkNetworkConfiguration(store, input.networkConfiguration, td, s);
      const tags = tagsOfRequest(input.tags);
      const registered = (await listValues<ContainerInstanceRecord>(store, keys.containerInstances(clusterKeyOf(cluster)))).filter(
        (i) => i.status === 'ACTIVE' || i.status === 'DRAINING',
      );
      if (registered.length === 0) throw errors.invalid('No Container Instances were found in your cluster.');
      const { tasks, failures } = await launch(
        deps,
        s,
        cluster,
        td,
        { ...input, tags },
        (all) => ({ candidates: all.filter((c) => c.instance.status === 'ACTIVE'), failures: [] }),
        count,
      );
      return { tasks: await Promise.all(tasks.map((t) => describeTask(store, t))), failures };
    },

    async StartTask(input, ctx): Reply<'ecs', 'StartTask'> {
      const s = scopeOf(ctx);
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      if (input.containerInstances.length === 0 || input.containerInstances.length > 10) {
        throw errors.invalid('containerInstances must have between 1 and 10 items.');
      }
      const td = await resolveActiveTaskDefinition(store, input.taskDefinition);
      validateTaskOverrides(input.overrides, td);
      await checkNetworkConfiguration(store, input.networkConfiguration, td, s);
      const tags = tagsOfRequest(input.tags);
      const tasks: TaskRecord[] = [];
      const failures: Failure[] = [];
      // One task per named instance, each placed (and committed) on exactly that instance.
      for (const ref of input.containerInstances) {
        const id = resourceIdOf(ref, 'container-instance');
        const r = await launch(
          deps,
          s,
          cluster,
          td,
          { ...input, tags },
          (all) => {
            const hit = all.find((c) => c.instance.id === id && c.instance.status !== 'INACTIVE');
            if (!hit) return { candidates: [], failures: [{ arn: ref, reason: 'MISSING' }] };
            if (hit.instance.status !== 'ACTIVE') return { candidates: [], failures: [{ arn: hit.instance.containerInstanceArn, reason: 'DRAINING' }] };
            return { candidates: [hit], failures: [] };
          },
          1,
        );
        tasks.push(...r.tasks);
        failures.push(...r.failures);
      }
      return { tasks: await Promise.all(tasks.map((t) => describeTask(store, t))), failures };
    },

    async StopTask(input, ctx): Reply<'ecs', 'StopTask'> {
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      const id = resourceIdOf(input.task, 'task');
      if (id === undefined) throw errors.taskNotFound();
      const key = keys.task(clusterKeyOf(cluster), id);
      const group = (await store.get<TaskRecord>(key))?.value.group;
      const serviceName = group?.startsWith('service:') ? group.slice('service:'.length) : undefined;
      const svc = serviceName === undefined ? undefined : (await store.get<ServiceRecord>(keys.service(clusterKeyOf(cluster), serviceName)))?.value;
      const behindLoadBalancer = svc !== undefined && svc.status !== 'INACTIVE' && svc.loadBalancers.some((lb) => lb.targetGroupArn);
      const updated = await updateRecord<TaskRecord>(store, key, (cur) => {
        if (!cur) throw errors.taskNotFound();
        return stoppedByUser(cur, { behindLoadBalancer, reason: input.reason ?? 'Task stopped by user', now: ctx.now });
      });
      return { task: await describeTask(store, updated) };
    },

    async DescribeTasks(input, ctx): Reply<'ecs', 'DescribeTasks'> {
      const s = scopeOf(ctx);
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      if (input.tasks.length === 0) throw errors.invalid('Tasks cannot be empty.');
      if (input.tasks.length > 100) throw errors.invalid('tasks can have at most 100 items.');
      const tasks: TaskOut[] = [];
      const failures: Failure[] = [];
      for (const ref of input.tasks) {
        const id = resourceIdOf(ref, 'task');
        const rec = id === undefined ? undefined : await store.get<TaskRecord>(keys.task(clusterKeyOf(cluster), id));
        if (!rec) failures.push({ arn: id !== undefined && !ref.startsWith('arn:') ? ecsArn.task(s, cluster.clusterName, id) : ref, reason: 'MISSING' });
        else tasks.push(await describeTask(store, rec.value, wantsTags(input.include)));
      }
      return { tasks, failures };
    },

    async ListTasks(input, ctx): Reply<'ecs', 'ListTasks'> {
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      if (input.serviceName !== undefined) {
        const svc = await store.get(keys.service(clusterKeyOf(cluster), resourceIdOf(input.serviceName, 'service') ?? ''));
        if (!svc) throw errors.serviceNotFound();
      }
      const instanceId = input.containerInstance !== undefined ? resourceIdOf(input.containerInstance, 'container-instance') : undefined;
      const serviceGroup = input.serviceName !== undefined ? `service:${resourceIdOf(input.serviceName, 'service')}` : undefined;
      const desired = input.desiredStatus ?? 'RUNNING';
      const all = (await listValues<TaskRecord>(store, keys.tasks(clusterKeyOf(cluster)))).filter(
        (t) =>
          t.desiredStatus === desired &&
          (input.containerInstance === undefined || t.containerInstanceId === instanceId) &&
          (input.family === undefined || t.family === input.family) &&
          (serviceGroup === undefined || t.group === serviceGroup) &&
          (input.startedBy === undefined || t.startedBy === input.startedBy) &&
          (input.launchType === undefined || t.launchType === input.launchType),
      );
      const page = paginate(all, (t) => t.taskArn, input);
      return { taskArns: page.items.map((t) => t.taskArn), nextToken: page.nextToken };
    },
  };
}

/**
 * StopTask's decision. A service's task behind a target group is stopped as scale-in stops one: it
 * goes DEACTIVATING (desiredStatus kept RUNNING, so the agent keeps it serving), the service
 * controller deregisters its targets, waits out the draining and only then sets desiredStatus STOPPED,
 * keeping this stopCode and reason. Any other task is told to stop at once. Repeats change nothing.
 */
export function stoppedByUser(t: TaskRecord, how: { behindLoadBalancer: boolean; reason: string; now: number }): TaskRecord {
  if (t.desiredStatus === 'STOPPED' || t.lastStatus === 'STOPPED' || t.stoppingAt !== undefined) return t; // already on its way down
  const stop = { stopCode: 'UserInitiated' as const, stoppedReason: how.reason, stoppingAt: how.now, version: t.version + 1 };
  if (how.behindLoadBalancer && (t.lastStatus === 'RUNNING' || t.lastStatus === 'ACTIVATING')) return { ...t, ...stop, lastStatus: 'DEACTIVATING' };
  return { ...t, ...stop, desiredStatus: 'STOPPED' };
}
