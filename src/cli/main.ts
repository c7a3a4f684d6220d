/**
 * The `berth` command line. Subcommands map to composition roots in src/main/. Errors are one clear
 * line on stderr and a non-zero exit, never a stack trace.
 */
import { UsageError } from '../main/config.js';

// Berth supports Node 20; the SDK's notice that its future releases will not belongs in no table.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { describeError } from './cli-error.js';
import { runVerb, verbs, verbSummaries } from './verbs.js';

const usage = `usage: berth <command> [flags]        (berth <command> --help for its flags)

commands:
  up        run everything on this machine (API, store, controllers, one agent, one load-balancer node)
  server    the control plane and a load-balancer node, for agents on other hosts
  agent     run tasks on this host for a server elsewhere (berth agent --server URL[,URL...] --advertise-ip IP)
  lb        a load-balancer node on its own, fed by the servers (berth lb --server URL[,URL...] --advertise-ip IP)
  backup    copy the store of a data dir while Berth runs (berth backup --out FILE [--data-dir DIR])
  restore   put a backup in place in a data dir no Berth runs on (berth restore FILE [--data-dir DIR])
${verbSummaries()}

Exit codes: 0 ok, 1 API error, 2 usage error, 3 deployment FAILED or rolled back.
berth up --help, berth server --help, berth agent --help and berth lb --help list the daemons' flags.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    // Loaded on demand: a verb that only talks to the API need not load the daemons (the store, fastify, the proxy),
    // which is most of a verb's start-up time.
    case 'up':
      return (await import('./daemons/up.js')).runUp(rest, true);
    case 'server':
      return (await import('./daemons/up.js')).runUp(rest, false);
    case 'agent':
      return (await import('./daemons/agent.js')).runAgent(rest);
    case 'lb':
      return (await import('./daemons/lb.js')).runLb(rest);
    case 'backup':
      return (await import('./local/backup.js')).runBackup(rest);
    case 'restore':
      return (await import('./local/restore.js')).runRestore(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${usage}\n`);
      return command === undefined ? 2 : 0;
    default: {
      const verb = verbs.find((v) => v.name === command);
      if (!verb) throw new UsageError(`unknown command "${command}"`);
      return runVerb(verb, rest, process.env);
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    const { line, exitCode } = err instanceof UsageError ? { line: err.message, exitCode: 2 } : describeError(err);
    const hint = exitCode === 2 ? ' (berth --help for usage)' : '';
    process.stderr.write(`berth: ${line}${hint}\n`);
    process.exit(exitCode);
  },
);
