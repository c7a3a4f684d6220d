/**
 * A service's revision: the fields UpdateService changes by starting a deployment. The reconciler
 * keeps the one that last reached COMPLETED, so a circuit-breaker rollback restores all of it.
 */
import type { ServiceRecord, ServiceRevision } from '../domain/ecs/records.js';

export type { ServiceRevision };

export function revisionOf(s: ServiceRecord): ServiceRevision {
  return {
    taskDefinition: s.taskDefinition,
    loadBalancers: s.loadBalancers,
    ...(s.networkConfiguration !== undefined ? { networkConfiguration: s.networkConfiguration } : {}),
    placementConstraints: s.placementConstraints,
    placementStrategy: s.placementStrategy,
  };
}

export function sameRevision(a: ServiceRevision, b: ServiceRevision): boolean {
  const norm = (r: ServiceRevision) =>
    JSON.stringify([r.taskDefinition, r.loadBalancers, r.networkConfiguration ?? null, r.placementConstraints, r.placementStrategy]);
  return norm(a) === norm(b);
}
