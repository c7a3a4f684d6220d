/** `berth scale <service> N`: UpdateService desiredCount. */
import * as ecs from '@aws-sdk/client-ecs';
import { str, usage } from '../args.js';
import { EXIT } from '../cli-error.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { json } from '../table.js';

export const scale: Command = {
  name: 'scale',
  summary: "set a service's desired count",
  help: `usage: berth scale SERVICE N [--cluster NAME]
${GLOBAL_FLAGS_HELP}`,
  flags: [{ name: 'cluster', value: true }],
  async run({ args, clients, out }) {
    const [service, count, ...extra] = args.positionals;
    if (!service || count === undefined) throw usage('scale needs SERVICE and N');
    if (extra.length) throw usage(`unexpected argument "${extra[0]}"`);
    if (!/^\d+$/.test(count)) throw usage(`N must be a non-negative integer, not "${count}"`);
    const cluster = str(args.flags.cluster) ?? 'default';
    const r = await clients.ecs.send(new ecs.UpdateServiceCommand({ cluster, service, desiredCount: Number(count) }));
    const s = r.service!;
    out.write(
      args.flags.json
        ? json({ service: s.serviceName, desiredCount: s.desiredCount, runningCount: s.runningCount })
        : `${s.serviceName}: desired count ${s.desiredCount} (running ${s.runningCount})\n`,
    );
    return EXIT.ok;
  },
};
