/**
 * Flags of the commands that work on a data dir directly rather than through the API (`backup`,
 * `restore`): `--data-dir` (env BERTH_DATA_DIR, default ./.berth, as `berth up`) and their own.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../../main/usage-error.js';

export interface DataDirArgs {
  readonly dataDir: string;
  readonly out?: string;
  readonly help: boolean;
  readonly positionals: string[];
}

export function parseDataDirArgs(argv: readonly string[], env: NodeJS.ProcessEnv, withOut: boolean): DataDirArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...(withOut ? { out: { type: 'string', short: 'o' } } : {}) },
      strict: true,
      allowPositionals: true,
    });
    const out = (values as { out?: string }).out;
    return {
      dataDir: values['data-dir'] ?? (env.BERTH_DATA_DIR || './.berth'),
      ...(out !== undefined ? { out } : {}),
      help: values.help === true,
      positionals,
    };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
