/** `berth up` (everything in one process) and `berth server` (the control plane and a load-balancer node, no agent). */
import { parseUpConfig } from '../../main/config.js';
import { HOST_FLAGS_HELP } from '../../main/host-flags.js';
import { startBerth } from '../../main/up.js';
import { startServer } from '../../main/server.js';
import { createLogger } from '../../platform/logger.js';
import { untilSignal } from './until-signal.js';

export const UP_FLAGS_HELP = `berth up / berth server flags (each has an env twin, e.g. --api-port / BERTH_API_PORT):
  --data-dir DIR        state directory (default ./.berth)
  --api-port PORT       AWS API port (default 4566)
  --host ADDR           address to listen on (default 127.0.0.1; non-loopback forces --auth sigv4)
  --runtime KIND        auto | docker | process (default auto; up only)
  --cluster NAME        cluster of the local agent, created on first start (default "default")
  --advertise-ip IP     where the local agent publishes ports (default 127.0.0.1; up only)
  --port-range LOW-HIGH dynamic host ports (default 20000-32000, clear of the kernel's ephemeral range)
  --agent-timeout S     an agent silent this long is disconnected (default 60)
  --lost-after S        an instance silent this long is lost: tasks STOPPED and replaced (default 600; 0 = never)
  --auth MODE           none | sigv4 (default none on loopback)
  --access-key-id ID    with BERTH_SECRET_ACCESS_KEY (env only: a command line is readable by every user), a key
                        accepted under sigv4; or write them to <data-dir>/credentials
  --account-id ID       the account in every ARN (12 digits, default 000000000000)
  --no-demo             do not create the demo stack on first start (up only)
  --no-lb               no load-balancer node in this process: listeners are served by berth lb nodes
  --web-root DIR        serve this console build instead of the package's dist/web
  --internal-address IP where internal load balancers listen (default 127.0.0.1; internet-facing: 0.0.0.0)
  --allow-loopback-targets  RegisterTargets accepts 127.0.0.0/8 and ::1 ip targets (default: on when --host is loopback)
  --log-level LEVEL     pino level (default info)
  --max-tasks-per-service N               largest desiredCount (default 5000, ECS's quota)
  --max-services-per-cluster N            services per cluster (default 5000, ECS's quota)
  --max-containers-per-task-definition N  container definitions per task definition (default 10, ECS's quota)
  --max-task-definition-kib N             size of a RegisterTaskDefinition request (default 64, ECS's quota)
the local agent's host (up only):
${HOST_FLAGS_HELP}`;

export async function runUp(argv: readonly string[], withAgent: boolean): Promise<number> {
  const config = parseUpConfig(argv, process.env);
  const logger = createLogger({ level: config.logLevel });
  const berth = withAgent ? await startBerth(config, logger, { withAgent }) : await startServer(config, logger);
  logger.info({ apiUrl: berth.apiUrl, dataDir: config.dataDir, cluster: config.cluster }, 'berth is up');
  process.stdout.write(
    `Berth is up.\n  API: ${berth.apiUrl}\n  Console: ${berth.apiUrl}/\n  export AWS_ENDPOINT_URL=${berth.apiUrl} AWS_REGION=us-east-1 ` +
      `AWS_ACCESS_KEY_ID=berth AWS_SECRET_ACCESS_KEY=berth\n` +
      // AWS_ENDPOINT_URL needs AWS CLI 2.13+; Debian 12 ships 2.9, which takes only the flag.
      `  older AWS CLI v2 (Debian 12's 2.9): aws --endpoint-url ${berth.apiUrl} ecs list-clusters\n` +
      (withAgent ? '' : `  agents: berth agent --server ${berth.apiUrl} --advertise-ip <this host's address>\n  load-balancer nodes: berth lb --server ${berth.apiUrl} --advertise-ip <their address>\n`) +
      (berth.demo
        ? `  Demo: ${berth.demo.listenerUrl}  (service ${berth.demo.serviceName}: 2 tasks on dynamic host ports behind an internal ALB)\n` +
          `  try: aws elbv2 describe-target-health --target-group-arn $(aws elbv2 describe-target-groups --names ${berth.demo.serviceName} --query 'TargetGroups[0].TargetGroupArn' --output text)\n`
        : ''),
  );
  await untilSignal(() => berth.stop(), logger);
  return 0;
}
