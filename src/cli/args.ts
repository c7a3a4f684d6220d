/**
 * A small argv parser for the verbs: each verb declares its flags, so an unknown flag or a missing
 * value is a usage error (exit 2) instead of being silently ignored.
 */
import { CliError, EXIT } from './cli-error.js';

export interface FlagSpec {
  /** Long name without dashes, e.g. `cluster`. */
  readonly name: string;
  readonly short?: string;
  /** Takes a value (`--cluster x`, `--cluster=x`); otherwise a boolean switch. */
  readonly value?: boolean;
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Record<string, string | boolean | undefined>;
}

/** Flags every verb accepts. */
export const COMMON_FLAGS: readonly FlagSpec[] = [
  { name: 'endpoint', value: true },
  { name: 'region', value: true },
  { name: 'json' },
  { name: 'help', short: 'h' },
];

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const all = [...COMMON_FLAGS, ...specs];
  const byLong = new Map(all.map((s) => [s.name, s]));
  const byShort = new Map(all.filter((s) => s.short).map((s) => [s.short!, s]));
  const positionals: string[] = [];
  const flags: Record<string, string | boolean | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      spec = byLong.get(name);
      if (!spec) throw usage(`unknown flag --${name}`);
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      spec = byShort.get(arg.slice(1));
      if (!spec) throw usage(`unknown flag ${arg}`);
    } else {
      positionals.push(arg);
      continue;
    }
    if (spec.value) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw usage(`flag --${spec.name} needs a value`);
      flags[spec.name] = v;
    } else {
      if (inline !== undefined) throw usage(`flag --${spec.name} takes no value`);
      flags[spec.name] = true;
    }
  }
  return { positionals, flags };
}

export function usage(message: string): CliError {
  return new CliError(message, EXIT.usage);
}

/** A flag that must be a non-negative integer. */
export function intFlag(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw usage(`--${name} must be a non-negative integer`);
  return Number(value);
}

export function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
