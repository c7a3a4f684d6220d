/**
 * `berth server`: the control plane (API, console, agent and load-balancer node protocols,
 * controllers) for agents and load-balancer nodes on other hosts. The same composition as
 * `berth up` (up.ts) without the local agent and the demo stack; `--no-lb` also leaves out the
 * in-process load-balancer node, so `berth lb` nodes serve every listener.
 */
import type { UpConfig } from './config.js';
import type { Logger } from '../platform/logger.js';
import { startBerth, type RunningBerth, type StartOptions } from './up.js';

export function startServer(config: UpConfig, logger: Logger, options: Omit<StartOptions, 'withAgent'> = {}): Promise<RunningBerth> {
  return startBerth({ ...config, demo: false }, logger, { ...options, withAgent: false });
}
