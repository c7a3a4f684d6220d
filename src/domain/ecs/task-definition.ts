/**
 * RegisterTaskDefinition's semantic checks (what the model cannot say) and the defaults ECS shows on
 * describe. Pure: input in, record or AwsError out.
 */
import { AwsError } from '../aws-error.js';
import { ECS_QUOTAS, type EcsQuotas } from './quotas.js';
import { isSecretReference } from '../secrets/secret-reference.js';
import { validateVolumes } from './task-volumes.js';
import type { ContainerDefinition, HealthCheck, NetworkMode, PlacementConstraint, PortMapping, TaskDefinitionRecord, Volume } from './records.js';

export interface RegisterTaskDefinitionInput {
  family: string;
  containerDefinitions: ContainerDefinition[];
  networkMode?: NetworkMode;
  requiresCompatibilities?: string[];
  cpu?: string;
  memory?: string;
  volumes?: Volume[];
  placementConstraints?: PlacementConstraint[];
  taskRoleArn?: string;
  executionRoleArn?: string;
  [other: string]: unknown;
}

const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const client = (message: string) => new AwsError('ClientException', message);

export const HEALTH_CHECK_LIMITS = {
  interval: { min: 5, max: 300, default: 30 },
  timeout: { min: 2, max: 60, default: 5 },
  retries: { min: 1, max: 10, default: 3 },
  startPeriod: { min: 0, max: 300, default: undefined },
} as const;

/** Task-level CPU units from ECS's forms: `1024`, `1 vCPU`, `0.5 vcpu`; undefined when unreadable. */
export function taskCpuUnits(raw: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(raw);
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] ? 1024 : 1);
  return Number.isInteger(n) ? n : undefined;
}

/** Task-level MiB from ECS's forms: `512`, `2 GB`, `0.5 gb`; undefined when unreadable. */
export function taskMemoryMiB(raw: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(gb)?\s*$/i.exec(raw);
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] ? 1024 : 1);
  return Number.isInteger(n) ? n : undefined;
}

/** Docker refuses less than 6 MiB for a container, so ECS does too. */
export const MIN_CONTAINER_MEMORY_MIB = 6;
/** ECS's task-level CPU range outside Fargate: 128 units (0.125 vCPU) to 196,608 (192 vCPU). */
export const TASK_CPU_RANGE = { min: 128, max: 196608 } as const;

/** Fargate's valid task cpu → memory (MiB) combinations, as the ECS developer guide lists them. */
export function fargateMemoryOptions(cpu: number): number[] {
  const gb = (from: number, to: number, step: number) => {
    const out: number[] = [];
    for (let g = from; g <= to; g += step) out.push(g * 1024);
    return out;
  };
  switch (cpu) {
    case 256:
      return [512, 1024, 2048];
    case 512:
      return gb(1, 4, 1);
    case 1024:
      return gb(2, 8, 1);
    case 2048:
      return gb(4, 16, 1);
    case 4096:
      return gb(8, 30, 1);
    case 8192:
      return gb(16, 60, 4);
    case 16384:
      return gb(32, 120, 8);
    default:
      return [];
  }
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);

