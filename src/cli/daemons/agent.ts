/**
 * `berth agent --server URL[,URL...]`: an agent on another host. It registers this host as a
 * container instance of the server's cluster and runs the tasks placed on it, over the HTTP agent
 * protocol. This file only parses flags; src/main/agent.ts composes the agent.
 */
import { resolve } from 'node:path';
import { parseRuntimeChoice } from '../../agent/runtime/runtime-selection.js';
import { startRemoteAgent } from '../../main/agent.js';
import { parseServerUrls } from '../../platform/server-failover.js';
import { parsePortRange } from '../../scheduling/port-allocator.js';
import { parseLogFormat, refuseSecretFlag, UsageError } from '../../main/config.js';

import { parseHostFlags } from '../../main/host-flags.js';
import { AGENT_FLAGS, AGENT_USAGE, DEFAULT_LOGS_PORT } from '../flags/agent-flags.js';
import { parseFlags, pickFlag, renderHelp, wantsHelp } from '../flags/flag-table.js';
import { createLogger } from '../../platform/logger.js';
import { untilSignal } from './until-signal.js';

export async function runAgent(argv: readonly string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(`${renderHelp(AGENT_USAGE, AGENT_FLAGS)}\n`);
    return 0;
  }
  const values = parseFlags(AGENT_FLAGS, argv);
  refuseSecretFlag(values);
  const pick = (flag: string): string | undefined => pickFlag(AGENT_FLAGS, values, process.env, flag);
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
  const secretAccessKey = process.env.BERTH_SECRET_ACCESS_KEY || undefined;
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
  const logger = createLogger({ level: pick('log-level') ?? 'info', format: parseLogFormat(pick('log-format')) });
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
