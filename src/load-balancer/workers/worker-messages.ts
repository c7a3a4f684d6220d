/**
 * What a node's primary and its workers say to each other over the cluster IPC channel (advanced
 * serialization: Maps and Buffers cross as they are). The primary holds the node's one health
 * checker and sends each worker the whole routing input on every swap; a worker builds the table
 * itself (buildRoutingTable stays pure), serves, and answers questions about its own pools.
 */
import type { MetricSample } from '../../domain/cloudwatch/metric-series.js';
import type { TargetGroupTraffic } from '../../domain/elbv2/traffic.js';
import type { RoutingTableInput, Target } from '../routing-table.js';
import type { HeldConnections } from './connection-share.js';

/** Once, first: what every worker of the node shares. */
export interface WorkerSettings {
  /** Every worker signs and checks stickiness cookies with the node's one secret. */
  readonly stickinessSecret: Buffer;
  /** How many workers the node has (they share each listener's `berth.listener.max_connections`: connection-share.ts). */
  readonly workers: number;
  /** TLS session-ticket keys (48 bytes), the same in every worker, so a ticket from one worker resumes on another. */
  readonly ticketKeys: Buffer;
  /** Access logs go to `<dataDir>/access-logs/` (one file per load balancer, shared by the workers). */
  readonly dataDir: string;
  readonly accessLogFlushMs?: number;
  readonly logLevel: string;
  readonly logFormat: 'auto' | 'json' | 'pretty';
}

/** A listener a worker could not open (a ListenerBindError's fields: Error classes lose theirs in IPC). */
export interface BindFailure {
  readonly port: number;
  readonly address: string;
  readonly code: string;
  readonly message: string;
}

export type ToWorker =
  | { readonly type: 'berth:init'; readonly settings: WorkerSettings }
  | { readonly type: 'berth:table'; readonly version: number; readonly input: RoutingTableInput; readonly accessLogs: readonly string[] }
  | { readonly type: 'berth:in-flight'; readonly id: number; readonly targets: readonly { address: string; port: number }[] }
  | { readonly type: 'berth:traffic'; readonly id: number }
  /** The worker's AWS/ApplicationELB counts since the last ask (minute-metrics.ts), without host counts: the primary adds those once. */
  | { readonly type: 'berth:alb-metrics'; readonly id: number; readonly now: number }
  /** Per listener port, the client connections the node's other workers hold (connection-share.ts). */
  | { readonly type: 'berth:peer-connections'; readonly held: HeldConnections }
  | { readonly type: 'berth:stop' };

export type FromWorker =
  /** Its listener is attached: a message sent before that is lost (an ESM entry loads asynchronously). */
  | { readonly type: 'berth:hello' }
  | { readonly type: 'berth:applied'; readonly version: number; readonly failed: readonly BindFailure[] }
  | { readonly type: 'berth:passive-failure'; readonly targetGroupArn: string; readonly target: Target }
  | { readonly type: 'berth:in-flight'; readonly id: number; readonly counts: readonly number[] }
  | { readonly type: 'berth:traffic'; readonly id: number; readonly traffic: ReadonlyMap<string, TargetGroupTraffic> }
  | { readonly type: 'berth:alb-metrics'; readonly id: number; readonly samples: readonly MetricSample[] }
  /** Per listener port, the client connections this worker holds: sent when it changed, at most every connectionReportMs. */
  | { readonly type: 'berth:connections'; readonly held: HeldConnections };

/** Messages share the channel with prom-client's and the cluster module's: only ours are `berth:`. */
export function isFromWorker(m: unknown): m is FromWorker {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string' && (m as { type: string }).type.startsWith('berth:');
}

export function isToWorker(m: unknown): m is ToWorker {
  return isFromWorker(m);
}
