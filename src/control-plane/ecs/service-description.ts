/**
 * A service as DescribeServices (and Create/Update/DeleteService) shows it: the record's wire members.
 * The reconciler's and the circuit breaker's bookkeeping (clientToken, lastCompleted*, pastDeployments,
 * a deployment's failuresCounted and rollback notes) never reaches the wire.
 */
import type { DeploymentOut, ServiceOut } from '../api/wire-types/ecs.js';
import type { Deployment, ServiceRecord, Tag } from '../../domain/ecs/records.js';

/** A deployment of `deployments`, as the service shows it. */
export function deploymentDescription(d: Deployment): DeploymentOut {
  return {
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinition,
    desiredCount: d.desiredCount,
    pendingCount: d.pendingCount,
    runningCount: d.runningCount,
    failedTasks: d.failedTasks,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    launchType: d.launchType,
    ...(d.networkConfiguration !== undefined ? { networkConfiguration: d.networkConfiguration } : {}),
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  };
}

/** `tags` only when given: ECS leaves the member out unless the request set or asked for them. */
export function serviceDescription(s: ServiceRecord, tags?: readonly Tag[]): ServiceOut {
  return {
    serviceArn: s.serviceArn,
    serviceName: s.serviceName,
    clusterArn: s.clusterArn,
    loadBalancers: s.loadBalancers,
    serviceRegistries: s.serviceRegistries,
    status: s.status,
    desiredCount: s.desiredCount,
    runningCount: s.runningCount,
    pendingCount: s.pendingCount,
    launchType: s.launchType,
    taskDefinition: s.taskDefinition,
    deploymentConfiguration: s.deploymentConfiguration,
    deployments: s.deployments.map(deploymentDescription),
    ...(s.roleArn !== undefined ? { roleArn: s.roleArn } : {}),
    events: s.events,
    createdAt: s.createdAt,
    placementConstraints: s.placementConstraints,
    placementStrategy: s.placementStrategy,
    ...(s.networkConfiguration !== undefined ? { networkConfiguration: s.networkConfiguration } : {}),
    ...(s.healthCheckGracePeriodSeconds !== undefined ? { healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds } : {}),
    schedulingStrategy: s.schedulingStrategy,
    deploymentController: s.deploymentController,
    createdBy: s.createdBy,
    enableECSManagedTags: s.enableECSManagedTags,
    propagateTags: s.propagateTags,
    enableExecuteCommand: s.enableExecuteCommand,
    ...(tags !== undefined ? { tags } : {}),
  };
}
