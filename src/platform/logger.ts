import { pino, type DestinationStream, type Logger } from 'pino';
import { formatLogLine } from './log-line.js';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** `auto` (default): readable lines when the output is a terminal, JSON lines otherwise. */
  format?: 'auto' | 'pretty' | 'json';
  /** Where lines go (default process.stdout); a test passes its own. */
  out?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** pino's JSON record, reformatted for a person; a line pino did not write whole passes through. */
function prettyStream(out: NodeJS.WritableStream, color: boolean): DestinationStream {
  return {
    write(line: string): void {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        out.write(line);
        return;
      }
      out.write(`${formatLogLine(record as Record<string, unknown>, color)}\n`);
    },
  };
}

/** One logger for the process; subsystems take `logger.child({ component })`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const out = options.out ?? process.stdout;
  const level = options.level ?? process.env.BERTH_LOG_LEVEL ?? 'info';
  const pretty = options.format === 'pretty' || ((options.format ?? 'auto') === 'auto' && out.isTTY === true);
  if (!pretty) return options.out ? pino({ level }, options.out) : pino({ level });
  return pino({ level }, prettyStream(out, out.isTTY === true && !process.env.NO_COLOR));
}

/** For tests and embedded use: drops everything. */
export const silentLogger: Logger = pino({ level: 'silent' });
