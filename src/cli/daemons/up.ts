/** `berth up` (everything in one process) and `berth server` (the control plane and a load-balancer node, no agent). */
import { parseUpConfig } from '../../main/config.js';
import { renderHelp, wantsHelp } from '../flags/flag-table.js';
import { SERVER_USAGE, UP_FLAGS, UP_USAGE } from '../flags/up-flags.js';
import { startBerth } from '../../main/up.js';
import { startServer } from '../../main/server.js';
import { createLogger } from '../../platform/logger.js';
import { untilSignal } from './until-signal.js';
import { renderBanner } from '../banner.js';

export async function runUp(argv: readonly string[], withAgent: boolean): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(`${renderHelp(withAgent ? UP_USAGE : SERVER_USAGE, UP_FLAGS, { server: !withAgent })}\n`);
    return 0;
  }
  const config = parseUpConfig(argv, process.env);
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  const berth = withAgent ? await startBerth(config, logger, { withAgent }) : await startServer(config, logger);
  logger.debug({ apiUrl: berth.apiUrl, dataDir: config.dataDir, cluster: config.cluster }, 'berth is up');
  process.stdout.write(
    renderBanner({
      apiUrl: berth.apiUrl,
      withAgent,
      dataDir: config.dataDir,
      stopTasksOnExit: config.stopTasksOnExit,
      ...(berth.runtime ? { runtime: berth.runtime } : {}),
      ...(berth.demo ? { demo: berth.demo } : {}),
    }),
  );
  await untilSignal(() => berth.stop(), logger);
  return 0;
}
