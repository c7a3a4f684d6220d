/**
 * The reconciler's input (one consistent read of the store) and its output (a plan the applier runs
 * with compare-and-set). Both are plain data so a plan can be logged, diffed and replayed.
 */
import type { AlarmStateView } from './deployment-alarms.js';
import type {
  ContainerInstanceRecord,
  Deployment,
  ServiceEvent,
  ServiceRecord,
  ServiceRevision,
  TaskDefinitionRecord,
  TaskRecord,
} from '../domain/ecs/records.js';
import type { TargetRecord } from '../domain/elbv2/target.js';
import type { RuleRecord } from '../domain/elbv2/listener.js';
import type { Action } from '../domain/elbv2/action.js';
import type { Random } from '../platform/random.js';
import { archiveDeployments } from '../domain/ecs/service-deployment.js';

/** A service record plus the Berth-only field the reconciler keeps on it (see README, "rollback"). */
export type ReconciledService = ServiceRecord & {
  /** Task definition of the last deployment that reached COMPLETED; what a circuit-breaker rollback returns to. */
  lastCompletedTaskDefinition?: string;
};

/** What the reconciler needs of a container instance. `lastSeenAt` is the agent's last heartbeat (epoch ms). */
export type ObservedInstance = Pick<ContainerInstanceRecord, 'containerInstanceArn' | 'ec2InstanceId' | 'status' | 'agentConnected'> & {
  lastSeenAt?: number;
};

export interface StartBackoffOptions {
  /** Consecutive start failures tolerated before throttling. */
  freeFailures: number;
  baseMs: number;
  maxMs: number;
  /** A task RUNNING this long ends a failure streak (a crash loop's tasks die sooner). */
  stableAfterMs: number;
}

export interface ReconcileOptions {
  /** Circuit-breaker floor: threshold = min(200, max(this, ceil(D / 2))). ECS's API reference says 3. */
  circuitBreakerMinimum: number;
  /** How often "has reached a steady state." repeats while nothing changes (ECS: about 6 h). */
  steadyStateEventPeriodMs: number;
  startBackoff: StartBackoffOptions;
  /** Without a load balancer or a health check, a RUNNING task counts as healthy after this long (ECS: 40 s). */
  healthyAfterRunningMs: number;
  /** An instance whose agent is silent for longer than this is lost: its tasks are STOPPED. Undefined: never. */
  lostAfterMs?: number;
  /** At most this many tasks are started by one pass (the rest in the next ones): a pass's work is bounded whatever desiredCount says. */
  maxStartsPerPass: number;
  /**
   * A minute of a deployment's bake times, in ms: 60,000. Smaller only under Berth's test aid
   * (`berth up --deployment-time-scale`), so tests see a canary bake in seconds.
   */
  deploymentMinuteMs: number;
  /** Placement's scale-in choice: which `count` of `candidates` (given not healthy first, then newest) to stop. Default: the first `count`. */
  chooseScaleIn?: (candidates: readonly TaskRecord[], count: number) => TaskRecord[];
}

export const DEFAULT_OPTIONS: ReconcileOptions = {
  circuitBreakerMinimum: 3,
  steadyStateEventPeriodMs: 6 * 3600_000,
  startBackoff: { freeFailures: 2, baseMs: 10_000, maxMs: 15 * 60_000, stableAfterMs: 30_000 },
  healthyAfterRunningMs: 40_000,
  maxStartsPerPass: 10_000,
  deploymentMinuteMs: 60_000,
};

export interface ReconcileInput {
  service: ReconciledService;
  /** Every task of the service (group `service:<name>`), STOPPED ones still retained included. */
  tasks: readonly TaskRecord[];
  /** Registrations in the service's target groups (any others are ignored). */
  targets: readonly TargetRecord[];
  /** The task definitions of the service's deployments and tasks, by ARN. */
  taskDefinitions: Readonly<Record<string, TaskDefinitionRecord | undefined>>;
  /** The cluster's container instances. A task whose instance is missing is treated as lost. */
  instances: readonly ObservedInstance[];
  /** BLUE_GREEN, CANARY, LINEAR: the production and test listener rules the service's advancedConfiguration names (missing ones are absent). */
  rules?: readonly RuleRecord[];
  /** The states of the CloudWatch alarms `deploymentConfiguration.alarms` names, by name (absent ones are missing). */
  alarms?: ReadonlyMap<string, AlarmStateView>;
  /** DAEMON: ARNs of the instances a task belongs on (ACTIVE, matching the placement constraints). Default: every ACTIVE instance. */
  daemonInstances?: readonly string[];
  now: number;
  random: Random;
  options?: ReconcileOptionsInput;
}

/** Options as callers give them: any subset, the backoff's too. */
export type ReconcileOptionsInput = Partial<Omit<ReconcileOptions, 'startBackoff'>> & { startBackoff?: Partial<StartBackoffOptions> };

