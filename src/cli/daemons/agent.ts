/**
 * `berth agent --server URL`: an agent on another host. It registers this host as a container
 * instance of the server's cluster and runs the tasks placed on it, over the HTTP agent protocol.
 */
import { join, resolve } from 'node:path';
import { HttpControlPlaneClient } from '../../agent/http-control-plane-client.js';
import { startAgent } from '../../agent/agent.js';
import { parseRuntimeChoice, selectRuntime } from '../../agent/runtime/runtime-selection.js';
import { parsePortRange } from '../../scheduling/port-allocator.js';
import { isLoopback, parseLogFormat, refuseSecretFlag, UsageError } from '../../main/config.js';
import { startAgentLogServer } from '../../agent/agent-log-server.js';
import type { RunningAgent } from '../../agent/agent.js';
import { AGENT_KEY_ATTRIBUTE, LOGS_ENDPOINT_ATTRIBUTE } from '../../control-plane/agent-api/agent-protocol.js';

import { parseHostFlags } from '../../main/host-flags.js';
import { AGENT_FLAGS, AGENT_USAGE, DEFAULT_LOGS_PORT } from '../flags/agent-flags.js';
import { parseFlags, pickFlag, renderHelp, wantsHelp } from '../flags/flag-table.js';
import { systemClock } from '../../platform/clock.js';
import { systemRandom } from '../../platform/random.js';
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

  const logger = createLogger({ level: pick('log-level') ?? 'info', format: parseLogFormat(pick('log-format')) });
  const stateDir = resolve(pick('state-dir') ?? './.berth-agent');
  const runtime = await selectRuntime(runtimeChoice, { stateDir: join(stateDir, 'processes') });
  // Logs leave this host only to a signed caller; without a key, only on a loopback address.
  const servesLogs = accessKey !== undefined || isLoopback(advertiseAddress);
  if (!servesLogs) logger.warn({ advertiseAddress }, 'no --access-key-id: container logs are not served off loopback (berth logs will not reach this host)');
  // The log server first, so the endpoint registered with the instance already answers.
  let agentRef: RunningAgent | undefined;
  // A taken port costs the log route, not the agent.
  const logServer = servesLogs
    ? await startAgentLogServer({
      agent: { logs: (...a) => (agentRef ? agentRef.logs(...a) : Promise.reject(new Error('the agent is starting'))) },
      host: advertiseAddress, port: logsPort, ...(accessKey ? { accessKey } : {}), clock: systemClock, logger,
    }).catch((err: Error) => {
      logger.warn({ err, port: logsPort }, 'cannot serve container logs on this port (--logs-port); berth logs will not reach this host');
      return undefined;
    })
    : undefined;
  const client = new HttpControlPlaneClient(server, accessKey ? { accessKey } : {});
  const agent = await startAgent({
    client,
    runtime,
    cluster: pick('cluster') ?? 'default',
    advertiseAddress,
    stateDir,
    ...(portRange ? { portRange } : {}),
    ...host,
    attributes: {
      ...host.attributes,
      ...(logServer ? { [LOGS_ENDPOINT_ATTRIBUTE]: `http://${advertiseAddress}:${logServer.port}` } : {}),
      ...(accessKey ? { [AGENT_KEY_ATTRIBUTE]: accessKey.accessKeyId } : {}),
    },
    clock: systemClock,
    random: systemRandom,
    logger,
  }).catch(async (err: unknown) => {
    await logServer?.close();
    throw err;
  });
  agentRef = agent;
  process.stdout.write(
    `Berth agent is up.\n  instance: ${agent.ec2InstanceId} (${agent.containerInstanceArn})\n  runtime: ${runtime.kind}, ports ${agent.portRange.low}-${agent.portRange.high} on ${advertiseAddress}\n` +
      (logServer ? `  logs: http://${advertiseAddress}:${logServer.port}\n` : ''),
  );
  await untilSignal(async () => {
    await logServer?.close();
    await agent.stop();
    await runtime.close?.();
    await client.close();
  }, logger);
  return 0;
}
