/**
 * "No silent acceptance": what Berth does with each member of each operation's input, in ONE table.
 * A member is honoured (Berth does what it says), refused (the request fails with the service's
 * error code and a message naming the member), or ignored-by-aws-too (AWS itself accepts it and
 * does not act on it here, like IAM role ARNs), or, for the rare member the AWS SDKs fill on every
 * call, tolerated (accepted, documented as having no effect yet). `unsupportedField` walks an input against the table,
 * so refusals are enforced in one place (`guardFieldSupport` wraps each service's handlers), and
 * docs/differences.md's generated section is rendered from the same table (field-support-docs.ts).
 *
 * Paths are the model's member names joined by `.`, with `[]` for a list's items
 * (`containerDefinitions[].secrets`). A member without an entry takes its parent's decision; the
 * completeness test (field-support.test.ts) requires an entry for every top-level member of every
 * ECS operation Berth serves, and for every member of the ECS structures users write by hand.
 * Absent values (undefined, null, '', [] and {}) and `false` for a refused boolean ask for nothing
 * and pass.
 */

export type ServiceName = 'ecs' | 'elbv2' | 'ec2';

export type Support =
  | { readonly status: 'honoured'; readonly note?: string }
  | {
      readonly status: 'refused';
      readonly reason: string;
      /** Refused only for these values (a list is refused when one of its items is). */
      readonly values?: readonly string[];
      /** Refused for every value but these. */
      readonly except?: readonly string[];
    }
  | { readonly status: 'ignored-by-aws-too'; readonly reason: string }
  /** Accepted without effect because the AWS SDKs fill it on every call; refusing it would refuse every SDK. */
  | { readonly status: 'tolerated'; readonly reason: string };

export type Refused = Extract<Support, { status: 'refused' }>;

const H: Support = { status: 'honoured' };
const honoured = (note: string): Support => ({ status: 'honoured', note });
const refused = (reason: string, when: { values?: readonly string[]; except?: readonly string[] } = {}): Support => ({
  status: 'refused',
  reason,
  ...when,
});
const noop = (reason: string): Support => ({ status: 'ignored-by-aws-too', reason });

// Reasons shared by many members.
const RUNTIME = 'the Docker and process runtimes do not implement it yet';
const SECURITY = 'the Docker runtime does not apply it yet, and running the task without it would be less confined than asked';
const AWSVPC =
  "a network namespace and address per task would put targets on Docker's bridge subnet, off loopback, and the process runtime has no namespaces";
const FARGATE = 'Berth runs tasks on container instances only (EC2 and EXTERNAL launch types)';
const CAPACITY_PROVIDERS = 'Berth has no capacity providers (no Auto Scaling groups, no Fargate)';
const IAM = 'IAM roles are not enforced: Berth has no IAM';
const TAGS_MANAGED = 'Berth does not add aws:ecs: managed tags or propagate tags yet';
const EXEC = 'ECS Exec (the SSM agent) is not implemented';
const SERVICE_CONNECT = 'Service Connect, Cloud Map and VPC Lattice are not implemented';
const VOLUMES = 'volumes are not implemented yet (a host or docker.sock mount would also unconfine the task)';
const SECRETS = 'Secrets Manager, SSM Parameter Store and S3 are not reachable from Berth';
const LOGS = 'FireLens (a Fluent Bit or Fluentd sidecar) is not implemented; the awslogs, json-file and syslog drivers are';
const ELASTIC_INFERENCE = 'Elastic Inference and GPUs are not available';
const DAEMON = 'the DAEMON scheduling strategy is not implemented yet (it would run no task)';

