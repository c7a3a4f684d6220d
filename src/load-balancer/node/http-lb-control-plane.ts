/**
 * The node's port over HTTP (Node's own client: undici's index would cost a restarting node's
 * primary 0.2-0.4 s of start-up for five small JSON calls), for `berth lb --server URL[,URL...]`: a long poll of
 * `GET routing?after=REV` keeps the whole record set current, and three small POSTs report back.
 * Several servers (replicas over one store): a call that cannot reach one, or gets a 5xx, goes to
 * the next (src/platform/server-failover.ts). With every server down, the watch keeps retrying
 * and hands nothing over, so the node forwards on its last table and its own health checks; health
 * transitions it could not report are kept (the latest per target) and sent once a server answers.
 */
import http from 'node:http';
import https from 'node:https';
import type { AccessKey } from '../../platform/sigv4.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import { ServerFailover, ServerUnavailable } from '../../platform/server-failover.js';
import { ControlPlaneError } from '../../protocols/agent/index.js';
import {
  LB_PROTOCOL_PREFIX,
  LB_PROTOCOL_VERSION,
  ROUTING_POLL_DEFAULT_MS,
  signedHeaders,
  type HealthReport,
  type LbControlPlane,
  type MetricSampleReport,
  type NodeIdentity,
  type RecordsSubscription,
  type RoutingRecords,
  type RoutingSnapshot,
  type TargetRef,
} from '../../protocols/load-balancer/index.js';

export interface HttpLbControlPlaneOptions {
  readonly accessKey?: AccessKey;
  readonly region?: string;
  readonly clock?: Clock;
  /** How long each routing poll may wait on the server (default 20 s). */
  readonly pollTimeoutMs?: number;
  /** Pause after a failed poll or report before the next try (default 500 ms). */
  readonly retryMs?: number;
}

const targetKey = (t: TargetRef): string => `${t.targetGroupArn}|${t.id}:${t.port}`;

