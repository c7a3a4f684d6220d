/**
 * Service events in ECS's wording, and the pure list they go into: newest first, at most 100,
 * consecutive duplicates suppressed, and counted events of one kind within a short window merged into
 * one that counts them all (two passes that each register a target read `registered 2 targets`), as
 * ECS folds its repeated "has reached a steady state". A "has started" or "has stopped" event names at
 * most 10 tasks, as ECS's do: a start of 25 is three events (10, 10, 5), and a start of 100,000 builds
 * only the newest 100 events, not one text of 100,000 ids that every pass would copy and stringify.
 */
import type { LoadBalancer, ServiceEvent } from '../domain/ecs/records.js';
import type { Random } from '../platform/random.js';

export const MAX_EVENTS = 100;

/** The most tasks one "has started" or "has stopped" event names. */
export const TASKS_PER_EVENT = 10;

const svc = (name: string) => `(service ${name})`;
const taskIdOf = (taskArn: string) => taskArn.slice(taskArn.lastIndexOf('/') + 1);
const taskList = (taskArns: readonly string[]) => taskArns.map((a) => `(task ${taskIdOf(a)})`).join(' ');

/**
 * One text per TASKS_PER_EVENT tasks, in order (the last one newest), of only the last MAX_EVENTS
 * such texts: older ones would fall off the list anyway.
 */
function perTenTasks(taskArns: readonly string[], text: (arns: readonly string[]) => string): string[] {
  const chunks = Math.ceil(taskArns.length / TASKS_PER_EVENT);
  const out: string[] = [];
  for (let c = Math.max(0, chunks - MAX_EVENTS); c < chunks; c++) out.push(text(taskArns.slice(c * TASKS_PER_EVENT, (c + 1) * TASKS_PER_EVENT)));
  return out;
}

export const serviceEventText = {
  /** The events for `taskArnsOrIds` started: ECS's text, at most TASKS_PER_EVENT tasks each. */
  startedEvents: (name: string, taskArnsOrIds: readonly string[]) => perTenTasks(taskArnsOrIds, (some) => serviceEventText.started(name, some)),
  /** The events for `taskArns` stopped, at most TASKS_PER_EVENT tasks each. */
  stoppedEvents: (name: string, taskArns: readonly string[]) => perTenTasks(taskArns, (some) => serviceEventText.stopped(name, some)),
  /** One event's text; it names every task given (use startedEvents for more than TASKS_PER_EVENT). */
  started: (name: string, taskArnsOrIds: readonly string[]) => `${svc(name)} has started ${taskArnsOrIds.length} tasks: ${taskList(taskArnsOrIds)}.`,
  stopped: (name: string, taskArns: readonly string[]) => `${svc(name)} has stopped ${taskArns.length} running tasks: ${taskList(taskArns)}.`,
  registered: (name: string, n: number, tgArn: string) => `${svc(name)} registered ${n} targets in (target-group ${tgArn})`,
  deregistered: (name: string, n: number, tgArn: string) => `${svc(name)} deregistered ${n} targets in (target-group ${tgArn})`,
  draining: (name: string, n: number) => `${svc(name)} has begun draining connections on ${n} tasks.`,
  completed: (name: string, deploymentId: string) => `${svc(name)} (deployment ${deploymentId}) deployment completed.`,
  steadyState: (name: string) => `${svc(name)} has reached a steady state.`,
  unhealthyTarget: (name: string, instanceId: string, port: number, tgArn: string, reason: string) =>
    `${svc(name)} (instance ${instanceId}) (port ${port}) is unhealthy in (target-group ${tgArn}) due to (reason ${reason}).`,
  failedContainerHealth: (name: string, taskArn: string) => `${svc(name)} (task ${taskIdOf(taskArn)}) failed container health checks.`,
  deploymentConfiguration: (name: string) =>
    `${svc(name)} was unable to stop or start tasks during a deployment because of the service deployment configuration. ` +
    'Update the minimumHealthyPercent or maximumPercent value and try again.',
  unableToStart: (name: string) => `${svc(name)} is unable to consistently start tasks successfully.`,
  /** Berth wording (ECS's console shows the rollout reason; there is no documented event text). */
  deploymentFailed: (name: string, deploymentId: string, reason: string) => `${svc(name)} (deployment ${deploymentId}) deployment failed: ${reason}`,
  rollingBack: (name: string, deploymentId: string, taskDefinition: string) => `${svc(name)} (deployment ${deploymentId}) rolling back to ${taskDefinition}.`,
  /** Berth wording: a RUNNING task that can never be registered, so the deployment can never complete. */
  unregistrable: (name: string, taskArn: string, lbs: readonly LoadBalancer[]) =>
    `${svc(name)} (task ${taskIdOf(taskArn)}) cannot be registered: it has no host port for ${lbs
      .filter((lb) => lb.targetGroupArn)
      .map((lb) => `(container ${lb.containerName}) (port ${lb.containerPort})`)
      .join(' ')}; the deployment cannot complete.`,
  /** Berth wording: ECS shows a failed start's stoppedReason on the task only; here the service says it too. */
  taskFailedToStart: (name: string, taskArn: string, reason: string) => `${svc(name)} (task ${taskIdOf(taskArn)}) failed to start: ${reason}`,
  /** Berth extension: instance loss is not an ECS concept (see README). */
  hostLost: (name: string, instanceId: string, n: number) => `${svc(name)} (instance ${instanceId}) was lost; ${n} tasks marked STOPPED.`,
};

