/**
 * Which listeners use which certificates: ACM's InUseBy, DeleteCertificate's ResourceInUseException,
 * and the console's picker all read this one map, built from the listener records.
 */
import type { ListenerRecord } from '../elbv2/listener.js';

/** Certificate ARN → the ARNs of the listeners that use it (as default or SNI certificate), sorted. */
export function certificateUsers(listeners: readonly ListenerRecord[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of listeners) {
    for (const arn of new Set([...(l.certificateArn ? [l.certificateArn] : []), ...(l.sniCertificateArns ?? [])])) {
      const list = out.get(arn) ?? [];
      list.push(l.ListenerArn);
      out.set(arn, list);
    }
  }
  for (const list of out.values()) list.sort();
  return out;
}

const DAY = 86_400_000;
/** ACM and the console warn this long before a certificate expires. */
export const EXPIRY_WARNING_DAYS = 30;

/** Whole days until `notAfter` (negative once expired). */
export const daysToExpiry = (notAfter: number, now: number) => Math.floor((notAfter - now) / DAY);

export const expiresSoon = (notAfter: number, now: number) => notAfter - now < EXPIRY_WARNING_DAYS * DAY;
