/**
 * Berth's own agent <-> control-plane protocol, version 1: plain JSON over HTTP under
 * `/berth/agent/v1/` (SigV4-signed under `--auth sigv4`), and the same shapes in process. Owned by
 * neither side: the agent and the control plane both import it, never each other.
 */
export * from './constants.js';
export * from './task-state.js';
export * from './assigned-task.js';
export type * from './messages.js';
export * from './logs-query.js';
export * from './control-plane-error.js';
export type * from './control-plane-client.js';
export { BERTH_SIGNING_SERVICE as AGENT_SIGNING_SERVICE, signedHeaders } from '../signing.js';