const TASK_OVERRIDE: Record<string, Support> = {
  overrides: H,
  'overrides.containerOverrides': H,
  'overrides.containerOverrides[].name': H,
  'overrides.containerOverrides[].command': H,
  'overrides.containerOverrides[].environment': H,
  'overrides.containerOverrides[].environmentFiles': refused(SECRETS),
  'overrides.containerOverrides[].cpu': H,
  'overrides.containerOverrides[].memory': H,
  'overrides.containerOverrides[].memoryReservation': H,
  'overrides.containerOverrides[].resourceRequirements': refused(ELASTIC_INFERENCE),
  'overrides.cpu': honoured('counted in the task reservation on its instance'),
  'overrides.memory': honoured('counted in the task reservation on its instance'),
  'overrides.inferenceAcceleratorOverrides': refused(ELASTIC_INFERENCE),
  'overrides.executionRoleArn': noop(IAM),
  'overrides.taskRoleArn': noop(IAM),
  'overrides.ephemeralStorage': refused(FARGATE),
};

const DEPLOYMENT_CONFIGURATION: Record<string, Support> = {
  deploymentConfiguration: H,
  'deploymentConfiguration.deploymentCircuitBreaker': H,
  'deploymentConfiguration.maximumPercent': H,
  'deploymentConfiguration.minimumHealthyPercent': H,
  'deploymentConfiguration.alarms': refused('CloudWatch alarms are not available, so they could never roll a deployment back'),
  'deploymentConfiguration.strategy': refused('only rolling deployments are implemented', { except: ['ROLLING'] }),
  'deploymentConfiguration.bakeTimeInMinutes': refused('only rolling deployments are implemented'),
  'deploymentConfiguration.lifecycleHooks': refused('deployment lifecycle hooks (Lambda) are not available'),
  'deploymentConfiguration.linearConfiguration': refused('only rolling deployments are implemented'),
  'deploymentConfiguration.canaryConfiguration': refused('only rolling deployments are implemented'),
};

const SERVICE_COMMON: Record<string, Support> = {
  cluster: H,
  taskDefinition: H,
  desiredCount: honoured('at most --max-tasks-per-service (ECS: 5,000)'),
  loadBalancers: H,
  'loadBalancers[].targetGroupArn': H,
  'loadBalancers[].containerName': H,
  'loadBalancers[].containerPort': H,
  'loadBalancers[].loadBalancerName': refused('Classic Load Balancers are not implemented; use targetGroupArn'),
  'loadBalancers[].advancedConfiguration': refused('blue/green deployments are not implemented'),
  serviceRegistries: refused(SERVICE_CONNECT),
  capacityProviderStrategy: refused(CAPACITY_PROVIDERS),
  platformVersion: refused(FARGATE),
  ...DEPLOYMENT_CONFIGURATION,
  placementConstraints: H,
  placementStrategy: H,
  networkConfiguration: honoured('validated as ECS does; only awsvpc task definitions take it, and those are refused'),
  healthCheckGracePeriodSeconds: H,
  deploymentController: honoured('type ECS only (others: UnsupportedFeatureException)'),
  enableExecuteCommand: refused(EXEC),
  enableECSManagedTags: refused(TAGS_MANAGED),
  propagateTags: refused(TAGS_MANAGED, { except: ['NONE'] }),
  availabilityZoneRebalancing: refused('Berth has no availability zones to rebalance across', { values: ['ENABLED'] }),
  serviceConnectConfiguration: refused(SERVICE_CONNECT),
  volumeConfigurations: refused('EBS volumes are not available'),
  vpcLatticeConfigurations: refused(SERVICE_CONNECT),
};

const LAUNCH_COMMON: Record<string, Support> = {
  cluster: H,
  taskDefinition: H,
  group: H,
  startedBy: H,
  tags: H,
  ...TASK_OVERRIDE,
  networkConfiguration: honoured('validated as ECS does; only awsvpc task definitions take it, and those are refused'),
  enableECSManagedTags: refused(TAGS_MANAGED),
  propagateTags: refused(TAGS_MANAGED, { except: ['NONE'] }),
  enableExecuteCommand: refused(EXEC),
  referenceId: refused('referenceId is not recorded on tasks yet'),
  volumeConfigurations: refused('EBS volumes are not available'),
};

