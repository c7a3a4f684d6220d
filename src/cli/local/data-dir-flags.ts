/**
 * Flags of the commands that work on a store directly rather than through the API (`backup`,
 * `restore`): `--data-dir` (env BERTH_DATA_DIR, default ./.berth, as `berth up`), `--store` and the
 * etcd flags (env twins BERTH_STORE, BERTH_ETCD_…, as `berth up`), and their own.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../../main/usage-error.js';
import { STORE_FLAGS, parseStoreChoice, type StoreChoice } from '../../main/store-flags.js';

export interface DataDirArgs {
  readonly dataDir: string;
  readonly store: StoreChoice;
  readonly out?: string;
  readonly format?: 'sqlite' | 'dump';
  readonly replace: boolean;
  readonly help: boolean;
  readonly positionals: string[];
}

export function parseDataDirArgs(argv: readonly string[], env: NodeJS.ProcessEnv, withOut: boolean): DataDirArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...STORE_FLAGS,
        ...(withOut ? { out: { type: 'string', short: 'o' }, format: { type: 'string' } } : { replace: { type: 'boolean' } }),
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const pick = (flag: string): string | undefined => {
    const v = values[flag];
    return typeof v === 'string' ? v : env[`BERTH_${flag.toUpperCase().replaceAll('-', '_')}`] || undefined;
  };
  const format = values.format as string | undefined;
  if (format !== undefined && format !== 'sqlite' && format !== 'dump') throw new UsageError(`--format must be sqlite or dump, got ${format}`);
  const out = values.out as string | undefined;
  return {
    dataDir: pick('data-dir') ?? './.berth',
    store: parseStoreChoice(pick, env),
    ...(out !== undefined ? { out } : {}),
    ...(format !== undefined ? { format } : {}),
    replace: values.replace === true,
    help: values.help === true,
    positionals: parsed.positionals,
  };
}
