/**
 * The service event ECS writes when it cannot place a task, word for word (see the ECS developer
 * guide, "Service event messages"), naming the instance that came closest and why it did not fit.
 */
import type { PlacementFailure } from './place.js';
import { Rejection } from './rejection.js';

const TAIL = 'For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.';

export function placementFailureEvent(serviceName: string, failure: Pick<PlacementFailure, 'closest'>): string {
  const head = `(service ${serviceName}) was unable to place a task because no container instance met all of its requirements.`;
  const c = failure.closest;
  if (!c) return head;
  const where = `The closest matching (container-instance ${c.id})`;
  switch (c.why) {
    case Rejection.CPU:
      return `${head} ${where} has insufficient CPU units available. ${TAIL}`;
    case Rejection.MEMORY:
      return `${head} ${where} has insufficient memory available. ${TAIL}`;
    case Rejection.PORTS:
      return `${head} ${where} is already using a port required by your task. ${TAIL}`;
    case Rejection.AGENT:
      return `${head} ${where} doesn't have the agent connected. ${TAIL}`;
    default:
      return `${head} ${where} encountered error "${c.why}". ${TAIL}`;
  }
}
