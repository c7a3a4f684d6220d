/**
 * A task definition revision as DescribeTaskDefinition (and Register/Deregister/DeleteTaskDefinitions)
 * shows it: the record's wire members, with the defaults ECS fills in already in the record
 * (buildTaskDefinition). Members the field-support table refuses are never in a record; the ones a
 * record may hold are listed here so that none reaches the wire that the model lacks.
 */
import type { TaskDefinitionOut } from '../api/wire-types/ecs.js';
import type { TaskDefinitionRecord } from '../../domain/ecs/records.js';

export function taskDefinitionDescription(td: TaskDefinitionRecord): TaskDefinitionOut {
  return {
    taskDefinitionArn: td.taskDefinitionArn,
    containerDefinitions: td.containerDefinitions,
    family: td.family,
    ...(td.taskRoleArn !== undefined ? { taskRoleArn: td.taskRoleArn } : {}),
    ...(td.executionRoleArn !== undefined ? { executionRoleArn: td.executionRoleArn } : {}),
    networkMode: td.networkMode,
    revision: td.revision,
    volumes: td.volumes,
    status: td.status,
    requiresAttributes: td.requiresAttributes,
    placementConstraints: td.placementConstraints,
    compatibilities: td.compatibilities,
    ...(td.runtimePlatform !== undefined ? { runtimePlatform: td.runtimePlatform } : {}),
    ...(td.requiresCompatibilities !== undefined ? { requiresCompatibilities: td.requiresCompatibilities } : {}),
    ...(td.cpu !== undefined ? { cpu: td.cpu } : {}),
    ...(td.memory !== undefined ? { memory: td.memory } : {}),
    ...(td.pidMode !== undefined ? { pidMode: td.pidMode } : {}),
    ...(td.ipcMode !== undefined ? { ipcMode: td.ipcMode } : {}),
    registeredAt: td.registeredAt,
    ...(td.deregisteredAt !== undefined ? { deregisteredAt: td.deregisteredAt } : {}),
    ...(td.deleteRequestedAt !== undefined ? { deleteRequestedAt: td.deleteRequestedAt } : {}),
    registeredBy: td.registeredBy,
  };
}
