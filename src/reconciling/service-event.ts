/**
 * Service events in ECS's wording, and the pure list they go into: newest first, at most 100,
 * consecutive duplicates suppressed.
 */
import type { LoadBalancer, ServiceEvent } from '../domain/ecs/records.js';
import type { Random } from '../platform/random.js';

export const MAX_EVENTS = 100;

const svc = (name: string) => `(service ${name})`;
const taskIdOf = (taskArn: string) => taskArn.slice(taskArn.lastIndexOf('/') + 1);
const taskList = (taskArns: readonly string[]) => taskArns.map((a) => `(task ${taskIdOf(a)})`).join(' ');

export const serviceEventText = {
  started: (name: string, taskArnsOrIds: readonly string[]) =>
    `${svc(name)} has started ${taskArnsOrIds.length} tasks: ${taskList(taskArnsOrIds)}.`,
  stopped: (name: string, taskArns: readonly string[]) =>
    `${svc(name)} has stopped ${taskArns.length} running tasks: ${taskList(taskArns)}.`,
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
  deploymentFailed: (name: string, deploymentId: string, reason: string) =>
    `${svc(name)} (deployment ${deploymentId}) deployment failed: ${reason}`,
  rollingBack: (name: string, deploymentId: string, taskDefinition: string) =>
    `${svc(name)} (deployment ${deploymentId}) rolling back to ${taskDefinition}.`,
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

/**
 * `messages` in the order they happened; each becomes an event at `now`. A message equal to the newest
 * event's is dropped, unless that one is at least `repeatAfterMs` old (how "steady state" repeats).
 */
export function appendEvents(
  events: readonly ServiceEvent[],
  messages: readonly string[],
  now: number,
  random: Random,
  repeatAfterMs = Number.POSITIVE_INFINITY,
): ServiceEvent[] {
  let out = events.slice();
  for (const message of messages) {
    const newest = out[0];
    if (newest && newest.message === message && now - newest.createdAt < repeatAfterMs) continue;
    out = [{ id: random.uuid(), createdAt: now, message }, ...out];
  }
  return out.length > MAX_EVENTS ? out.slice(0, MAX_EVENTS) : out;
}