/** Throws the ClientException ECS would give for an invalid registration. */
export function validateTaskDefinition(
  input: RegisterTaskDefinitionInput,
  quotas: Pick<EcsQuotas, 'containersPerTaskDefinition' | 'taskDefinitionBytes'> = ECS_QUOTAS,
): void {
  if (!NAME.test(input.family)) {
    throw client('Family must be up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.');
  }
  const containers = input.containerDefinitions ?? [];
  if (containers.length === 0) throw client('Container list cannot be empty.');
  if (containers.length > quotas.containersPerTaskDefinition) {
    throw client(
      `Too many containers: containerDefinitions holds ${containers.length}, and a task definition can hold at most ${quotas.containersPerTaskDefinition}.`,
    );
  }
  const bytes = Buffer.byteLength(JSON.stringify(input), 'utf8');
  if (bytes > quotas.taskDefinitionBytes) {
    throw client(
      `The task definition is ${bytes} bytes; the maximum size is ${quotas.taskDefinitionBytes} bytes (${Math.floor(quotas.taskDefinitionBytes / 1024)} KiB).`,
    );
  }
  const mode = input.networkMode ?? 'bridge';
  const { cpu: taskCpu, memory: taskMemory } = validateTaskSize(input, mode);
  const seen = new Set<string>();
  let memorySum = 0;
  for (const c of containers) {
    const name = c.name ?? '';
    if (!NAME.test(name)) {
      throw client('Container name must be up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.');
    }
    if (seen.has(name)) throw client(`Duplicate container name found: ${name}.`);
    seen.add(name);
    if (!c.image) throw client(`Container.image should not be null or empty.`);
    if (c.cpu !== undefined && (!isCount(c.cpu) || c.cpu < 0)) throw client(`Invalid 'cpu' setting for container '${name}'.`);
    if (c.memory !== undefined && (!isCount(c.memory) || c.memory < MIN_CONTAINER_MEMORY_MIB)) {
      throw client(`Invalid 'memory' setting for container '${name}'. The minimum is ${MIN_CONTAINER_MEMORY_MIB} MiB.`);
    }
    if (c.memoryReservation !== undefined && (!isCount(c.memoryReservation) || c.memoryReservation < MIN_CONTAINER_MEMORY_MIB)) {
      throw client(`Invalid 'memoryReservation' setting for container '${name}'. The minimum is ${MIN_CONTAINER_MEMORY_MIB} MiB.`);
    }
    if (taskMemory === undefined && c.memory === undefined && c.memoryReservation === undefined) {
      throw client(`Invalid setting for container '${name}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
    }
    if (c.memory !== undefined && c.memoryReservation !== undefined && c.memory < c.memoryReservation) {
      throw client(`Invalid setting for container '${name}'. The 'memory' value must be greater than or equal to the 'memoryReservation' value.`);
    }
    if (taskMemory !== undefined && c.memory !== undefined && c.memory > taskMemory) {
      throw client(`Invalid 'memory' setting for container '${name}'. It must not exceed the task's memory (${taskMemory} MiB).`);
    }
    if (taskCpu !== undefined && c.cpu !== undefined && c.cpu > taskCpu) {
      throw client(`Invalid 'cpu' setting for container '${name}'. It must not exceed the task's cpu (${taskCpu} units).`);
    }
    memorySum += c.memoryReservation ?? c.memory ?? 0;
    if (c.stopTimeout !== undefined && (!isCount(c.stopTimeout) || c.stopTimeout < 0)) {
      throw client(`Invalid 'stopTimeout' setting for container '${name}'.`);
    }
    for (const p of c.portMappings ?? []) validatePortMapping(name, mode, p);
    if (c.healthCheck) validateHealthCheck(name, c.healthCheck);
    validateSecretFields(name, c);
  }
  if (taskMemory !== undefined && memorySum > taskMemory) {
    throw client(`Invalid 'memory' setting for task. The containers reserve ${memorySum} MiB, more than the task's ${taskMemory} MiB.`);
  }
  if (!containers.some((c) => c.essential !== false)) {
    throw client('Task definition does not have any essential container.');
  }
  validateDependsOn(containers);
  validateVolumes(input.volumes, containers);
}

const DEPENDENCY_CONDITIONS = ['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'];

/**
 * `dependsOn` as ECS checks it: known containers, a known condition, HEALTHY only on a container with
 * a healthCheck, COMPLETE and SUCCESS only on a non-essential one (an essential one exiting stops the
 * task), no container depending on itself, directly or through others.
 */
function validateDependsOn(containers: readonly ContainerDefinition[]): void {
  const byName = new Map(containers.map((c) => [c.name ?? '', c]));
  for (const c of containers) {
    const name = c.name ?? '';
    if (c.startTimeout !== undefined && (!isCount(c.startTimeout) || c.startTimeout < 0)) {
      throw client(`Invalid 'startTimeout' setting for container '${name}'.`);
    }
    for (const d of c.dependsOn ?? []) {
      const dep = byName.get(d.containerName ?? '');
      if (!DEPENDENCY_CONDITIONS.includes(d.condition)) {
        throw client(`Invalid 'dependsOn' setting for container '${name}'. 'condition' must be one of ${DEPENDENCY_CONDITIONS.join(', ')}.`);
      }
      if (!dep) {
        throw client(`Invalid 'dependsOn' setting for container '${name}'. Container '${d.containerName}' does not exist in the task definition.`);
      }
      if (d.condition === 'HEALTHY' && !dep.healthCheck) {
        throw client(
          `Invalid 'dependsOn' setting for container '${name}'. The HEALTHY condition requires container '${d.containerName}' to have a healthCheck.`,
        );
      }
      if ((d.condition === 'COMPLETE' || d.condition === 'SUCCESS') && dep.essential !== false) {
        throw client(
          `Invalid 'dependsOn' setting for container '${name}'. The ${d.condition} condition cannot be set on the essential container '${d.containerName}'.`,
        );
      }
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw client(`Invalid 'dependsOn' setting for container '${name}'. Circular dependency between containers: ${cycle.join(' -> ')}.`);
    }
    state.set(name, 'visiting');
    for (const d of byName.get(name)?.dependsOn ?? []) visit(d.containerName, [...path, name]);
    state.set(name, 'done');
  };
  for (const c of containers) visit(c.name ?? '', []);
}

/**
 * Task-level cpu and memory, read as ECS reads them, and the FARGATE-only rules (awsvpc, both sizes
 * at task level in a valid combination, no host PID or IPC namespace).
 */
function validateTaskSize(input: RegisterTaskDefinitionInput, mode: NetworkMode): { cpu?: number; memory?: number } {
  const present = (v: string | undefined): v is string => v !== undefined && v !== '';
  const cpu = present(input.cpu) ? taskCpuUnits(input.cpu) : undefined;
  const memory = present(input.memory) ? taskMemoryMiB(input.memory) : undefined;
  const fargate = (input.requiresCompatibilities ?? []).includes('FARGATE');
  if (present(input.cpu) && (cpu === undefined || cpu <= 0 || (!fargate && (cpu < TASK_CPU_RANGE.min || cpu > TASK_CPU_RANGE.max)))) {
    throw client(`Invalid 'cpu' setting for task.`);
  }
  if (present(input.memory) && (memory === undefined || memory < MIN_CONTAINER_MEMORY_MIB)) {
    throw client(`Invalid 'memory' setting for task.`);
  }
  if (fargate) {
    if (mode !== 'awsvpc') throw client("Fargate only supports network mode 'awsvpc'.");
    if (cpu === undefined) throw client("Fargate requires that 'cpu' be defined at the task level.");
    if (memory === undefined) throw client("Fargate requires that 'memory' be defined at the task level.");
    if (!fargateMemoryOptions(cpu).includes(memory)) throw client('No Fargate configuration exists for given values.');
    if (input.pidMode === 'host') throw client("Fargate does not support pidMode 'host'; use 'task'.");
    if (input.ipcMode !== undefined) throw client('Fargate does not support ipcMode.');
  }
  return { ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) };
}

