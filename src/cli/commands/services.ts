/** `berth services`: one line per service, like `docker service ls`. */
import type { Service } from '@aws-sdk/client-ecs';
import { str, usage } from '../args.js';
import { describeServices, listServiceNames } from '../cluster-view.js';
import { EXIT } from '../cli-error.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { json, renderTable, taskDefinitionName } from '../table.js';

export interface ServiceRow {
  name: string;
  status?: string;
  desired: number;
  running: number;
  pending: number;
  taskDefinition?: string;
  rollout?: string;
  deployments: number;
  targetGroups: string[];
}

export function serviceRows(services: readonly Service[]): ServiceRow[] {
  return [...services]
    .sort((a, b) => (a.serviceName ?? '').localeCompare(b.serviceName ?? ''))
    .map((s) => {
      const primary = s.deployments?.find((d) => d.status === 'PRIMARY');
      const td = taskDefinitionName(s.taskDefinition);
      const rollout = primary?.rolloutState;
      return {
        name: s.serviceName ?? '?',
        ...(s.status ? { status: s.status } : {}),
        desired: s.desiredCount ?? 0,
        running: s.runningCount ?? 0,
        pending: s.pendingCount ?? 0,
        ...(td ? { taskDefinition: td } : {}),
        ...(rollout ? { rollout } : {}),
        deployments: s.deployments?.length ?? 0,
        targetGroups: (s.loadBalancers ?? []).map((l) => targetGroupName(l.targetGroupArn) ?? '?'),
      };
    });
}

/** `web` from `arn:...:targetgroup/web/0123abcd`. */
export function targetGroupName(arn: string | undefined): string | undefined {
  const m = arn ? /targetgroup\/([^/]+)\//.exec(arn) : null;
  return m ? m[1] : arn;
}

export function renderServices(rows: readonly ServiceRow[]): string {
  return renderTable(
    ['name', 'status', 'tasks', 'pending', 'task definition', 'rollout', 'target groups'],
    rows.map((r) => [
      r.name,
      r.status,
      `${r.running}/${r.desired}`,
      r.pending,
      r.taskDefinition,
      r.deployments > 1 ? `${r.rollout} (${r.deployments} deployments)` : r.rollout,
      r.targetGroups.join(','),
    ]),
  );
}

export const services: Command = {
  name: 'services',
  summary: 'list services with running/desired tasks and their rollout',
  help: `usage: berth services [--cluster NAME]

  --cluster NAME   (default "default")
${GLOBAL_FLAGS_HELP}`,
  flags: [{ name: 'cluster', value: true }],
  async run({ args, clients, out }) {
    if (args.positionals.length) throw usage(`unexpected argument "${args.positionals[0]}"`);
    const cluster = str(args.flags.cluster) ?? 'default';
    const names = await listServiceNames(clients, cluster);
    const rows = serviceRows(names.length ? (await describeServices(clients, cluster, names)).services : []);
    out.write(args.flags.json ? json(rows) : renderServices(rows));
    return EXIT.ok;
  },
};
