/**
 * The agent protocol over HTTP (undici), for agents on other hosts: `berth agent --server URL`.
 * With an access key, every call is SigV4-signed (a server under `--auth sigv4` refuses others).
 */
import { Agent, request } from 'undici';
import { signRequest, type AccessKey } from '../platform/sigv4.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { AGENT_PROTOCOL_PREFIX, AGENT_SIGNING_SERVICE } from '../control-plane/agent-api/agent-protocol.js';
import { ControlPlaneError, type ControlPlaneClient } from './control-plane-client.js';
import type {
  HeartbeatRequest,
  RegisterRequest,
  RegisterResponse,
  LogBatchRequest,
  LogBatchResponse,
  TaskSecretsRequest,
  TaskSecretsResponse,
  TaskStateReport,
  WatchTasksRequest,
  WatchTasksResponse,
} from './control-plane-client.js';

export class HttpControlPlaneClient implements ControlPlaneClient {
  private readonly base: string;
  // Its own pool: a long poll must not queue behind, or in front of, state reports.
  private readonly dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 8 });

  constructor(serverUrl: string, private readonly options: { accessKey?: AccessKey; region?: string; clock?: Clock } = {}) {
    this.base = serverUrl.replace(/\/+$/, '') + AGENT_PROTOCOL_PREFIX;
  }

  private async call<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const url = new URL(`${this.base}/${path}`);
    const payload = Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.accessKey) {
      // undici sends Host from the URL; it is signed, not set.
      const signed = { method: 'POST', url: url.pathname + url.search, headers: { ...headers, host: url.host }, body: payload };
      Object.assign(headers, signRequest(signed, this.options.accessKey, (this.options.clock ?? systemClock).now(), this.options.region ?? 'us-east-1', AGENT_SIGNING_SERVICE));
    }
    const res = await request(url, {
      method: 'POST',
      headers,
      body: payload,
      dispatcher: this.dispatcher,
      headersTimeout: 90_000,
      bodyTimeout: 90_000,
      ...(signal ? { signal } : {}),
    });
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { code: 'ServerException', message: text.slice(0, 200) };
    }
    if (res.statusCode >= 300) {
      const { code, message } = typeof parsed === 'object' && parsed !== null ? (parsed as { code?: unknown; message?: unknown }) : {};
      throw new ControlPlaneError(typeof code === 'string' ? code : 'ServerException', typeof message === 'string' ? message : `HTTP ${res.statusCode}`, res.statusCode);
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

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
