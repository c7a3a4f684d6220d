/**
 * Console sign-in when the API runs with `--auth sigv4`: the same access keys open the console. A
 * browser signs in once with its key pair and gets an opaque session cookie (HttpOnly, SameSite=Strict,
 * so no script and no other site can use it); a program may instead sign each console request with
 * SigV4, as it signs AWS calls. Decisions are pure over `now`; the session table is the only state.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Random } from '../../platform/random.js';

export type ConsoleAuth = { readonly mode: 'none' } | { readonly mode: 'sigv4'; readonly credentials: ReadonlyMap<string, string> };

export const SESSION_COOKIE = 'berth_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Sessions kept at most; the oldest go first, so a flood of sign-ins cannot grow memory without bound. */
const MAX_SESSIONS = 1000;

interface Session {
  readonly accessKeyId: string;
  readonly expiresAt: number;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export class ConsoleSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly credentials: ReadonlyMap<string, string>,
    private readonly random: Random,
  ) {}

  /** A new session token when the key pair is one the API accepts, else undefined. */
  signIn(accessKeyId: string, secretAccessKey: string, now: number): string | undefined {
    const secret = this.credentials.get(accessKeyId);
    // Compare even for an unknown key, so timing does not tell which key ids exist.
    const ok = sameSecret(secret ?? '\0', secretAccessKey) && secret !== undefined;
    if (!ok) return undefined;
    this.expire(now);
    while (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const token = this.random.hex(32);
    this.sessions.set(token, { accessKeyId, expiresAt: now + SESSION_TTL_MS });
    return token;
  }

  /** The access key id a live session belongs to. */
  check(token: string | undefined, now: number): string | undefined {
    if (!token) return undefined;
    const s = this.sessions.get(token);
    if (!s) return undefined;
    if (s.expiresAt <= now || !this.credentials.has(s.accessKeyId)) {
      this.sessions.delete(token);
      return undefined;
    }
    return s.accessKeyId;
  }

  signOut(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  private expire(now: number): void {
    for (const [t, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(t);
  }
}

/** The value of one cookie from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/berth/console; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/berth/console; HttpOnly; SameSite=Strict; Max-Age=0`;
}
