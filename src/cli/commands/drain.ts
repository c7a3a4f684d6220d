/** `berth drain <instance>`: UpdateContainerInstancesState DRAINING (or ACTIVE with --undo). */
import * as ecs from '@aws-sdk/client-ecs';
import { str, usage } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { json } from '../table.js';

export const drain: Command = {
  name: 'drain',
  summary: 'set a container instance to DRAINING so its service tasks move elsewhere',
  help: `usage: berth drain INSTANCE [--undo] [--cluster NAME]

INSTANCE is an EC2 instance id (i-...), a container instance id or its ARN.
  --undo           set it ACTIVE again
${GLOBAL_FLAGS_HELP}`,
  flags: [{ name: 'cluster', value: true }, { name: 'undo' }],
  async run({ args, clients, out }) {
    const [instance, ...extra] = args.positionals;
    if (!instance) throw usage('drain needs an instance id or ARN');
    if (extra.length) throw usage(`unexpected argument "${extra[0]}"`);
    const cluster = str(args.flags.cluster) ?? 'default';
    let arn = instance;
    if (instance.startsWith('i-')) {
      const arns: string[] = [];
      for await (const p of ecs.paginateListContainerInstances({ client: clients.ecs }, { cluster })) arns.push(...(p.containerInstanceArns ?? []));
      const d = arns.length
        ? await clients.ecs.send(new ecs.DescribeContainerInstancesCommand({ cluster, containerInstances: arns }))
        : { containerInstances: [] };
      const found = d.containerInstances?.find((c) => c.ec2InstanceId === instance);
      if (!found) throw new CliError(`no container instance with EC2 instance id ${instance} in cluster ${cluster}`);
      arn = found.containerInstanceArn!;
    }
    const status = args.flags.undo ? 'ACTIVE' : 'DRAINING';
    const r = await clients.ecs.send(new ecs.UpdateContainerInstancesStateCommand({ cluster, containerInstances: [arn], status }));
    if (r.failures?.length)
      throw new CliError(`${instance}: ${r.failures[0]!.reason ?? 'failed'}${r.failures[0]!.detail ? ` (${r.failures[0]!.detail})` : ''}`);
    const ci = r.containerInstances![0]!;
    out.write(
      args.flags.json
        ? json({ containerInstanceArn: ci.containerInstanceArn, ec2InstanceId: ci.ec2InstanceId, status: ci.status, runningTasksCount: ci.runningTasksCount })
        : `${ci.ec2InstanceId ?? ci.containerInstanceArn}: ${ci.status} (${ci.runningTasksCount ?? 0} running tasks)\n`,
    );
    return EXIT.ok;
  },
};
