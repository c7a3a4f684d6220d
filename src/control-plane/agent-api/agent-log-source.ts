/** The log route's source in `berth up`: the in-process agent, called directly. */
import type { LogSource } from './agent-service.js';

/** What a running agent offers (structurally: the control plane does not import the agent). */
export interface LogServingAgent {
  logs(
    taskArn: string,
    containerName: string,
    options: { follow?: boolean; tail?: number; signal?: AbortSignal },
  ): Promise<AsyncIterable<{ stream: 'stdout' | 'stderr'; line: string; time: number }>>;
}

export function inProcessLogSource(agent: LogServingAgent): LogSource {
  return (req, signal) =>
    agent.logs(req.taskArn, req.containerName, {
      signal,
      ...(req.follow ? { follow: true } : {}),
      ...(req.tail !== undefined ? { tail: req.tail } : {}),
    });
}
