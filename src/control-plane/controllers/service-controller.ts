/**
 * The service controller: level-triggered, Kubernetes style. Store watches on services, tasks,
 * targets and container instances only say *which* services to look at again; each look
 * (service-sync.ts) re-reads everything and re-decides. A periodic full resync covers anything a
 * watch could miss (a compacted watch, a timer in the plan that ran out).
 */
import type { Store, Watch, WatchEvent } from '../../store/store.js';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import type { Logger } from '../../platform/logger.js';
import { keys } from '../../domain/keys.js';
import type { ServiceRecord, TaskRecord } from '../../domain/ecs/records.js';
import type { TargetRecord } from '../../domain/elbv2/target.js';
import type { ReconcileOptionsInput } from '../../reconciling/service-plan.js';
import { syncService } from './service-sync.js';
import { targetGroupIdOf } from './service-snapshot.js';
import { serviceTargetGroupArns } from '../../domain/ecs/target-side.js';
import { WorkQueue } from './work-queue.js';
import { RecordCache } from './record-cache.js';

export interface ServiceControllerOptions {
  /** Every service is looked at again this often, whatever the watches said. Default 10 s. */
  resyncIntervalMs?: number;
  /** Services reconciled at the same time. Default 4. */
  concurrency?: number;
  /** Passed to the reconciler (lostAfterMs, healthyAfterRunningMs, ...). */
  reconcile?: ReconcileOptionsInput;
  /** Live heartbeats by container-instance key (AgentService.heartbeats), for lost-host detection. */
  heartbeats?: ReadonlyMap<string, number>;
  /** Retry delay after a start could not be placed. Default 5 s. */
  placementRetryMs?: number;
  /** Floor on the plan's requeueAfterMs, so a timer due "now" cannot spin. Default 50 ms. */
  minRequeueMs?: number;
  /** Read tasks and instances from a watch-fed view (record-cache.ts) instead of listing the cluster each pass. Default true. */
  cache?: boolean;
}

export interface ServiceControllerDeps {
  store: Store;
  clock: Clock;
  random: Random;
  logger?: Logger;
  options?: ServiceControllerOptions;
}

export interface ServiceController {
  /** Resolves once the watches are open and the first resync is queued. */
  readonly ready: Promise<void>;
  /** Look at this service (its store key, `keys.service(cluster, name)`) again now. */
  kick(serviceKey: string): void;
  /** Queue every service now. */
  resync(): Promise<void>;
  /** Resolves when the watch-fed view holds every write made before the call, and no service is queued or being reconciled. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const SERVICES_PREFIX = keys.services();
const TASKS_PREFIX = keys.tasks();
const TARGETS_PREFIX = keys.targets();
const INSTANCES_PREFIX = keys.containerInstances();

/** Which services care about which target groups and clusters: rebuilt from every service record seen. */
class ServiceIndex {
  private readonly byKey = new Map<string, { cluster: string; tgIds: string[] }>();

  set(key: string, s: ServiceRecord): void {
    const cluster = s.clusterArn.slice(s.clusterArn.lastIndexOf('/') + 1);
    // Blue/green services watch both sides (serviceTargetGroupArns): green registers in the alternate group.
    const tgIds = serviceTargetGroupArns(s).flatMap((arn) => {
      const id = targetGroupIdOf(arn);
      return id ? [id] : [];
    });
    this.byKey.set(key, { cluster, tgIds });
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }

  usingTargetGroup(tgId: string): string[] {
    return [...this.byKey].filter(([, v]) => v.tgIds.includes(tgId)).map(([k]) => k);
  }

