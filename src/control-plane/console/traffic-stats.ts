/**
 * The load balancer's live numbers as the console sees them. The console only reads a snapshot
 * (src/domain/elbv2/traffic.ts); the composition root passes the load balancer's TrafficMeter,
 * so the console never imports the load balancer.
 */

import type { TargetGroupTraffic, TargetTraffic } from '../../domain/elbv2/traffic.js';

export type { TargetGroupTraffic, TargetTraffic };

export interface TrafficStatsSource {
  /** Keyed by target group ARN. Cheap: the console calls it once a second per open page. */
  snapshot(): ReadonlyMap<string, TargetGroupTraffic>;
}

/** The JSON one target group's traffic travels as (maps become objects). */
export interface TargetGroupTrafficJson {
  readonly requestsPerSecond: number;
  readonly errors5xxPerSecond: number;
  readonly p99Ms: number;
  readonly targets: Record<string, TargetTraffic>;
}

export function trafficJson(t: TargetGroupTraffic): TargetGroupTrafficJson {
  return {
    requestsPerSecond: round(t.requestsPerSecond),
    errors5xxPerSecond: round(t.errors5xxPerSecond),
    p99Ms: round(t.p99Ms),
    targets: Object.fromEntries([...t.targets].map(([k, v]) => [k, { inFlight: v.inFlight, requestsPerSecond: round(v.requestsPerSecond) }])),
  };
}

function round(n: number): number {
  return Number.isFinite(n) ? Math.round(n * 100) / 100 : 0;
}

/** Traffic of every target group in one JSON object, keyed by ARN. */
export function trafficSample(source: TrafficStatsSource): Record<string, TargetGroupTrafficJson> {
  return Object.fromEntries([...source.snapshot()].map(([arn, t]) => [arn, trafficJson(t)]));
}
