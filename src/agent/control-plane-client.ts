/**
 * The agent's port to the control plane is the agent protocol's `ControlPlaneClient`
 * (src/protocols/agent/): in process for `berth up` (src/control-plane/agent-api/in-process-client.ts),
 * over HTTP for `berth agent --server` (http-control-plane-client.ts), one conformance suite
 * (control-plane-client.conformance.ts). The agent's modules import the protocol through here.
 */
export * from '../protocols/agent/index.js';