/**
 * `secrets`, `repositoryCredentials` and the log driver's `secretOptions` name where a value comes
 * from; the agent resolves them when the task starts. Only their shape is checked here (ECS does not
 * look the parameter or secret up at registration either).
 */
function validateSecretFields(container: string, c: ContainerDefinition): void {
  const refs = (field: string, list: unknown): void => {
    if (list === undefined) return;
    if (!Array.isArray(list)) throw client(`Invalid '${field}' setting for container '${container}'. It must be a list of {name, valueFrom}.`);
    const names = new Set<string>();
    for (const s of list as { name?: unknown; valueFrom?: unknown }[]) {
      if (typeof s?.name !== 'string' || s.name === '') throw client(`Invalid '${field}' setting for container '${container}'. 'name' must not be empty.`);
      if (names.has(s.name)) throw client(`Invalid '${field}' setting for container '${container}'. Duplicate name '${s.name}'.`);
      names.add(s.name);
      if (typeof s.valueFrom !== 'string' || !isSecretReference(s.valueFrom)) {
        throw client(
          `Invalid '${field}' setting for container '${container}'. The valueFrom of '${s.name}' must be a Parameter Store parameter name or ARN, or a Secrets Manager secret ARN (optionally with :json-key:version-stage:version-id).`,
        );
      }
    }
  };
  refs('secrets', c.secrets);
  const log = c.logConfiguration as { secretOptions?: unknown } | undefined;
  if (log) refs('logConfiguration.secretOptions', log.secretOptions);
  const rc = c.repositoryCredentials as { credentialsParameter?: unknown } | undefined;
  if (rc !== undefined) {
    const p = rc?.credentialsParameter;
    // ECS: the credentials are a Secrets Manager secret, by ARN (a name in the same region works too).
    const ok = typeof p === 'string' && p !== '' && (!p.startsWith('arn:') || /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:[^:]+$/.test(p));
    if (!ok) {
      throw client(
        `Invalid 'repositoryCredentials.credentialsParameter' setting for container '${container}'. It must be the ARN or name of a Secrets Manager secret.`,
      );
    }
  }
}

function validatePortMapping(container: string, mode: NetworkMode, p: PortMapping): void {
  const inRange = (n: number | undefined) => n !== undefined && Number.isInteger(n) && n >= 1 && n <= 65535;
  if (mode === 'none') throw client(`Port mappings are not allowed when networkMode=none (container '${container}').`);
  if (p.containerPortRange === undefined && !inRange(p.containerPort)) {
    throw client(`Invalid 'containerPort' setting for container '${container}'.`);
  }
  const dynamic = p.hostPort === undefined || p.hostPort === 0;
  if (!dynamic && !inRange(p.hostPort)) throw client(`Invalid 'hostPort' setting for container '${container}'.`);
  if ((mode === 'host' || mode === 'awsvpc') && !dynamic && p.hostPort !== p.containerPort) {
    throw client(`When networkMode=${mode}, the host ports and container ports in port mappings must match.`);
  }
}

