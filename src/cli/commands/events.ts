/** `berth events <service> [-n N]`: the service's event messages, oldest first like a log. */
import type { ServiceEvent } from '@aws-sdk/client-ecs';
import { intFlag, str, usage } from '../args.js';
import { describeServices } from '../cluster-view.js';
import { CliError, EXIT } from '../cli-error.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { json } from '../table.js';

/** ECS lists events newest first; a reader wants the last N in time order. */
export function lastEvents(events: readonly ServiceEvent[], n: number): ServiceEvent[] {
  return [...events].sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0)).slice(n === 0 ? 0 : -n);
}

export function renderEvents(events: readonly ServiceEvent[]): string {
  return events.map((e) => `${e.createdAt?.toISOString() ?? '-'}  ${e.message ?? ''}\n`).join('');
}

export const events: Command = {
  name: 'events',
  summary: "show a service's events",
  help: `usage: berth events SERVICE [-n N] [--cluster NAME]

  -n, --lines N    the last N events (default 20; 0 for all)
  --cluster NAME   (default "default")
${GLOBAL_FLAGS_HELP}`,
  flags: [
    { name: 'lines', short: 'n', value: true },
    { name: 'cluster', value: true },
  ],
  async run({ args, clients, out }) {
    const [name, ...extra] = args.positionals;
    if (!name) throw usage('events needs a service name');
    if (extra.length) throw usage(`unexpected argument "${extra[0]}"`);
    const n = intFlag(args.flags.lines, 'lines') ?? 20;
    const cluster = str(args.flags.cluster) ?? 'default';
    const { services } = await describeServices(clients, cluster, [name]);
    if (!services[0]) throw new CliError(`service ${name} not found in cluster ${cluster}`, EXIT.api);
    const shown = lastEvents(services[0].events ?? [], n);
    out.write(args.flags.json ? json(shown.map((e) => ({ id: e.id, createdAt: e.createdAt, message: e.message }))) : renderEvents(shown));
    return EXIT.ok;
  },
};
