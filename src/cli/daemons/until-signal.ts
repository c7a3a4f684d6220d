/** Long-running commands (up, server, agent) run until SIGTERM or SIGINT, then stop cleanly. */
import type { Logger } from '../../platform/logger.js';

export function untilSignal(stop: () => Promise<void>, logger: Logger): Promise<void> {
  return new Promise<void>((resolveStop) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'shutting down');
      // A second signal means "now".
      process.once(signal, () => process.exit(130));
      stop().then(resolveStop, (err) => {
        logger.error({ err }, 'shutdown failed');
        resolveStop();
      });
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}
