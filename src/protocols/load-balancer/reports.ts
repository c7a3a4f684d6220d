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

/**
 * One metric sample in CloudWatch's shape (namespace, name, dimensions, unit, a statistic set for a
 * minute): a node's AWS/ApplicationELB counts, which the control plane keeps for GetMetricStatistics,
 * alarms and target tracking.
 */
export interface MetricSampleReport {
  readonly metric: { readonly namespace: string; readonly name: string; readonly dimensions: readonly { readonly Name: string; readonly Value: string }[] };
  readonly unit: string;
  /** Epoch ms of the minute's start. */
  readonly timestamp: number;
  readonly values: { readonly sampleCount: number; readonly sum: number; readonly minimum: number; readonly maximum: number };
}

/** `POST metrics`: the samples of the minutes that ended since the last report. */
export interface MetricsRequest {
  readonly nodeId: string;
  readonly samples: readonly MetricSampleReport[];
}

/** `POST drained`. */
export interface DrainedRequest {
  readonly nodeId: string;
  readonly target: TargetRef;
  readonly at: number;
}
