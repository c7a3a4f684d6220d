/**
 * One try of a forwarded request on one target: a dispatch handler for undici or Berth's own
 * HTTP/1.1 client (target-connection.ts), one object per try, no per-request closures, that streams the target's response to the client with backpressure.
 * A failure before any response byte goes back to the engine, which retries or answers 502/504;
 * a failure after it can only cut the client connection.
 */
import type { Target } from '../routing-table.js';
import { targetKey } from '../routing-table.js';
import { clientGone, writeBody, writeResponseHead } from './h2-bridge.js';
import type { Exchange, ProxyEngine } from './proxy-engine.js';
import type { TargetPool } from './target-pools.js';

export class ForwardAttempt {
  private abort: ((err?: Error) => void) | undefined;
  private responded = false;
  private done = false;
  private status = 0;
  private resume: (() => void) | undefined;
  private readonly key: string;

  constructor(
    private readonly engine: ProxyEngine,
    private readonly x: Exchange,
    private readonly target: Target,
    private readonly pool: TargetPool,
    private readonly now: number,
  ) {
    this.key = targetKey(target);
    engine.pools.started(pool);
    x.balancer.acquired(this.key);
    engine.metricsStarted(x.group.arn, this.key);
    // `on`, not `once`: once wraps the listener in a new closure per request; release() removes it.
    x.res.on('close', this.onClientClose);
  }

  private readonly onClientClose = (): void => {
    if (!this.done) this.abort?.(new Error('client closed'));
  };

  /** Made on the first full client buffer only: most responses never need it. */
  private onDrain: (() => void) | undefined;

  private release(): void {
    if (this.done) return;
    this.done = true;
    this.x.res.off('close', this.onClientClose);
    this.engine.releaseTarget(this.pool);
    this.x.balancer.released(this.key);
  }

  /** `reused` (Berth's own client only): whether the connection carried a request before; else the pool's guess stands. */
  onConnect(abort: (err?: Error) => void, reused?: boolean): void {
    this.abort = abort;
    if (reused !== undefined) this.x.mayReuse = reused;
    if (clientGone(this.x.res)) abort(new Error('client closed'));
  }

  onHeaders(status: number, rawHeaders: readonly (Buffer | string)[], resume: () => void, statusText: string): boolean {
    // 1xx interim responses (100 Continue) are not relayed; Node answered the client's Expect itself.
    if (status < 200) return true;
    this.responded = true;
    this.status = status;
    this.resume = resume;
    const res = this.x.res;
    res.sendDate = false;
    writeResponseHead(res, status, statusText, this.engine.responseHead(this.x, this.target, rawHeaders, this.now));
    return true;
  }

  onData(chunk: Buffer): boolean {
    const ok = writeBody(this.x.res, chunk);
    if (!ok) this.x.res.once('drain', (this.onDrain ??= () => this.resume?.()));
    return ok;
  }

  onComplete(): void {
    this.release();
    this.x.res.end();
    this.engine.finishTarget(this.x, this.key, this.status);
  }

  onError(err: Error): void {
    this.release();
    if (this.responded) this.x.res.destroy();
    else this.engine.failed(this.x, this.target, err);
  }
}
