/**
 * Live traffic of a target group as a snapshot: what the load balancer measures (the last complete
 * second) and the console charts. Shared vocabulary, so neither side imports the other.
 */

export interface TargetTraffic {
  readonly inFlight: number;
  readonly requestsPerSecond: number;
}

export interface TargetGroupTraffic {
  readonly requestsPerSecond: number;
  readonly errors5xxPerSecond: number;
  /** p99 latency over the window, in milliseconds (0 when there was no request). */
  readonly p99Ms: number;
  /** Keyed `"<id>:<port>"`, exactly as the target's registration. */
  readonly targets: ReadonlyMap<string, TargetTraffic>;
}
