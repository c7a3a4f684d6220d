/**
 * ECS records as stored. They stay close to the API shapes and carry a few internal fields; the
 * projection of each record to its wire shape (src/control-plane/ecs/*-description.ts) names the
 * members it shows, so an internal field never reaches the wire.
 * Timestamps are epoch milliseconds.
 */

import type { TrafficPlan } from './deployment-strategy.js';

export type Tag = { key: string; value?: string };
export type KeyValue = { name?: string; value?: string };
export type Attribute = { name: string; value?: string; targetType?: string; targetId?: string };

export interface Resource {
  name: string;
  type: 'INTEGER' | 'STRINGSET' | 'LONG' | 'DOUBLE';
  integerValue?: number;
  longValue?: number;
  doubleValue?: number;
  stringSetValue?: string[];
}

export interface Failure {
  arn?: string;
  reason?: string;
  detail?: string;
}

/** Structures Berth stores as the request gave them and shows again; shaped as the ECS model shapes them. */
export interface PlacementConstraint {
  type?: string;
  expression?: string;
}

export interface PlacementStrategy {
  type?: string;
  field?: string;
}

export interface NetworkConfiguration {
  awsvpcConfiguration?: { subnets?: string[]; securityGroups?: string[]; assignPublicIp?: string };
}

export interface CapacityProviderStrategyItem {
  capacityProvider: string;
  weight?: number;
  base?: number;
}

export interface ClusterConfiguration {
  executeCommandConfiguration?: {
    kmsKeyId?: string;
    logging?: string;
    logConfiguration?: {
      cloudWatchLogGroupName?: string;
      cloudWatchEncryptionEnabled?: boolean;
      s3BucketName?: string;
      s3EncryptionEnabled?: boolean;
      s3KeyPrefix?: string;
    };
  };
  managedStorageConfiguration?: { kmsKeyId?: string; fargateEphemeralStorageKmsKeyId?: string };
}

export interface ServiceRegistry {
  registryArn?: string;
  port?: number;
  containerName?: string;
  containerPort?: number;
}

export interface NetworkInterface {
  attachmentId?: string;
  privateIpv4Address?: string;
  ipv6Address?: string;
}

export interface Attachment {
  id?: string;
  type?: string;
  status?: string;
  details?: KeyValue[];
}

export type ClusterStatus = 'ACTIVE' | 'INACTIVE' | 'PROVISIONING' | 'DEPROVISIONING' | 'FAILED';

export interface ClusterRecord {
  clusterArn: string;
  clusterName: string;
  status: ClusterStatus;
  settings: KeyValue[];
  configuration?: ClusterConfiguration;
  capacityProviders: string[];
  defaultCapacityProviderStrategy: CapacityProviderStrategyItem[];
  createdAt: number;
}

/** ECS's TransportProtocol: of a port mapping, a network binding, and the host port a runtime publishes. */
export type Protocol = 'tcp' | 'udp';

export interface PortMapping {
  containerPort?: number;
  hostPort?: number;
  protocol?: Protocol;
  name?: string;
  appProtocol?: string;
  containerPortRange?: string;
}

export interface HealthCheck {
  command: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  startPeriod?: number;
}

export interface ContainerDefinition {
  name?: string;
  image?: string;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  essential?: boolean;
  portMappings?: PortMapping[];
  environment?: KeyValue[];
  command?: string[];
  entryPoint?: string[];
  healthCheck?: HealthCheck;
  dockerLabels?: Record<string, string>;
  dependsOn?: { containerName: string; condition: string }[];
  stopTimeout?: number;
  startTimeout?: number;
  mountPoints?: MountPoint[];
  volumesFrom?: VolumeFrom[];
  [other: string]: unknown;
}

export interface MountPoint {
  sourceVolume?: string;
  containerPath?: string;
  readOnly?: boolean;
}

export interface VolumeFrom {
  sourceContainer?: string;
  readOnly?: boolean;
}

export interface Volume {
  name?: string;
  host?: { sourcePath?: string };
  dockerVolumeConfiguration?: {
    scope?: string;
    autoprovision?: boolean;
    driver?: string;
    driverOpts?: Record<string, string>;
    labels?: Record<string, string>;
  };
  configuredAtLaunch?: boolean;
}

export type NetworkMode = 'bridge' | 'host' | 'awsvpc' | 'none';

export interface TaskDefinitionRecord {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  containerDefinitions: ContainerDefinition[];
  networkMode: NetworkMode;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  volumes: Volume[];
  placementConstraints: PlacementConstraint[];
  compatibilities: string[];
  requiresCompatibilities?: string[];
  requiresAttributes: { name: string }[];
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  pidMode?: string;
  ipcMode?: string;
  runtimePlatform?: { cpuArchitecture?: string; operatingSystemFamily?: string };
  registeredAt: number;
  deregisteredAt?: number;
  /** When DeleteTaskDefinitions moved it to DELETE_IN_PROGRESS. */
  deleteRequestedAt?: number;
  registeredBy: string;
  [other: string]: unknown;
}

