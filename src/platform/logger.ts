import { pino, type Logger } from 'pino';

export type { Logger };

/** One logger for the process; subsystems take `logger.child({ component })`. */
export function createLogger(options: { level?: string } = {}): Logger {
  return pino({ level: options.level ?? process.env.BERTH_LOG_LEVEL ?? 'info' });
}

/** For tests and embedded use: drops everything. */
export const silentLogger: Logger = pino({ level: 'silent' });
