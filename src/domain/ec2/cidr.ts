/**
 * IPv4 CIDR blocks as VPCs and subnets use them: parsed strictly (the base must be the block's first
 * address, as EC2 requires), compared for containment and overlap.
 */
import { isIPv4 } from 'node:net';

export interface Cidr {
  /** First address, as an unsigned 32-bit integer. */
  readonly base: number;
  readonly bits: number;
}

const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/** Undefined unless `text` is `a.b.c.d/n` with n in 0..32 and no host bits set. */
export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
  if (!m || !isIPv4(m[1]!)) return undefined;
  const bits = Number(m[2]);
  if (bits > 32) return undefined;
  const base = toInt(m[1]!);
  const size = 2 ** (32 - bits);
  return base % size === 0 ? { base, bits } : undefined;
}

const end = (c: Cidr) => c.base + 2 ** (32 - c.bits) - 1;

export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.base >= outer.base && end(inner) <= end(outer);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base <= end(b) && b.base <= end(a);
}

/** Addresses a subnet offers to instances: AWS keeps five of every block (network, router, DNS, future, broadcast). */
export function usableAddresses(c: Cidr): number {
  return 2 ** (32 - c.bits) - 5;
}
