/**
 * A watch-fed view of the task and container-instance records, per cluster, as Kubernetes informers
 * keep one: list once, then apply every event of one watch on the whole store. The service
 * controller reads a pass's tasks and instances here instead of re-listing (and re-decoding) a whole
 * cluster each time.
 *
 * The watch covers every key, so the view's revision is exact: every store revision has at least one
 * event. `waitFor(r)` resolves once the view has applied revision r, which is how a pass reads a view
 * at least as new as the service record it just read (its own last commit included). Records handed
 * out are shared and read-only, as objects from an informer's cache are.
 */
import type { Store, StoredRecord, Watch, WatchEvent } from '../../store/store.js';
import type { Logger } from '../../platform/logger.js';
import { keys } from '../../domain/keys.js';
import type { ContainerInstanceRecord, TaskRecord } from '../../domain/ecs/records.js';

type ByCluster<T> = Map<string, Map<string, StoredRecord<T>>>;

/** Told of every batch the view applies, decoded once for all (the controller's triggers), and of every re-list, after which events may have been missed. */
export interface CacheListener {
  onEvents(events: readonly WatchEvent[]): void;
  onRelisted(): void;
}

const TASKS = keys.tasks();
const INSTANCES = keys.containerInstances();

export class RecordCache {
  private readonly tasks: ByCluster<TaskRecord> = new Map();
  /** The same task records by cluster and then task group (`service:<name>`): a pass reads its service's tasks without walking the cluster's. */
  private readonly groups = new Map<string, Map<string, Map<string, StoredRecord<TaskRecord>>>>();
  private readonly instances: ByCluster<ContainerInstanceRecord> = new Map();
  private applied = 0;
  private watch: Watch | undefined;
  private stopped = false;
  private readonly waiters: { revision: number; resolve: () => void }[] = [];
  private readonly listeners = new Set<CacheListener>();

  private constructor(
    private readonly store: Store,
    private readonly logger?: Logger,
  ) {}

  static async start(store: Store, logger?: Logger): Promise<RecordCache> {
    const cache = new RecordCache(store, logger);
    await cache.sync();
    return cache;
  }

  /** The revision the view has applied everything up to. */
  get revision(): number {
    return this.applied;
  }

  /** Resolves when the view holds every write up to `revision`, or false after `timeoutMs` (the caller then reads the store). */
  waitFor(revision: number, timeoutMs = 5_000): Promise<boolean> {
    if (this.applied >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      const w = { revision, resolve: () => (clearTimeout(timer), resolve(true)) };
      this.waiters.push(w);
    });
  }

  tasksOf(cluster: string): StoredRecord<TaskRecord>[] {
    return [...(this.tasks.get(cluster)?.values() ?? [])];
  }

  /** The tasks of one task group (`service:<name>`, `family:<f>`) in a cluster: the same as filtering tasksOf(cluster) by group. */
  tasksOfGroup(cluster: string, group: string): StoredRecord<TaskRecord>[] {
    return [...(this.groups.get(cluster)?.get(group)?.values() ?? [])];
  }

  instancesOf(cluster: string): StoredRecord<ContainerInstanceRecord>[] {
    return [...(this.instances.get(cluster)?.values() ?? [])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Listen to the view's events (one watch, one decode, however many listen). Returns the unsubscribe. */
  listen(listener: CacheListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    this.watch?.close();
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  /** List both kinds, then watch everything from the older list's revision (re-applying is idempotent by revision). */
  private async sync(): Promise<void> {
    const [t, i] = await Promise.all([this.store.list<TaskRecord>(TASKS), this.store.list<ContainerInstanceRecord>(INSTANCES)]);
    this.tasks.clear();
    this.groups.clear();
    this.instances.clear();
    for (const r of t.records) this.set(this.tasks, TASKS, r);
    for (const r of i.records) this.set(this.instances, INSTANCES, r);
    const from = Math.min(t.revision, i.revision);
    this.applied = from;
    if (this.stopped) return;
    this.watch = this.store.watch('', {
      fromRevision: from,
      onEvents: (events) => this.apply(events),
      onError: (err) => {
        // Compacted past the view: list again and watch from there (list-then-watch).
        this.logger?.warn({ err }, 'record cache watch failed; re-listing');
        void this.resync();
      },
    });
    this.wake();
  }

  private async resync(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.sync();
        for (const l of this.listeners) l.onRelisted();
        return;
      } catch (err) {
        this.logger?.warn({ err }, 'record cache re-list failed; retrying');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  private apply(events: readonly WatchEvent[]): void {
    for (const e of events) {
      if (e.key.startsWith(TASKS)) this.event(this.tasks, TASKS, e);
      else if (e.key.startsWith(INSTANCES)) this.event(this.instances, INSTANCES, e);
    }
    const last = events.at(-1)?.revision ?? this.applied;
    if (last > this.applied) this.applied = last;
    this.wake();
    for (const l of this.listeners) l.onEvents(events);
  }

  private event<T>(map: ByCluster<T>, prefix: string, e: WatchEvent): void {
    const cluster = e.key.slice(prefix.length).split('/')[0]!;
    const existing = map.get(cluster)?.get(e.key);
    // A replayed event older than what the list gave is already applied.
    if (existing && existing.modRevision >= e.revision) return;
    if (e.type === 'delete') {
      map.get(cluster)?.delete(e.key);
      if (existing && map === this.tasks) this.ungroup(cluster, existing as StoredRecord<TaskRecord>);
      return;
    }
    this.set(map, prefix, { key: e.key, value: e.value as T, createRevision: existing?.createRevision ?? e.revision, modRevision: e.revision });
  }

  private set<T>(map: ByCluster<T>, prefix: string, r: StoredRecord<T>): void {
    const cluster = r.key.slice(prefix.length).split('/')[0]!;
    let m = map.get(cluster);
    if (!m) map.set(cluster, (m = new Map()));
    const before = m.get(r.key);
    m.set(r.key, r);
    if (map === this.tasks) this.group(cluster, before as StoredRecord<TaskRecord> | undefined, r as StoredRecord<TaskRecord>);
  }

  private group(cluster: string, before: StoredRecord<TaskRecord> | undefined, r: StoredRecord<TaskRecord>): void {
    if (before && before.value.group !== r.value.group) this.ungroup(cluster, before);
    let byGroup = this.groups.get(cluster);
    if (!byGroup) this.groups.set(cluster, (byGroup = new Map()));
    let m = byGroup.get(r.value.group);
    if (!m) byGroup.set(r.value.group, (m = new Map()));
    m.set(r.key, r);
  }

  private ungroup(cluster: string, r: StoredRecord<TaskRecord>): void {
    const byGroup = this.groups.get(cluster);
    const m = byGroup?.get(r.value.group);
    m?.delete(r.key);
    if (m?.size === 0) byGroup?.delete(r.value.group);
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.revision <= this.applied) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}
