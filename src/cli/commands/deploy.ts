/**
 * `berth deploy <service> (--image IMG [--container NAME] | --task-definition family[:rev])`:
 * a new revision with the image swapped (or the given one), UpdateService, then follow it.
 */
import * as ecs from '@aws-sdk/client-ecs';
import { intFlag, str, usage } from '../args.js';
import type { CommandContext } from '../cli-context.js';
import { CliError, EXIT } from '../cli-error.js';
import { describeServices } from '../cluster-view.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { followDeployment } from '../follow-deployment.js';
import { json, taskDefinitionName } from '../table.js';
import { withImage } from '../task-definition-copy.js';

export const FOLLOW_FLAGS = [
  { name: 'cluster', value: true },
  { name: 'detach', short: 'd' },
  { name: 'timeout', value: true },
] as const;
export const FOLLOW_HELP = `  --cluster NAME   (default "default")
  -d, --detach     do not follow the deployment
  --timeout SECS   stop following after SECS (default 600; exit 1)`;

/** `--strategy` words → ECS's DeploymentStrategy. */
const STRATEGIES: Record<string, ecs.DeploymentStrategy> = { rolling: 'ROLLING', 'blue-green': 'BLUE_GREEN', canary: 'CANARY', linear: 'LINEAR' };

export function strategyFlag(value: string | undefined): ecs.DeploymentStrategy | undefined {
  if (value === undefined) return undefined;
  const s = STRATEGIES[value];
  if (!s) throw usage(`--strategy must be one of ${Object.keys(STRATEGIES).join(', ')}`);
  return s;
}

/** UpdateService to `taskDefinition` (with `strategy`, when given), then follow the new PRIMARY deployment. */
export async function updateAndFollow(
  ctx: CommandContext,
  cluster: string,
  service: string,
  taskDefinition: string,
  strategy?: ecs.DeploymentStrategy,
): Promise<number> {
  const r = await ctx.clients.ecs.send(
    new ecs.UpdateServiceCommand({ cluster, service, taskDefinition, ...(strategy ? { deploymentConfiguration: { strategy } } : {}) }),
  );
  const primary = r.service?.deployments?.find((d) => d.status === 'PRIMARY');
  if (!primary?.id) throw new CliError(`service ${service} has no PRIMARY deployment after the update`);
  const td = taskDefinitionName(primary.taskDefinition);
  if (ctx.args.flags.detach) {
    ctx.out.write(
      ctx.args.flags.json
        ? json({ service, deploymentId: primary.id, taskDefinition: td, outcome: 'detached' })
        : `${service}: deployment ${primary.id} of ${td} started\n`,
    );
    return EXIT.ok;
  }
  const timeoutS = intFlag(ctx.args.flags.timeout, 'timeout') ?? 600;
  return followDeployment(ctx, { cluster, service, deploymentId: primary.id, timeoutMs: timeoutS * 1000 });
}

export const deploy: Command = {
  name: 'deploy',
  summary: 'roll a service to a new image or task definition and follow the deployment',
  help: `usage: berth deploy SERVICE --image IMAGE [--container NAME] [--strategy S]
       berth deploy SERVICE --task-definition FAMILY[:REVISION] [--strategy S]

Exits 0 when the deployment is COMPLETED, 3 when it FAILED or was rolled back.
  --image IMAGE              register a new revision of the service's task definition with this image
  --container NAME           the container to change (needed when there are several)
  --task-definition TD       deploy this task definition instead
  --strategy S               rolling, blue-green, canary or linear (sets deploymentConfiguration.strategy;
                             the last three need advancedConfiguration on the service's load balancers);
                             the stage and the live traffic split are shown while it shifts
${FOLLOW_HELP}
${GLOBAL_FLAGS_HELP}`,
  flags: [
    { name: 'image', value: true },
    { name: 'container', short: 'c', value: true },
    { name: 'task-definition', value: true },
    { name: 'strategy', value: true },
    ...FOLLOW_FLAGS,
  ],
  async run(ctx) {
    const { args, clients } = ctx;
    const [service, ...extra] = args.positionals;
    if (!service) throw usage('deploy needs a service name');
    if (extra.length) throw usage(`unexpected argument "${extra[0]}"`);
    const image = str(args.flags.image);
    const taskDefinition = str(args.flags['task-definition']);
    if ((image === undefined) === (taskDefinition === undefined)) throw usage('deploy needs exactly one of --image or --task-definition');
    if (args.flags.container !== undefined && image === undefined) throw usage('--container goes with --image');
    const cluster = str(args.flags.cluster) ?? 'default';
    intFlag(args.flags.timeout, 'timeout');
    const strategy = strategyFlag(str(args.flags.strategy));

    let target = taskDefinition;
    if (image !== undefined) {
      const { services } = await describeServices(clients, cluster, [service]);
      const svc = services[0];
      if (!svc?.taskDefinition) throw new CliError(`service ${service} not found in cluster ${cluster}`);
      const current = await clients.ecs.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition }));
      const input = withImage(current.taskDefinition!, image, str(args.flags.container));
      const registered = await clients.ecs.send(new ecs.RegisterTaskDefinitionCommand(input));
      target = registered.taskDefinition!.taskDefinitionArn!;
      if (!args.flags.json) ctx.out.write(`Registered ${taskDefinitionName(target)} (${image})\n`);
    }
    return updateAndFollow(ctx, cluster, service, target!, strategy);
  },
};
