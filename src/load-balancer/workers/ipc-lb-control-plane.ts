/**
 * The node's port (`LbControlPlane`) in a child process of the control plane (`berth up`,
 * `berth server`): every call crosses the IPC channel to the parent, which runs it on its
 * in-process port (node-process.ts). Records arrive whole, as from any other adapter.
 */
import type { HealthReport, LbControlPlane, MetricSampleReport, RecordsSubscription, RoutingRecords, TargetRef } from '../../protocols/load-balancer/index.js';
import { isBerthMessage, type FromNode, type PortCall, type ToNode } from './node-process-messages.js';

export interface NodeChannel {
  send(message: FromNode): void;
  on(event: 'message', listener: (message: unknown) => void): void;
}

export class IpcLbControlPlane implements LbControlPlane {
  private nextId = 0;
  private readonly calls = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private onRecords: ((records: RoutingRecords) => void) | undefined;

  constructor(private readonly channel: NodeChannel) {
    channel.on('message', (m) => {
      if (!isBerthMessage(m)) return;
      const msg = m as ToNode;
      if (msg.type === 'berth:records') this.onRecords?.(msg.records);
      if (msg.type === 'berth:reply') {
        const call = this.calls.get(msg.id);
        this.calls.delete(msg.id);
        if (msg.error === undefined) call?.resolve();
        else call?.reject(new Error(msg.error));
      }
    });
  }

  async watchRecords(onRecords: (records: RoutingRecords) => void): Promise<RecordsSubscription> {
    this.onRecords = onRecords;
    this.channel.send({ type: 'berth:watch' });
    return { close: () => (this.onRecords = undefined) };
  }

  reportTargetHealth(target: TargetRef, health: HealthReport): Promise<void> {
    return this.call({ method: 'reportTargetHealth', target, health });
  }

  reportDrained(target: TargetRef, at: number): Promise<void> {
    return this.call({ method: 'reportDrained', target, at });
  }

  reportMetrics(samples: readonly MetricSampleReport[]): Promise<void> {
    return this.call({ method: 'reportMetrics', samples });
  }

  heartbeat(): Promise<void> {
    return this.call({ method: 'heartbeat' });
  }

  private call(call: PortCall): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.channel.send({ type: 'berth:call', id, call });
    });
  }
}
