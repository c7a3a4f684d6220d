/**
 * The control plane's side of the load-balancer node protocol: what the HTTP routes
 * (lb-routes.ts) and the in-process adapter (in-process-lb-control-plane.ts) both call.
 *
 *   routing(after, timeoutMs)   -> RoutingRecordsCache (one watch per process) long poll
 *   heartbeat(node)             -> in memory (localNodes); the node's record (/berth/lb-nodes/<id>)
 *                                  is written only when a run starts or the address changes
 *   reportTargetHealth(report)  -> target-report.ts (pure merge of fresh nodes' verdicts) + CAS
 *   reportDrained(report)       -> target-report.ts afterDrained + CAS
 *   reportMetrics(report)       -> the metric sink (metrics.db): AWS/ApplicationELB samples, checked for shape
 */
import type { SealedBox } from '../../platform/sealed-box.js';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { parseElbv2Arn } from '../../domain/elbv2/arn.js';
import type { TargetRecord } from '../../domain/elbv2/target.js';
import { nodeIsFresh, type LoadBalancerNodeRecord } from '../../domain/elbv2/load-balancer-node.js';
import { SKIP, updateRecord } from '../../store/record-update.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../platform/clock.js';
import {
  FRESH_NODE_MS,
  LB_PROTOCOL_VERSION,
  ROUTING_POLL_DEFAULT_MS,
  ROUTING_POLL_MAX_MS,
  type DrainedRequest,
  type HeartbeatRequest,
  type MetricSampleReport,
  type MetricsRequest,
  type RoutingSnapshot,
  type TargetHealthRequest,
  type TargetRef,
} from '../../protocols/load-balancer/index.js';
import { afterDrained, afterHealthReport } from './target-report.js';
import { RoutingRecordsCache } from './routing-records-cache.js';

export interface LbNodeServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly onWatchError?: (err: Error) => void;
  /** Opens certificates' private keys for the nodes' HTTPS listeners. */
  readonly sealedBox?: SealedBox;
  /** Where nodes' metric samples go (the CloudWatch metric store); without one they are dropped. */
  readonly metrics?: { record(samples: readonly MetricSampleReport[]): Promise<void> };
  /** How long a node stays fresh after its last heartbeat (default FRESH_NODE_MS). */
  readonly freshMs?: number;
  /** Nodes fresh on the other servers (ServerRegistry.freshRemoteLbNodes): their verdicts count too. */
  readonly remoteFreshNodes?: (freshMs: number) => ReadonlySet<string>;
}

const invalid = (message: string): AwsError => new AwsError('InvalidParameterException', message);

function checkTarget(t: unknown): TargetRef {
  const r = t as Partial<TargetRef> | undefined;
  if (!r || typeof r.targetGroupArn !== 'string' || typeof r.id !== 'string' || !Number.isInteger(r.port)) {
    throw invalid('target must be {targetGroupArn, id, port}.');
  }
  return { targetGroupArn: r.targetGroupArn, id: r.id, port: r.port! };
}

/** A node reports a minute at a time; a backlog after an outage is capped on the node too. */
const MAX_METRIC_SAMPLES = 20_000;

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isMetricSample(s: unknown): s is MetricSampleReport {
  if (typeof s !== 'object' || s === null) return false;
  const r = s as Partial<MetricSampleReport>;
  const m = r.metric;
  const v = r.values;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.namespace === 'string' &&
    typeof m.name === 'string' &&
    Array.isArray(m.dimensions) &&
    m.dimensions.every((d) => typeof d?.Name === 'string' && typeof d?.Value === 'string') &&
    typeof r.unit === 'string' &&
    isFiniteNumber(r.timestamp) &&
    typeof v === 'object' &&
    v !== null &&
    [v.sampleCount, v.sum, v.minimum, v.maximum].every(isFiniteNumber)
  );
}

function checkNodeId(id: unknown): string {
  if (typeof id !== 'string' || id === '' || id.length > 255) throw invalid('nodeId is required (1-255 characters).');
  return id;
}

export class LbNodeService {
  readonly cache: RoutingRecordsCache;
  /** Serializes the writes to one target record, so one process's reports land in the order they were made. */
  private readonly writes = new Map<string, Promise<void>>();
  /** The nodes heartbeating to this server, as of their last heartbeat: memory, not the store. */
  private readonly seen = new Map<string, LoadBalancerNodeRecord>();
  private readonly unstored = new Set<string>();
  private readonly startedAt: number;

  constructor(private readonly deps: LbNodeServiceDeps) {
    this.cache = new RoutingRecordsCache(deps.store, deps.onWatchError, deps.sealedBox);
    this.startedAt = deps.clock.now();
  }

  /** At once when the records changed after `after` (or without it), else on the next change or after the poll's timeout. */
  routing(after: number | undefined, timeoutMs: number | undefined, signal?: AbortSignal): Promise<RoutingSnapshot> {
    if (after === undefined) return this.cache.snapshot();
    const wait = Math.min(Math.max(timeoutMs ?? ROUTING_POLL_DEFAULT_MS, 0), ROUTING_POLL_MAX_MS);
    return this.cache.after(after, wait, signal);
  }

