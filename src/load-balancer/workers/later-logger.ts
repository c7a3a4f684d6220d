/**
 * A worker's log before pino has loaded: lines wait here (at most 1,000) and go out once it has.
 * Loading pino is about a tenth of a second of a worker's start, on the path of a restarted node's
 * first request, and a worker has nothing to say before it listens but a rare warning, so it loads
 * pino after its first table is live.
 */
import type { Logger } from '../../platform/logger.js';
import type { LineLog } from '../node/descriptor-logs.js';

export class LaterLogger implements LineLog {
  private logger: Logger | undefined;
  private readonly waiting: Array<(logger: Logger) => void> = [];

  info(fields: object, message: string): void {
    this.emit((l) => l.info(fields, message));
  }

  warn(fields: object, message: string): void {
    this.emit((l) => l.warn(fields, message));
  }

  /** From now on lines go to `logger`; those waiting go first, in order. */
  attach(logger: Logger): void {
    this.logger = logger;
    for (const line of this.waiting.splice(0)) line(logger);
  }

  private emit(line: (logger: Logger) => void): void {
    if (this.logger) line(this.logger);
    else if (this.waiting.length < 1000) this.waiting.push(line);
  }
}