/** BLUE_GREEN, CANARY and LINEAR: where green registers and which rules move its traffic. */
export interface AdvancedConfiguration {
  alternateTargetGroupArn?: string;
  productionListenerRule?: string;
  testListenerRule?: string;
  /** Accepted, not enforced (Berth has no IAM). */
  roleArn?: string;
}

export interface LoadBalancer {
  targetGroupArn?: string;
  loadBalancerName?: string;
  containerName?: string;
  containerPort?: number;
  advancedConfiguration?: AdvancedConfiguration;
}

export interface DeploymentConfiguration {
  deploymentCircuitBreaker: { enable: boolean; rollback: boolean };
  /** CloudWatch alarms that fail (and with `rollback`, roll back) a deployment when they go into ALARM during it. */
  alarms?: { alarmNames: string[]; enable: boolean; rollback: boolean };
  maximumPercent: number;
  minimumHealthyPercent: number;
  strategy?: string;
  bakeTimeInMinutes?: number;
  canaryConfiguration?: { canaryPercent?: number; canaryBakeTimeInMinutes?: number };
  linearConfiguration?: { stepPercent?: number; stepBakeTimeInMinutes?: number };
}

/** ECS's ServiceDeploymentLifecycleStage, in the order a traffic-shifting deployment goes through them. */
export type LifecycleStage =
  | 'RECONCILE_SERVICE'
  | 'PRE_SCALE_UP'
  | 'SCALE_UP'
  | 'POST_SCALE_UP'
  | 'TEST_TRAFFIC_SHIFT'
  | 'POST_TEST_TRAFFIC_SHIFT'
  | 'PRODUCTION_TRAFFIC_SHIFT'
  | 'POST_PRODUCTION_TRAFFIC_SHIFT'
  | 'BAKE_TIME'
  | 'CLEAN_UP';

/** Which target group of each load balancer a deployment's tasks register in. */
export type TargetSide = 'primary' | 'alternate';

/** Where a traffic-shifting (BLUE_GREEN, CANARY, LINEAR) deployment is: its plan, stage, and green's shares now. */
export interface TrafficShift {
  plan: TrafficPlan;
  stage: LifecycleStage;
  /** When the stage, or the current production step, began (epoch ms): bake times count from here. */
  since: number;
  /** Green's share of production traffic, percent. */
  production: number;
  /** Green's share of test traffic, percent. */
  test: number;
  /** Traffic shares over time, for the console's chart: [at, production share] at each change. */
  history?: [number, number][];
}

export interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  launchType: string;
  networkConfiguration?: NetworkConfiguration;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
  /**
   * Internal (not on the wire): stoppedAt of the newest failed task already in `failedTasks` and the
   * tasks counted at that very ms, so the count goes on growing after the sweeper deletes the tasks it
   * counted, and no task is counted twice or missed.
   */
  failuresCounted?: { through: number; atMark: string[] };
  /** Internal: when its tasks became steady, while deployment alarms still watch it before it completes. */
  steadySince?: number;
  /** Internal: the deployment alarms that failed it (DescribeServiceDeployments' triggeredAlarmNames). */
  triggeredAlarms?: string[];
  /** Internal: the deployment this one rolls back (circuit breaker or StopServiceDeployment). */
  rollbackOf?: string;
  /** Internal: why it was rolled back, when it was (StopServiceDeployment's or the circuit breaker's words). */
  rollbackReason?: string;
  /** Internal: the target group side its tasks register in (absent: primary, each load balancer's targetGroupArn). */
  targetSide?: TargetSide;
  /** Internal: a BLUE_GREEN, CANARY or LINEAR deployment's progress. */
  trafficShift?: TrafficShift;
}

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface ServiceRecord {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  loadBalancers: LoadBalancer[];
  serviceRegistries: ServiceRegistry[];
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  launchType: string;
  taskDefinition: string;
  deploymentConfiguration: DeploymentConfiguration;
  deployments: Deployment[];
  roleArn?: string;
  events: ServiceEvent[];
  createdAt: number;
  placementConstraints: PlacementConstraint[];
  placementStrategy: PlacementStrategy[];
  networkConfiguration?: NetworkConfiguration;
  healthCheckGracePeriodSeconds?: number;
  schedulingStrategy: 'REPLICA' | 'DAEMON';
  deploymentController: { type: string };
  createdBy: string;
  enableECSManagedTags: boolean;
  propagateTags: string;
  enableExecuteCommand: boolean;
  /** Internal: the CreateService clientToken, for idempotent retries. */
  clientToken?: string;
  /** Internal: task definition of the last deployment that reached COMPLETED; what a circuit-breaker rollback returns to. */
  lastCompletedTaskDefinition?: string;
  /** Internal: everything a deployment changes, as it was when the last deployment reached COMPLETED; a rollback restores all of it. */
  lastCompletedRevision?: ServiceRevision;
  /**
   * Internal: deployments that left `deployments` (newest first, at most MAX_PAST_DEPLOYMENTS), as
   * they last were there: the history ListServiceDeployments shows.
   */
  pastDeployments?: Deployment[];
}

