/**
 * The agent protocol over HTTP (undici), for agents on other hosts: `berth agent --server URL[,URL...]`.
 * With an access key, every call is SigV4-signed (a server under `--auth sigv4` refuses others).
 * With several servers (replicas over one store), a call that cannot reach one, or gets a 5xx from
 * it, goes to the next (src/platform/server-failover.ts).
 */
import { Agent, request } from 'undici';
import type { AccessKey } from '../platform/sigv4.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { ServerFailover, ServerUnavailable } from '../platform/server-failover.js';
import { AGENT_PROTOCOL_PREFIX, signedHeaders } from '../protocols/agent/index.js';
import { ControlPlaneError, type ControlPlaneClient } from './control-plane-client.js';
import type {
  HeartbeatRequest,
  RegisterRequest,
  RegisterResponse,
  LogBatchRequest,
  LogBatchResponse,
  TaskSecretsRequest,
  TaskStatsRequest,
  TaskSecretsResponse,
  TaskStateReport,
  WatchTasksRequest,
  WatchTasksResponse,
} from './control-plane-client.js';

export class HttpControlPlaneClient implements ControlPlaneClient {
  private readonly servers: ServerFailover;
  // Its own pool: a long poll must not queue behind, or in front of, state reports.
  private readonly dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 8 });

  constructor(
    serverUrl: string | readonly string[],
    private readonly options: { accessKey?: AccessKey; region?: string; clock?: Clock } = {},
  ) {
    const urls = typeof serverUrl === 'string' ? [serverUrl] : serverUrl;
    this.servers = new ServerFailover(urls.map((u) => u.replace(/\/+$/, '')));
  }

  private async call<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    try {
      return await this.servers.call((base) => this.callOne<T>(base, path, body, signal), signal);
    } catch (err) {
      // With every server unavailable, the caller sees what the last one said (or why it could not be reached).
      throw err instanceof ServerUnavailable ? err.cause : err;
    }
  }

  private async callOne<T>(base: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const url = new URL(`${base}${AGENT_PROTOCOL_PREFIX}/${path}`);
    const payload = Buffer.from(JSON.stringify(body));
    let headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.accessKey) {
      headers = signedHeaders('POST', url, headers, payload, this.options.accessKey, (this.options.clock ?? systemClock).now(), this.options.region);
    }
    let res;
    try {
      res = await request(url, {
        method: 'POST',
        headers,
        body: payload,
        dispatcher: this.dispatcher,
        headersTimeout: 90_000,
        bodyTimeout: 90_000,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ServerUnavailable(base, err);
    }
    const text = await res.body.text();
    let parsed: { code?: string; message?: string };
    try {
      parsed = text ? (JSON.parse(text) as { code?: string; message?: string }) : {};
    } catch {
      parsed = { code: 'ServerException', message: text.slice(0, 200) };
    }
    if (res.statusCode >= 300) {
      const refused = new ControlPlaneError(parsed.code ?? 'ServerException', parsed.message ?? `HTTP ${res.statusCode}`, res.statusCode);
      throw res.statusCode >= 500 ? new ServerUnavailable(base, refused) : refused;
    }
    return parsed as T;
  }

  register(req: RegisterRequest): Promise<RegisterResponse> {
    return this.call('register', req);
  }

  async heartbeat(req: HeartbeatRequest): Promise<void> {
    await this.call('heartbeat', req);
  }

  watchTasks(req: WatchTasksRequest, signal?: AbortSignal): Promise<WatchTasksResponse> {
    return this.call('tasks', req, signal);
  }

  async submitTaskState(report: TaskStateReport): Promise<void> {
    await this.call('task-state', report);
  }

  shipLogs(req: LogBatchRequest): Promise<LogBatchResponse> {
    return this.call('logs/batch', req);
  }

  taskSecrets(req: TaskSecretsRequest): Promise<TaskSecretsResponse> {
    return this.call('tasks/secrets', req);
  }

  async reportTaskStats(req: TaskStatsRequest): Promise<void> {
    await this.call('tasks/stats', req);
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
