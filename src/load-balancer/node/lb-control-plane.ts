/**
 * The boundary between a load-balancer node and the control plane, designed as if remote: the node
 * follows the routing records and reports what it observed. `berth up` uses the in-process
 * implementation over the Store (store-control-plane.ts); `berth lb --server URL` would implement
 * the same three calls over HTTP (a list + long-poll/SSE watch, and two small POSTs).
 */
import type { RoutingRecords } from './routing-source.js';
import type { HealthReport } from './target-report.js';

export interface TargetRef {
  readonly targetGroupArn: string;
  readonly id: string;
  readonly port: number;
}

export interface RecordsSubscription {
  close(): void;
}

export interface LbControlPlane {
  /** Calls `onRecords` with the whole current set, then again after every change (never a diff). */
  watchRecords(onRecords: (records: RoutingRecords) => void, onError?: (err: Error) => void): Promise<RecordsSubscription>;
  /** A health transition the node's checker saw; the control plane keeps it only if it changes the record. */
  reportTargetHealth(target: TargetRef, health: HealthReport): Promise<void>;
  /** A draining target had nothing in flight at `at` (epoch ms). */
  reportDrained(target: TargetRef, at: number): Promise<void>;
}