/** What UpdateService changes by starting a deployment: a rollback must restore all of it, not only the task definition. */
export interface ServiceRevision {
  taskDefinition: string;
  loadBalancers: LoadBalancer[];
  networkConfiguration?: NetworkConfiguration;
  placementConstraints: PlacementConstraint[];
  placementStrategy: PlacementStrategy[];
}

export interface NetworkBinding {
  bindIP?: string;
  containerPort?: number;
  hostPort?: number;
  protocol?: Protocol;
}

export interface ContainerRecord {
  containerArn: string;
  taskArn: string;
  name: string;
  image?: string;
  runtimeId?: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  networkBindings: NetworkBinding[];
  networkInterfaces: NetworkInterface[];
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  cpu: string;
  memory?: string;
  memoryReservation?: string;
}

/** RunTask's and StartTask's `overrides` of one container, as the model shapes them. */
export interface ContainerOverride {
  name?: string;
  command?: string[];
  environment?: KeyValue[];
  environmentFiles?: { value: string; type: string }[];
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  resourceRequirements?: { value: string; type: string }[];
}

export interface InferenceAcceleratorOverride {
  deviceName?: string;
  deviceType?: string;
}

/** RunTask's and StartTask's `overrides`, as the model shapes them. */
export interface TaskOverrides {
  containerOverrides?: ContainerOverride[];
  cpu?: string;
  inferenceAcceleratorOverrides?: InferenceAcceleratorOverride[];
  executionRoleArn?: string;
  memory?: string;
  taskRoleArn?: string;
  ephemeralStorage?: { sizeInGiB: number };
}

export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'ACTIVATING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'DEPROVISIONING' | 'STOPPED' | 'DELETED';

/** What a placed task holds on its instance until it is STOPPED. */
export interface Reservation {
  cpu: number;
  memory: number;
  /** Static host ports (tcp). Dynamic ones (hostPort 0) are never here. */
  ports: number[];
  portsUdp: number[];
  /**
   * How many dynamic host ports (hostPort 0 in bridge mode, tcp and udp alike: the agent hands them
   * out from one range) the task takes when it starts. Absent means none (and on records from
   * before it was counted).
   */
  dynamicPorts?: number;
}

export interface TaskRecord {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  containerInstanceArn: string;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  containers: ContainerRecord[];
  group: string;
  startedBy?: string;
  launchType: string;
  cpu?: string;
  memory?: string;
  overrides: TaskOverrides & { containerOverrides: ContainerOverride[]; inferenceAcceleratorOverrides: InferenceAcceleratorOverride[] };
  attachments: Attachment[];
  createdAt: number;
  /** The agent's report times (task-state-update.ts keeps the first of each). */
  pullStartedAt?: number;
  pullStoppedAt?: number;
  connectivityAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  version: number;
  // Internal (not on the wire):
  taskId: string;
  clusterName: string;
  family: string;
  containerInstanceId: string;
  ec2InstanceId: string;
  reservation: Reservation;
}

export type ContainerInstanceStatus = 'ACTIVE' | 'DRAINING' | 'REGISTERING' | 'REGISTRATION_FAILED' | 'DEREGISTERING' | 'INACTIVE';

export interface ContainerInstanceRecord {
  containerInstanceArn: string;
  ec2InstanceId: string;
  version: number;
  versionInfo: { agentVersion?: string; agentHash?: string; dockerVersion?: string };
  registeredResources: Resource[];
  status: ContainerInstanceStatus;
  statusReason?: string;
  agentConnected: boolean;
  attributes: Attribute[];
  registeredAt: number;
  // Internal:
  id: string;
  clusterName: string;
  /** Berth extra: where the control plane and load balancers reach this host (never on the wire). */
  advertiseAddress?: string;
  /** Bumped by every placement on this instance: the compare that serialises placements. */
  placementVersion: number;
  /**
   * Berth extra: epoch ms of the agent's last heartbeat, when a writer keeps it on the record. The
   * service controller also takes live heartbeats from memory (see src/control-plane/controllers/README.md).
   */
  lastSeenAt?: number;
  /** Names of the custom attributes put through PutAttributes: a re-registration keeps them. */
  putAttributeNames?: string[];
}

/** Task states in which the task still holds its reservation and counts as pending. */
export const PENDING_STATES: readonly TaskStatus[] = ['PROVISIONING', 'PENDING', 'ACTIVATING'];

/** The account settings ECS knows (the model's SettingName). */
export type SettingName =
  | 'serviceLongArnFormat'
  | 'taskLongArnFormat'
  | 'containerInstanceLongArnFormat'
  | 'awsvpcTrunking'
  | 'containerInsights'
  | 'fargateFIPSMode'
  | 'tagResourceAuthorization'
  | 'fargateTaskRetirementWaitPeriod'
  | 'guardDutyActivate'
  | 'defaultLogDriverMode'
  | 'fargateEventWindows';
