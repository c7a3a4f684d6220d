/**
 * The lost-host rule (a Berth extension; `lostAfterMs`, undefined = never): an instance whose agent
 * has been silent for longer than `lostAfterMs` is lost. Nobody will ever report for its tasks, so the
 * reconciler stops them outright, and placement treats the instance as disconnected, or a replacement
 * would land there and be lost again. The reconciler and the controller both ask here. Pure.
 */
import type { ObservedInstance } from './service-plan.js';

type Heard = Pick<ObservedInstance, 'lastSeenAt'>;

/** Whether the instance's agent has been silent for longer than `lostAfterMs`. */
export function isLost(instance: Heard, now: number, lostAfterMs: number | undefined): boolean {
  return lostAfterMs !== undefined && instance.lastSeenAt !== undefined && now - instance.lastSeenAt > lostAfterMs;
}

/** The container-instance ARNs of the lost instances. */
export function lostInstances(instances: readonly ObservedInstance[], now: number, lostAfterMs: number | undefined): Set<string> {
  return new Set(instances.filter((i) => isLost(i, now, lostAfterMs)).map((i) => i.containerInstanceArn));
}

/** When each instance becomes lost if it stays silent: the first moment `isLost` holds. */
export function lostAt(instances: readonly Heard[], lostAfterMs: number | undefined): number[] {
  return lostAfterMs === undefined ? [] : instances.flatMap((i) => (i.lastSeenAt !== undefined ? [i.lastSeenAt + lostAfterMs + 1] : []));
}