function validateHealthCheck(container: string, h: HealthCheck): void {
  if (!h.command || h.command.length === 0) {
    throw client(`Invalid 'healthCheck' setting for container '${container}'. 'command' must not be empty.`);
  }
  for (const [field, lim] of Object.entries(HEALTH_CHECK_LIMITS)) {
    const v = h[field as keyof typeof HEALTH_CHECK_LIMITS];
    if (v !== undefined && (v < lim.min || v > lim.max)) {
      throw client(`Invalid 'healthCheck' setting for container '${container}'. '${field}' must be between ${lim.min} and ${lim.max}.`);
    }
  }
}

/** The container definition with the defaults ECS fills in on describe. */
export function withContainerDefaults(c: ContainerDefinition, mode: NetworkMode): ContainerDefinition {
  const out: ContainerDefinition = {
    ...c,
    cpu: c.cpu ?? 0,
    essential: c.essential ?? true,
    portMappings: (c.portMappings ?? []).map((p) => withPortDefaults(p, mode)),
    environment: c.environment ?? [],
    mountPoints: c.mountPoints ?? [],
    volumesFrom: c.volumesFrom ?? [],
  };
  if (c.healthCheck) {
    out.healthCheck = {
      ...c.healthCheck,
      interval: c.healthCheck.interval ?? HEALTH_CHECK_LIMITS.interval.default,
      timeout: c.healthCheck.timeout ?? HEALTH_CHECK_LIMITS.timeout.default,
      retries: c.healthCheck.retries ?? HEALTH_CHECK_LIMITS.retries.default,
    };
  }
  return out;
}

function withPortDefaults(p: PortMapping, mode: NetworkMode): PortMapping {
  // ECS echoes hostPort = containerPort where the mode forces it, and 0 (dynamic) in bridge mode.
  const hostPort = mode === 'bridge' ? (p.hostPort ?? 0) : (p.hostPort ?? p.containerPort);
  return { ...p, hostPort, protocol: p.protocol ?? 'tcp' };
}

/** Builds the stored record of a new revision. */
export function buildTaskDefinition(
  input: RegisterTaskDefinitionInput,
  at: { arn: string; revision: number; now: number; registeredBy: string },
): TaskDefinitionRecord {
  const { tags: _tags, ...rest } = input as RegisterTaskDefinitionInput & { tags?: unknown };
  const mode: NetworkMode = input.networkMode ?? 'bridge';
  const containerDefinitions = input.containerDefinitions.map((c) => withContainerDefaults(c, mode));
  const record: TaskDefinitionRecord = {
    ...rest,
    taskDefinitionArn: at.arn,
    family: input.family,
    revision: at.revision,
    containerDefinitions,
    networkMode: mode,
    // ECS stores task sizes as units and MiB ("1 vCPU" → "1024", "2 GB" → "2048").
    ...(input.cpu !== undefined && input.cpu !== '' ? { cpu: String(taskCpuUnits(input.cpu) ?? input.cpu) } : {}),
    ...(input.memory !== undefined && input.memory !== '' ? { memory: String(taskMemoryMiB(input.memory) ?? input.memory) } : {}),
    status: 'ACTIVE',
    volumes: input.volumes ?? [],
    placementConstraints: input.placementConstraints ?? [],
    compatibilities: compatibilitiesOf(input, mode),
    requiresAttributes: requiredAttributesOf(containerDefinitions, mode),
    registeredAt: at.now,
    registeredBy: at.registeredBy,
  };
  return record;
}

function compatibilitiesOf(input: RegisterTaskDefinitionInput, mode: NetworkMode): string[] {
  const out = ['EXTERNAL', 'EC2'];
  if (mode === 'awsvpc' && input.cpu && input.memory) out.push('FARGATE');
  return out;
}

function requiredAttributesOf(containers: ContainerDefinition[], mode: NetworkMode): { name: string }[] {
  const out: { name: string }[] = [];
  if (containers.some((c) => c.memoryReservation !== undefined)) {
    out.push({ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.21' });
  }
  if (containers.some((c) => c.healthCheck)) {
    out.push({ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.24' });
    out.push({ name: 'ecs.capability.container-health-check' });
  }
  if (mode === 'awsvpc') out.push({ name: 'ecs.capability.task-eni' });
  return out;
}
