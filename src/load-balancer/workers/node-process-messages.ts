/**
 * What a control-plane process (`berth up`, `berth server`) and the load-balancer node it runs as a
 * child process say to each other over the child's IPC channel: the node's port (`LbControlPlane`)
 * carried across, and the control plane's questions about the node (a scrape, live traffic, the
 * ports it serves). The child is the node's primary; its workers are the child's cluster workers.
 */
import type { TargetGroupTraffic } from '../../domain/elbv2/traffic.js';
import type { HealthReport, MetricSampleReport, RoutingRecords, TargetRef } from '../../protocols/load-balancer/index.js';

/** How the child runs the node: the `startWorkerNode` options that are data. */
export interface NodeProcessSettings {
  readonly workers: number;
  readonly dataDir: string;
  readonly internalBindAddress?: string;
  readonly publicBindAddress?: string;
  readonly logLevel: string;
  readonly logFormat: 'auto' | 'json' | 'pretty';
  readonly stickinessSecret?: Buffer;
}

export type PortCall =
  | { readonly method: 'reportTargetHealth'; readonly target: TargetRef; readonly health: HealthReport }
  | { readonly method: 'reportDrained'; readonly target: TargetRef; readonly at: number }
  | { readonly method: 'reportMetrics'; readonly samples: readonly MetricSampleReport[] }
  | { readonly method: 'heartbeat' };

export type ToNode =
  | { readonly type: 'berth:node-start'; readonly settings: NodeProcessSettings }
  | { readonly type: 'berth:records'; readonly records: RoutingRecords }
  | { readonly type: 'berth:reply'; readonly id: number; readonly error?: string }
  | { readonly type: 'berth:scrape'; readonly id: number }
  | { readonly type: 'berth:traffic'; readonly id: number }
  | { readonly type: 'berth:node-stop' };

export type FromNode =
  /** Its listener is attached: a message sent before that is lost (an ESM entry loads asynchronously). */
  | { readonly type: 'berth:hello' }
  | { readonly type: 'berth:watch' }
  | { readonly type: 'berth:call'; readonly id: number; readonly call: PortCall }
  | { readonly type: 'berth:node-ready' }
  | { readonly type: 'berth:node-failed'; readonly error: string }
  | { readonly type: 'berth:ports'; readonly ports: readonly number[] }
  | { readonly type: 'berth:scrape'; readonly id: number; readonly text: string; readonly contentType: string; readonly error?: string }
  | { readonly type: 'berth:traffic'; readonly id: number; readonly traffic: ReadonlyMap<string, TargetGroupTraffic> };

export function isBerthMessage(m: unknown): m is { readonly type: string } {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string' && (m as { type: string }).type.startsWith('berth:');
}
