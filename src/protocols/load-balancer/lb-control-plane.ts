/**
 * A load-balancer node's port to the control plane, one node per instance: it follows the routing
 * records and reports what it observed. Two implementations pass one conformance suite
 * (src/load-balancer/node/lb-control-plane.conformance.ts): in process for `berth up` and
 * `berth server` (src/control-plane/load-balancer-api/in-process-lb-control-plane.ts), over HTTP for
 * `berth lb --server URL[,URL...]` (src/load-balancer/node/http-lb-control-plane.ts).
 */
import type { HealthReport, MetricSampleReport, TargetRef } from './reports.js';
import type { RoutingRecords } from './routing-snapshot.js';

export interface RecordsSubscription {
  close(): void;
}

export interface LbControlPlane {
  /**
   * Calls `onRecords` with the whole current set, then again after every change (never a diff).
   * While no server answers, it keeps trying and calls nothing: the node keeps its last table.
   */
  watchRecords(onRecords: (records: RoutingRecords) => void, onError?: (err: Error) => void): Promise<RecordsSubscription>;
  /** A health transition this node's checker saw; the control plane merges it with the other nodes' (target-health-merge.ts). */
  reportTargetHealth(target: TargetRef, health: HealthReport): Promise<void>;
  /** A draining target had nothing in flight at `at` (epoch ms). */
  reportDrained(target: TargetRef, at: number): Promise<void>;
  /** The AWS/ApplicationELB samples of the minutes that ended (minute-metrics.ts); a failure is retried with the next minute's. */
  reportMetrics(samples: readonly MetricSampleReport[]): Promise<void>;
  /** This node is alive (every NODE_HEARTBEAT_MS): only fresh nodes' reports count. */
  heartbeat(): Promise<void>;
  close?(): Promise<void>;
}
