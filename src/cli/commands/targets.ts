/** `berth targets <target group>`: id, port, state, reason: the ALB console's Targets tab. */
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { usage } from '../args.js';
import { EXIT } from '../cli-error.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { json, renderTable } from '../table.js';

export interface TargetRow {
  id: string;
  port?: number;
  state: string;
  reason?: string;
  description?: string;
}

export function targetRows(descriptions: readonly elb.TargetHealthDescription[]): TargetRow[] {
  return descriptions
    .map((d) => ({
      id: d.Target?.Id ?? '?',
      ...(d.Target?.Port !== undefined ? { port: d.Target.Port } : {}),
      state: d.TargetHealth?.State ?? 'unknown',
      ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
      ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {}),
    }))
    .sort((a, b) => a.id.localeCompare(b.id) || (a.port ?? 0) - (b.port ?? 0));
}

export function renderTargets(rows: readonly TargetRow[]): string {
  return renderTable(
    ['id', 'port', 'state', 'reason'],
    rows.map((r) => [r.id, r.port, r.state, r.reason]),
  );
}

export const targets: Command = {
  name: 'targets',
  summary: 'list the targets of a target group with their health',
  help: `usage: berth targets TARGET_GROUP      (a name or an ARN)
${GLOBAL_FLAGS_HELP}`,
  flags: [],
  async run({ args, clients, out }) {
    const [tg, ...extra] = args.positionals;
    if (!tg) throw usage('targets needs a target group name or ARN');
    if (extra.length) throw usage(`unexpected argument "${extra[0]}"`);
    const found = await clients.elbv2.send(new elb.DescribeTargetGroupsCommand(tg.startsWith('arn:') ? { TargetGroupArns: [tg] } : { Names: [tg] }));
    const arn = found.TargetGroups![0]!.TargetGroupArn!;
    const r = await clients.elbv2.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: arn }));
    const rows = targetRows(r.TargetHealthDescriptions ?? []);
    out.write(args.flags.json ? json(rows) : renderTargets(rows));
    return EXIT.ok;
  },
};
