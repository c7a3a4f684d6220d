/** The client verbs of `berth` (everything but `up`), and how one runs: parse, help, clients, run. */
import { parseArgs } from './args.js';
import { createClients, resolveEndpoint } from './cli-context.js';
import type { Command } from './command.js';
import { apply } from './commands/apply.js';
import { ca } from './commands/ca.js';
import { certs } from './commands/certs.js';
import { deploy } from './commands/deploy.js';
import { drain } from './commands/drain.js';
import { events } from './commands/events.js';
import { logs } from './commands/logs.js';
import { ps } from './commands/ps.js';
import { rollback } from './commands/rollback.js';
import { scale } from './commands/scale.js';
import { services } from './commands/services.js';
import { status } from './commands/status.js';
import { targets } from './commands/targets.js';

export const verbs: readonly Command[] = [apply, ps, services, targets, events, logs, deploy, rollback, scale, drain, status, certs, ca];

export function verbSummaries(): string {
  const width = Math.max(...verbs.map((v) => v.name.length));
  return verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`).join('\n');
}

export async function runVerb(verb: Command, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv, verb.flags);
  if (args.flags.help) {
    process.stdout.write(`${verb.help}\n`);
    return 0;
  }
  const clients = createClients(resolveEndpoint(args.flags, env));
  const stop = new AbortController();
  const onSigint = (): void => {
    // A second ^C means "now".
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await verb.run({ args, clients, out: process.stdout, env, signal: stop.signal });
  } finally {
    process.off('SIGINT', onSigint);
    clients.destroy();
  }
}
