/**
 * How one `berth server` replica proves to another that a call on the internal replica routes comes
 * from the same cluster. Replicas on one store must share the sealing key (main/secrets-key-check.ts),
 * so the signing key is derived from it: nothing new to distribute, and a server with another key
 * (another cluster) cannot sign. The derivation is an HMAC under a fixed label, so the sealing key
 * itself is never used for anything but sealing, and the signing key reveals nothing of it.
 *
 * A call carries the id of the replica it is meant for (`x-berth-replica-to`), the time it was
 * signed, and an HMAC over method, path, target, time and the body's SHA-256. Pure.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const REPLICA_TO_HEADER = 'x-berth-replica-to';
export const REPLICA_DATE_HEADER = 'x-berth-replica-date';
export const REPLICA_SIGNATURE_HEADER = 'x-berth-replica-signature';

/** A signature older or newer than this (clock skew between hosts included) is refused, as SigV4 does. */
export const REPLICA_SIGNATURE_SKEW_MS = 5 * 60_000;

const LABEL = 'berth replica routes v1';

/** The replicas' signing key, from the cluster's sealing key (secrets.key). */
export function replicaKey(sealingKey: Buffer): Buffer {
  return createHmac('sha256', sealingKey).update(LABEL).digest();
}

export interface ReplicaCall {
  readonly method: string;
  /** Path and query as sent. */
  readonly path: string;
  /** The server id of the replica the call is meant for. */
  readonly to: string;
  readonly body: Buffer;
}

function signature(key: Buffer, call: ReplicaCall, date: string): string {
  const bodyHash = createHash('sha256').update(call.body).digest('hex');
  return createHmac('sha256', key).update(`${call.method.toUpperCase()}\n${call.path}\n${call.to}\n${date}\n${bodyHash}`).digest('hex');
}

/** The headers that sign `call` at `now`. */
export function signReplicaCall(key: Buffer, call: ReplicaCall, now: number): Record<string, string> {
  const date = String(now);
  return { [REPLICA_TO_HEADER]: call.to, [REPLICA_DATE_HEADER]: date, [REPLICA_SIGNATURE_HEADER]: signature(key, call, date) };
}

export type ReplicaVerdict =
  | { readonly ok: true }
  /** 403: not signed by this cluster's key (or too old); 421: signed for another replica (a stale URL). */
  | { readonly ok: false; readonly status: 403 | 421; readonly code: string; readonly message: string };

/** Whether `call` (meant for `to` per its header) may be answered by replica `self` at `now`. */
export function verifyReplicaCall(
  key: Buffer,
  self: string,
  call: Omit<ReplicaCall, 'to'>,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  now: number,
): ReplicaVerdict {
  const one = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const to = one(REPLICA_TO_HEADER);
  const date = one(REPLICA_DATE_HEADER);
  const given = one(REPLICA_SIGNATURE_HEADER);
  const refuse = (message: string): ReplicaVerdict => ({ ok: false, status: 403, code: 'AccessDeniedException', message });
  if (to === undefined || date === undefined || given === undefined) {
    return refuse(`a replica call needs ${REPLICA_TO_HEADER}, ${REPLICA_DATE_HEADER} and ${REPLICA_SIGNATURE_HEADER}`);
  }
  const at = Number(date);
  if (!/^\d+$/.test(date) || Math.abs(now - at) > REPLICA_SIGNATURE_SKEW_MS) {
    return refuse(`${REPLICA_DATE_HEADER} is not within ${REPLICA_SIGNATURE_SKEW_MS / 60_000} minutes of this server's time`);
  }
  const expected = Buffer.from(signature(key, { ...call, to }, date), 'hex');
  const got = Buffer.from(given, 'hex');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    return refuse("the replica signature does not match: the caller does not hold this cluster's secrets key");
  }
  if (to !== self) {
    return { ok: false, status: 421, code: 'MisdirectedRequest', message: `this call is meant for server ${to}; this is server ${self}` };
  }
  return { ok: true };
}
