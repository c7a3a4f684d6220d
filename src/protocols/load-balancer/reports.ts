/**
 * What a load-balancer node sends back: who it is (heartbeat), each health transition its own
 * checker saw, and when a draining target had nothing in flight. Timestamps are epoch ms.
 */
import type { TargetHealthState } from '../../domain/elbv2/target.js';

/** A node's stable name (berth lb: `lb-<advertise ip>` unless given) and where it serves listeners. */
export interface NodeIdentity {
  readonly nodeId: string;
  readonly advertiseAddress: string;
}

export interface TargetRef {
  readonly targetGroupArn: string;
  readonly id: string;
  readonly port: number;
}

/** A state of the node's health checker: initial, healthy, unhealthy or unavailable (checks disabled). */
export interface HealthReport {
  readonly state: TargetHealthState;
  readonly reason?: string;
  readonly description?: string;
}

/** `POST heartbeat`. */
export interface HeartbeatRequest extends NodeIdentity {
  readonly version: number;
}

/** `POST target-health`. */
export interface TargetHealthRequest {
  readonly nodeId: string;
  readonly target: TargetRef;
  readonly health: HealthReport;
}

/** `POST drained`. */
export interface DrainedRequest {
  readonly nodeId: string;
  readonly target: TargetRef;
  readonly at: number;
}
