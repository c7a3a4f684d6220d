/**
 * agentConnected follows the heartbeats: an instance whose agent has not been heard from for
 * `timeoutMs` is marked disconnected (placement then skips it, as ECS does). The decision is pure;
 * the controller applies it with compare-and-set, so a heartbeat racing the sweep wins.
 */
import type { Store } from '../../store/store.js';
import { SKIP, updateRecord } from '../../store/record-update.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { keys } from '../../domain/keys.js';
import type { ContainerInstanceRecord } from '../../domain/ecs/records.js';

export const DEFAULT_AGENT_TIMEOUT_MS = 60_000;

export interface LivenessChange {
  key: string;
  agentConnected: false;
}

/**
 * Which connected instances to mark disconnected. An instance never heard from since `since` (the
 * controller's start) is timed from `since`, so a control-plane restart gives every agent a full timeout.
 */
export function decideLiveness(
  instances: readonly Pick<ContainerInstanceRecord, 'id' | 'clusterName' | 'agentConnected' | 'status'>[],
  lastHeartbeat: ReadonlyMap<string, number>,
  now: number,
  timeoutMs: number,
  since: number,
): LivenessChange[] {
  const changes: LivenessChange[] = [];
  for (const i of instances) {
    if (!i.agentConnected || i.status === 'INACTIVE') continue;
    const key = keys.containerInstance(i.clusterName, i.id);
    const last = Math.max(lastHeartbeat.get(key) ?? since, since);
    if (now - last >= timeoutMs) changes.push({ key, agentConnected: false });
  }
  return changes;
}

export interface LivenessController {
  /** One sweep (the timer calls it; tests call it directly). */
  sweep(): Promise<LivenessChange[]>;
  stop(): void;
}

export function startAgentLiveness(deps: {
  store: Store;
  clock: Clock;
  heartbeats: ReadonlyMap<string, number>;
  timeoutMs?: number;
  intervalMs?: number;
  logger?: Logger;
}): LivenessController {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS;
  const since = deps.clock.now();
  const sweep = async () => {
    const instances = (await deps.store.list<ContainerInstanceRecord>(keys.containerInstances())).records.map((r) => r.value);
    const now = deps.clock.now();
    const changes = decideLiveness(instances, deps.heartbeats, now, timeoutMs, since);
    for (const c of changes) {
      await updateRecord<ContainerInstanceRecord>(deps.store, c.key, (cur) => {
        // Re-decided on the fresh record: a heartbeat in between keeps it connected.
        if (!cur || !cur.agentConnected) return SKIP;
        if (decideLiveness([cur], deps.heartbeats, now, timeoutMs, since).length === 0) return SKIP;
        return { ...cur, agentConnected: false, version: cur.version + 1 };
      });
      deps.logger?.warn({ instance: c.key }, 'agent missed its heartbeats: marked disconnected');
    }
    return changes;
  };
  const timer = setInterval(
    () => void sweep().catch((err) => deps.logger?.warn({ err }, 'liveness sweep failed')),
    deps.intervalMs ?? Math.max(1_000, timeoutMs / 4),
  );
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
