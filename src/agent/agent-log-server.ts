/**
 * A remote agent's own log route, `GET /berth/agent/v1/logs` on its advertised address, which the
 * control plane calls for `berth logs` of tasks on this host (remote-log-source.ts). With a key,
 * every request must carry a SigV4 signature by that key (the control plane signs with the key's
 * secret); without one it is served on loopback only. The same query and text format as the
 * control plane's route, or NDJSON lines with each line's stream and time when asked (`LOGS_NDJSON`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AGENT_SIGNING_SERVICE, LOGS_NDJSON, LOGS_PATH, parseLogsQuery } from '../protocols/agent/index.js';
import type { Clock } from '../platform/clock.js';
import { verifySigV4, type AccessKey } from '../platform/sigv4.js';
import type { Logger } from '../platform/logger.js';
import type { RunningAgent } from './agent.js';

export interface AgentLogServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startAgentLogServer(options: {
  agent: Pick<RunningAgent, 'logs'>;
  host: string;
  port: number;
  accessKey?: AccessKey;
  clock: Clock;
  logger: Logger;
}): Promise<AgentLogServer> {
  const credentials = options.accessKey ? new Map([[options.accessKey.accessKeyId, options.accessKey.secretAccessKey]]) : undefined;
  const fail = (res: import('node:http').ServerResponse, status: number, code: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, message }));
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://agent');
    if (req.method !== 'GET' || url.pathname !== LOGS_PATH) return fail(res, 404, 'NotFound', `No route for ${req.method} ${url.pathname}`);
    if (credentials) {
      const verdict = verifySigV4(
        { method: 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.alloc(0) },
        credentials,
        options.clock.now(),
        AGENT_SIGNING_SERVICE,
      );
      if (!verdict.ok) return fail(res, 403, 'AccessDeniedException', verdict.message);
    }
    const logReq = parseLogsQuery(url.searchParams);
    if (!logReq) return fail(res, 400, 'InvalidParameterException', 'task and container are required.');
    const ndjson = (req.headers.accept ?? '').includes(LOGS_NDJSON);
    const ac = new AbortController();
    res.once('close', () => ac.abort());
    options.agent
      .logs(logReq.taskArn, logReq.containerName, {
        signal: ac.signal,
        ...(logReq.follow ? { follow: true } : {}),
        ...(logReq.tail !== undefined ? { tail: logReq.tail } : {}),
      })
      .then(async (lines) => {
        res.writeHead(200, { 'content-type': ndjson ? LOGS_NDJSON : 'text/plain; charset=utf-8' });
        for await (const l of lines) {
          const text = ndjson ? `${JSON.stringify({ stream: l.stream, line: l.line, time: l.time })}\n` : `${l.line}\n`;
          if (!res.write(text)) await new Promise((r) => res.once('drain', r));
        }
        res.end();
      })
      .catch((err: Error & { code?: string; status?: number }) => {
        if (res.headersSent) return res.destroy();
        fail(res, err.status ?? 500, err.code ?? 'ServerException', err.message);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  // After listen, an accept that fails (EMFILE when libuv's spare descriptor is gone) is an
  // 'error' event; with no listener it would be uncaught and end the agent.
  server.on('error', (err) => options.logger.warn({ err }, 'log server: accept failed'));
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ host: options.host, port, signed: credentials !== undefined }, 'serving container logs');
  return {
    port,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