export class HttpLbControlPlane implements LbControlPlane {
  private readonly servers: ServerFailover;
  // Its own pools: the long poll must not hold up reports.
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 8 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 8 }),
  };
  private readonly unsent = new Map<string, { target: TargetRef; health: HealthReport }>();
  private resend: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    serverUrls: readonly string[],
    private readonly node: NodeIdentity,
    private readonly options: HttpLbControlPlaneOptions = {},
  ) {
    this.servers = new ServerFailover(serverUrls.map((u) => u.replace(/\/+$/, '')));
  }

  async watchRecords(onRecords: (records: RoutingRecords) => void, onError?: (err: Error) => void): Promise<RecordsSubscription> {
    const ac = new AbortController();
    let revision: number | undefined;
    const pollOnce = async (): Promise<void> => {
      const query = revision === undefined ? '' : `?after=${revision}&timeoutMs=${this.options.pollTimeoutMs ?? ROUTING_POLL_DEFAULT_MS}`;
      const snapshot = await this.call<RoutingSnapshot>('GET', `routing${query}`, undefined, ac.signal);
      if (snapshot.version !== LB_PROTOCOL_VERSION) {
        const message = `the server sent routing version ${snapshot.version}, this node speaks ${LB_PROTOCOL_VERSION}`;
        throw new ControlPlaneError('UnsupportedProtocolVersion', message, 400);
      }
      // A different revision, not only a later one: a server restored from a backup starts lower.
      if (snapshot.revision !== revision) {
        revision = snapshot.revision;
        onRecords(snapshot.records);
      }
    };
    // The first set before answering, as the in-process adapter does; until a server answers there is nothing to route.
    for (;;) {
      try {
        await pollOnce();
        break;
      } catch (err) {
        if (this.closed) throw err;
        onError?.(err as Error);
        await this.pause();
      }
    }
    void (async () => {
      while (!ac.signal.aborted && !this.closed) {
        try {
          await pollOnce();
        } catch (err) {
          if (ac.signal.aborted || this.closed) return;
          onError?.(err as Error);
          await this.pause();
        }
      }
    })();
    return { close: () => ac.abort() };
  }

  async reportTargetHealth(target: TargetRef, health: HealthReport): Promise<void> {
    // The latest transition per target wins: an older one still unsent is never sent after it.
    this.unsent.delete(targetKey(target));
    try {
      await this.call('POST', 'target-health', { nodeId: this.node.nodeId, target, health });
    } catch (err) {
      if (err instanceof ControlPlaneError && err.status < 500) throw err;
      this.unsent.set(targetKey(target), { target, health });
      this.scheduleResend();
      throw err;
    }
  }

  async reportDrained(target: TargetRef, at: number): Promise<void> {
    await this.call('POST', 'drained', { nodeId: this.node.nodeId, target, at });
  }

  async reportMetrics(samples: readonly MetricSampleReport[]): Promise<void> {
    await this.call('POST', 'metrics', { nodeId: this.node.nodeId, samples });
  }

  async heartbeat(): Promise<void> {
    await this.call('POST', 'heartbeat', { ...this.node, version: LB_PROTOCOL_VERSION });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.resend);
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private scheduleResend(): void {
    if (this.resend || this.closed) return;
    this.resend = setTimeout(() => {
      this.resend = undefined;
      const pending = [...this.unsent.values()];
      for (const p of pending) void this.reportTargetHealth(p.target, p.health).catch(() => {});
    }, this.options.retryMs ?? 500);
    this.resend.unref();
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.options.retryMs ?? 500).unref());
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    try {
      return await this.servers.call((base) => this.callOne<T>(base, method, path, body, signal), signal);
    } catch (err) {
      throw err instanceof ServerUnavailable ? err.cause : err;
    }
  }

  private async callOne<T>(base: string, method: 'GET' | 'POST', path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const url = new URL(`${base}${LB_PROTOCOL_PREFIX}/${path}`);
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    let headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (this.options.accessKey) {
      headers = signedHeaders(method, url, headers, payload, this.options.accessKey, (this.options.clock ?? systemClock).now(), this.options.region);
    }
    let res: { statusCode: number; text: string };
    try {
      res = await this.exchange(url, method, headers, payload, signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ServerUnavailable(base, err);
    }
    const text = res.text;
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { code: 'ServerException', message: text.slice(0, 200) };
    }
    if (res.statusCode >= 300) {
      const e = parsed as { code?: string; message?: string };
      const refused = new ControlPlaneError(e.code ?? 'ServerException', e.message ?? `HTTP ${res.statusCode}`, res.statusCode);
      throw res.statusCode >= 500 ? new ServerUnavailable(base, refused) : refused;
    }
    return parsed as T;
  }

  /** One request and its whole answer; any failure on the way (connect, reset, a timeout) rejects. */
  private exchange(
    url: URL,
    method: 'GET' | 'POST',
    headers: Record<string, string>,
    payload: Buffer,
    signal: AbortSignal | undefined,
  ): Promise<{ statusCode: number; text: string }> {
    // A poll waits up to its timeout on the server; a dead server must not hold the node longer than that.
    const headersTimeoutMs = (this.options.pollTimeoutMs ?? ROUTING_POLL_DEFAULT_MS) + 10_000;
    const secure = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(url, {
        method,
        headers: payload.length > 0 ? { ...headers, 'content-length': String(payload.length) } : headers,
        agent: secure ? this.agents.https : this.agents.http,
        ...(signal ? { signal } : {}),
      });
      let timer = setTimeout(() => req.destroy(new Error(`no answer within ${headersTimeoutMs} ms`)), headersTimeoutMs);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        reject(err);
      };
      req.on('error', fail);
      req.on('response', (res) => {
        clearTimeout(timer);
        timer = setTimeout(() => res.destroy(new Error('the answer did not arrive whole within 30 s')), 30_000);
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('close', () => {
          clearTimeout(timer);
          if (!res.complete) return reject(new Error('the connection closed mid-answer'));
          resolve({ statusCode: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.end(payload);
    });
  }
}
