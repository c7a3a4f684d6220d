/** `berth rollback <service>`: back to the previous task definition, then follow that deployment. */
import * as ecs from '@aws-sdk/client-ecs';
import type { Service } from '@aws-sdk/client-ecs';
import { intFlag, str, usage } from '../args.js';
import { CliError } from '../cli-error.js';
import { describeServices } from '../cluster-view.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { taskDefinitionName } from '../table.js';
import { FOLLOW_FLAGS, FOLLOW_HELP, updateAndFollow } from './deploy.js';

/**
 * Where a rollback goes: the newest non-PRIMARY deployment still listed (the one being replaced),
 * else the newest ACTIVE revision of the family other than the current one. ECS forgets finished
 * deployments, so that is the best record of "what ran before"; like `kubectl rollout undo`, a
 * second rollback goes forward again. Pure.
 */
export function rollbackTarget(service: Service, familyRevisionsNewestFirst: readonly string[]): string | undefined {
  const current = service.taskDefinition;
  const older = (service.deployments ?? [])
    .filter((d) => d.status !== 'PRIMARY' && d.taskDefinition && d.taskDefinition !== current)
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  if (older[0]) return older[0].taskDefinition;
  return familyRevisionsNewestFirst.find((arn) => arn !== current);
}

export const rollback: Command = {
  name: 'rollback',
  summary: 'roll a service back to its previous task definition and follow it',
  help: `usage: berth rollback SERVICE

Goes back to the deployment being replaced, or else to the newest other ACTIVE revision of
the family (so a second rollback goes forward again).
${FOLLOW_HELP}
${GLOBAL_FLAGS_HELP}`,
  flags: [...FOLLOW_FLAGS],
  async run(ctx) {
    const [service, ...extra] = ctx.args.positionals;
    if (!service) throw usage('rollback needs a service name');
    if (extra.length) throw usage(`unexpected argument "${extra[0]}"`);
    intFlag(ctx.args.flags.timeout, 'timeout');
    const cluster = str(ctx.args.flags.cluster) ?? 'default';
    const { services } = await describeServices(ctx.clients, cluster, [service]);
    const svc = services[0];
    if (!svc) throw new CliError(`service ${service} not found in cluster ${cluster}`);
    const family = taskDefinitionName(svc.taskDefinition)?.split(':')[0];
    const revisions: string[] = [];
    if (family) {
      for await (const p of ecs.paginateListTaskDefinitions({ client: ctx.clients.ecs }, { familyPrefix: family, status: 'ACTIVE', sort: 'DESC' })) {
        revisions.push(...(p.taskDefinitionArns ?? []).filter((a) => taskDefinitionName(a)?.split(':')[0] === family));
      }
    }
    const target = rollbackTarget(svc, revisions);
    if (!target) throw new CliError(`service ${service} has no earlier task definition to roll back to`);
    if (!ctx.args.flags.json) ctx.out.write(`Rolling ${service} back from ${taskDefinitionName(svc.taskDefinition)} to ${taskDefinitionName(target)}\n`);
    return updateAndFollow(ctx, cluster, service, target);
  },
};
