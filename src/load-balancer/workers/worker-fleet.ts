/**
 * A load-balancer node's primary: N workers (the cluster module, SCHED_NONE: every worker accepts
 * on the node's shared listening handles and the kernel spreads the connections) and the node's
 * one health checker. It is the feed's `FedNode`: a swap sends the routing input to every worker
 * and resolves when each has applied it; in-flight counts and traffic are summed over the workers.
 * A worker that dies is forked again and handed the current table; only its own connections are lost.
 * Each worker's count of client connections is passed on to the others, so that together they hold
 * a listener's limit however unevenly the kernel spreads the connections (connection-share.ts).
 *
 *   RoutingFeed ─update(table, input)─> WorkerFleet ─berth:table─> worker 1..N (listeners, pools)
 *                                         │ HealthProber (once per node) <─passive failures─┘
 *                                         └ onTransition ─> feed rebuild ─> every worker
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from '../../platform/lean-prom-client.js';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import type { Logger } from '../../platform/logger.js';
import type { MetricSample } from '../../domain/cloudwatch/metric-series.js';
import type { TargetGroupTraffic, TargetTraffic } from '../../domain/elbv2/traffic.js';
import { HealthProber } from '../health/health-prober.js';
import type { TargetHealthRecord } from '../health/health-state-machine.js';
import { probeTargets } from '../health/probe-targets.js';
import { ListenerBindError, type ApplyResult } from '../proxy/listener-bind-error.js';
import { buildRoutingTable, type RoutingTable, type RoutingTableInput } from '../routing-table.js';
import type { FedNode } from '../node/routing-feed.js';
import type { RoutingRecords } from '../node/routing-source.js';
import { isFromWorker, type FromWorker, type ToWorker, type WorkerSettings } from './worker-messages.js';
import { heldByOthers, type HeldConnections } from './connection-share.js';

export interface WorkerFleetOptions {
  readonly workers: number;
  /** The worker's entry file (src/main/lb-worker.ts, or its build) and the Node flags to run it with. */
  readonly exec: string;
  readonly execArgv?: readonly string[];
  readonly settings: WorkerSettings;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger?: Logger;
  readonly sourceAddress?: string;
  readonly onTransition?: (targetGroupArn: string, target: { id: string; port: number }, health: TargetHealthRecord) => void;
  /** How long a swap or a question waits for a worker before going on without it. */
  readonly answerTimeoutMs?: number;
}

interface Pending {
  readonly waiting: Set<number>;
  readonly answers: FromWorker[];
  readonly done: (answers: FromWorker[]) => void;
}

export class WorkerFleet implements FedNode {
  readonly prober: HealthProber;
  private current: RoutingTable = buildRoutingTable({ loadBalancers: [], listeners: [], targetGroups: [] });
  private lastTable: Extract<ToWorker, { type: 'berth:table' }> | undefined;
  private readonly workers = new Map<number, Worker>();
  /** Workers that said hello (and were sent the settings and the table). */
  private readonly ready = new Set<number>();
  private readonly pending = new Map<string, Pending>();
  private readonly aggregator = new AggregatorRegistry();
  /** Per worker, the client connections it last said it holds, per listener port. */
  private readonly held = new Map<number, HeldConnections>();
  private nextId = 0;
  private stopping = false;
  private restarts = 0;
  private onReady: (() => void) | undefined;
  /** Settles once every first worker said hello (or start gave up): a swap waits for it to count them all. */
  private started: Promise<void> = Promise.resolve();

  constructor(private readonly options: WorkerFleetOptions) {
    this.prober = new HealthProber({
      clock: options.clock,
      random: options.random,
      onTransition: (t, to) => options.onTransition?.(t.targetGroupArn, { id: t.id, port: t.port }, to),
      ...(options.sourceAddress ? { sourceAddress: options.sourceAddress } : {}),
    });
  }

