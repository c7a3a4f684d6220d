/**
 * The load-balancer node protocol in process (`berth up`, `berth server`'s own node): the same
 * LbNodeService the HTTP routes call, for one node, with AwsErrors turned into the error an HTTP
 * client would throw, and every snapshot copied so the node never holds control-plane state.
 */
import { AwsError } from '../../domain/aws-error.js';
import { ControlPlaneError } from '../../protocols/agent/index.js';
import {
  LB_PROTOCOL_VERSION,
  type HealthReport,
  type LbControlPlane,
  type MetricSampleReport,
  type NodeIdentity,
  type RecordsSubscription,
  type RoutingRecords,
  type TargetRef,
} from '../../protocols/load-balancer/index.js';
import type { LbNodeService } from './lb-node-service.js';

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AwsError) throw new ControlPlaneError(err.code, err.message, err.status);
    throw err;
  }
}

export class InProcessLbControlPlane implements LbControlPlane {
  constructor(
    private readonly service: LbNodeService,
    private readonly node: NodeIdentity,
  ) {}

  async watchRecords(onRecords: (records: RoutingRecords) => void): Promise<RecordsSubscription> {
    // Subscribed before the first read, so no change between the two is missed.
    let delivered = false;
    const unsubscribe = this.service.cache.subscribe((s) => {
      delivered = true;
      onRecords(structuredClone(s.records));
    });
    try {
      const first = await this.service.cache.snapshot();
      if (!delivered) onRecords(structuredClone(first.records));
    } catch (err) {
      unsubscribe();
      throw err;
    }
    return { close: unsubscribe };
  }

  reportTargetHealth(target: TargetRef, health: HealthReport): Promise<void> {
    return translated(() => this.service.reportTargetHealth({ nodeId: this.node.nodeId, target, health }));
  }

  reportDrained(target: TargetRef, at: number): Promise<void> {
    return translated(() => this.service.reportDrained({ nodeId: this.node.nodeId, target, at }));
  }

  reportMetrics(samples: readonly MetricSampleReport[]): Promise<void> {
    return translated(() => this.service.reportMetrics({ nodeId: this.node.nodeId, samples: structuredClone(samples) }));
  }

  heartbeat(): Promise<void> {
    return translated(() => this.service.heartbeat({ ...this.node, version: LB_PROTOCOL_VERSION }));
  }
}
