/** What a verb is: its flags, its help text, and a run that returns the exit code. */
import type { FlagSpec } from './args.js';
import type { CommandContext } from './cli-context.js';

export interface Command {
  readonly name: string;
  /** One line for `berth --help`. */
  readonly summary: string;
  /** `berth <verb> --help`: synopsis and flags. */
  readonly help: string;
  readonly flags: readonly FlagSpec[];
  run(ctx: CommandContext): Promise<number>;
}

export const GLOBAL_FLAGS_HELP = `global flags:
  --endpoint URL   the Berth API (default http://127.0.0.1:4566; env BERTH_ENDPOINT or AWS_ENDPOINT_URL)
  --region REGION  (default us-east-1; env AWS_REGION)
  --json           machine-readable output
  -h, --help       this help`;
