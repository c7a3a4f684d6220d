/**
 * What the console API answers (src/control-plane/console/console-reads.ts), as far as the pages read
 * it. The records are the ECS and ELBv2 wire shapes (camelCase for ECS, PascalCase for ELBv2) relayed
 * as JSON, with the console's own additions (a task's `targets`, a target group's `targets`, a
 * container instance's `agentConnected` and `hostPorts`). Every member the wire may leave out is
 * optional, so a page has to say what it shows when it is missing.
 */

export interface Deployment {
  id: string;
  status?: string;
  taskDefinition?: string;
  desiredCount?: number;
  pendingCount?: number;
  runningCount?: number;
  rolloutState?: string;
  updatedAt?: number | string;
}

export interface ServiceEvent {
  id: string;
  createdAt?: number | string;
  message?: string;
}

export interface ServiceLoadBalancer {
  targetGroupArn?: string;
  containerName?: string;
  containerPort?: number;
}

export interface Service {
  serviceArn: string;
  serviceName: string;
  status?: string;
  taskDefinition?: string;
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
  deployments?: Deployment[];
  events?: ServiceEvent[];
  loadBalancers?: ServiceLoadBalancer[];
}

/** A task's health in one target group it is registered in (the console's addition). */
export interface TaskTarget {
  state?: string;
}

export interface NetworkBinding {
  hostPort?: number;
  containerPort?: number;
}

export interface TaskContainer {
  name: string;
  lastStatus?: string;
  networkBindings?: NetworkBinding[];
}

export interface Task {
  taskArn: string;
  lastStatus?: string;
  desiredStatus?: string;
  healthStatus?: string;
  startedBy?: string;
  stoppedReason?: string;
  taskDefinitionArn?: string;
  /** The instance the task runs on (the console's addition). */
  ec2InstanceId?: string;
  startedAt?: number | string;
  containers?: TaskContainer[];
  targets?: TaskTarget[];
}

export interface PortMapping {
  containerPort?: number;
  hostPort?: number;
}

export interface ContainerDefinition {
  name: string;
  image?: string;
  portMappings?: PortMapping[];
}

export interface TaskDefinition {
  revision: number;
  containerDefinitions: ContainerDefinition[];
}

/** One task definition family: its revisions' ARNs and the latest revision in full. */
export interface TaskDefinitionFamily {
  family: string;
  revisions: string[];
  latest: TaskDefinition;
}

export interface Cluster {
  clusterArn: string;
  clusterName: string;
  status?: string;
  activeServicesCount?: number;
  runningTasksCount?: number;
  pendingTasksCount?: number;
  registeredContainerInstancesCount?: number;
}

export interface InstanceResource {
  name: string;
  integerValue?: number;
  stringSetValue?: string[];
}

export interface ContainerInstance {
  containerInstanceArn: string;
  ec2InstanceId?: string;
  status?: string;
  agentConnected?: boolean;
  runningTasksCount?: number;
  registeredResources?: InstanceResource[];
  remainingResources?: InstanceResource[];
  hostPorts?: { inUse?: number[]; dynamicRange?: { low: number; high: number }; dynamicFree?: number };
}

export interface RuleCondition {
  Field?: string;
  Values?: string[];
  PathPatternConfig?: { Values?: string[] };
  HostHeaderConfig?: { Values?: string[] };
}

export interface RuleAction {
  Type?: string;
  TargetGroupArn?: string;
  ForwardConfig?: { TargetGroups?: { TargetGroupArn?: string }[] };
  FixedResponseConfig?: { StatusCode?: string };
  RedirectConfig?: { StatusCode?: string };
}

export interface Rule {
  RuleArn: string;
  Priority?: string;
  IsDefault?: boolean;
  Conditions?: RuleCondition[];
  Actions?: RuleAction[];
}

export interface Listener {
  ListenerArn?: string;
  Protocol?: string;
  Port?: number;
  SslPolicy?: string;
  Rules?: Rule[];
}

export interface LoadBalancer {
  LoadBalancerArn: string;
  LoadBalancerName?: string;
  DNSName?: string;
  State?: { Code?: string };
  Listeners: Listener[];
}

/** One registered target with its health and live traffic (the console's addition). */
export interface RegisteredTarget {
  id: string;
  port: number;
  state?: string;
  reason?: string;
  description?: string;
  inFlight?: number;
  requestsPerSecond?: number;
}

export interface TargetGroup {
  TargetGroupArn: string;
  TargetGroupName: string;
  Port?: number;
  Protocol?: string;
  TargetType?: string;
  LoadBalancerArns?: string[];
  HealthCheckProtocol?: string;
  HealthCheckPort?: string;
  HealthCheckPath?: string;
  HealthCheckIntervalSeconds?: number;
  HealthCheckTimeoutSeconds?: number;
  HealthyThresholdCount?: number;
  UnhealthyThresholdCount?: number;
  Matcher?: { HttpCode?: string; GrpcCode?: string };
  targets: RegisteredTarget[];
}
