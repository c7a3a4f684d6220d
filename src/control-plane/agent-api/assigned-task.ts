/**
 * What the agent gets for one task: the task record joined with its task definition, overrides
 * applied (command, environment, cpu, memory), ports and health check in the runtime's terms. Pure.
 */
import type { ContainerDefinition, TaskDefinitionRecord, TaskRecord } from '../../domain/ecs/records.js';
import type {
  AssignedContainer,
  AssignedTask,
  AssignedVolume,
  DependencyCondition,
  Health,
  RecordedContainer,
  SecretReferenceOf,
  TaskState,
} from '../../protocols/agent/index.js';

/** ECS's default `stopTimeout` for the EC2 launch type (ECS_CONTAINER_STOP_TIMEOUT). */
export const DEFAULT_STOP_TIMEOUT_S = 30;

interface ContainerOverride {
  name?: string;
  command?: string[];
  environment?: { name?: string; value?: string }[];
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
}

function environmentOf(c: ContainerDefinition, o: ContainerOverride | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of [...(c.environment ?? []), ...(o?.environment ?? [])]) if (kv.name) env[kv.name] = kv.value ?? '';
  return env;
}

export function assignedContainer(c: ContainerDefinition, networkMode: 'bridge' | 'host', o?: ContainerOverride): AssignedContainer {
  const hc = c.healthCheck;
  const out: AssignedContainer = {
    name: c.name ?? '',
    image: c.image ?? '',
    // ECS: essential defaults to true.
    essential: c.essential ?? true,
    environment: environmentOf(c, o),
    portMappings: (c.portMappings ?? [])
      .filter((p) => p.containerPort !== undefined)
      .map((p) => ({
        containerPort: p.containerPort!,
        // Host mode has no NAT: the container listens on its containerPort.
        hostPort: networkMode === 'host' ? p.hostPort || p.containerPort! : (p.hostPort ?? 0),
        protocol: p.protocol ?? 'tcp',
      })),
    stopTimeoutS: c.stopTimeout ?? DEFAULT_STOP_TIMEOUT_S,
  };
  const command = o?.command ?? c.command;
  if (command) out.command = command;
  if (c.entryPoint) out.entryPoint = c.entryPoint;
  const cpu = o?.cpu ?? c.cpu;
  if (cpu) out.cpu = cpu;
  const memory = o?.memory ?? c.memory;
  if (memory) out.memoryMiB = memory;
  const reservation = o?.memoryReservation ?? c.memoryReservation;
  if (reservation) out.memoryReservationMiB = reservation;
  if (c.dependsOn && c.dependsOn.length > 0) {
    out.dependsOn = c.dependsOn.map((d) => ({ containerName: d.containerName, condition: d.condition as DependencyCondition }));
  }
  if (c.startTimeout !== undefined) out.startTimeoutS = c.startTimeout;
  if (c.dockerLabels && Object.keys(c.dockerLabels).length > 0) out.dockerLabels = { ...c.dockerLabels };
  const secrets = referencesOf(c.secrets);
  if (secrets.length > 0) out.secrets = secrets;
  const credentialsParameter = (c.repositoryCredentials as { credentialsParameter?: string } | undefined)?.credentialsParameter;
  if (credentialsParameter) out.credentialsParameter = credentialsParameter;
  const log = c.logConfiguration as { logDriver?: string; options?: Record<string, string>; secretOptions?: unknown } | undefined;
  if (log?.logDriver) out.logConfiguration = { logDriver: log.logDriver, options: { ...(log.options ?? {}) }, secretOptions: referencesOf(log.secretOptions) };
  Object.assign(out, containerOptionsOf(c));
  if (hc && hc.command.length > 0) {
    // ECS defaults: interval 30 s, timeout 5 s, retries 3, startPeriod 0.
    out.healthCheck = {
      command: hc.command,
      intervalS: hc.interval ?? 30,
      timeoutS: hc.timeout ?? 5,
      retries: hc.retries ?? 3,
      startPeriodS: hc.startPeriod ?? 0,
    };
  }
  return out;
}

type ContainerOptions = Pick<
  AssignedContainer,
  | 'mountPoints'
  | 'volumesFrom'
  | 'user'
  | 'workingDirectory'
  | 'hostname'
  | 'extraHosts'
  | 'ulimits'
  | 'readonlyRootFilesystem'
  | 'privileged'
  | 'initProcessEnabled'
>;

