/**
 * Several servers that each answer the whole protocol (replicas over one store): a call goes to the
 * server that last answered, and moves on to the next one when that one cannot be reached or
 * answers a server error (5xx: its store may be down, another replica's may not). Each call tries
 * every server at most once; the caller's own retry loop (poll, heartbeat) covers longer outages.
 */

/** Why a server was skipped: it is unreachable, or it answered 5xx. */
export class ServerUnavailable extends Error {
  override readonly name = 'ServerUnavailable';
  constructor(
    readonly url: string,
    override readonly cause: unknown,
  ) {
    super(`${url}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** `URL[,URL...]` from a flag, each without its trailing slash; throws on an empty list or a non-http URL. */
export function parseServerUrls(raw: string): string[] {
  const urls = raw
    .split(',')
    .map((u) => u.trim().replace(/\/+$/, ''))
    .filter((u) => u !== '');
  if (urls.length === 0) throw new Error('--server needs at least one URL');
  for (const u of urls) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new Error(`--server: "${u}" is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`--server: "${u}" is not an http(s) URL`);
  }
  return urls;
}

export class ServerFailover {
  private preferred = 0;

  constructor(readonly urls: readonly string[]) {
    if (urls.length === 0) throw new Error('ServerFailover needs at least one server URL');
  }

  /** The server the next call goes to first. */
  current(): string {
    return this.urls[this.preferred]!;
  }

  /**
   * Runs `attempt` against each server in turn, starting with the preferred one, until one does not
   * throw ServerUnavailable. Any other error is the server's answer and is thrown at once. When all
   * are unavailable, the last ServerUnavailable is thrown.
   */
  async call<T>(attempt: (baseUrl: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
    let last: unknown;
    for (let i = 0; i < this.urls.length; i++) {
      if (signal?.aborted) throw signal.reason;
      const index = (this.preferred + i) % this.urls.length;
      try {
        const out = await attempt(this.urls[index]!);
        this.preferred = index;
        return out;
      } catch (err) {
        if (!(err instanceof ServerUnavailable)) {
          this.preferred = index;
          throw err;
        }
        last = err;
      }
    }
    throw last;
  }
}