const CONTAINER_DEFINITION: Record<string, Support> = {
  containerDefinitions: honoured('at most --max-containers-per-task-definition (ECS: 10)'),
  'containerDefinitions[].name': H,
  'containerDefinitions[].image': H,
  'containerDefinitions[].repositoryCredentials': refused(SECRETS),
  'containerDefinitions[].cpu': H,
  'containerDefinitions[].memory': H,
  'containerDefinitions[].memoryReservation': H,
  'containerDefinitions[].links': refused(RUNTIME),
  'containerDefinitions[].portMappings': H,
  'containerDefinitions[].portMappings[].containerPort': H,
  'containerDefinitions[].portMappings[].hostPort': H,
  'containerDefinitions[].portMappings[].protocol': H,
  'containerDefinitions[].portMappings[].name': H,
  'containerDefinitions[].portMappings[].appProtocol': noop('only Service Connect reads it'),
  'containerDefinitions[].portMappings[].containerPortRange': refused(RUNTIME),
  'containerDefinitions[].essential': H,
  'containerDefinitions[].restartPolicy': refused(RUNTIME),
  'containerDefinitions[].entryPoint': H,
  'containerDefinitions[].command': H,
  'containerDefinitions[].environment': H,
  'containerDefinitions[].environmentFiles': refused(SECRETS),
  'containerDefinitions[].mountPoints': refused(VOLUMES),
  'containerDefinitions[].volumesFrom': refused(VOLUMES),
  'containerDefinitions[].linuxParameters': refused(`capabilities, devices and the other Linux parameters: ${SECURITY}`),
  'containerDefinitions[].secrets': refused(SECRETS),
  'containerDefinitions[].dependsOn': refused('container start order is not implemented yet'),
  'containerDefinitions[].startTimeout': refused('container start order is not implemented yet'),
  'containerDefinitions[].stopTimeout': H,
  'containerDefinitions[].versionConsistency': refused('images are not pinned to a digest yet', { values: ['enabled'] }),
  'containerDefinitions[].hostname': refused(RUNTIME),
  'containerDefinitions[].user': refused(SECURITY),
  'containerDefinitions[].workingDirectory': refused(RUNTIME),
  'containerDefinitions[].disableNetworking': refused(RUNTIME),
  'containerDefinitions[].privileged': refused(SECURITY),
  'containerDefinitions[].readonlyRootFilesystem': refused(SECURITY),
  'containerDefinitions[].dnsServers': refused(RUNTIME),
  'containerDefinitions[].dnsSearchDomains': refused(RUNTIME),
  'containerDefinitions[].extraHosts': refused(RUNTIME),
  'containerDefinitions[].dockerSecurityOptions': refused(SECURITY),
  'containerDefinitions[].interactive': refused(RUNTIME),
  'containerDefinitions[].pseudoTerminal': refused(RUNTIME),
  'containerDefinitions[].dockerLabels': H,
  'containerDefinitions[].ulimits': refused(RUNTIME),
  'containerDefinitions[].logConfiguration': H,
  'containerDefinitions[].healthCheck': H,
  'containerDefinitions[].systemControls': refused(RUNTIME),
  'containerDefinitions[].resourceRequirements': refused(ELASTIC_INFERENCE),
  'containerDefinitions[].firelensConfiguration': refused(LOGS),
  'containerDefinitions[].credentialSpecs': refused('gMSA credential specs are Windows-only'),
};

const PAGED: Record<string, Support> = { nextToken: H, maxResults: H };

/** Members honoured as they are, named in one string. */
const all = (names: string): Record<string, Support> => Object.fromEntries(names.split(' ').map((n) => [n, H]));

