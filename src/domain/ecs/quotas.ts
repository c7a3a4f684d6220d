/**
 * ECS's service quotas, which Berth enforces so that one request cannot ask for unbounded work
 * (a desiredCount of 2^31 once grew the process to 2 GiB and kept it from restarting). Defaults are
 * ECS's own; `berth up` / `berth server` flags raise or lower them.
 */
export interface EcsQuotas {
  /** Tasks per service: the largest desiredCount (ECS: 5,000). */
  readonly tasksPerService: number;
  /** Services per cluster, ACTIVE or DRAINING (ECS: 5,000). */
  readonly servicesPerCluster: number;
  /** Container definitions per task definition (ECS: 10). */
  readonly containersPerTaskDefinition: number;
  /** Size of a RegisterTaskDefinition request's JSON, in bytes (ECS: 64 KiB). */
  readonly taskDefinitionBytes: number;
}

export const ECS_QUOTAS: EcsQuotas = {
  tasksPerService: 5000,
  servicesPerCluster: 5000,
  containersPerTaskDefinition: 10,
  taskDefinitionBytes: 64 * 1024,
};
