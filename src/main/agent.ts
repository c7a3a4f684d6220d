/**
 * `berth agent`: the composition of an agent on its own host. It talks to the control plane only
 * through the agent protocol over HTTP (HttpControlPlaneClient, failing over between the servers
 * given), serves its containers' logs to the servers on its advertised address, and registers that
 * endpoint and its key id as container-instance attributes.
 */
import { join } from 'node:path';
import { HttpControlPlaneClient } from '../agent/http-control-plane-client.js';
import { startAgent, type RunningAgent } from '../agent/agent.js';
import { selectRuntime, type RuntimeChoice } from '../agent/runtime/runtime-selection.js';
import type { RuntimeKind } from '../agent/runtime/runtime.js';
import { startAgentLogServer } from '../agent/agent-log-server.js';
import { AGENT_KEY_ATTRIBUTE, LOGS_ENDPOINT_ATTRIBUTE } from '../protocols/agent/index.js';
import type { PortRange } from '../scheduling/port-allocator.js';
import type { AccessKey } from '../platform/sigv4.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { systemRandom, type Random } from '../platform/random.js';
import type { Logger } from '../platform/logger.js';
import { isLoopback } from './config.js';
import type { HostOptions } from './host-flags.js';

export interface RemoteAgentConfig {
  readonly servers: readonly string[];
  readonly advertiseAddress: string;
  readonly stateDir: string;
  readonly cluster: string;
  readonly runtime: RuntimeChoice;
  readonly portRange?: PortRange;
  readonly host: HostOptions;
  readonly accessKey?: AccessKey;
  readonly logsPort: number;
}

export interface RunningRemoteAgent {
  readonly agent: RunningAgent;
  readonly runtimeKind: RuntimeKind;
  /** Where the logs are served, when they are. */
  readonly logsUrl?: string;
  stop(): Promise<void>;
}

export async function startRemoteAgent(config: RemoteAgentConfig, logger: Logger, deps: { clock?: Clock; random?: Random } = {}): Promise<RunningRemoteAgent> {
  const clock = deps.clock ?? systemClock;
  const { advertiseAddress, accessKey } = config;
  const runtime = await selectRuntime(config.runtime, { stateDir: join(config.stateDir, 'processes') });
  // Logs leave this host only to a signed caller; without a key, only on a loopback address.
  const servesLogs = accessKey !== undefined || isLoopback(advertiseAddress);
  if (!servesLogs) logger.warn({ advertiseAddress }, 'no --access-key-id: container logs are not served off loopback (berth logs will not reach this host)');
  // The log server first, so the endpoint registered with the instance already answers.
  let agentRef: RunningAgent | undefined;
  // A taken port costs the log route, not the agent.
  const logServer = servesLogs
    ? await startAgentLogServer({
        agent: { logs: (...a) => (agentRef ? agentRef.logs(...a) : Promise.reject(new Error('the agent is starting'))) },
        host: advertiseAddress,
        port: config.logsPort,
        ...(accessKey ? { accessKey } : {}),
        clock,
        logger,
      }).catch((err: Error) => {
        logger.warn({ err, port: config.logsPort }, 'cannot serve container logs on this port (--logs-port); berth logs will not reach this host');
        return undefined;
      })
    : undefined;
  const client = new HttpControlPlaneClient(config.servers, accessKey ? { accessKey } : {});
  const logsUrl = logServer ? `http://${advertiseAddress}:${logServer.port}` : undefined;
  const agent = await startAgent({
    client,
    runtime,
    cluster: config.cluster,
    advertiseAddress,
    stateDir: config.stateDir,
    ...(config.portRange ? { portRange: config.portRange } : {}),
    ...config.host,
    attributes: {
      ...config.host.attributes,
      ...(logsUrl ? { [LOGS_ENDPOINT_ATTRIBUTE]: logsUrl } : {}),
      ...(accessKey ? { [AGENT_KEY_ATTRIBUTE]: accessKey.accessKeyId } : {}),
    },
    clock,
    random: deps.random ?? systemRandom,
    logger,
  }).catch(async (err: unknown) => {
    await logServer?.close();
    await client.close();
    await runtime.close?.();
    throw err;
  });
  agentRef = agent;
  return {
    agent,
    runtimeKind: runtime.kind,
    ...(logsUrl ? { logsUrl } : {}),
    async stop() {
      await logServer?.close();
      await agent.stop();
      await runtime.close?.();
      await client.close();
    },
  };
}