  inCluster(cluster: string): string[] {
    return [...this.byKey].filter(([, v]) => v.cluster === cluster).map(([k]) => k);
  }
}

const segment = (key: string, prefix: string, i: number) => key.slice(prefix.length).split('/')[i];

export function startServiceController(deps: ServiceControllerDeps): ServiceController {
  const { store, logger } = deps;
  const o = deps.options ?? {};
  const index = new ServiceIndex();
  const minRequeue = o.minRequeueMs ?? 50;
  let cache: RecordCache | undefined;
  const queue = new WorkQueue(
    async (key) => {
      const r = await syncService(
        {
          store,
          ...(cache ? { cache } : {}),
          clock: deps.clock,
          random: deps.random,
          ...(logger ? { logger } : {}),
          ...(o.reconcile ? { reconcile: o.reconcile } : {}),
          ...(o.heartbeats ? { heartbeats: o.heartbeats } : {}),
          ...(o.placementRetryMs !== undefined ? { placementRetryMs: o.placementRetryMs } : {}),
        },
        key,
      );
      if (r.requeueAfterMs !== undefined) queue.addAfter(key, Math.max(minRequeue, r.requeueAfterMs));
    },
    {
      concurrency: o.concurrency ?? 4,
      onError: (key, err) => logger?.warn({ err, service: key }, 'service reconcile failed; retrying with backoff'),
    },
  );

  const onService = (e: WatchEvent) => {
    if (e.type === 'delete') return index.delete(e.key);
    index.set(e.key, e.value as ServiceRecord);
    queue.add(e.key);
  };
  const onTask = (e: WatchEvent) => {
    const t = e.value as TaskRecord | undefined;
    if (t?.group?.startsWith('service:')) queue.add(keys.service(t.clusterName, t.group.slice('service:'.length)));
  };
  const onTarget = (e: WatchEvent) => {
    const tgId = (e.value as TargetRecord | undefined)?.TargetGroupArn
      ? targetGroupIdOf((e.value as TargetRecord).TargetGroupArn)
      : segment(e.key, TARGETS_PREFIX, 0);
    if (tgId) for (const k of index.usingTargetGroup(tgId)) queue.add(k);
  };
  // Any service of the cluster, not only those with tasks there: a new or freed instance is where
  // a service that could not place a task may now fit.
  const onInstance = (e: WatchEvent) => {
    const cluster = segment(e.key, INSTANCES_PREFIX, 0);
    if (cluster) for (const k of index.inCluster(cluster)) queue.add(k);
  };

  const watches: Watch[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const resync = async () => {
    const listed = await store.list<ServiceRecord>(SERVICES_PREFIX);
    for (const r of listed.records) {
      index.set(r.key, r.value);
      if (r.value.status !== 'INACTIVE') queue.add(r.key);
    }
    return listed.revision;
  };

  const open = (prefix: string, from: number, handle: (e: WatchEvent) => void) => {
    const w = store.watch(prefix, {
      fromRevision: from,
      onEvents: (events) => {
        for (const e of events) handle(e);
      },
      onError: (err) => {
        // Compacted past us: a full resync sees everything, then watch from there.
        logger?.warn({ err, prefix }, 'service controller watch failed; resyncing');
        if (stopped) return;
        void resync().then((rev) => {
          if (!stopped) watches.push(open(prefix, rev, handle));
        });
      },
    });
    return w;
  };

  /** Which services an event is about, by its key's prefix. */
  const route = (e: WatchEvent) => {
    if (e.key.startsWith(TASKS_PREFIX)) onTask(e);
    else if (e.key.startsWith(SERVICES_PREFIX)) onService(e);
    else if (e.key.startsWith(TARGETS_PREFIX)) onTarget(e);
    else if (e.key.startsWith(INSTANCES_PREFIX)) onInstance(e);
  };
  let unlisten: (() => void) | undefined;

  const ready = (async () => {
    if (o.cache ?? true) cache = await RecordCache.start(store, logger);
    const rev = await resync();
    if (stopped) return;
    if (cache) {
      // The view's one watch already carries every key, decoded: the triggers ride on it instead of
      // four more watches decoding every event again (a plan's own writes come back through each).
      unlisten = cache.listen({
        onEvents: (events) => {
          for (const e of events) route(e);
        },
        onRelisted: () => void resync().catch((err) => logger?.warn({ err }, 'service resync failed')),
      });
    } else {
      watches.push(
        open(SERVICES_PREFIX, rev, onService),
        open(TASKS_PREFIX, rev, onTask),
        open(TARGETS_PREFIX, rev, onTarget),
        open(INSTANCES_PREFIX, rev, onInstance),
      );
    }
    const every = o.resyncIntervalMs ?? 10_000;
    timer = setInterval(() => {
      void resync().catch((err) => logger?.warn({ err }, 'service resync failed'));
    }, every);
    timer.unref();
  })();

  return {
    ready,
    kick: (key) => queue.add(key),
    resync: async () => {
      await resync();
    },
    // The view first: a write not yet delivered (the watch hub yields between turns) has queued nothing yet.
    idle: async () => {
      if (cache) await cache.waitFor(await store.revision());
      await queue.idle();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      for (const w of watches) w.close();
      await ready.catch(() => undefined);
      for (const w of watches) w.close();
      unlisten?.();
      await queue.stop();
      cache?.stop();
    },
  };
}
