/**
 * Building a service deployment: the one place a Deployment record is made, for CreateService and
 * UpdateService (a new PRIMARY), the circuit breaker's rollback and StopServiceDeployment's (a PRIMARY
 * that returns to an earlier task definition). Pure apart from the randomness of the id.
 */
import type { Random } from '../../platform/random.js';
import { newDeploymentId } from './ids.js';
import type { Deployment, NetworkConfiguration } from './records.js';

export interface NewDeployment {
  taskDefinition: string;
  desiredCount: number;
  launchType: string;
  networkConfiguration?: NetworkConfiguration;
  /** Default `now`. */
  createdAt?: number;
  /** The deployment this one rolls back. */
  rollbackOf?: string;
  /** Default ECS's "ECS deployment <id> in progress.". */
  rolloutStateReason?: (id: string) => string;
}

export function newDeployment(random: Random, now: number, d: NewDeployment): Deployment {
  const id = newDeploymentId(random);
  return {
    id,
    status: 'PRIMARY',
    taskDefinition: d.taskDefinition,
    desiredCount: d.desiredCount,
    pendingCount: 0,
    runningCount: 0,
    failedTasks: 0,
    createdAt: d.createdAt ?? now,
    updatedAt: now,
    launchType: d.launchType,
    ...(d.networkConfiguration !== undefined ? { networkConfiguration: d.networkConfiguration } : {}),
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: d.rolloutStateReason ? d.rolloutStateReason(id) : `ECS deployment ${id} in progress.`,
    ...(d.rollbackOf !== undefined ? { rollbackOf: d.rollbackOf } : {}),
  };
}

/**
 * The PRIMARY that rolls `failed` back to `to` (its task definition and network configuration): the
 * same size and launch type, counted afresh, created after `failed` even within its millisecond
 * (histories sort by creation).
 */
export function rollbackDeployment(
  random: Random,
  now: number,
  failed: Deployment,
  to: { taskDefinition: string; networkConfiguration?: NetworkConfiguration },
  rolloutStateReason?: (id: string) => string,
): Deployment {
  return newDeployment(random, now, {
    taskDefinition: to.taskDefinition,
    desiredCount: failed.desiredCount,
    launchType: failed.launchType,
    ...(to.networkConfiguration !== undefined ? { networkConfiguration: to.networkConfiguration } : {}),
    createdAt: Math.max(now, failed.createdAt + 1),
    rollbackOf: failed.id,
    ...(rolloutStateReason ? { rolloutStateReason } : {}),
  });
}

/**
 * Blue/green rollback (BLUE_GREEN, CANARY, LINEAR): blue still runs, so nothing new starts. The newest
 * ACTIVE deployment that completed (blue) becomes PRIMARY again, IN_PROGRESS until green is drained
 * and it is alone (then it completes again, and `failed` shows ROLLBACK_SUCCESSFUL); production and
 * test traffic return to its side at once. Undefined when there is no such deployment.
 */
export function promoteForRollback(
  deployments: readonly Deployment[],
  failed: Deployment,
  now: number,
): { deployments: Deployment[]; blue: Deployment } | undefined {
  const blue = deployments
    .filter((d) => d.id !== failed.id && d.status === 'ACTIVE' && d.rolloutState === 'COMPLETED')
    .sort((a, b) => b.createdAt - a.createdAt)[0];
  if (!blue) return undefined;
  const promoted: Deployment = {
    ...blue,
    status: 'PRIMARY',
    desiredCount: failed.desiredCount,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment detected failure. Rolling back to ${blue.id}.`,
    rollbackOf: failed.id,
    updatedAt: now,
  };
  const demoted = (d: Deployment): Deployment => (d.id === failed.id && d.status === 'PRIMARY' ? { ...d, status: 'ACTIVE', updatedAt: now } : d);
  return { deployments: [promoted, ...deployments.filter((d) => d.id !== blue.id).map(demoted)], blue: promoted };
}
