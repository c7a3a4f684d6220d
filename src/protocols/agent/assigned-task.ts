/**
 * What the control plane hands an agent for each task placed on its instance: the task definition
 * resolved with the task's overrides, secrets as references only, and what was last recorded.
 */
import type { Health, Protocol, TaskState } from './task-state.js';

export interface AssignedPortMapping {
  containerPort: number;
  /** 0 or absent: dynamic, the agent picks. */
  hostPort?: number;
  protocol: Protocol;
}

export interface AssignedHealthCheck {
  command: string[];
  intervalS: number;
  timeoutS: number;
  retries: number;
  startPeriodS: number;
}

/** A container definition resolved with the task's overrides: what the agent runs. */
export interface AssignedContainer {
  name: string;
  image: string;
  essential: boolean;
  entryPoint?: string[];
  command?: string[];
  environment: Record<string, string>;
  portMappings: AssignedPortMapping[];
  cpu?: number;
  memoryMiB?: number;
  memoryReservationMiB?: number;
  healthCheck?: AssignedHealthCheck;
  dockerLabels?: Record<string, string>;
  stopTimeoutS: number;
  /** ECS `dependsOn`: this container starts only once each named container reaches its condition. */
  dependsOn?: AssignedDependency[];
  /** ECS `startTimeout`: how long a container that depends on this one waits for it to reach its condition. */
  startTimeoutS?: number;
  /** Where the container's secret environment variables come from (names and valueFrom; never values). */
  secrets?: SecretReferenceOf[];
  /** `repositoryCredentials.credentialsParameter`: the Secrets Manager secret with the registry's username and password. */
  credentialsParameter?: string;
  /** The log driver and its options, with `secretOptions` still references. */
  logConfiguration?: AssignedLogConfiguration;
  mountPoints?: AssignedMountPoint[];
  volumesFrom?: AssignedVolumeFrom[];
  user?: string;
  workingDirectory?: string;
  hostname?: string;
  extraHosts?: { hostname: string; ipAddress: string }[];
  ulimits?: AssignedUlimit[];
  readonlyRootFilesystem?: boolean;
  privileged?: boolean;
  /** `linuxParameters.initProcessEnabled`: an init process (PID 1) that reaps zombies and forwards signals. */
  initProcessEnabled?: boolean;
}

export type DependencyCondition = 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY';

export interface AssignedDependency {
  containerName: string;
  condition: DependencyCondition;
}

export interface AssignedMountPoint {
  sourceVolume: string;
  containerPath: string;
  readOnly: boolean;
}

export interface AssignedVolumeFrom {
  sourceContainer: string;
  readOnly: boolean;
}

export interface AssignedUlimit {
  name: string;
  softLimit: number;
  hardLimit: number;
}

/**
 * A task definition volume: a host path (bind mount) or a Docker volume. ECS: a volume with neither
 * `host` nor `dockerVolumeConfiguration` is a Docker-managed volume that lives as long as the task.
 */
export type AssignedVolume =
  | { name: string; kind: 'host'; sourcePath: string }
  | {
      name: string;
      kind: 'docker';
      scope: 'task' | 'shared';
      autoprovision: boolean;
      driver: string;
      driverOpts: Record<string, string>;
      labels: Record<string, string>;
    };

export interface SecretReferenceOf {
  name: string;
  valueFrom: string;
}

export interface AssignedLogConfiguration {
  logDriver: string;
  options: Record<string, string>;
  secretOptions: SecretReferenceOf[];
}

/** Whether the agent must ask `tasks/secrets` before it starts the task. */
export function taskNeedsSecrets(task: AssignedTask): boolean {
  return task.containers.some(
    (c) => (c.secrets?.length ?? 0) > 0 || c.credentialsParameter !== undefined || (c.logConfiguration?.secretOptions.length ?? 0) > 0,
  );
}

export interface NetworkBindingReport {
  bindIP: string;
  containerPort: number;
  hostPort: number;
  protocol: Protocol;
}

/** What the control plane last recorded for one container (so the agent reports only changes). */
export interface RecordedContainer {
  name: string;
  runtimeId?: string;
  lastStatus: string;
  exitCode?: number;
  healthStatus: Health;
  networkBindings: NetworkBindingReport[];
}

export interface AssignedTask {
  taskArn: string;
  taskDefinitionArn: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  lastStatus: TaskState;
  networkMode: 'bridge' | 'host';
  containers: AssignedContainer[];
  /** The task definition's volumes (only those some container mounts matter, but all are sent). */
  volumes?: AssignedVolume[];
  /** The record's current containers, as last reported. */
  recorded: RecordedContainer[];
  healthStatus: Health;
  stopCode?: string;
  stoppedReason?: string;
  stoppedAt?: number;
}
