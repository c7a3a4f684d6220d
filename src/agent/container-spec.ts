/** From what the control plane assigned to what a runtime creates. Pure. */
import { BERTH_LABELS, type ContainerSpec, type PortBinding } from './runtime/runtime.js';
import type { AssignedContainer, AssignedTask, ContainerSecrets } from './control-plane-client.js';

/** The task id: the last part of its ARN. */
export const taskIdOf = (taskArn: string): string => taskArn.slice(taskArn.lastIndexOf('/') + 1);

/** Docker names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*; ECS container names are already within that. */
export function runtimeNameOf(taskArn: string, containerName: string): string {
  return `berth-${taskIdOf(taskArn)}-${containerName.replace(/[^a-zA-Z0-9_.-]/g, '_')}`;
}

/**
 * Which agent owns a container. Two agents can share one runtime (two "hosts" on one machine, as the
 * tests run them): each adopts and cleans up only what carries its own instance id.
 */
export const INSTANCE_LABEL = 'com.berth.instance-id';

/** The label filter that finds every container of one agent. */
export function ownedBy(cluster: string, ec2InstanceId: string): Record<string, string> {
  return { [BERTH_LABELS.cluster]: cluster, [INSTANCE_LABEL]: ec2InstanceId };
}

export function labelsOf(cluster: string, ec2InstanceId: string, taskArn: string, containerName: string): Record<string, string> {
  return { ...ownedBy(cluster, ec2InstanceId), [BERTH_LABELS.taskArn]: taskArn, [BERTH_LABELS.containerName]: containerName };
}

export function containerSpecOf(
  cluster: string,
  ec2InstanceId: string,
  task: AssignedTask,
  c: AssignedContainer,
  bindings: PortBinding[],
  bindIp: string,
  secrets?: ContainerSecrets,
): ContainerSpec {
  const spec: ContainerSpec = {
    name: c.name,
    runtimeName: runtimeNameOf(task.taskArn, c.name),
    image: c.image,
    // The resolved secrets are environment variables like the others (the container's env is where values belong).
    environment: { ...c.environment, ...(secrets?.environment ?? {}) },
    portBindings: bindings,
    bindIp,
    networkMode: task.networkMode,
    labels: labelsOf(cluster, ec2InstanceId, task.taskArn, c.name),
    stopTimeoutS: c.stopTimeoutS,
  };
  if (c.entryPoint) spec.entryPoint = c.entryPoint;
  if (c.command) spec.command = c.command;
  if (c.cpu !== undefined) spec.cpu = c.cpu;
  if (c.memoryMiB !== undefined) spec.memoryMiB = c.memoryMiB;
  if (c.memoryReservationMiB !== undefined) spec.memoryReservationMiB = c.memoryReservationMiB;
  if (c.dockerLabels) spec.dockerLabels = c.dockerLabels;
  if (c.healthCheck) spec.healthCheck = c.healthCheck;
  if (c.logConfiguration) {
    spec.logConfiguration = { logDriver: c.logConfiguration.logDriver, options: { ...c.logConfiguration.options, ...(secrets?.logOptions ?? {}) } };
  }
  return spec;
}
