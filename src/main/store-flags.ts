/**
 * `--store sqlite:PATH | etcd://HOST:PORT[,HOST:PORT...]` and the etcd connection flags, for
 * `berth up`, `berth server`, `berth backup` and `berth restore`. Pure: flag values in, a choice out.
 * The etcd password is never a flag (a command line is readable by every user): BERTH_ETCD_PASSWORD.
 */
import { UsageError } from './usage-error.js';

export type StoreChoice =
  /** path undefined: `<data-dir>/berth.db`, the default. */
  | { readonly kind: 'sqlite'; readonly path?: string }
  | {
      readonly kind: 'etcd';
      readonly endpoints: readonly string[];
      readonly caFile?: string;
      readonly certFile?: string;
      readonly keyFile?: string;
      readonly user?: string;
      readonly password?: string;
      /** The cluster's `--max-txn-ops` (`--etcd-max-txn-ops`); undefined: etcd's default, 128. */
      readonly maxTxnOps?: number;
    };

export const STORE_FLAGS = {
  store: { type: 'string' },
  'etcd-cacert': { type: 'string' },
  'etcd-cert': { type: 'string' },
  'etcd-key': { type: 'string' },
  'etcd-user': { type: 'string' },
  'etcd-max-txn-ops': { type: 'string' },
} as const;

export const STORE_FLAGS_HELP = `  --store URL           sqlite:PATH (default sqlite:<data-dir>/berth.db) or etcd://HOST:PORT[,HOST:PORT...]
  --etcd-cacert FILE    CA (PEM) that signed the etcd members' certificates (turns TLS on)
  --etcd-cert FILE      client certificate (PEM) for etcd, with --etcd-key FILE
  --etcd-user NAME      etcd user; the password only from BERTH_ETCD_PASSWORD
  --etcd-max-txn-ops N  the members' --max-txn-ops (default 128, etcd's own); larger writes are split to fit`;

const ENDPOINT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export function parseStoreChoice(pick: (flag: keyof typeof STORE_FLAGS) => string | undefined, env: NodeJS.ProcessEnv): StoreChoice {
  const raw = pick('store');
  const etcdOnly = (['etcd-cacert', 'etcd-cert', 'etcd-key', 'etcd-user', 'etcd-max-txn-ops'] as const).filter((f) => pick(f) !== undefined);
  if (raw === undefined || raw.startsWith('sqlite:')) {
    if (etcdOnly.length > 0) throw new UsageError(`--${etcdOnly[0]} needs --store etcd://…`);
    const path = raw?.slice('sqlite:'.length);
    if (path === '') throw new UsageError('--store sqlite:PATH needs a path');
    return path === undefined ? { kind: 'sqlite' } : { kind: 'sqlite', path };
  }
  if (!raw.startsWith('etcd://')) throw new UsageError(`--store must be sqlite:PATH or etcd://HOST:PORT[,HOST:PORT...], got ${raw}`);
  const endpoints = raw.slice('etcd://'.length).replace(/\/$/, '').split(',');
  for (const e of endpoints) {
    const m = ENDPOINT.exec(e);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new UsageError(`--store: "${e}" is not HOST:PORT`);
  }
  const certFile = pick('etcd-cert');
  const keyFile = pick('etcd-key');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--etcd-cert and --etcd-key go together');
  const user = pick('etcd-user');
  if (user !== undefined && !env.BERTH_ETCD_PASSWORD) throw new UsageError('--etcd-user needs the password in BERTH_ETCD_PASSWORD');
  const caFile = pick('etcd-cacert');
  const maxTxnOps = parseMaxTxnOps(pick('etcd-max-txn-ops'));
  return {
    kind: 'etcd',
    endpoints,
    ...(caFile !== undefined ? { caFile } : {}),
    ...(certFile !== undefined ? { certFile } : {}),
    ...(keyFile !== undefined ? { keyFile } : {}),
    ...(user !== undefined ? { user, password: env.BERTH_ETCD_PASSWORD! } : {}),
    ...(maxTxnOps !== undefined ? { maxTxnOps } : {}),
  };
}

/**
 * At least 3: the service controller's smallest transaction is one compare on the service, one on
 * the leader's fence, and a task with its instance (two puts; a compare each).
 */
function parseMaxTxnOps(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 3) {
    throw new UsageError(`--etcd-max-txn-ops must be a whole number of at least 3 (the etcd members' --max-txn-ops), got ${raw}`);
  }
  return n;
}