const TLS = 'Berth terminates no TLS: HTTP listeners only';
const TRANSFORMS = 'host-header and URL rewrite transforms are not implemented';
const NO_AWS_NETWORK = 'Berth has no Outposts, IPAM or IPv6 prefixes';
const EC2_TAGS = 'security groups carry no tags yet';
const DRY_RUN = 'DryRun is not implemented; without it the request would run for real';
const FILTERS = 'this filter name is not implemented, and ignoring it would answer too much';
const SG_RULE: Record<string, Support> = {
  ...all('CidrIp FromPort GroupId GroupName IpPermissions IpProtocol ToPort'),
  'IpPermissions[].UserIdGroupPairs': refused('only CIDR ranges are implemented'),
  'IpPermissions[].Ipv6Ranges': refused('only IPv4 CIDR ranges are implemented'),
  'IpPermissions[].PrefixListIds': refused('only CIDR ranges are implemented'),
  SourceSecurityGroupName: refused('only CIDR ranges are implemented'),
  SourceSecurityGroupOwnerId: refused('only CIDR ranges are implemented'),
  DryRun: refused(DRY_RUN),
};

export const FIELD_SUPPORT: Readonly<Record<ServiceName, Readonly<Record<string, Readonly<Record<string, Support>>>>>> = {
  ecs: {
    CreateCluster: {
      clusterName: H,
      tags: H,
      settings: H,
      'settings[].value': refused('Container Insights needs CloudWatch, which Berth does not have', { values: ['enabled', 'enhanced'] }),
      configuration: refused('ECS Exec and managed storage (KMS) configuration are not implemented'),
      capacityProviders: refused(CAPACITY_PROVIDERS),
      defaultCapacityProviderStrategy: refused(CAPACITY_PROVIDERS),
      serviceConnectDefaults: refused(SERVICE_CONNECT),
    },
    DeleteCluster: { cluster: H },
    DescribeClusters: { clusters: H, include: H },
    ListClusters: PAGED,
    RegisterTaskDefinition: {
      family: H,
      taskRoleArn: noop(IAM),
      executionRoleArn: noop(IAM),
      networkMode: refused(`awsvpc: ${AWSVPC}; none: the runtimes give every task a network`, { values: ['awsvpc', 'none'] }),
      ...CONTAINER_DEFINITION,
      volumes: refused(VOLUMES),
      placementConstraints: H,
      requiresCompatibilities: refused(FARGATE, { values: ['FARGATE', 'MANAGED_INSTANCES'] }),
      cpu: H,
      memory: H,
      tags: H,
      pidMode: refused(RUNTIME),
      ipcMode: refused(RUNTIME),
      proxyConfiguration: refused('App Mesh proxies are not implemented'),
      inferenceAccelerators: refused(ELASTIC_INFERENCE),
      ephemeralStorage: refused(FARGATE),
      runtimePlatform: H,
      'runtimePlatform.operatingSystemFamily': refused('tasks run on Linux hosts only', { except: ['LINUX'] }),
      'runtimePlatform.cpuArchitecture': honoured("recorded; a task runs on its host's architecture"),
      enableFaultInjection: refused('fault injection is not implemented'),
    },
    DeregisterTaskDefinition: { taskDefinition: H },
    DescribeTaskDefinition: { taskDefinition: H, include: H },
    ListTaskDefinitions: { familyPrefix: H, status: H, sort: H, ...PAGED },
    ListTaskDefinitionFamilies: { familyPrefix: H, status: H, ...PAGED },
    CreateService: {
      ...SERVICE_COMMON,
      serviceName: H,
      clientToken: H,
      launchType: honoured('EC2 or EXTERNAL'),
      role: noop(IAM),
      schedulingStrategy: refused(DAEMON, { values: ['DAEMON'] }),
      tags: H,
    },
    UpdateService: {
      ...SERVICE_COMMON,
      service: H,
      forceNewDeployment: H,
      propagateTags: refused(TAGS_MANAGED, { except: ['NONE'] }),
    },
    DeleteService: { cluster: H, service: H, force: H },
    DescribeServices: { cluster: H, services: H, include: H },
    ListServices: {
      cluster: H,
      ...PAGED,
      launchType: H,
      schedulingStrategy: H,
      resourceManagementType: refused('services are all customer-managed; the filter is not implemented'),
    },
    RunTask: {
      ...LAUNCH_COMMON,
      count: H,
      launchType: honoured('EC2 or EXTERNAL'),
      capacityProviderStrategy: refused(CAPACITY_PROVIDERS),
      placementConstraints: H,
      placementStrategy: H,
      platformVersion: refused(FARGATE),
      clientToken: { status: 'tolerated', reason: 'the SDKs send one on every RunTask; idempotency is not implemented yet, so a retried RunTask can start its tasks twice' },
    },
    StartTask: { ...LAUNCH_COMMON, containerInstances: H },
    StopTask: { cluster: H, task: H, reason: H },
    DescribeTasks: { cluster: H, tasks: H, include: H },
    ListTasks: {
      cluster: H,
      containerInstance: H,
      family: H,
      ...PAGED,
      startedBy: H,
      serviceName: H,
      desiredStatus: H,
      launchType: H,
      daemonName: refused(DAEMON),
    },
    RegisterContainerInstance: {
      cluster: H,
      instanceIdentityDocument: H,
      instanceIdentityDocumentSignature: noop('accepted unverified, as with any signature Berth cannot check; --auth sigv4 authenticates the caller'),
      totalResources: H,
      versionInfo: H,
      containerInstanceArn: H,
      attributes: H,
      platformDevices: refused(ELASTIC_INFERENCE),
      tags: H,
    },
    DeregisterContainerInstance: { cluster: H, containerInstance: H, force: H },
    DescribeContainerInstances: { cluster: H, containerInstances: H, include: H },
    ListContainerInstances: { cluster: H, filter: H, status: H, ...PAGED },
    UpdateContainerInstancesState: { cluster: H, containerInstances: H, status: H },
    TagResource: { resourceArn: H, tags: H },
    UntagResource: { resourceArn: H, tagKeys: H },
    ListTagsForResource: { resourceArn: H },
  },
  elbv2: {
    AddTags: all('ResourceArns Tags'),
    CreateListener: {
      ...all('LoadBalancerArn Protocol Port Certificates DefaultActions Tags'),
      SslPolicy: refused(TLS),
      AlpnPolicy: refused(TLS),
      MutualAuthentication: refused(TLS),
    },
    CreateLoadBalancer: {
      ...all('Name Subnets SubnetMappings SecurityGroups Scheme Tags Type IpAddressType'),
      CustomerOwnedIpv4Pool: refused(NO_AWS_NETWORK),
      EnablePrefixForIpv6SourceNat: refused(NO_AWS_NETWORK, { values: ['on'] }),
      IpamPools: refused(NO_AWS_NETWORK),
    },
    CreateRule: { ...all('ListenerArn Conditions Priority Actions Tags'), Transforms: refused(TRANSFORMS) },
    CreateTargetGroup: {
      ...all('Name Port VpcId HealthCheckPort HealthCheckEnabled HealthCheckPath HealthCheckIntervalSeconds HealthCheckTimeoutSeconds HealthyThresholdCount UnhealthyThresholdCount Matcher TargetType Tags IpAddressType'),
      Protocol: refused('TLS to targets is not implemented yet', { values: ['HTTPS'] }),
      ProtocolVersion: refused('the load balancer speaks HTTP/1.1 to targets', { values: ['HTTP2', 'GRPC'] }),
      HealthCheckProtocol: refused('TLS health checks are not implemented yet', { values: ['HTTPS'] }),
      TargetControlPort: refused('target control agents are not implemented'),
    },
    DeleteListener: all('ListenerArn'),
    DeleteLoadBalancer: all('LoadBalancerArn'),
    DeleteRule: all('RuleArn'),
    DeleteTargetGroup: all('TargetGroupArn'),
    DeregisterTargets: all('TargetGroupArn Targets'),
    DescribeListeners: all('LoadBalancerArn ListenerArns Marker PageSize'),
    DescribeLoadBalancerAttributes: all('LoadBalancerArn'),
    DescribeLoadBalancers: all('LoadBalancerArns Names Marker PageSize'),
    DescribeRules: all('ListenerArn RuleArns Marker PageSize'),
    DescribeTags: all('ResourceArns'),
    DescribeTargetGroupAttributes: all('TargetGroupArn'),
    DescribeTargetGroups: all('LoadBalancerArn TargetGroupArns Names Marker PageSize'),
    DescribeTargetHealth: {
      ...all('TargetGroupArn Targets'),
      Include: refused('anomaly mitigation (automatic target weights) is not implemented', { values: ['AnomalyDetection', 'All'] }),
    },
    ModifyListener: {
      ...all('ListenerArn Port Protocol Certificates DefaultActions'),
      SslPolicy: refused(TLS),
      AlpnPolicy: refused(TLS),
      MutualAuthentication: refused(TLS),
    },
    ModifyLoadBalancerAttributes: all('LoadBalancerArn Attributes'),
    ModifyRule: { ...all('RuleArn Conditions Actions'), Transforms: refused(TRANSFORMS), ResetTransforms: refused(TRANSFORMS) },
    ModifyTargetGroup: {
      ...all('TargetGroupArn HealthCheckPort HealthCheckPath HealthCheckEnabled HealthCheckIntervalSeconds HealthCheckTimeoutSeconds HealthyThresholdCount UnhealthyThresholdCount Matcher'),
      HealthCheckProtocol: refused('TLS health checks are not implemented yet', { values: ['HTTPS'] }),
    },
    ModifyTargetGroupAttributes: all('TargetGroupArn Attributes'),
    RegisterTargets: all('TargetGroupArn Targets'),
    RemoveTags: all('ResourceArns TagKeys'),
    SetRulePriorities: all('RulePriorities'),
    SetSecurityGroups: {
      ...all('LoadBalancerArn SecurityGroups'),
      EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: refused('PrivateLink is not available'),
    },
  },
  ec2: {
    CreateSecurityGroup: { ...all('Description GroupName VpcId'), TagSpecifications: refused(EC2_TAGS), DryRun: refused(DRY_RUN) },
    DeleteSecurityGroup: { ...all('GroupId GroupName'), DryRun: refused(DRY_RUN) },
    AuthorizeSecurityGroupIngress: { ...SG_RULE, TagSpecifications: refused(EC2_TAGS) },
    RevokeSecurityGroupIngress: { ...SG_RULE, SecurityGroupRuleIds: refused('rules are named by their permissions; rule ids are not implemented') },
    DescribeSecurityGroups: {
      ...all('GroupIds GroupNames NextToken MaxResults Filters'),
      'Filters[].Name': refused(FILTERS, { except: ['group-id', 'group-name', 'vpc-id'] }),
      DryRun: refused(DRY_RUN),
    },
    DescribeVpcs: { ...all('VpcIds NextToken MaxResults Filters'), 'Filters[].Name': refused(FILTERS, { except: ['vpc-id', 'is-default'] }), DryRun: refused(DRY_RUN) },
    DescribeSubnets: {
      ...all('SubnetIds NextToken MaxResults Filters'),
      'Filters[].Name': refused(FILTERS, { except: ['subnet-id', 'vpc-id', 'availability-zone'] }),
      DryRun: refused(DRY_RUN),
    },
    DescribeInstances: { ...all('InstanceIds IncludeManagedResources Filters NextToken MaxResults'), DryRun: refused(DRY_RUN) },
  },
};