/** The volume and Docker options of a container definition, as the agent applies them (absent when not asked for). */
function containerOptionsOf(c: ContainerDefinition): ContainerOptions {
  const out: ContainerOptions = {};
  const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
  const mounts = list<{ sourceVolume?: string; containerPath?: string; readOnly?: boolean }>(c.mountPoints)
    .filter((m) => m.sourceVolume && m.containerPath)
    .map((m) => ({ sourceVolume: m.sourceVolume!, containerPath: m.containerPath!, readOnly: m.readOnly === true }));
  if (mounts.length > 0) out.mountPoints = mounts;
  const from = list<{ sourceContainer?: string; readOnly?: boolean }>(c.volumesFrom)
    .filter((v) => v.sourceContainer)
    .map((v) => ({ sourceContainer: v.sourceContainer!, readOnly: v.readOnly === true }));
  if (from.length > 0) out.volumesFrom = from;
  for (const k of ['user', 'workingDirectory', 'hostname'] as const) if (typeof c[k] === 'string' && c[k] !== '') out[k] = c[k] as string;
  const hosts = list<{ hostname?: string; ipAddress?: string }>(c.extraHosts)
    .filter((h) => h.hostname && h.ipAddress)
    .map((h) => ({ hostname: h.hostname!, ipAddress: h.ipAddress! }));
  if (hosts.length > 0) out.extraHosts = hosts;
  const ulimits = list<{ name?: string; softLimit?: number; hardLimit?: number }>(c.ulimits)
    .filter((u) => u.name)
    .map((u) => ({ name: u.name!, softLimit: u.softLimit ?? 0, hardLimit: u.hardLimit ?? 0 }));
  if (ulimits.length > 0) out.ulimits = ulimits;
  if (c.readonlyRootFilesystem === true) out.readonlyRootFilesystem = true;
  if (c.privileged === true) out.privileged = true;
  if ((c.linuxParameters as { initProcessEnabled?: boolean } | undefined)?.initProcessEnabled === true) out.initProcessEnabled = true;
  return out;
}

interface VolumeDefinition {
  name?: string;
  host?: { sourcePath?: string };
  dockerVolumeConfiguration?: {
    scope?: string;
    autoprovision?: boolean;
    driver?: string;
    driverOpts?: Record<string, string>;
    labels?: Record<string, string>;
  };
}

/** ECS's defaults: a Docker volume is task-scoped, `local`, not autoprovisioned; an empty `host` is a Docker volume too. */
export function assignedVolumes(volumes: unknown[]): AssignedVolume[] {
  return (volumes as VolumeDefinition[])
    .filter((v) => v?.name)
    .map((v): AssignedVolume => {
      if (v.host?.sourcePath) return { name: v.name!, kind: 'host', sourcePath: v.host.sourcePath };
      const d = v.dockerVolumeConfiguration ?? {};
      return {
        name: v.name!,
        kind: 'docker',
        scope: d.scope === 'shared' ? 'shared' : 'task',
        autoprovision: d.autoprovision === true,
        driver: d.driver || 'local',
        driverOpts: { ...(d.driverOpts ?? {}) },
        labels: { ...(d.labels ?? {}) },
      };
    });
}

function referencesOf(list: unknown): SecretReferenceOf[] {
  if (!Array.isArray(list)) return [];
  return (list as { name?: string; valueFrom?: string }[]).filter((s) => s.name && s.valueFrom).map((s) => ({ name: s.name!, valueFrom: s.valueFrom! }));
}

export function assignedTask(task: TaskRecord, td: TaskDefinitionRecord): AssignedTask {
  const networkMode = td.networkMode === 'host' ? 'host' : 'bridge';
  const overrides = (task.overrides.containerOverrides ?? []) as ContainerOverride[];
  const byName = new Map(overrides.map((o) => [o.name, o]));
  const recorded: RecordedContainer[] = task.containers.map((c) => ({
    name: c.name,
    ...(c.runtimeId !== undefined ? { runtimeId: c.runtimeId } : {}),
    lastStatus: c.lastStatus,
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    healthStatus: c.healthStatus,
    networkBindings: c.networkBindings.map((b) => ({
      bindIP: b.bindIP ?? '0.0.0.0',
      containerPort: b.containerPort ?? 0,
      hostPort: b.hostPort ?? 0,
      protocol: b.protocol ?? 'tcp',
    })),
  }));
  const out: AssignedTask = {
    taskArn: task.taskArn,
    taskDefinitionArn: task.taskDefinitionArn,
    desiredStatus: task.desiredStatus,
    lastStatus: task.lastStatus as TaskState,
    networkMode,
    containers: td.containerDefinitions.map((c) => assignedContainer(c, networkMode, byName.get(c.name))),
    recorded,
    healthStatus: task.healthStatus as Health,
  };
  const volumes = assignedVolumes(td.volumes ?? []);
  if (volumes.length > 0) out.volumes = volumes;
  if (task.stopCode !== undefined) out.stopCode = task.stopCode;
  if (task.stoppedReason !== undefined) out.stoppedReason = task.stoppedReason;
  if (task.stoppedAt !== undefined) out.stoppedAt = task.stoppedAt;
  return out;
}
