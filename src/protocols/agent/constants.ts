/**
 * The agent protocol's names, version 1: where its routes live and the container-instance
 * attributes both sides read. Routes are under /berth/ so they never meet AWS's `POST /`.
 */
export const AGENT_PROTOCOL_PREFIX = '/berth/agent/v1';
/** The container-instance attribute with the agent's dynamic host-port range, `LOW-HIGH` (for the console). */
export { DYNAMIC_RANGE_ATTRIBUTE } from '../../domain/ecs/dynamic-port-range.js';
/** Attributes of a remote agent that serves its containers' logs: `http://ip:port`, and the key id it signs with. */
export const LOGS_ENDPOINT_ATTRIBUTE = 'berth.logs-endpoint';
export const AGENT_KEY_ATTRIBUTE = 'berth.agent-key-id';
/** The log route, on the control plane and on a remote agent alike. */
export const LOGS_PATH = `${AGENT_PROTOCOL_PREFIX}/logs`;
/** The most samples one `tasks/stats` report may carry (the agent sends larger backlogs in several). */
export const MAX_TASK_STATS_SAMPLES = 1000;
