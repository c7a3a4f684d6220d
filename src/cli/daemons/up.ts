/** `berth up` (everything in one process) and `berth server` (the control plane and a load-balancer node, no agent). */
import { parseUpConfig } from '../../main/config.js';
import { renderHelp, wantsHelp } from '../flags/flag-table.js';
import { SERVER_USAGE, UP_FLAGS, UP_USAGE } from '../flags/up-flags.js';
import { startBerth } from '../../main/up.js';
import { createLogger } from '../../platform/logger.js';
import { untilSignal } from './until-signal.js';

export async function runUp(argv: readonly string[], withAgent: boolean): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(`${renderHelp(withAgent ? UP_USAGE : SERVER_USAGE, UP_FLAGS, { server: !withAgent })}\n`);
    return 0;
  }
  const config = parseUpConfig(argv, process.env);
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  const berth = await startBerth(withAgent ? config : { ...config, demo: false }, logger, { withAgent });
  logger.info({ apiUrl: berth.apiUrl, dataDir: config.dataDir, cluster: config.cluster }, 'berth is up');
  process.stdout.write(
    `Berth is up.\n  API: ${berth.apiUrl}\n  Console: ${berth.apiUrl}/\n  export AWS_ENDPOINT_URL=${berth.apiUrl} AWS_REGION=us-east-1 ` +
      `AWS_ACCESS_KEY_ID=berth AWS_SECRET_ACCESS_KEY=berth\n` +
      // AWS_ENDPOINT_URL needs AWS CLI 2.13+; Debian 12 ships 2.9, which takes only the flag.
      `  older AWS CLI v2 (Debian 12's 2.9): aws --endpoint-url ${berth.apiUrl} ecs list-clusters\n` +
      (withAgent ? '' : `  agents: berth agent --server ${berth.apiUrl} --advertise-ip <this host's address>\n`) +
      (berth.demo
        ? `  Demo: ${berth.demo.listenerUrl}  (service ${berth.demo.serviceName}: 2 tasks on dynamic host ports behind an internal ALB)\n` +
          `  try: aws elbv2 describe-target-health --target-group-arn $(aws elbv2 describe-target-groups --names ${berth.demo.serviceName} --query 'TargetGroups[0].TargetGroupArn' --output text)\n`
        : ''),
  );
  await untilSignal(() => berth.stop(), logger);
  return 0;
}
