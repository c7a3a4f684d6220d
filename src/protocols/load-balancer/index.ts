/**
 * Berth's load-balancer node <-> control-plane protocol, version 1: JSON over HTTP under
 * `/berth/lb/v1/`, SigV4-signed like the agent protocol (src/protocols/signing.ts), and the same
 * port in process. A routing snapshot plus a long-poll watch from a revision go down; heartbeats,
 * health transitions and drains come back. Owned by neither side.
 */
export * from './constants.js';
export type * from './routing-snapshot.js';
export type * from './reports.js';
export type * from './lb-control-plane.js';
export { BERTH_SIGNING_SERVICE, signedHeaders } from '../signing.js';
