/**
 * The node's port to the control plane is the load-balancer protocol's `LbControlPlane`
 * (src/protocols/load-balancer/): the node follows the routing records and reports what it saw,
 * and never reads the store. The node's modules import the protocol through here.
 */
export type { HealthReport, LbControlPlane, RecordsSubscription, RoutingRecords, TargetRef } from '../../protocols/load-balancer/index.js';