/** Start `taskIds.length` tasks of one deployment; placement picks the instances. */
export interface StartItem {
  deploymentId: string;
  taskDefinition: string;
  count: number;
  /** Pre-drawn ids: creating a task whose key already exists is a no-op, so replaying a plan starts nothing twice. */
  taskIds: string[];
  /** ECS sets startedBy to the deployment id (`ecs-svc/…`); the reconciler maps tasks back to deployments by it. */
  startedBy: string;
  group: string;
  /** DAEMON: the one instance this task belongs on (placement checks it fits there, and places nowhere else). */
  instanceArn?: string;
}

export type StopCode = 'ServiceSchedulerInitiated' | 'TaskFailedToStart' | 'EssentialContainerExited' | 'UserInitiated';

export interface StopItem {
  taskArn: string;
  stopCode: StopCode;
  stoppedReason: string;
  /**
   * True: the task still has live targets. Deregister them (the `deregister` items), set lastStatus
   * DEACTIVATING and `stoppingAt`, keep desiredStatus RUNNING; a later pass plans the final stop once draining ended.
   * False: set desiredStatus STOPPED now (the agent does SIGTERM, stopTimeout, SIGKILL).
   */
  deregisterFirst: boolean;
  /** The host is lost: no agent will ever report, so write lastStatus STOPPED (and stoppedAt) directly. */
  markStopped?: boolean;
}

export interface TargetItem {
  taskArn: string;
  targetGroupArn: string;
  /** The ec2InstanceId. */
  id: string;
  port: number;
}

export interface ServiceUpdate {
  status: ServiceRecord['status'];
  taskDefinition: string;
  runningCount: number;
  pendingCount: number;
  deployments: Deployment[];
  events: ServiceEvent[];
  lastCompletedTaskDefinition?: string;
  lastCompletedRevision?: ServiceRevision;
  /** A rollback: the revision's load balancers, network and placement go back onto the service. */
  restore?: ServiceRevision;
  /** Deployments that left `deployments` in this update, as they ended: the service's history keeps them. */
  left?: Deployment[];
  /** DAEMON: the derived desired count (the number of eligible instances). */
  desiredCount?: number;
}

/** A listener rule's new actions (a traffic split's weights), written at the revision the rule was read. */
export interface RuleUpdate {
  ruleArn: string;
  actions: Action[];
}

export interface ServicePlan {
  /** Traffic shifting: rules whose weights move. */
  rules?: RuleUpdate[];
  start: StartItem[];
  stop: StopItem[];
  register: TargetItem[];
  deregister: TargetItem[];
  /** The new values of the service's reconciled fields; undefined when none changed. */
  serviceUpdate: ServiceUpdate | undefined;
  /** Come back after this long even if nothing changes (a timer inside the decision ran out). */
  requeueAfterMs?: number;
  /** More starts are due than one pass makes (maxStartsPerPass): come back at once if these could be placed. */
  moreToStart?: boolean;
}

/** The service's reconciled fields as they are: what an update is compared with, and the base a plan's late additions start from. */
export function serviceUpdateOf(s: ReconciledService): ServiceUpdate {
  return {
    status: s.status,
    taskDefinition: s.taskDefinition,
    runningCount: s.runningCount,
    pendingCount: s.pendingCount,
    deployments: s.deployments,
    events: s.events,
    ...(s.lastCompletedTaskDefinition !== undefined ? { lastCompletedTaskDefinition: s.lastCompletedTaskDefinition } : {}),
    ...(s.lastCompletedRevision !== undefined ? { lastCompletedRevision: s.lastCompletedRevision } : {}),
    ...(s.schedulingStrategy === 'DAEMON' ? { desiredCount: s.desiredCount } : {}),
  };
}

/** The service record with a plan's update merged in. */
export function applyServiceUpdate(service: ReconciledService, update: ServiceUpdate | undefined): ReconciledService {
  if (!update) return service;
  const { lastCompletedTaskDefinition, lastCompletedRevision, restore, left, ...rest } = update;
  // Deployments that leave the list go to the service's history (ListServiceDeployments reads it).
  const pastDeployments = left?.length ? archiveDeployments(service.pastDeployments, left) : service.pastDeployments;
  const next: ReconciledService = {
    ...service,
    ...rest,
    ...(lastCompletedTaskDefinition !== undefined ? { lastCompletedTaskDefinition } : {}),
    ...(lastCompletedRevision !== undefined ? { lastCompletedRevision } : {}),
    ...(pastDeployments !== undefined ? { pastDeployments } : {}),
  };
  if (!restore) return next;
  const { networkConfiguration, ...revision } = restore;
  const restored: ReconciledService = { ...next, ...revision };
  if (networkConfiguration !== undefined) restored.networkConfiguration = networkConfiguration;
  else delete restored.networkConfiguration;
  return restored;
}

export function resolveOptions(given: ReconcileOptionsInput | undefined): ReconcileOptions {
  return { ...DEFAULT_OPTIONS, ...given, startBackoff: { ...DEFAULT_OPTIONS.startBackoff, ...given?.startBackoff } };
}
