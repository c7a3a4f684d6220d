/**
 * How Berth reaches etcd: endpoints, TLS, auth, and the per-call deadline that keeps an API request
 * from hanging on an unreachable cluster. Also the one mapping between etcd's revisions and the
 * Store's: a fresh etcd is at revision 1 with nothing written, a fresh Store at 0, so the Store's
 * revision is etcd's minus one (an etcd holding other data simply starts Berth's revisions higher).
 */
import { readFileSync } from 'node:fs';
import { Etcd3, type IOptions } from 'etcd3';
import { StoreUnavailableError } from './store.js';

export interface EtcdConnectionOptions {
  /** `host:port` or `http(s)://host:port`, one per member. */
  readonly endpoints: readonly string[];
  /** PEM files for TLS: the CA that signed the members' certificates, and a client certificate + key. */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** etcd's own user auth (the password comes from the environment, never a flag). */
  readonly user?: string;
  readonly password?: string;
  /** Every unary call fails after this long (StoreUnavailableError), so no request hangs. Default 5,000 ms. */
  readonly timeoutMs?: number;
}

export const DEFAULT_ETCD_TIMEOUT_MS = 5_000;

/** Large lists and plans: etcd's own limit (--max-request-bytes) is what bounds a write, not gRPC's 4 MiB default. */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export function connectEtcd(options: EtcdConnectionOptions): Etcd3 {
  const tls = options.caFile !== undefined || options.certFile !== undefined;
  const hosts = options.endpoints.map((e) => (/^https?:\/\//.test(e) ? e : `${tls ? 'https' : 'http'}://${e}`));
  const timeoutMs = options.timeoutMs ?? DEFAULT_ETCD_TIMEOUT_MS;
  const config: IOptions = {
    hosts,
    dialTimeout: timeoutMs,
    // Streams (watch, lease keep-alive) live as long as they are wanted; every other call has a deadline.
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeoutMs }),
    grpcOptions: { 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.max_send_message_length': MAX_MESSAGE_BYTES },
  };
  if (tls) {
    config.credentials = {
      rootCertificate: options.caFile ? readFileSync(options.caFile) : Buffer.alloc(0),
      ...(options.keyFile ? { privateKey: readFileSync(options.keyFile) } : {}),
      ...(options.certFile ? { certChain: readFileSync(options.certFile) } : {}),
    };
  }
  if (options.user !== undefined) config.auth = { username: options.user, password: options.password ?? '' };
  return new Etcd3(config);
}

/** etcd revision → Store revision. */
export const fromEtcdRevision = (etcdRevision: string | number): number => Number(etcdRevision) - 1;
/** Store revision → etcd revision (a compare against 0 stays 0: "the key does not exist"). */
export const toEtcdRevision = (storeRevision: number): number => (storeRevision === 0 ? 0 : storeRevision + 1);

/**
 * Whatever goes wrong talking to etcd (deadline, no member reachable, no quorum, an open circuit) is
 * the store being unavailable: transient, answered as a server error, retried by the caller.
 */
export function etcdFault(err: unknown): StoreUnavailableError {
  if (err instanceof StoreUnavailableError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new StoreUnavailableError('unreachable', `Berth cannot reach its store (etcd): ${message}`, err);
}
