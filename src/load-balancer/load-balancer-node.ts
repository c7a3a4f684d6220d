/**
 * The load-balancer node as one object: it holds the current routing table, swaps it whole on
 * `update`, follows it with listeners (open/close), connection pools (drain) and active health
 * checks, and reports health transitions upward. node/ builds tables from what its port to the
 * control plane hands over and reports the transitions back; this class knows neither.
 *
 *   LbControlPlane ──(node/ feed)──> update(table) ──> ListenerServer · ProxyEngine · HealthProber
 *                                              onTransition(tgArn, target, health) ──> LbControlPlane
 */
import type { Clock } from '../platform/clock.js';
import type { Random } from '../platform/random.js';
import type { TargetHealthRecord } from './health/health-state-machine.js';
import { HealthProber } from './health/health-prober.js';
import { probeTargets } from './health/probe-targets.js';
import { ListenerServer, type ApplyResult, type ListenerServerOptions } from './proxy/listener-server.js';
import { ProxyEngine } from './proxy/proxy-engine.js';
import type { ProxyMetrics } from './proxy/proxy-metrics.js';
import type { RoutingTable, Target } from './routing-table.js';

export { probeTargets } from './health/probe-targets.js';

export interface LoadBalancerNodeOptions {
  readonly initial: RoutingTable;
  readonly clock: Clock;
  readonly random: Random;
  readonly stickinessSecret: Buffer;
  readonly metrics?: ProxyMetrics;
  readonly onTransition?: (targetGroupArn: string, target: { id: string; port: number }, health: TargetHealthRecord) => void;
  readonly listenerOptions?: ListenerServerOptions;
  /** Health checks leave from this address (the node's own); default: the OS's choice. */
  readonly sourceAddress?: string;
  /**
   * Given: this node runs no health checks of its own, because another process checks for the
   * whole node (a worker of workers/), and the passive failures it sees go there instead.
   */
  readonly passiveFailures?: (targetGroupArn: string, target: Target) => void;
}

export class LoadBalancerNode {
  private current: RoutingTable;
  readonly engine: ProxyEngine;
  readonly listeners: ListenerServer;
  readonly prober: HealthProber;
  private readonly checksElsewhere: boolean;

  constructor(options: LoadBalancerNodeOptions) {
    this.checksElsewhere = options.passiveFailures !== undefined;
    this.current = options.initial;
    this.prober = new HealthProber({
      clock: options.clock,
      random: options.random,
      onTransition: (t, to) => options.onTransition?.(t.targetGroupArn, { id: t.id, port: t.port }, to),
      ...(options.sourceAddress ? { sourceAddress: options.sourceAddress } : {}),
    });
    this.engine = new ProxyEngine({
      getTable: () => this.current,
      clock: options.clock,
      random: options.random,
      stickinessSecret: options.stickinessSecret,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      health: { reportPassiveFailure: options.passiveFailures ?? ((tgArn: string, t: Target) => this.prober.reportPassiveFailure(tgArn, t)) },
    });
    this.listeners = new ListenerServer(this.engine, options.listenerOptions);
  }

  table(): RoutingTable {
    return this.current;
  }

  /** Swap the table; listeners, pools and health checks follow it. */
  async update(table: RoutingTable): Promise<ApplyResult> {
    this.current = table;
    this.engine.table();
    if (!this.checksElsewhere) this.prober.setTargets(probeTargets(table));
    return this.listeners.apply(table);
  }

  async start(): Promise<ApplyResult> {
    return this.update(this.current);
  }

  async close(): Promise<void> {
    this.prober.stop();
    await this.listeners.close();
    this.engine.close();
  }
}
