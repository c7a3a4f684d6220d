/**
 * The load-balancer node protocol's names, version 1. Routes are under /berth/ so they never meet
 * AWS's `POST /`; a node refuses a snapshot of another version rather than guess at its shape.
 */
export const LB_PROTOCOL_VERSION = 1;
export const LB_PROTOCOL_PREFIX = '/berth/lb/v1';
/** How long a routing long poll waits for a change before answering with the same revision (default, and the most a node may ask). */
export const ROUTING_POLL_DEFAULT_MS = 20_000;
export const ROUTING_POLL_MAX_MS = 60_000;
/** How often a node says it is alive; a node unseen for FRESH_NODE_MS has no say in merged target health. */
export const NODE_HEARTBEAT_MS = 5_000;
export const FRESH_NODE_MS = 3 * NODE_HEARTBEAT_MS;
