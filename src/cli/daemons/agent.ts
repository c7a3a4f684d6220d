/**
 * `berth agent --server URL[,URL...]`: an agent on another host. It registers this host as a
 * container instance of the server's cluster and runs the tasks placed on it, over the HTTP agent
 * protocol. This file only parses flags; src/main/agent.ts composes the agent.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseRuntimeChoice } from '../../agent/runtime/runtime-selection.js';
import { startRemoteAgent } from '../../main/agent.js';
import { parseServerUrls } from '../../platform/server-failover.js';
import { parsePortRange } from '../../scheduling/port-allocator.js';
import { refuseSecretFlag, UsageError } from '../../main/config.js';

/** The ECS agent's introspection port, reserved on every instance by default: no task takes it. */
const DEFAULT_LOGS_PORT = 51678;
import { HOST_FLAGS, HOST_FLAGS_HELP, parseHostFlags } from '../../main/host-flags.js';
import { createLogger } from '../../platform/logger.js';
import { untilSignal } from './until-signal.js';

export const AGENT_FLAGS_HELP = `berth agent flags (each has an env twin, e.g. --server / BERTH_SERVER):
  --server URL[,URL...] the control plane (berth server replicas, or berth up) to register with; calls fail over between them (required)
  --advertise-ip IP     this host's address: ports are published there and the load balancer reaches them (required)
  --state-dir DIR       the agent's state: its stable instance id, process state (default ./.berth-agent)
  --cluster NAME        cluster to join (default "default")
  --runtime KIND        auto | docker | process (default auto)
  --port-range LOW-HIGH dynamic host ports (default clear of the kernel's ephemeral range)
${HOST_FLAGS_HELP}
  --access-key-id ID    with BERTH_SECRET_ACCESS_KEY (env only: a command line is readable by every user): sign
                        every call (needed when the server runs --auth sigv4); the server signs its log requests
                        to this agent with the same key
  --logs-port PORT      where this agent serves its containers' logs to the server (default ${DEFAULT_LOGS_PORT}, reserved)
  --log-level LEVEL     pino level (default info)`;

export async function runAgent(argv: readonly string[]): Promise<number> {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        server: { type: 'string' },
        'advertise-ip': { type: 'string' },
        'state-dir': { type: 'string' },
        cluster: { type: 'string' },
        runtime: { type: 'string' },
        'port-range': { type: 'string' },
        ...HOST_FLAGS,
        'access-key-id': { type: 'string' },
        'logs-port': { type: 'string' },
        'secret-access-key': { type: 'string' },
        'log-level': { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  refuseSecretFlag(values);
  const pick = (flag: string): string | undefined =>
    (values[flag] as string | undefined) ?? (process.env[`BERTH_${flag.toUpperCase().replaceAll('-', '_')}`] || undefined);
  const server = pick('server');
  const advertiseAddress = pick('advertise-ip');
  if (!server) throw new UsageError('--server URL is required');
  if (!advertiseAddress) throw new UsageError('--advertise-ip IP is required');
  let runtimeChoice;
  let portRange;
  try {
    runtimeChoice = parseRuntimeChoice(pick('runtime') ?? 'auto');
    const rawRange = pick('port-range');
    portRange = rawRange ? parsePortRange(rawRange) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const host = parseHostFlags(pick, values.attribute as string[] | undefined);
  const accessKeyId = pick('access-key-id');
  const secretAccessKey = pick('secret-access-key');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) throw new UsageError('--access-key-id and BERTH_SECRET_ACCESS_KEY go together');
  const accessKey = accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
  const logsPort = Number(pick('logs-port') ?? DEFAULT_LOGS_PORT);
  if (!Number.isInteger(logsPort) || logsPort < 0 || logsPort > 65535) throw new UsageError(`--logs-port must be 0-65535, got ${pick('logs-port')}`);

  let servers: string[];
  try {
    servers = parseServerUrls(server);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const logger = createLogger({ level: pick('log-level') ?? 'info' });
  const running = await startRemoteAgent(
    {
      servers,
      advertiseAddress,
      stateDir: resolve(pick('state-dir') ?? './.berth-agent'),
      cluster: pick('cluster') ?? 'default',
      runtime: runtimeChoice,
      ...(portRange ? { portRange } : {}),
      host,
      ...(accessKey ? { accessKey } : {}),
      logsPort,
    },
    logger,
  );
  const { agent } = running;
  process.stdout.write(
    `Berth agent is up.\n  instance: ${agent.ec2InstanceId} (${agent.containerInstanceArn})\n  runtime: ${running.runtimeKind}, ports ${agent.portRange.low}-${agent.portRange.high} on ${advertiseAddress}\n` +
      (running.logsUrl ? `  logs: ${running.logsUrl}\n` : ''),
  );
  await untilSignal(() => running.stop(), logger);
  return 0;
}
