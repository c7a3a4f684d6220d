/**
 * The awslogs driver on the agent: for every container of an awslogs task on this host it follows
 * the runtime's log (stdout and stderr, in order), joins multiline events, and ships batches through
 * the ControlPlaneClient. A per-container cursor (the position of the last line the control plane
 * acknowledged) is persisted in the state dir, so a restarted agent resumes where it was; the
 * control plane's high-water mark turns a batch retried after a lost answer into a no-op.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { awslogsTargetOf, MultilineJoiner, type JoinedLine } from '../domain/ecs/log-configuration.js';
import { comparePositions, PositionCounter, type LogPosition } from '../domain/logs/log-position.js';
import { BATCH_LIMITS, firstBatch, splitMessage } from '../domain/logs/log-batching.js';
import { BERTH_LABELS, type ContainerRuntime, type ContainerState, type LogLine } from './runtime/runtime.js';
import { ControlPlaneError, type AssignedTask, type ControlPlaneClient, type ShippedLogEvent } from './control-plane-client.js';

export interface LogShipperDeps {
  client: ControlPlaneClient;
  runtime: ContainerRuntime;
  cluster: string;
  containerInstanceArn: () => string;
  stateDir: string;
  clock: Clock;
  logger: Logger;
  /** How often a batch goes out, and how long a multiline event waits for its next line (default 500 ms). */
  flushMs?: number;
  /** Most events in one batch. */
  maxBatchEvents?: number;
}

interface Cursor {
  last?: LogPosition;
  /** The container exited and every line of it is stored. */
  done?: boolean;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

const after = (a: LogPosition | undefined, b: LogPosition | undefined) => (!a ? b : !b ? a : comparePositions(a, b) >= 0 ? a : b);

export class LogShipper {
  private readonly following = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private readonly finished = new Set<string>();

  constructor(private readonly deps: LogShipperDeps) {}

