/** `berth ps`: tasks with their instance, host ports, status and health, like `docker ps`. */
import type { Task } from '@aws-sdk/client-ecs';
import { str, usage } from '../args.js';
import {
  describeServices,
  describeTasks,
  instanceIds,
  listServiceNames,
  listTaskArns,
  readTargetHealth,
  targetKey,
  type TargetState,
} from '../cluster-view.js';
import { CliError, EXIT } from '../cli-error.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { json, renderTable, shortId, taskDefinitionName } from '../table.js';

export interface PsRow {
  id: string;
  group?: string;
  taskDefinition?: string;
  instance?: string;
  ports: string[];
  lastStatus?: string;
  desiredStatus?: string;
  health: string;
}

/** Docker's `127.0.0.1:32768->80/tcp` for every network binding of every container. */
export function hostPorts(task: Task): string[] {
  return (task.containers ?? []).flatMap((c) =>
    (c.networkBindings ?? []).map(
      (b) => `${b.bindIP && b.bindIP !== '0.0.0.0' ? b.bindIP : '127.0.0.1'}:${b.hostPort}->${b.containerPort}/${b.protocol ?? 'tcp'}`,
    ),
  );
}

/**
 * Health as the load balancer sees it when the task is a target (the worst of its targets), else the
 * container health status; `-` when nothing is known.
 */
export function taskHealth(task: Task, instanceId: string | undefined, targets: ReadonlyMap<string, TargetState>): string {
  const states = (task.containers ?? [])
    .flatMap((c) => (c.networkBindings ?? []).map((b) => targets.get(targetKey(instanceId, b.hostPort))))
    .filter((t): t is TargetState => t !== undefined)
    .map((t) => t.state);
  const rank = ['unhealthy', 'draining', 'initial', 'unavailable', 'unused', 'healthy'];
  if (states.length) return states.sort((a, b) => rank.indexOf(a) - rank.indexOf(b))[0]!;
  return task.healthStatus && task.healthStatus !== 'UNKNOWN' ? task.healthStatus.toLowerCase() : '-';
}

export function psRows(tasks: readonly Task[], instances: ReadonlyMap<string, string>, targets: ReadonlyMap<string, TargetState>): PsRow[] {
  return [...tasks]
    .sort((a, b) => (a.group ?? '').localeCompare(b.group ?? '') || (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0))
    .map((t) => {
      const instance = t.containerInstanceArn ? (instances.get(t.containerInstanceArn) ?? shortId(t.containerInstanceArn)) : undefined;
      return {
        id: shortId(t.taskArn)!,
        ...(t.group ? { group: t.group } : {}),
        ...(t.taskDefinitionArn ? { taskDefinition: taskDefinitionName(t.taskDefinitionArn)! } : {}),
        ...(instance ? { instance } : {}),
        ports: hostPorts(t),
        ...(t.lastStatus ? { lastStatus: t.lastStatus } : {}),
        ...(t.desiredStatus ? { desiredStatus: t.desiredStatus } : {}),
        health: taskHealth(t, instance, targets),
      };
    });
}

export function renderPs(rows: readonly PsRow[]): string {
  return renderTable(
    ['task id', 'group', 'task definition', 'instance', 'ports', 'status', 'health'],
    rows.map((r) => [
      r.id,
      r.group,
      r.taskDefinition,
      r.instance,
      r.ports.join(', '),
      r.lastStatus === r.desiredStatus || !r.desiredStatus ? r.lastStatus : `${r.lastStatus}->${r.desiredStatus}`,
      r.health,
    ]),
  );
}

export const ps: Command = {
  name: 'ps',
  summary: 'list tasks with instance, host ports, status and health',
  help: `usage: berth ps [--cluster NAME] [--service NAME] [--all]

  --cluster NAME   (default "default")
  --service NAME   only this service's tasks
  -a, --all        include STOPPED tasks
${GLOBAL_FLAGS_HELP}`,
  flags: [
    { name: 'cluster', value: true },
    { name: 'service', short: 's', value: true },
    { name: 'all', short: 'a' },
  ],
  async run({ args, clients, out }) {
    if (args.positionals.length) throw usage(`unexpected argument "${args.positionals[0]}"`);
    const cluster = str(args.flags.cluster) ?? 'default';
    const serviceName = str(args.flags.service);
    const names = serviceName ? [serviceName] : await listServiceNames(clients, cluster);
    const { services, missing } = names.length ? await describeServices(clients, cluster, names) : { services: [], missing: [] };
    if (serviceName && missing.length) throw new CliError(`service ${serviceName} not found in cluster ${cluster}`, EXIT.api);
    const filter = serviceName ? { serviceName } : {};
    const arns = await listTaskArns(clients, cluster, { ...filter, desiredStatus: 'RUNNING' });
    if (args.flags.all) arns.push(...(await listTaskArns(clients, cluster, { ...filter, desiredStatus: 'STOPPED' })));
    const tasks = await describeTasks(clients, cluster, arns);
    const instances = await instanceIds(
      clients,
      cluster,
      tasks.map((t) => t.containerInstanceArn),
    );
    const targets = await readTargetHealth(
      clients,
      services.flatMap((s) => (s.loadBalancers ?? []).map((l) => l.targetGroupArn!).filter(Boolean)),
    );
    const rows = psRows(tasks, instances, targets);
    out.write(args.flags.json ? json(rows) : renderPs(rows));
    return EXIT.ok;
  },
};
