/**
 * The `berth` command line. Subcommands map to composition roots in src/main/. Errors are one clear
 * line on stderr and a non-zero exit, never a stack trace.
 */
import { parseUpConfig, UsageError } from '../main/config.js';
import { startBerth } from '../main/up.js';
import { createLogger } from '../platform/logger.js';
import { describeError } from './cli-error.js';
import { runVerb, verbs, verbSummaries } from './verbs.js';

const usage = `usage: berth <command> [flags]        (berth <command> --help for its flags)

commands:
  up        run everything on this machine (API, store, controllers, one agent, one load-balancer node)
${verbSummaries()}

Exit codes: 0 ok, 1 API error, 2 usage error, 3 deployment FAILED or rolled back.

berth up flags (each has an env twin, e.g. --api-port / BERTH_API_PORT):
  --data-dir DIR        state directory (default ./.berth)
  --api-port PORT       AWS API port (default 4566)
  --host ADDR           address to listen on (default 127.0.0.1; non-loopback forces --auth sigv4)
  --runtime KIND        auto | docker | process (default auto)
  --cluster NAME        cluster of the local agent, created on first start (default "default")
  --auth MODE           none | sigv4 (default none on loopback)
  --access-key-id ID --secret-access-key SECRET   a key accepted under sigv4 (also <data-dir>/credentials)
  --no-demo             do not create the demo stack on first start
  --log-level LEVEL     pino level (default info)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up': {
      const config = parseUpConfig(rest, process.env);
      const logger = createLogger({ level: config.logLevel });
      const berth = await startBerth(config, logger);
      logger.info({ apiUrl: berth.apiUrl, dataDir: config.dataDir, cluster: config.cluster }, 'berth is up');
      process.stdout.write(
        `Berth is up.\n  API: ${berth.apiUrl}\n  export AWS_ENDPOINT_URL=${berth.apiUrl} AWS_REGION=us-east-1 ` +
          `AWS_ACCESS_KEY_ID=berth AWS_SECRET_ACCESS_KEY=berth\n` +
          (berth.demo
            ? `  Demo: ${berth.demo.listenerUrl}  (service ${berth.demo.serviceName}: 2 tasks on dynamic host ports behind an internal ALB)\n` +
              `  try: aws elbv2 describe-target-health --target-group-arn $(aws elbv2 describe-target-groups --names ${berth.demo.serviceName} --query 'TargetGroups[0].TargetGroupArn' --output text)\n`
            : ''),
      );
      await new Promise<void>((resolveStop) => {
        const onSignal = (signal: NodeJS.Signals): void => {
          logger.info({ signal }, 'shutting down');
          // A second signal means "now".
          process.once(signal, () => process.exit(130));
          berth.stop().then(resolveStop, (err) => {
            logger.error({ err }, 'shutdown failed');
            resolveStop();
          });
        };
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
      });
      return 0;
    }
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