  async heartbeat(req: HeartbeatRequest): Promise<void> {
    const nodeId = checkNodeId(req.nodeId);
    if (req.version !== LB_PROTOCOL_VERSION) {
      throw invalid(`this server speaks load-balancer protocol version ${LB_PROTOCOL_VERSION}, not ${String(req.version)}.`);
    }
    if (typeof req.advertiseAddress !== 'string') throw invalid('advertiseAddress is required.');
    const now = this.deps.clock.now();
    const cur = this.seen.get(nodeId);
    // A node silent for longer than freshness is a new run of it.
    const sameRun = cur !== undefined && nodeIsFresh(cur, now, this.freshMs());
    const node: LoadBalancerNodeRecord = {
      nodeId,
      advertiseAddress: req.advertiseAddress,
      startedAt: sameRun ? cur.startedAt : now,
      lastSeenAt: now,
      protocolVersion: req.version,
    };
    const changed = !sameRun || cur.advertiseAddress !== node.advertiseAddress || cur.protocolVersion !== node.protocolVersion;
    this.seen.set(nodeId, node);
    // The store hears of a node only when a run starts or its address changes, not every few seconds:
    // freshness lives here and in this server's record (control-plane/servers). A write that failed
    // (the store away) is tried again on the next heartbeat.
    if (changed || this.unstored.has(nodeId)) {
      this.unstored.add(nodeId);
      await this.deps.store.put(keys.loadBalancerNode(nodeId), node);
      this.unstored.delete(nodeId);
    }
  }

  async reportTargetHealth(req: TargetHealthRequest): Promise<void> {
    const nodeId = checkNodeId(req.nodeId);
    const target = checkTarget(req.target);
    const health = req.health;
    if (!health || typeof health.state !== 'string') throw invalid('health.state is required.');
    const nodes = this.freshNodes();
    await this.update(target, (cur) => afterHealthReport(cur, health, { nodeId, now: this.deps.clock.now(), isFresh: (id) => nodes.has(id) }));
  }

  async reportDrained(req: DrainedRequest): Promise<void> {
    checkNodeId(req.nodeId);
    const target = checkTarget(req.target);
    if (!Number.isFinite(req.at)) throw invalid('at (epoch ms) is required.');
    await this.update(target, (cur) => afterDrained(cur, req.at));
  }

  async reportMetrics(req: MetricsRequest): Promise<void> {
    checkNodeId(req.nodeId);
    if (!Array.isArray(req.samples) || req.samples.length > MAX_METRIC_SAMPLES) throw invalid(`samples must be a list of at most ${MAX_METRIC_SAMPLES}.`);
    const samples = req.samples.filter(isMetricSample);
    if (samples.length !== req.samples.length)
      throw invalid('each sample is {metric: {namespace, name, dimensions}, unit, timestamp, values: {sampleCount, sum, minimum, maximum}}.');
    await this.deps.metrics?.record(samples);
  }

  /** The nodes heartbeating to this server, with when each was last heard (exact, from memory). */
  localNodes(): LoadBalancerNodeRecord[] {
    return [...this.seen.values()];
  }

  /** Every node the store has heard of; lastSeenAt there is when its run started or its address changed. */
  async storedNodes(): Promise<LoadBalancerNodeRecord[]> {
    return (await this.deps.store.list<LoadBalancerNodeRecord>(keys.loadBalancerNodes())).records.map((r) => r.value);
  }

  close(): void {
    this.cache.close();
  }

  private freshMs(): number {
    return this.deps.freshMs ?? FRESH_NODE_MS;
  }

  /**
   * The nodes whose verdicts count. For one freshness window after this server starts, every node
   * does: heartbeats live in memory, so a restarted server has heard only the nodes that beat since,
   * and the first unhealthy report of one broken node would otherwise outvote the healthy verdicts on
   * record of nodes that have not beaten yet, and get a healthy task replaced. A node that really is
   * gone counts only in the reports made in that window.
   */
  private freshNodes(): { has(nodeId: string): boolean } {
    const now = this.deps.clock.now();
    if (now - this.startedAt < this.freshMs()) return { has: () => true };
    const fresh = new Set(this.deps.remoteFreshNodes?.(this.freshMs()) ?? []);
    for (const n of this.seen.values()) if (nodeIsFresh(n, now, this.freshMs())) fresh.add(n.nodeId);
    return fresh;
  }

  private update(t: TargetRef, decide: (cur: TargetRecord | undefined) => TargetRecord | undefined): Promise<void> {
    const parsed = parseElbv2Arn(t.targetGroupArn);
    if (parsed?.kind !== 'targetgroup') return Promise.resolve();
    const key = keys.target(parsed.tgId, t.id, t.port);
    const previous = this.writes.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      await updateRecord<TargetRecord>(this.deps.store, key, (cur) => decide(cur) ?? SKIP);
    });
    const settled = next.catch(() => {});
    this.writes.set(key, settled);
    void settled.then(() => {
      if (this.writes.get(key) === settled) this.writes.delete(key);
    });
    return next;
  }
}
