/**
 * One table per daemon (`up`/`server`, `agent`) says every flag once: its name, whether it takes a
 * value, the default a user sees, its help text and its environment twin. The parsers, `--help` and
 * the README's flag table are all derived from it, so none of them can drift from the others. Pure.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../../main/usage-error.js';

export interface DaemonFlag {
  /** Long name without dashes, e.g. `api-port`. */
  readonly name: string;
  /** `string` takes a value, `boolean` is a switch, `multiple` takes a value and may repeat. */
  readonly type: 'string' | 'boolean' | 'multiple';
  /** The value's placeholder in help, e.g. `PORT`. */
  readonly placeholder?: string;
  /** The default as a user reads it (`4566`, `on when --host is loopback`); absent: none. */
  readonly default?: string;
  readonly help: string;
  /** The environment twin; `false` for a flag without one (a refused flag, `--help`). Default `BERTH_<NAME>`. */
  readonly env?: string | false;
  /** Acts under `berth up` only: `berth server` (same table, no local agent) hides it from --help and ignores it. */
  readonly upOnly?: boolean;
  /** Parsed only to be refused with a reason; never shown. */
  readonly hidden?: boolean;
}

export type FlagTable = readonly DaemonFlag[];

export function envName(flag: DaemonFlag): string | undefined {
  if (flag.env === false) return undefined;
  return flag.env ?? `BERTH_${flag.name.toUpperCase().replaceAll('-', '_')}`;
}

/** node:util `parseArgs` options for a table. */
export function parseOptions(table: FlagTable): Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> {
  const out: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const f of table) {
    out[f.name] = f.type === 'multiple' ? { type: 'string', multiple: true } : { type: f.type };
    if (f.name === 'help') out[f.name] = { type: 'boolean', short: 'h' };
  }
  return out;
}

export type FlagValues = Readonly<Record<string, string | boolean | string[] | undefined>>;

/** `--help` or `-h` anywhere: help wins over every other flag, valid or not. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--help' || a === '-h');
}

/** Parses argv against a table; an unknown flag or a missing value is a UsageError (exit 2). */
export function parseFlags(table: FlagTable, argv: readonly string[]): FlagValues {
  try {
    const { values } = parseArgs({ args: [...argv], options: parseOptions(table), strict: true, allowPositionals: false });
    // A string option yields strings (repeated: string[]), a boolean one true; never booleans in arrays.
    return values as FlagValues;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The flag's value, else its env twin's (flags win); a switch arrives as `true`, its twin as text. */
export function pickFlag(table: FlagTable, values: FlagValues, env: NodeJS.ProcessEnv, name: string): string | undefined {
  const flag = table.find((f) => f.name === name);
  if (!flag) throw new Error(`no flag --${name} in this table`);
  const v = values[name];
  if (typeof v === 'string') return v;
  if (v === true) return 'true';
  const twin = envName(flag);
  return (twin && env[twin]) || undefined;
}

/** A switch set by its flag or by its env twin as `1`/`true`. */
export function switchOn(table: FlagTable, values: FlagValues, env: NodeJS.ProcessEnv, name: string): boolean {
  const v = pickFlag(table, values, env, name);
  return v !== undefined && ['1', 'true'].includes(v);
}

function label(f: DaemonFlag): string {
  const short = f.name === 'help' ? '-h, ' : '';
  return `${short}--${f.name}${f.placeholder ? ` ${f.placeholder}` : ''}`;
}

const HELP_WIDTH = 110;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** `--help` text: one entry per visible flag, its default and env twin, wrapped to a terminal. */
export function renderHelp(usage: string, table: FlagTable, options: { server?: boolean } = {}): string {
  const shown = table.filter((f) => !f.hidden && !(options.server && f.upOnly));
  const width = Math.min(32, Math.max(...shown.map((f) => label(f).length)) + 2);
  const lines = [usage, '', 'flags (a flag wins over its environment twin):'];
  for (const f of shown) {
    const twin = envName(f);
    const extras = [f.default !== undefined ? `default ${f.default}` : undefined, twin ? `env ${twin}` : undefined, f.upOnly ? 'up only' : undefined]
      .filter(Boolean)
      .join('; ');
    const text = wrap(`${f.help}${extras ? ` (${extras})` : ''}`, HELP_WIDTH - width - 2);
    const name = label(f);
    const first = name.length + 2 > width ? [`  ${name}`, `  ${' '.repeat(width)}${text[0]}`] : [`  ${name.padEnd(width)}${text[0]}`];
    lines.push(...first, ...text.slice(1).map((t) => `  ${' '.repeat(width)}${t}`));
  }
  return lines.join('\n');
}

/** The README's table: flag, env twin, default, what. */
export function renderMarkdown(table: FlagTable): string {
  const cell = (s: string): string => s.replaceAll('|', '\\|');
  const rows = table
    .filter((f) => !f.hidden && f.name !== 'help')
    .map((f) => `| \`${label(f)}\` | ${envName(f) ? `\`${envName(f)}\`` : ''} | ${cell(f.default ?? '')} | ${cell(f.help)}${f.upOnly ? ' (up only)' : ''} |`);
  return ['| flag | env | default | what |', '|---|---|---|---|', ...rows].join('\n');
}
