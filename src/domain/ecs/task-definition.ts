/**
 * RegisterTaskDefinition's semantic checks (what the model cannot say) and the defaults ECS shows on
 * describe. Pure: input in, record or AwsError out.
 */
import { AwsError } from '../aws-error.js';
import { isSecretReference } from '../secrets/secret-reference.js';
import type { ContainerDefinition, HealthCheck, NetworkMode, PortMapping, TaskDefinitionRecord } from './records.js';

export interface RegisterTaskDefinitionInput {
  family: string;
  containerDefinitions: ContainerDefinition[];
  networkMode?: NetworkMode;
  requiresCompatibilities?: string[];
  cpu?: string;
  memory?: string;
  volumes?: unknown[];
  placementConstraints?: unknown[];
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

/** Throws the ClientException ECS would give for an invalid registration. */
export function validateTaskDefinition(input: RegisterTaskDefinitionInput): void {
  if (!NAME.test(input.family)) {
    throw client('Family must be up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.');
  }
  const containers = input.containerDefinitions ?? [];
  if (containers.length === 0) throw client('Container list cannot be empty.');
  const mode = input.networkMode ?? 'bridge';
  const taskMemory = input.memory !== undefined && input.memory !== '';
  const seen = new Set<string>();
  for (const c of containers) {
    const name = c.name ?? '';
    if (!NAME.test(name)) {
      throw client('Container name must be up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.');
    }
    if (seen.has(name)) throw client(`Duplicate container name found: ${name}.`);
    seen.add(name);
    if (!c.image) throw client(`Container.image should not be null or empty.`);
    if (!taskMemory && c.memory === undefined && c.memoryReservation === undefined) {
      throw client(`Invalid setting for container '${name}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
    }
    if (c.memory !== undefined && c.memoryReservation !== undefined && c.memory < c.memoryReservation) {
      throw client(
        `Invalid setting for container '${name}'. The 'memory' value must be greater than or equal to the 'memoryReservation' value.`,
      );
    }
    for (const p of c.portMappings ?? []) validatePortMapping(name, mode, p);
    if (c.healthCheck) validateHealthCheck(name, c.healthCheck);
    validateSecretFields(name, c);
  }
  if (!containers.some((c) => c.essential !== false)) {
    throw client('Task definition does not have any essential container.');
  }
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
      throw client(
        `Invalid 'healthCheck' setting for container '${container}'. '${field}' must be between ${lim.min} and ${lim.max}.`,
      );
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
