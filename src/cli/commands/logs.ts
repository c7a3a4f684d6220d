/**
 * `berth logs <task> [-c container] [-f] [--tail N]`: a container's output, through the control
 * plane's log route (`GET /berth/agent/v1/logs`), which asks the agent that runs the task.
 */
import * as ecs from '@aws-sdk/client-ecs';
import { intFlag, str, usage } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import type { Command } from '../command.js';
import { GLOBAL_FLAGS_HELP } from '../command.js';
import { AGENT_SIGNING_SERVICE, LOGS_PATH, logsQuery, type LogRequest } from '../../protocols/agent/index.js';
import { signRequest } from '../../platform/sigv4.js';

export function logsUrl(endpoint: string, req: LogRequest): string {
  return `${endpoint}${LOGS_PATH}?${logsQuery(req)}`;
}

export const logs: Command = {
  name: 'logs',
  summary: "print a task container's output (-f to follow)",
  help: `usage: berth logs TASK [-c CONTAINER] [-f] [--tail N] [--cluster NAME]

TASK is a task id or ARN; CONTAINER defaults to the task's first container.
  -f, --follow     keep printing new output until interrupted
  --tail N         only the last N lines
${GLOBAL_FLAGS_HELP}`,
  flags: [
    { name: 'container', short: 'c', value: true },
    { name: 'follow', short: 'f' },
    { name: 'tail', value: true },
    { name: 'cluster', value: true },
  ],
  async run({ args, clients, out, signal }) {
    const [task, ...extra] = args.positionals;
    if (!task) throw usage('logs needs a task id or ARN');
    if (extra.length) throw usage(`unexpected argument "${extra[0]}"`);
    const tail = intFlag(args.flags.tail, 'tail');
    const cluster = str(args.flags.cluster) ?? 'default';
    const d = await clients.ecs.send(new ecs.DescribeTasksCommand({ cluster, tasks: [task] }));
    const found = d.tasks?.[0];
    if (!found?.taskArn) throw new CliError(`task ${task} not found in cluster ${cluster}`);
    const names = (found.containers ?? []).map((c) => c.name!);
    const container = str(args.flags.container) ?? names[0];
    if (!container || !names.includes(container)) throw new CliError(`task ${task} has no container ${container ?? ''} (it has ${names.join(', ') || 'none'})`);

    const url = logsUrl(clients.endpoint.url, {
      cluster,
      taskArn: found.taskArn,
      containerName: container,
      follow: args.flags.follow === true,
      ...(tail !== undefined ? { tail } : {}),
    });
    let res: Response;
    try {
      // Signed like the API calls, so a server under --auth sigv4 serves it too.
      const u = new URL(url);
      const { credentials, region } = clients.endpoint;
      const headers = signRequest(
        { method: 'GET', url: u.pathname + u.search, headers: { host: u.host }, body: Buffer.alloc(0) },
        credentials,
        Date.now(),
        region,
        AGENT_SIGNING_SERVICE,
      );
      res = await fetch(url, { signal, headers });
    } catch (err) {
      if (signal.aborted) return EXIT.ok;
      throw err;
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
      throw new CliError(`${body.code ?? `HTTP ${res.status}`}: ${body.message ?? res.statusText}`);
    }
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) out.write(chunk);
    } catch (err) {
      if (!signal.aborted) throw err;
    }
    return EXIT.ok;
  },
};
