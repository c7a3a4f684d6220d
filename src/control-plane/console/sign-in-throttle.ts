/**
 * How fast the console's sign-in may be tried: token buckets, one per client address and one for
 * all of them (loopback alone offers 2^24 source addresses, so the per-address bucket alone would
 * not bound a guesser). Every attempt costs a token, before the key is checked, so a refused
 * attempt tells nothing about the key. Pure over `now`; the buckets are the only state.
 */
export interface BucketRule {
  /** Attempts allowed at once. */
  readonly burst: number;
  /** One more attempt is allowed every this many ms. */
  readonly refillMs: number;
}

export const PER_CLIENT: BucketRule = { burst: 5, refillMs: 3_000 };
export const OVERALL: BucketRule = { burst: 20, refillMs: 1_000 };
/** Client buckets kept at most; a full bucket carries no information and goes first. */
const MAX_CLIENTS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export type ThrottleVerdict = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

function refill(b: Bucket, rule: BucketRule, now: number): void {
  const gained = Math.floor((now - b.at) / rule.refillMs);
  if (gained <= 0) return;
  b.tokens = Math.min(rule.burst, b.tokens + gained);
  b.at = b.tokens === rule.burst ? now : b.at + gained * rule.refillMs;
}

export class SignInThrottle {
  private readonly clients = new Map<string, Bucket>();
  private readonly overall: Bucket;

  constructor(
    private readonly perClient: BucketRule = PER_CLIENT,
    private readonly all: BucketRule = OVERALL,
    now = 0,
  ) {
    this.overall = { tokens: all.burst, at: now };
  }

  /** Takes one attempt for `client`, or says how long until one is allowed. */
  attempt(client: string, now: number): ThrottleVerdict {
    let mine = this.clients.get(client);
    if (!mine) {
      mine = { tokens: this.perClient.burst, at: now };
      this.remember(client, mine, now);
    }
    refill(mine, this.perClient, now);
    refill(this.overall, this.all, now);
    if (mine.tokens < 1) return { ok: false, retryAfterMs: mine.at + this.perClient.refillMs - now };
    if (this.overall.tokens < 1) return { ok: false, retryAfterMs: this.overall.at + this.all.refillMs - now };
    mine.tokens -= 1;
    this.overall.tokens -= 1;
    return { ok: true };
  }

  private remember(client: string, bucket: Bucket, now: number): void {
    if (this.clients.size >= MAX_CLIENTS) {
      for (const [c, b] of this.clients) {
        refill(b, this.perClient, now);
        if (b.tokens >= this.perClient.burst) this.clients.delete(c);
      }
      // All still draining: drop the oldest, which refills soonest.
      while (this.clients.size >= MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
    }
    this.clients.set(client, bucket);
  }
}
