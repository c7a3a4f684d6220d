/**
 * A task as DescribeTasks (and Run/Start/StopTask) shows it: the record's wire members. What only the
 * scheduler and the agent use (taskId, clusterName, family, containerInstanceId, ec2InstanceId, the
 * reservation) never reaches the wire. Absent members stay absent, as the record has them.
 */
import type { ContainerOut, TaskOut } from '../api/wire-types/ecs.js';
import type { ContainerRecord, Tag, TaskRecord } from '../../domain/ecs/records.js';

/** A container of the task, as the task shows it. */
export function containerDescription(c: ContainerRecord): ContainerOut {
  return {
    containerArn: c.containerArn,
    taskArn: c.taskArn,
    name: c.name,
    ...(c.image !== undefined ? { image: c.image } : {}),
    ...(c.runtimeId !== undefined ? { runtimeId: c.runtimeId } : {}),
    lastStatus: c.lastStatus,
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
    networkBindings: c.networkBindings,
    networkInterfaces: c.networkInterfaces,
    healthStatus: c.healthStatus,
    cpu: c.cpu,
    ...(c.memory !== undefined ? { memory: c.memory } : {}),
    ...(c.memoryReservation !== undefined ? { memoryReservation: c.memoryReservation } : {}),
  };
}

/** `tags` only when given: ECS leaves the member out unless the request set or asked for them. */
export function taskDescription(t: TaskRecord, tags?: readonly Tag[]): TaskOut {
  return {
    taskArn: t.taskArn,
    clusterArn: t.clusterArn,
    taskDefinitionArn: t.taskDefinitionArn,
    containerInstanceArn: t.containerInstanceArn,
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    healthStatus: t.healthStatus,
    containers: t.containers.map(containerDescription),
    group: t.group,
    ...(t.startedBy !== undefined ? { startedBy: t.startedBy } : {}),
    launchType: t.launchType,
    ...(t.cpu !== undefined ? { cpu: t.cpu } : {}),
    ...(t.memory !== undefined ? { memory: t.memory } : {}),
    overrides: t.overrides,
    attachments: t.attachments,
    createdAt: t.createdAt,
    ...(t.pullStartedAt !== undefined ? { pullStartedAt: t.pullStartedAt } : {}),
    ...(t.pullStoppedAt !== undefined ? { pullStoppedAt: t.pullStoppedAt } : {}),
    ...(t.connectivityAt !== undefined ? { connectivityAt: t.connectivityAt } : {}),
    ...(t.startedAt !== undefined ? { startedAt: t.startedAt } : {}),
    ...(t.stoppingAt !== undefined ? { stoppingAt: t.stoppingAt } : {}),
    ...(t.executionStoppedAt !== undefined ? { executionStoppedAt: t.executionStoppedAt } : {}),
    ...(t.stoppedAt !== undefined ? { stoppedAt: t.stoppedAt } : {}),
    ...(t.stopCode !== undefined ? { stopCode: t.stopCode } : {}),
    ...(t.stoppedReason !== undefined ? { stoppedReason: t.stoppedReason } : {}),
    version: t.version,
    ...(tags !== undefined ? { tags } : {}),
  };
}