/** Counted events this close together are one event. */
export const EVENT_MERGE_WINDOW_MS = 15_000;

/**
 * The counted events: how to read one back (its kind key, count and task list) and write the sum. The
 * key holds everything but the count and the tasks, so only like events merge (same service, same
 * target group).
 */
interface Counted {
  readonly pattern: RegExp;
  /** From the match: [key, count, tasks or '']. */
  read(m: RegExpExecArray): readonly [string, number, string];
  write(key: string, n: number, tasks: string): string;
  /** Events that name their tasks merge only while the sum names at most TASKS_PER_EVENT. */
  readonly maxCount?: number;
}

const COUNTED: readonly Counted[] = [
  {
    pattern: /^(\(service [^)]+\)) has started (\d+) tasks: (.*)\.$/,
    read: (m) => [`${m[1]} started`, Number(m[2]), m[3]!],
    write: (key, n, tasks) => `${key.slice(0, -' started'.length)} has started ${n} tasks: ${tasks}.`,
    maxCount: TASKS_PER_EVENT,
  },
  {
    pattern: /^(\(service [^)]+\)) has stopped (\d+) running tasks: (.*)\.$/,
    read: (m) => [`${m[1]} stopped`, Number(m[2]), m[3]!],
    write: (key, n, tasks) => `${key.slice(0, -' stopped'.length)} has stopped ${n} running tasks: ${tasks}.`,
    maxCount: TASKS_PER_EVENT,
  },
  {
    pattern: /^(\(service [^)]+\)) (registered|deregistered) (\d+) targets in (\(target-group [^)]+\))$/,
    read: (m) => [`${m[1]}\0${m[2]}\0${m[4]}`, Number(m[3]), ''],
    write: (key, n) => {
      const [service, verb, group] = key.split('\0');
      return `${service} ${verb} ${n} targets in ${group}`;
    },
  },
  {
    pattern: /^(\(service [^)]+\)) has begun draining connections on (\d+) tasks\.$/,
    read: (m) => [`${m[1]} draining`, Number(m[2]), ''],
    write: (key, n) => `${key.slice(0, -' draining'.length)} has begun draining connections on ${n} tasks.`,
  },
];

function readCounted(message: string): { kind: Counted; key: string; n: number; tasks: string } | undefined {
  for (const kind of COUNTED) {
    const m = kind.pattern.exec(message);
    if (m) {
      const [key, n, tasks] = kind.read(m);
      return { kind, key, n, tasks };
    }
  }
  return undefined;
}

/** `a` and `b` as one event, when both count the same kind of thing; else undefined. */
export function mergeCounted(older: string, newer: string): string | undefined {
  const a = readCounted(older);
  const b = readCounted(newer);
  if (!a || !b || a.kind !== b.kind || a.key !== b.key) return undefined;
  if (a.kind.maxCount !== undefined && a.n + b.n > a.kind.maxCount) return undefined;
  const tasks = [a.tasks, b.tasks].filter(Boolean).join(' ');
  return a.kind.write(a.key, a.n + b.n, tasks);
}

/**
 * `messages` in the order they happened; each becomes an event at `now`. A message equal to the newest
 * event's is dropped, unless that one is at least `repeatAfterMs` old (how "steady state" repeats). A
 * counted message (started, stopped, registered, deregistered, draining) merges with the newest event
 * of its kind from the last `mergeWindowMs`: that one is replaced by the sum, at `now`, on top.
 */
export function appendEvents(
  events: readonly ServiceEvent[],
  messages: readonly string[],
  now: number,
  random: Random,
  repeatAfterMs = Number.POSITIVE_INFINITY,
  mergeWindowMs = EVENT_MERGE_WINDOW_MS,
): ServiceEvent[] {
  let out = events.slice();
  for (const message of messages) {
    // Within the window, events are newest first: the first of its kind is the one to merge with.
    const recent = out.findIndex((e) => now - e.createdAt < mergeWindowMs && mergeCounted(e.message, message) !== undefined);
    if (recent >= 0 && out.slice(0, recent).every((e) => now - e.createdAt < mergeWindowMs)) {
      const text = mergeCounted(out[recent]!.message, message)!;
      out = [{ id: random.uuid(), createdAt: now, message: text }, ...out.slice(0, recent), ...out.slice(recent + 1)];
      continue;
    }
    const newest = out[0];
    if (newest && newest.message === message && now - newest.createdAt < repeatAfterMs) continue;
    out = [{ id: random.uuid(), createdAt: now, message }, ...out];
  }
  return out.length > MAX_EVENTS ? out.slice(0, MAX_EVENTS) : out;
}
