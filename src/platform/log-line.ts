/**
 * A pino JSON record as one line a person reads on a terminal: time, level, component, message,
 * then the other fields as key=value. Pure; the logger pipes its records through it on a TTY.
 */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** pino's own fields, and those shown in the line's fixed columns. */
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'component', 'v']);

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v) ?? String(v);
}

export function formatLogLine(record: Readonly<Record<string, unknown>>, color = false): string {
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '--:--:--.---';
  const levelNo = typeof record.level === 'number' ? record.level : 30;
  const level = (LEVELS[levelNo] ?? String(levelNo)).padEnd(5);
  const paint = color ? (levelNo >= 50 ? '\x1b[31m' : levelNo >= 40 ? '\x1b[33m' : levelNo <= 20 ? '\x1b[2m' : '') : '';
  const component = typeof record.component === 'string' ? `${record.component}: ` : '';
  const fields: string[] = [];
  let errText = '';
  for (const [k, v] of Object.entries(record)) {
    if (OMIT.has(k) || v === undefined) continue;
    if (k === 'err' && v && typeof v === 'object') {
      const e = v as { message?: unknown; type?: unknown };
      errText = ` err=${value(String(e.message ?? e.type ?? 'error'))}`;
      continue;
    }
    fields.push(`${k}=${value(v)}`);
  }
  const msg = typeof record.msg === 'string' ? record.msg : '';
  const line = `${time} ${level} ${component}${msg}${fields.length ? ` ${fields.join(' ')}` : ''}${errText}`;
  return paint ? `${paint}${line}\x1b[0m` : line;
}
