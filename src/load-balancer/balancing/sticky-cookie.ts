/**
 * Stickiness cookies. ALB encrypts its cookies; Berth signs them (HMAC-SHA256, truncated) so a
 * client can neither forge a target nor read more than an opaque token. The value names the
 * target group and the target key (Id:Port) plus an expiry; a cookie that fails to verify, has
 * expired, or names a target that is no longer routable is ignored and replaced on the response.
 *
 * Names: `AWSALB` (+ `AWSALBCORS`) for lb_cookie, `AWSALBAPP-0` for app_cookie, `AWSALBTG`
 * (+ `AWSALBTGCORS`) for target-group stickiness across a weighted forward.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const lbCookie = 'AWSALB';
export const lbCorsCookie = 'AWSALBCORS';
export const appCookie = 'AWSALBAPP-0';
export const tgCookie = 'AWSALBTG';
export const tgCorsCookie = 'AWSALBTGCORS';

const sigBytes = 16;

function sign(secret: Buffer, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest().subarray(0, sigBytes);
}

export function encodeSticky(secret: Buffer, scope: string, value: string, expiresAt: number): string {
  const payload = `${scope}\n${value}\n${Math.floor(expiresAt / 1000)}`;
  return `${Buffer.from(payload).toString('base64url')}.${sign(secret, payload).toString('base64url')}`;
}

/** The value a cookie names, or undefined when it is forged, for another scope, or expired. */
export function decodeSticky(secret: Buffer, scope: string, cookie: string, now: number): string | undefined {
  const dot = cookie.indexOf('.');
  if (dot < 0) return undefined;
  const payload = Buffer.from(cookie.slice(0, dot), 'base64url').toString();
  const sig = Buffer.from(cookie.slice(dot + 1), 'base64url');
  if (sig.length !== sigBytes || !timingSafeEqual(sig, sign(secret, payload))) return undefined;
  const [s, value, exp] = payload.split('\n');
  if (s !== scope || value === undefined || Number(exp) * 1000 <= now) return undefined;
  return value;
}

/** The first cookie called `name` in the request's Cookie headers. */
export function readCookie(rawHeaders: readonly string[], name: string): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const h = rawHeaders[i]!;
    if (h.length !== 6 || h.toLowerCase() !== 'cookie') continue;
    for (const part of rawHeaders[i + 1]!.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}

/** The Set-Cookie pair ALB sends: the plain cookie and its CORS twin. */
export function stickySetCookies(name: string, corsName: string | undefined, value: string, expiresAt: number): string[] {
  const expires = new Date(expiresAt).toUTCString();
  const out = [`${name}=${value}; Expires=${expires}; Path=/`];
  if (corsName) out.push(`${corsName}=${value}; Expires=${expires}; Path=/; SameSite=None; Secure`);
  return out;
}

/** Whether a response's Set-Cookie headers set the application cookie `name`. */
export function setsCookie(setCookie: readonly string[] | undefined, name: string): boolean {
  if (!setCookie) return false;
  for (const c of setCookie) if (c.startsWith(name + '=') || c.trimStart().startsWith(name + '=')) return true;
  return false;
}
