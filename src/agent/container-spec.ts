/** From what the control plane assigned to what a runtime creates. Pure. */
import { BERTH_LABELS, RuntimeError, type ContainerSpec, type MountSpec, type PortBinding } from './runtime/runtime.js';
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
  const mounts = mountsOf(task, c);
  if (mounts.length > 0) spec.mounts = mounts;
  if (c.volumesFrom) spec.volumesFrom = c.volumesFrom.map((v) => ({ runtimeName: runtimeNameOf(task.taskArn, v.sourceContainer), readOnly: v.readOnly }));
  if (c.user !== undefined) spec.user = c.user;
  if (c.workingDirectory !== undefined) spec.workingDirectory = c.workingDirectory;
  if (c.hostname !== undefined) spec.hostname = c.hostname;
  if (c.extraHosts) spec.extraHosts = c.extraHosts;
  if (c.ulimits) spec.ulimits = c.ulimits;
  if (c.readonlyRootFilesystem) spec.readonlyRootFilesystem = true;
  if (c.privileged) spec.privileged = true;
  if (c.initProcessEnabled) spec.init = true;
  if (c.logConfiguration) {
    spec.logConfiguration = { logDriver: c.logConfiguration.logDriver, options: { ...c.logConfiguration.options, ...(secrets?.logOptions ?? {}) } };
  }
  return spec;
}

/** A task-scoped Docker volume's name: one per task, so two tasks of one definition never share it. */
export function taskVolumeName(taskArn: string, volumeName: string): string {
  return `berth-${taskIdOf(taskArn)}-${volumeName.replace(/[^a-zA-Z0-9_.-]/g, '_')}`;
}

/** The container's mountPoints against the task's volumes: a host path binds, a Docker volume is provisioned by the runtime. */
function mountsOf(task: AssignedTask, c: AssignedContainer): MountSpec[] {
  return (c.mountPoints ?? []).map((m): MountSpec => {
    const v = task.volumes?.find((x) => x.name === m.sourceVolume);
    // Registration refuses this already; a task definition stored before that check still fails cleanly.
    if (!v) throw new RuntimeError('CREATE_FAILED', `container ${c.name}: mountPoints sourceVolume '${m.sourceVolume}' names no volume of the task definition`);
    if (v.kind === 'host') return { type: 'bind', source: v.sourcePath, target: m.containerPath, readOnly: m.readOnly };
    const { scope, autoprovision, driver, driverOpts, labels } = v;
    const name = scope === 'task' ? taskVolumeName(task.taskArn, v.name) : v.name;
    return { type: 'volume', volume: { name, scope, autoprovision, driver, driverOpts, labels }, target: m.containerPath, readOnly: m.readOnly };
  });
}