  /** Forks the workers; resolves once each is listening for its table (so the first swap reaches them all). */
  start(timeoutMs = 60_000): Promise<void> {
    // Before the first fork: the primary hands every worker the listening handle and accepts nothing itself.
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    cluster.setupPrimary({ exec: this.options.exec, execArgv: [...(this.options.execArgv ?? process.execArgv)], serialization: 'advanced' });
    const all = new Promise<void>((resolve, reject) => {
      this.onReady = () => {
        if (this.ready.size < this.options.workers) return;
        clearTimeout(timer);
        this.onReady = undefined;
        resolve();
      };
      const timer = setTimeout(() => reject(new Error(`load-balancer workers did not start within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
    });
    for (let i = 0; i < this.options.workers; i++) this.fork();
    this.started = all.catch(() => undefined);
    return all;
  }

  /** The workers' process ids (tests kill one). */
  pids(): number[] {
    return [...this.workers.values()].flatMap((w) => (w.process.pid === undefined ? [] : [w.process.pid]));
  }

  /** How many workers were forked again after dying. */
  restarted(): number {
    return this.restarts;
  }

  health(targetGroupArn: string, target: { id: string; port: number }): TargetHealthRecord | undefined {
    return this.prober.health(targetGroupArn, target);
  }

  table(): RoutingTable {
    return this.current;
  }

  async update(table: RoutingTable, input: RoutingTableInput, records: RoutingRecords): Promise<ApplyResult> {
    this.current = table;
    this.prober.setTargets(probeTargets(table));
    const message = { type: 'berth:table' as const, version: table.version, input, accessLogs: accessLogNames(records) };
    // A worker still starting gets it with its hello and listens at once; the swap is done when
    // every worker has applied it, so it waits for the start (the table is asked again of each).
    this.lastTable = message;
    await this.started;
    if (this.lastTable !== message) return { opened: [], closed: [], failed: [] };
    const answers = await this.ask(`table:${message.version}`, () => message);
    // Every worker binds the same handles: one's failures are the node's.
    const failed = answers.flatMap((a) => (a.type === 'berth:applied' ? a.failed : [])).filter((f, i, all) => all.findIndex((g) => g.port === f.port) === i);
    if (failed.length > 0) this.retryBinds(message, 0);
    return { opened: [], closed: [], failed: failed.map((f) => new ListenerBindError(f.port, f.address, f.code, f.message)) };
  }

  async inFlight(targets: readonly { address: string; port: number }[]): Promise<readonly number[]> {
    const id = this.nextId++;
    const expected = this.ready.size;
    const answers = await this.ask(`in-flight:${id}`, () => ({ type: 'berth:in-flight', id, targets }));
    // A worker that did not answer may still hold a request: unknown is not zero.
    if (answers.length < expected) throw new Error(`${expected - answers.length} worker(s) did not answer`);
    return targets.map((_, i) => answers.reduce((sum, a) => sum + (a.type === 'berth:in-flight' ? (a.counts[i] ?? 0) : 0), 0));
  }

  /** The last second's traffic summed over the workers (p99: the highest worker's, an upper bound). */
  async traffic(): Promise<Map<string, TargetGroupTraffic>> {
    const id = this.nextId++;
    const answers = await this.ask(`traffic:${id}`, () => ({ type: 'berth:traffic', id }));
    return mergeTraffic(answers.flatMap((a) => (a.type === 'berth:traffic' ? [a.traffic] : [])));
  }

  /** Every worker's AWS/ApplicationELB counts since the last ask (the store merges them into their minutes). */
  async albMetrics(now: number): Promise<MetricSample[]> {
    const id = this.nextId++;
    const answers = await this.ask(`alb-metrics:${id}`, () => ({ type: 'berth:alb-metrics', id, now }));
    return answers.flatMap((a) => (a.type === 'berth:alb-metrics' ? a.samples : []));
  }

  /** One Prometheus scrape over every worker's registry (prom-client's cluster aggregation). */
  metrics(): Promise<string> {
    return this.aggregator.clusterMetrics();
  }

  get contentType(): string {
    return this.aggregator.contentType;
  }

  async close(): Promise<void> {
    this.stopping = true;
    this.prober.stop();
    const exits = [...this.workers.values()].map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.isDead()) return resolve();
          w.once('exit', () => resolve());
          const kill = setTimeout(() => w.process.kill('SIGKILL'), 10_000);
          kill.unref();
          // One that has not said hello would never read the message: it has nothing to finish either.
          if (this.ready.has(w.id)) w.send({ type: 'berth:stop' } satisfies ToWorker);
          else w.process.kill('SIGKILL');
        }),
    );
    await Promise.all(exits);
  }

  /**
   * A port that would not bind is tried again while the table stands: the usual holder is the
   * previous node's workers, still exiting after it was killed, and they are gone in moments.
   */
  private retryBinds(message: Extract<ToWorker, { type: 'berth:table' }>, attempt: number): void {
    const delays = [100, 250, 500];
    const timer = setTimeout(async () => {
      if (this.stopping || this.lastTable !== message) return;
      const answers = await this.ask(`table:${message.version}`, () => message);
      if (answers.some((a) => a.type === 'berth:applied' && a.failed.length > 0)) this.retryBinds(message, attempt + 1);
    }, delays[attempt] ?? 1000);
    timer.unref();
  }

  private fork(): void {
    const worker = cluster.fork();
    this.workers.set(worker.id, worker);
    const forkedAt = this.options.clock.now();
    worker.on('message', (m: unknown) => this.onMessage(worker, m));
    worker.on('error', (err) => this.options.logger?.warn({ err, pid: worker.process.pid }, 'load-balancer worker channel error'));
    worker.once('exit', (code, signal) => {
      this.workers.delete(worker.id);
      this.ready.delete(worker.id);
      // Its connections died with it: the others may take their room at once.
      if (this.held.delete(worker.id)) this.sharePeerConnections(undefined);
      // Its answers will never come: questions waiting on it go on with the others.
      for (const [key, p] of this.pending) if (p.waiting.delete(worker.id) && p.waiting.size === 0) this.settle(key);
      if (this.stopping) return;
      this.options.logger?.warn({ pid: worker.process.pid, code, signal }, 'load-balancer worker died; starting another');
      this.restarts++;
      // A worker that dies at once would be forked in a tight loop: one second apart at most.
      const wait = Math.max(0, 1000 - (this.options.clock.now() - forkedAt));
      setTimeout(() => {
        if (!this.stopping) this.fork();
      }, wait).unref();
    });
  }

  private onMessage(worker: Worker, m: unknown): void {
    if (!isFromWorker(m)) return;
    switch (m.type) {
      case 'berth:hello':
        // Settings first, then the table now live; a swap in progress was sent to it too once it says hello.
        worker.send({ type: 'berth:init', settings: this.options.settings } satisfies ToWorker);
        if (this.lastTable) worker.send(this.lastTable);
        worker.send({ type: 'berth:peer-connections', held: heldByOthers(this.held, worker.id) } satisfies ToWorker);
        this.ready.add(worker.id);
        this.onReady?.();
        return;
      case 'berth:connections':
        this.held.set(worker.id, m.held);
        return this.sharePeerConnections(worker.id);
      case 'berth:passive-failure':
        this.prober.reportPassiveFailure(m.targetGroupArn, m.target);
        return;
      case 'berth:applied':
        return this.answer(`table:${m.version}`, worker, m);
      case 'berth:in-flight':
        return this.answer(`in-flight:${m.id}`, worker, m);
      case 'berth:traffic':
        return this.answer(`traffic:${m.id}`, worker, m);
      case 'berth:alb-metrics':
        return this.answer(`alb-metrics:${m.id}`, worker, m);
    }
  }

  /** Tells every worker but `changed` (whose own count it is) what the others hold now. */
  private sharePeerConnections(changed: number | undefined): void {
    for (const w of this.workers.values()) {
      if (w.id === changed || !this.ready.has(w.id) || !w.isConnected()) continue;
      w.send({ type: 'berth:peer-connections', held: heldByOthers(this.held, w.id) } satisfies ToWorker);
    }
  }

  /** Sends to every live worker and collects their answers (those that die or time out are left out). */
  private ask(key: string, message: () => ToWorker): Promise<FromWorker[]> {
    return new Promise((resolve) => {
      const live = [...this.workers.values()].filter((w) => w.isConnected() && this.ready.has(w.id));
      const p: Pending = { waiting: new Set(live.map((w) => w.id)), answers: [], done: resolve };
      this.pending.set(key, p);
      if (live.length === 0) return this.settle(key);
      const timer = setTimeout(() => this.settle(key), this.options.answerTimeoutMs ?? 10_000);
      timer.unref();
      const m = message();
      for (const w of live) w.send(m);
    });
  }

  private answer(key: string, worker: Worker, m: FromWorker): void {
    const p = this.pending.get(key);
    if (!p || !p.waiting.delete(worker.id)) return;
    p.answers.push(m);
    if (p.waiting.size === 0) this.settle(key);
  }

  private settle(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    p.done(p.answers);
  }
}

/** Load balancers whose access log is on, by name (what each worker's AccessLog writes). */
export function accessLogNames(records: RoutingRecords): string[] {
  return records.loadBalancers.filter((lb) => lb.attributes['access_logs.s3.enabled'] === 'true').map((lb) => lb.LoadBalancerName);
}

/** Pure: per-worker traffic summed per group and target; p99 is the highest worker's (percentiles do not add). */
export function mergeTraffic(parts: readonly ReadonlyMap<string, TargetGroupTraffic>[]): Map<string, TargetGroupTraffic> {
  const out = new Map<string, TargetGroupTraffic>();
  for (const part of parts) {
    for (const [arn, g] of part) {
      const prev = out.get(arn);
      if (!prev) {
        out.set(arn, { ...g, targets: new Map(g.targets) });
        continue;
      }
      const targets = new Map<string, TargetTraffic>(prev.targets);
      for (const [key, t] of g.targets) {
        const p = targets.get(key);
        targets.set(key, p ? { inFlight: p.inFlight + t.inFlight, requestsPerSecond: p.requestsPerSecond + t.requestsPerSecond } : t);
      }
      out.set(arn, {
        requestsPerSecond: prev.requestsPerSecond + g.requestsPerSecond,
        errors5xxPerSecond: prev.errors5xxPerSecond + g.errors5xxPerSecond,
        p99Ms: Math.max(prev.p99Ms, g.p99Ms),
        targets,
      });
    }
  }
  return out;
}