  private cursorPath(runtimeId: string): string {
    return join(this.deps.stateDir, 'awslogs', `${runtimeId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
  }

  private async loadCursor(runtimeId: string): Promise<Cursor> {
    const raw = await readFile(this.cursorPath(runtimeId), 'utf8').catch(() => undefined);
    if (raw === undefined) return {};
    try {
      return JSON.parse(raw) as Cursor;
    } catch {
      // A torn file cannot happen (write then rename); anything else unreadable: the control plane's mark still dedupes.
      return {};
    }
  }

  private async saveCursor(runtimeId: string, cursor: Cursor): Promise<void> {
    const path = this.cursorPath(runtimeId);
    await mkdir(join(this.deps.stateDir, 'awslogs'), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(cursor));
    await rename(tmp, path);
  }

  /** Follows every awslogs container seen (running or exited) not yet shipped to its end. Called on each reconcile pass. */
  sync(tasks: readonly AssignedTask[], observed: readonly ContainerState[]): void {
    if (this.abort.signal.aborted) return;
    for (const c of observed) {
      if (c.status === 'created' || c.status === 'missing' || this.following.has(c.runtimeId) || this.finished.has(c.runtimeId)) continue;
      const task = tasks.find((t) => t.taskArn === c.labels[BERTH_LABELS.taskArn]);
      const def = task?.containers.find((d) => d.name === c.name);
      if (!task || def?.logConfiguration?.logDriver !== 'awslogs') continue;
      const p = this.follow(task, c.name, c.runtimeId, def.logConfiguration.options)
        .catch((err) => {
          if (err instanceof ControlPlaneError && err.status < 500 && err.status !== 429) {
            this.finished.add(c.runtimeId);
            this.deps.logger.warn({ err, taskArn: task.taskArn, container: c.name }, "the control plane refuses this container's log lines; shipping ends");
          } else this.deps.logger.warn({ err, taskArn: task.taskArn, container: c.name }, 'awslogs shipping stopped; it resumes on the next pass');
        })
        .finally(() => this.following.delete(c.runtimeId));
      this.following.set(c.runtimeId, p);
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all([...this.following.values()]);
  }

  /** Sends one batch until the control plane answers (a retry is harmless: positions dedupe it). */
  private async send(task: AssignedTask, name: string, runtimeId: string, events: ShippedLogEvent[]) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.client.shipLogs({
          cluster: this.deps.cluster,
          containerInstanceArn: this.deps.containerInstanceArn(),
          taskArn: task.taskArn,
          containerName: name,
          runtimeId,
          events,
        });
      } catch (err) {
        // Refused for good (the task is gone from the store, the container no longer awslogs): nothing a retry changes.
        if (this.abort.signal.aborted || (err instanceof ControlPlaneError && err.status >= 400 && err.status < 500 && err.status !== 429)) throw err;
        this.deps.logger.warn({ err, attempt, container: name }, 'shipping a log batch failed; retrying');
        await sleep(Math.min(5_000, 200 * 2 ** attempt), this.abort.signal);
      }
    }
  }

  private async follow(task: AssignedTask, name: string, runtimeId: string, options: Record<string, string>): Promise<void> {
    const { clock } = this.deps;
    const signal = this.abort.signal;
    const flushMs = this.deps.flushMs ?? 500;
    const max = this.deps.maxBatchEvents ?? 1000;
    const saved = await this.loadCursor(runtimeId);
    if (saved.done) {
      this.finished.add(runtimeId);
      return;
    }
    const opened = await this.send(task, name, runtimeId, []);
    // A missing group stops the task at its start (task-actions.ts); nothing to ship here.
    if (!opened.ok) return;
    let cursor = after(saved.last, opened.shipped);
    const target = awslogsTargetOf(name, options, undefined);
    const joiner = new MultilineJoiner<LogPosition>(target.multiline);
    const counter = new PositionCounter();
    let batch: JoinedLine<LogPosition>[] = [];
    let lastLineAt = clock.now();
    let ended = false;
    const lines = this.deps.runtime.logs(runtimeId, { follow: true, signal, ...(cursor ? { since: cursor.t } : {}) });
    const pump = (async () => {
      try {
        for await (const l of lines as AsyncIterable<LogLine>) {
          const pos = counter.next(l.time);
          if (cursor && comparePositions(pos, cursor) <= 0) continue;
          // The position's millisecond, not the line's own: Docker stamps stdout and stderr apart, and a batch must be in order.
          batch.push(...joiner.push(l.line, pos.t, pos));
          lastLineAt = clock.now();
        }
      } finally {
        ended = true;
      }
    })();
    let pumpError: unknown;
    pump.catch((err) => (pumpError = err));
    for (;;) {
      if (!ended && batch.length < max) await sleep(flushMs, signal);
      if (signal.aborted) break;
      const done = ended;
      if (done || (joiner.hasPending && clock.now() - lastLineAt >= flushMs)) batch.push(...joiner.flush());
      while (batch.length > 0) {
        const groups = batch.map((j) => splitMessage(j.message).map((message) => ({ timestamp: j.time, message, last: j.last })));
        const { events, groups: taken } = firstBatch(groups, { ...BATCH_LIMITS, maxEvents: max });
        const answer = await this.send(task, name, runtimeId, events);
        if (!answer.ok) return;
        cursor = batch[taken - 1]!.last;
        batch = batch.slice(taken);
        await this.saveCursor(runtimeId, { last: cursor });
      }
      if (done) {
        if (pumpError) throw pumpError;
        // Only an exited container's log ends by itself; a runtime hiccup ends it too, and the next pass resumes from the cursor.
        const state = await this.deps.runtime.inspect(runtimeId).catch(() => undefined);
        if (state?.status === 'exited' || state?.status === 'missing') {
          await this.saveCursor(runtimeId, { ...(cursor ? { last: cursor } : {}), done: true });
          this.finished.add(runtimeId);
        }
        return;
      }
    }
    await pump.catch(() => undefined);
  }
}
