/**
 * Test support (no production caller): terse builders for services, tasks, targets and instances so
 * each reconciler test states only what it is about.
 */
import type { ContainerRecord, Deployment, TaskDefinitionRecord, TaskRecord, TaskStatus } from '../domain/ecs/records.js';
import type { TargetRecord, TargetState } from '../domain/elbv2/target.js';
import { seededRandom } from '../platform/random.js';
import type { ObservedInstance, ReconciledService, ReconcileInput, ReconcileOptionsInput } from './service-plan.js';

export const CLUSTER = 'arn:aws:ecs:us-east-1:000000000000:cluster/default';
export const TG = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef';
export const TD1 = 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1';
export const TD2 = 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:2';
export const T0 = 1_700_000_000_000;
export const INSTANCE_ARN = (i: number) => `arn:aws:ecs:us-east-1:000000000000:container-instance/default/inst${i}`;

export function deployment(id: string, taskDefinition: string, desiredCount: number, over: Partial<Deployment> = {}): Deployment {
  return {
    id,
    status: 'PRIMARY',
    taskDefinition,
    desiredCount,
    pendingCount: 0,
    runningCount: 0,
    failedTasks: 0,
    createdAt: T0,
    updatedAt: T0,
    launchType: 'EC2',
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment ${id} in progress.`,
    ...over,
  };
}

export interface ServiceShape {
  desired?: number;
  min?: number;
  max?: number;
  lb?: boolean;
  grace?: number;
  breaker?: { enable: boolean; rollback: boolean };
  deployments?: Deployment[];
}

export function service(shape: ServiceShape = {}, over: Partial<ReconciledService> = {}): ReconciledService {
  const desired = shape.desired ?? 2;
  const deployments = shape.deployments ?? [deployment('ecs-svc/1', TD1, desired)];
  return {
    serviceArn: 'arn:aws:ecs:us-east-1:000000000000:service/default/web',
    serviceName: 'web',
    clusterArn: CLUSTER,
    loadBalancers: shape.lb === false ? [] : [{ targetGroupArn: TG, containerName: 'web', containerPort: 80 }],
    serviceRegistries: [],
    status: 'ACTIVE',
    desiredCount: desired,
    runningCount: 0,
    pendingCount: 0,
    launchType: 'EC2',
    taskDefinition: deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? TD1,
    deploymentConfiguration: {
      deploymentCircuitBreaker: shape.breaker ?? { enable: false, rollback: false },
      maximumPercent: shape.max ?? 200,
      minimumHealthyPercent: shape.min ?? 100,
    },
    deployments,
    events: [],
    createdAt: T0,
    placementConstraints: [],
    placementStrategy: [],
    ...(shape.grace !== undefined ? { healthCheckGracePeriodSeconds: shape.grace } : {}),
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    createdBy: 'test',
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
    ...over,
  };
}

export interface TaskShape {
  deployment?: string;
  status?: TaskStatus;
  port?: number;
  instance?: number;
  createdAt?: number;
  startedAt?: number;
  health?: TaskRecord['healthStatus'];
  taskDefinition?: string;
}

export function task(id: string, shape: TaskShape = {}, over: Partial<TaskRecord> = {}): TaskRecord {
  const status = shape.status ?? 'RUNNING';
  const inst = shape.instance ?? 1;
  const createdAt = shape.createdAt ?? T0;
  const started = shape.startedAt ?? (status === 'RUNNING' ? createdAt : undefined);
  const container: ContainerRecord = {
    containerArn: `arn:aws:ecs:us-east-1:000000000000:container/default/${id}/c`,
    taskArn: `arn:aws:ecs:us-east-1:000000000000:task/default/${id}`,
    name: 'web',
    lastStatus: status,
    networkBindings: shape.port !== undefined ? [{ containerPort: 80, hostPort: shape.port, protocol: 'tcp', bindIP: '0.0.0.0' }] : [],
    networkInterfaces: [],
    healthStatus: shape.health ?? 'UNKNOWN',
    cpu: '0',
  };
  return {
    taskArn: container.taskArn,
    clusterArn: CLUSTER,
    taskDefinitionArn: shape.taskDefinition ?? TD1,
    containerInstanceArn: INSTANCE_ARN(inst),
    lastStatus: status,
    desiredStatus: 'RUNNING',
    healthStatus: shape.health ?? 'UNKNOWN',
    containers: [container],
    group: 'service:web',
    startedBy: shape.deployment ?? 'ecs-svc/1',
    launchType: 'EC2',
    overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [] },
    attachments: [],
    createdAt,
    ...(started !== undefined ? { startedAt: started } : {}),
    version: 1,
    taskId: id,
    clusterName: 'default',
    family: 'web',
    containerInstanceId: `inst${inst}`,
    ec2InstanceId: `i-${inst}`,
    reservation: { cpu: 0, memory: 0, ports: [], portsUdp: [] },
    ...over,
  };
}

export function target(t: TaskRecord, state: TargetState, over: Partial<TargetRecord> = {}): TargetRecord {
  const port = t.containers[0]!.networkBindings[0]!.hostPort!;
  return { TargetGroupArn: TG, Id: t.ec2InstanceId, Port: port, registeredAt: T0, state, ...over };
}

export function instance(i: number, over: Partial<ObservedInstance> = {}): ObservedInstance {
  return { containerInstanceArn: INSTANCE_ARN(i), ec2InstanceId: `i-${i}`, status: 'ACTIVE', agentConnected: true, ...over };
}

export function taskDefinition(arn: string, withHealthCheck = false): TaskDefinitionRecord {
  return {
    taskDefinitionArn: arn,
    family: 'web',
    revision: Number(arn.slice(arn.lastIndexOf(':') + 1)),
    containerDefinitions: [{ name: 'web', image: 'busybox', essential: true, ...(withHealthCheck ? { healthCheck: { command: ['CMD', 'true'] } } : {}) }],
    networkMode: 'bridge',
    status: 'ACTIVE',
    volumes: [],
    placementConstraints: [],
    compatibilities: ['EC2'],
    requiresAttributes: [],
    registeredAt: T0,
    registeredBy: 'test',
  };
}

export function input(
  svc: ReconciledService,
  tasks: TaskRecord[],
  targets: TargetRecord[] = [],
  more: { now?: number; instances?: ObservedInstance[]; options?: ReconcileOptionsInput; healthCheck?: boolean; seed?: number } = {},
): ReconcileInput {
  return {
    service: svc,
    tasks,
    targets,
    taskDefinitions: { [TD1]: taskDefinition(TD1, more.healthCheck), [TD2]: taskDefinition(TD2, more.healthCheck) },
    instances: more.instances ?? [instance(1), instance(2)],
    now: more.now ?? T0 + 60_000,
    random: seededRandom(more.seed ?? 7),
    ...(more.options ? { options: more.options } : {}),
  };
}

/** D tasks of a deployment, RUNNING on ports from `firstPort`, each with a target in `state`. */
export function fleet(prefix: string, n: number, deploymentId: string, state: TargetState | undefined, firstPort = 32000, shape: TaskShape = {}) {
  const tasks = Array.from({ length: n }, (_, i) => task(`${prefix}${i}`, { deployment: deploymentId, port: firstPort + i, ...shape }));
  const targets = state === undefined ? [] : tasks.map((t) => target(t, state));
  return { tasks, targets };
}
