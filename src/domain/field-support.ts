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
 * completeness test (field-support-guard.test.ts) requires an entry for every top-level member of every
 * operation of every service Berth serves, and for every member of the ECS structures users write by hand.
 * Absent values (undefined, null, '', [] and {}) and `false` for a refused boolean ask for nothing
 * and pass.
 */

import { DEFAULT_KMS_KEY } from './secrets-manager/secret.js';
import { DEFAULT_KEY_ID } from './ssm/parameter.js';

/** Every service in src/control-plane/api/service-table.ts (the table's keys are checked against it). */
export type ServiceName = 'ecs' | 'elbv2' | 'ec2' | 'sts' | 'ssm' | 'secretsmanager' | 'logs' | 'acm' | 'cloudwatch' | 'applicationautoscaling';

export type Support =
  | { readonly status: 'honoured'; readonly note?: string }
  | {
      readonly status: 'refused';
      readonly reason: string;
      /** Refused only for these values (a list is refused when one of its items is). */
      readonly values?: readonly string[];
      /** Refused for every value but these. */
      readonly except?: readonly string[];
      /** The service's error code when AWS has a more specific one than the service's default (EC2 `UnsupportedOperation`). */
      readonly code?: string;
    }
  | { readonly status: 'ignored-by-aws-too'; readonly reason: string }
  /** Accepted without effect because the AWS SDKs fill it on every call; refusing it would refuse every SDK. */
  | { readonly status: 'tolerated'; readonly reason: string };

export type Refused = Extract<Support, { status: 'refused' }>;

const H: Support = { status: 'honoured' };
const honoured = (note: string): Support => ({ status: 'honoured', note });
const refused = (reason: string, when: { values?: readonly string[]; except?: readonly string[]; code?: string } = {}): Support => ({
  status: 'refused',
  reason,
  ...when,
});
const noop = (reason: string): Support => ({ status: 'ignored-by-aws-too', reason });

// Reasons shared by many members.
const RUNTIME = 'the Docker and process runtimes do not implement it yet';
const SECURITY = 'the Docker runtime does not apply it yet, and running the task without it would be less confined than asked';
const AWSVPC = "a network namespace and address per task would put targets on Docker's bridge subnet, off loopback, and the process runtime has no namespaces";
const FARGATE = 'Berth runs tasks on container instances only (EC2 and EXTERNAL launch types)';
const CAPACITY_PROVIDERS = 'Berth has no capacity providers (no Auto Scaling groups, no Fargate)';
const IAM = 'IAM roles are not enforced: Berth has no IAM';
const TAGS_MANAGED = 'Berth does not add aws:ecs: managed tags or propagate tags yet';
const EXEC = 'ECS Exec (the SSM agent) is not implemented';
const SERVICE_CONNECT = 'Service Connect, Cloud Map and VPC Lattice are not implemented';
const PRIVILEGED = 'honoured only by agents started with --allow-privileged (it is root on the host); elsewhere the task stops before start, naming it';
const DOCKER_ONLY = 'Docker runtime; on the process runtime the task stops before start, naming it';
const LINUX = 'the Docker runtime does not apply it yet, and running the task without it would be less confined or sized than asked';
const SECRETS = 'environment files live in S3, which Berth does not have';
const LOGS = 'FireLens (a Fluent Bit or Fluentd sidecar) is not implemented; the awslogs, json-file and syslog drivers are';
const ELASTIC_INFERENCE = 'Elastic Inference and GPUs are not available';
const MANAGED_DAEMONS = 'the daemonName filter (ECS managed daemons) is not implemented';
const CLUSTER_SETTINGS = 'stored and echoed; Container Insights collects nothing (Berth has no CloudWatch metrics)';
const CLUSTER_CONFIGURATION = 'stored and echoed; ECS Exec and managed storage are not implemented, so it changes nothing';
const NAMESPACES = 'Berth has no Cloud Map namespaces';

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
  'deploymentConfiguration.alarms': honoured(
    'a named CloudWatch alarm that goes into ALARM while a deployment is in progress fails it, and with rollback rolls it back (checked every 5 s)',
  ),
  'deploymentConfiguration.strategy': honoured(
    'ROLLING; BLUE_GREEN, CANARY and LINEAR shift the weights of the advancedConfiguration listener rules (REPLICA services with load balancers)',
  ),
  'deploymentConfiguration.bakeTimeInMinutes': honoured('BLUE_GREEN, CANARY, LINEAR: the wait at 100% green before blue is drained'),
  'deploymentConfiguration.lifecycleHooks': refused('deployment lifecycle hooks invoke Lambda functions, which Berth does not have'),
  'deploymentConfiguration.linearConfiguration': H,
  'deploymentConfiguration.canaryConfiguration': H,
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
  'loadBalancers[].advancedConfiguration': honoured(
    'BLUE_GREEN, CANARY, LINEAR: green registers in the alternate target group; the rules must forward to both groups',
  ),
  'loadBalancers[].advancedConfiguration.alternateTargetGroupArn': H,
  'loadBalancers[].advancedConfiguration.productionListenerRule': H,
  'loadBalancers[].advancedConfiguration.testListenerRule': H,
  'loadBalancers[].advancedConfiguration.roleArn': noop(IAM),
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
  'containerDefinitions[].repositoryCredentials': honoured('credentialsParameter names a Berth Secrets Manager secret; the agent pulls with it'),
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
  'containerDefinitions[].mountPoints': honoured(`${DOCKER_ONLY}; a host.sourcePath reaching the Docker socket is ${PRIVILEGED}`),
  'containerDefinitions[].mountPoints[].sourceVolume': H,
  'containerDefinitions[].mountPoints[].containerPath': H,
  'containerDefinitions[].mountPoints[].readOnly': H,
  'containerDefinitions[].volumesFrom': honoured(DOCKER_ONLY),
  'containerDefinitions[].volumesFrom[].sourceContainer': H,
  'containerDefinitions[].volumesFrom[].readOnly': H,
  'containerDefinitions[].linuxParameters': H,
  'containerDefinitions[].linuxParameters.initProcessEnabled': honoured(DOCKER_ONLY),
  'containerDefinitions[].linuxParameters.capabilities': refused(LINUX),
  'containerDefinitions[].linuxParameters.devices': refused(LINUX),
  'containerDefinitions[].linuxParameters.sharedMemorySize': refused(LINUX),
  'containerDefinitions[].linuxParameters.tmpfs': refused(LINUX),
  'containerDefinitions[].linuxParameters.maxSwap': refused(LINUX),
  'containerDefinitions[].linuxParameters.swappiness': refused(LINUX),
  'containerDefinitions[].secrets': honoured('valueFrom names a Berth SSM parameter or Secrets Manager secret; the agent injects the value'),
  'containerDefinitions[].dependsOn': honoured('START, COMPLETE, SUCCESS, HEALTHY; shutdown in reverse order'),
  'containerDefinitions[].startTimeout': honoured('no default on EC2: without it a dependency is waited for until it resolves'),
  'containerDefinitions[].stopTimeout': H,
  'containerDefinitions[].versionConsistency': refused('images are not pinned to a digest yet', { values: ['enabled'] }),
  'containerDefinitions[].hostname': honoured(DOCKER_ONLY),
  'containerDefinitions[].user': honoured(DOCKER_ONLY),
  'containerDefinitions[].workingDirectory': honoured(DOCKER_ONLY),
  'containerDefinitions[].disableNetworking': refused(RUNTIME),
  'containerDefinitions[].privileged': honoured(`${DOCKER_ONLY}; ${PRIVILEGED}`),
  'containerDefinitions[].readonlyRootFilesystem': honoured(DOCKER_ONLY),
  'containerDefinitions[].dnsServers': refused(RUNTIME),
  'containerDefinitions[].dnsSearchDomains': refused(RUNTIME),
  'containerDefinitions[].extraHosts': honoured(DOCKER_ONLY),
  'containerDefinitions[].dockerSecurityOptions': refused(SECURITY),
  'containerDefinitions[].interactive': refused(RUNTIME),
  'containerDefinitions[].pseudoTerminal': refused(RUNTIME),
  'containerDefinitions[].dockerLabels': H,
  'containerDefinitions[].ulimits': honoured(DOCKER_ONLY),
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

const ALPN = 'ALPN policies are for network load balancers (TLS listeners); an ALB HTTPS listener offers HTTP/2 and HTTP/1.1';
const MTLS = 'mutual TLS (trust stores) is not implemented';
const ACM_PRIVATE_CA = 'Berth has no AWS Private CA; its own CA issues every requested certificate (berth ca)';
const ACM_USAGE_FILTERS = 'every certificate Berth holds has the same key usages; the filter is not implemented';
const TRANSFORMS = 'host-header and URL rewrite transforms are not implemented';
const NO_AWS_NETWORK = 'Berth has no Outposts, IPAM or IPv6 prefixes';
/** ELBv2's code for a load balancer asked for pools it cannot have. */
const LB_CONFIGURATION = { code: 'InvalidConfigurationRequest' } as const;
/** EC2 answers UnsupportedOperation for a feature its account or region lacks; Berth does the same. */
const EC2_UNSUPPORTED = { code: 'UnsupportedOperation' } as const;
const NO_IPV6 = 'no IPv6, IPAM, Outposts or encryption control in its VPCs';
const IPV4_ONLY = 'rules admit IPv4 ranges (IpRanges / CidrIp) only';
const DRY_RUN = honoured('DryRunOperation after validation, before anything changes, as EC2 does');
const FILTERS = honoured('the filter names Berth has; any other is InvalidParameterValue, as EC2 answers');
const SG_RULE: Record<string, Support> = {
  ...all('CidrIp FromPort GroupId GroupName IpPermissions IpProtocol ToPort'),
  'IpPermissions[].UserIdGroupPairs': refused(IPV4_ONLY, EC2_UNSUPPORTED),
  'IpPermissions[].Ipv6Ranges': refused(IPV4_ONLY, EC2_UNSUPPORTED),
  'IpPermissions[].PrefixListIds': refused(IPV4_ONLY, EC2_UNSUPPORTED),
  SourceSecurityGroupName: refused(IPV4_ONLY, EC2_UNSUPPORTED),
  SourceSecurityGroupOwnerId: refused(IPV4_ONLY, EC2_UNSUPPORTED),
  DryRun: DRY_RUN,
};

const SSM_VALIDATION = { code: 'ValidationException' } as const;
const SSM_RESOURCE_TYPE = refused('Berth holds only Parameter resources', { except: ['Parameter'], code: 'InvalidResourceType' });
const SM_KMS_KEY = refused(`Berth encrypts secrets with its own key, ${DEFAULT_KMS_KEY} (there is no KMS here)`, { except: [DEFAULT_KMS_KEY] });
const SM_ONE_REGION = 'Berth serves one region, so a secret has no replicas';
const SM_EXTERNAL = 'managed external secrets (held by a partner) are not implemented';
const LOGS_ONE_ACCOUNT = 'Berth has one account and no linked ones';
const CW_PERCENTILES = 'Berth keeps count, sum, minimum and maximum per minute, so percentiles cannot be answered';
const CW_ONE_ACCOUNT = 'Berth has one account: its own metrics are all there are';
const CW_RESOLUTION = 'Berth keeps 1-minute resolution (no high-resolution metrics)';
const CW_ACTIONS =
  'Application Auto Scaling policy ARNs only (step scaling); an SNS, EC2, Systems Manager or Lambda ARN is refused with ValidationError, as Berth has none of them';
const LOGS_NO_MASKING = 'Berth has no data protection policies, so nothing is masked';

export const FIELD_SUPPORT: Readonly<Record<ServiceName, Readonly<Record<string, Readonly<Record<string, Support>>>>>> = {
  ecs: {
    CreateCluster: {
      clusterName: H,
      tags: H,
      settings: honoured(CLUSTER_SETTINGS),
      configuration: honoured(CLUSTER_CONFIGURATION),
      capacityProviders: refused(CAPACITY_PROVIDERS),
      defaultCapacityProviderStrategy: refused(CAPACITY_PROVIDERS),
      serviceConnectDefaults: refused(NAMESPACES, { code: 'NamespaceNotFoundException' }),
    },
    UpdateCluster: {
      cluster: H,
      settings: honoured(CLUSTER_SETTINGS),
      configuration: honoured(CLUSTER_CONFIGURATION),
      serviceConnectDefaults: refused(NAMESPACES, { code: 'NamespaceNotFoundException' }),
    },
    UpdateClusterSettings: { cluster: H, settings: honoured(CLUSTER_SETTINGS) },
    PutAccountSetting: { name: H, value: H, principalArn: H },
    PutAccountSettingDefault: { name: H, value: H },
    DeleteAccountSetting: { name: H, principalArn: H },
    ListAccountSettings: { name: H, value: H, principalArn: H, effectiveSettings: H, ...PAGED },
    PutAttributes: { cluster: H, attributes: H },
    DeleteAttributes: { cluster: H, attributes: H },
    ListAttributes: { cluster: H, targetType: H, attributeName: H, attributeValue: H, ...PAGED },
    ListServiceDeployments: { service: H, cluster: H, status: H, createdAt: H, ...PAGED },
    DescribeServiceDeployments: { serviceDeploymentArns: H },
    DescribeServiceRevisions: { serviceRevisionArns: H },
    StopServiceDeployment: {
      serviceDeploymentArn: H,
      stopType: refused('a stopped deployment is rolled back; ABORT is not implemented', { except: ['ROLLBACK'], code: 'UnsupportedFeatureException' }),
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
      volumes: honoured(`${DOCKER_ONLY}; a task-scoped Docker volume is removed with the task's containers, a shared one persists`),
      'volumes[].name': H,
      'volumes[].host': H,
      'volumes[].host.sourcePath': H,
      'volumes[].dockerVolumeConfiguration': H,
      'volumes[].dockerVolumeConfiguration.scope': H,
      'volumes[].dockerVolumeConfiguration.autoprovision': H,
      'volumes[].dockerVolumeConfiguration.driver': H,
      'volumes[].dockerVolumeConfiguration.driverOpts': H,
      'volumes[].dockerVolumeConfiguration.labels': H,
      'volumes[].efsVolumeConfiguration': refused('EFS is not available'),
      'volumes[].s3filesVolumeConfiguration': refused('S3 is not reachable from Berth'),
      'volumes[].fsxWindowsFileServerVolumeConfiguration': refused('FSx for Windows File Server is Windows-only'),
      'volumes[].configuredAtLaunch': refused('EBS volumes configured at launch are not available'),
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
    DeleteTaskDefinitions: { taskDefinitions: H },
    DescribeTaskDefinition: { taskDefinition: H, include: H },
    ListTaskDefinitions: { familyPrefix: H, status: H, sort: H, ...PAGED },
    ListTaskDefinitionFamilies: { familyPrefix: H, status: H, ...PAGED },
    CreateService: {
      ...SERVICE_COMMON,
      serviceName: H,
      clientToken: H,
      launchType: honoured('EC2 or EXTERNAL'),
      role: noop(IAM),
      schedulingStrategy: honoured('REPLICA, or DAEMON: one task on each ACTIVE instance matching the placement constraints'),
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
      clientToken: {
        status: 'tolerated',
        reason: 'the SDKs send one on every RunTask; idempotency is not implemented yet, so a retried RunTask can start its tasks twice',
      },
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
      daemonName: refused(MANAGED_DAEMONS),
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
    AddListenerCertificates: all('ListenerArn Certificates'),
    RemoveListenerCertificates: all('ListenerArn Certificates'),
    DescribeListenerCertificates: all('ListenerArn Marker PageSize'),
    DescribeSSLPolicies: all('Names Marker PageSize LoadBalancerType'),
    CreateListener: {
      ...all('LoadBalancerArn Protocol Port Certificates SslPolicy DefaultActions Tags'),
      AlpnPolicy: refused(ALPN),
      MutualAuthentication: refused(MTLS),
    },
    CreateLoadBalancer: {
      ...all('Name Subnets SubnetMappings SecurityGroups Scheme Tags Type IpAddressType'),
      CustomerOwnedIpv4Pool: refused(NO_AWS_NETWORK, LB_CONFIGURATION),
      EnablePrefixForIpv6SourceNat: refused(NO_AWS_NETWORK, { except: ['off'], ...LB_CONFIGURATION }),
      IpamPools: refused(NO_AWS_NETWORK, LB_CONFIGURATION),
    },
    CreateRule: { ...all('ListenerArn Conditions Priority Actions Tags'), Transforms: refused(TRANSFORMS) },
    CreateTargetGroup: {
      // Protocol HTTPS re-encrypts (target certificates unverified, as on ALB); HTTP2 speaks h2 (ALPN, or h2c);
      // GRPC forwards gRPC over h2 with trailers and checks with Matcher.GrpcCode.
      ...all(
        'Name Protocol ProtocolVersion Port VpcId HealthCheckProtocol HealthCheckPort HealthCheckEnabled HealthCheckPath HealthCheckIntervalSeconds HealthCheckTimeoutSeconds',
      ),
      ...all('HealthyThresholdCount UnhealthyThresholdCount Matcher TargetType Tags IpAddressType'),
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
      ...all('ListenerArn Port Protocol Certificates SslPolicy DefaultActions'),
      AlpnPolicy: refused(ALPN),
      MutualAuthentication: refused(MTLS),
    },
    ModifyLoadBalancerAttributes: all('LoadBalancerArn Attributes'),
    ModifyRule: { ...all('RuleArn Conditions Actions'), Transforms: refused(TRANSFORMS), ResetTransforms: refused(TRANSFORMS) },
    ModifyTargetGroup: {
      ...all('TargetGroupArn HealthCheckProtocol HealthCheckPort HealthCheckPath HealthCheckEnabled HealthCheckIntervalSeconds HealthCheckTimeoutSeconds'),
      ...all('HealthyThresholdCount UnhealthyThresholdCount Matcher'),
    },
    ModifyTargetGroupAttributes: all('TargetGroupArn Attributes'),
    RegisterTargets: all('TargetGroupArn Targets'),
    RemoveTags: all('ResourceArns TagKeys'),
    SetRulePriorities: all('RulePriorities'),
    SetSubnets: {
      ...all('LoadBalancerArn Subnets SubnetMappings IpAddressType'),
      EnablePrefixForIpv6SourceNat: refused(NO_AWS_NETWORK, { except: ['off'] }),
    },
    SetIpAddressType: all('LoadBalancerArn IpAddressType'),
    DescribeListenerAttributes: all('ListenerArn'),
    ModifyListenerAttributes: all('ListenerArn Attributes'),
    DescribeAccountLimits: all('Marker PageSize'),
    SetSecurityGroups: {
      ...all('LoadBalancerArn SecurityGroups'),
      EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: refused('it applies to network load balancers only (PrivateLink)', LB_CONFIGURATION),
    },
  },
  ec2: {
    CreateSecurityGroup: { ...all('Description GroupName VpcId TagSpecifications'), DryRun: DRY_RUN },
    DeleteSecurityGroup: { ...all('GroupId GroupName'), DryRun: DRY_RUN },
    AuthorizeSecurityGroupIngress: { ...SG_RULE, TagSpecifications: refused('security group rules have no ids to tag', EC2_UNSUPPORTED) },
    RevokeSecurityGroupIngress: { ...SG_RULE, SecurityGroupRuleIds: refused('rules are named by their permissions; rule ids are not implemented') },
    DescribeSecurityGroups: { ...all('GroupIds GroupNames NextToken MaxResults'), Filters: FILTERS, DryRun: DRY_RUN },
    CreateVpc: {
      ...all('CidrBlock TagSpecifications'),
      ...Object.fromEntries(
        [
          'Ipv6Pool',
          'Ipv6CidrBlock',
          'AmazonProvidedIpv6CidrBlock',
          'Ipv4IpamPoolId',
          'Ipv4NetmaskLength',
          'Ipv6IpamPoolId',
          'Ipv6NetmaskLength',
          'Ipv6CidrBlockNetworkBorderGroup',
          'VpcEncryptionControl',
        ].map((m) => [m, refused(NO_IPV6, EC2_UNSUPPORTED)]),
      ),
      InstanceTenancy: refused("its hosts are shared ('default')", { except: ['default'], ...EC2_UNSUPPORTED }),
      DryRun: DRY_RUN,
    },
    DeleteVpc: { VpcId: H, DryRun: DRY_RUN },
    DescribeVpcs: { ...all('VpcIds NextToken MaxResults'), Filters: FILTERS, DryRun: DRY_RUN },
    ModifyVpcAttribute: {
      VpcId: H,
      EnableDnsSupport: honoured('stored and echoed; Berth resolves no VPC DNS'),
      EnableDnsHostnames: honoured('stored and echoed; Berth resolves no VPC DNS'),
      EnableNetworkAddressUsageMetrics: honoured('stored and echoed'),
    },
    DescribeVpcAttribute: { ...all('Attribute VpcId'), DryRun: DRY_RUN },
    CreateSubnet: {
      ...all('TagSpecifications AvailabilityZone AvailabilityZoneId CidrBlock VpcId'),
      ...Object.fromEntries(
        ['Ipv6CidrBlock', 'Ipv6Native', 'OutpostArn', 'Ipv4IpamPoolId', 'Ipv4NetmaskLength', 'Ipv6IpamPoolId', 'Ipv6NetmaskLength'].map((m) => [
          m,
          refused(NO_IPV6, EC2_UNSUPPORTED),
        ]),
      ),
      DryRun: DRY_RUN,
    },
    DeleteSubnet: { SubnetId: H, DryRun: DRY_RUN },
    DescribeSubnets: { ...all('SubnetIds NextToken MaxResults'), Filters: FILTERS, DryRun: DRY_RUN },
    DescribeAvailabilityZones: {
      ...all('ZoneNames ZoneIds'),
      AllAvailabilityZones: honoured('Berth has no Local or Wavelength Zones, so the answer is the same'),
      Filters: FILTERS,
      DryRun: DRY_RUN,
    },
    DescribeAccountAttributes: { AttributeNames: H, DryRun: DRY_RUN },
    DescribeInstances: { ...all('InstanceIds IncludeManagedResources NextToken MaxResults'), Filters: FILTERS, DryRun: DRY_RUN },
  },
  // STS: GetCallerIdentity takes no members.
  sts: { GetCallerIdentity: {} },
  ssm: {
    PutParameter: {
      ...all('Name Description Value Type Overwrite AllowedPattern Tags Tier'),
      KeyId: refused(`Berth encrypts with its own key, ${DEFAULT_KEY_ID}`, { except: [DEFAULT_KEY_ID], code: 'InvalidKeyId' }),
      Policies: refused('parameter policies (expiration, notifications) are not implemented', SSM_VALIDATION),
      DataType: refused('only "text" parameters are implemented', { except: ['text'], ...SSM_VALIDATION }),
    },
    GetParameter: all('Name WithDecryption'),
    GetParameters: all('Names WithDecryption'),
    GetParametersByPath: all('Path Recursive ParameterFilters WithDecryption MaxResults NextToken'),
    DescribeParameters: {
      ...all('Filters ParameterFilters MaxResults NextToken'),
      Shared: refused('Berth has one account, so no parameter is shared with it', SSM_VALIDATION),
    },
    GetParameterHistory: all('Name WithDecryption MaxResults NextToken'),
    DeleteParameter: all('Name'),
    DeleteParameters: all('Names'),
    AddTagsToResource: { ...all('ResourceId Tags'), ResourceType: SSM_RESOURCE_TYPE },
    RemoveTagsFromResource: { ...all('ResourceId TagKeys'), ResourceType: SSM_RESOURCE_TYPE },
    ListTagsForResource: { ResourceId: H, ResourceType: SSM_RESOURCE_TYPE },
  },
  secretsmanager: {
    CreateSecret: {
      ...all('Name ClientRequestToken Description SecretBinary SecretString Tags'),
      KmsKeyId: SM_KMS_KEY,
      AddReplicaRegions: refused(SM_ONE_REGION),
      ForceOverwriteReplicaSecret: refused(SM_ONE_REGION),
      Type: refused(SM_EXTERNAL),
    },
    GetSecretValue: all('SecretId VersionId VersionStage'),
    PutSecretValue: {
      ...all('SecretId ClientRequestToken SecretBinary SecretString VersionStages'),
      RotationToken: refused('Berth runs no rotation functions'),
    },
    UpdateSecret: {
      ...all('SecretId ClientRequestToken Description SecretBinary SecretString'),
      KmsKeyId: SM_KMS_KEY,
      Type: refused(SM_EXTERNAL),
    },
    DescribeSecret: all('SecretId'),
    ListSecrets: {
      ...all('IncludePlannedDeletion MaxResults NextToken SortOrder'),
      Filters: honoured('the filter keys Berth has; any other is InvalidParameterException'),
      SortBy: refused('Berth sorts secrets by created-date only', { except: ['created-date'] }),
    },
    DeleteSecret: all('SecretId RecoveryWindowInDays ForceDeleteWithoutRecovery'),
    RestoreSecret: all('SecretId'),
    TagResource: all('SecretId Tags'),
    UntagResource: all('SecretId TagKeys'),
  },
  logs: {
    CreateLogGroup: {
      ...all('logGroupName tags deletionProtectionEnabled'),
      kmsKeyId: refused('Berth has no KMS; log groups are stored in its data dir'),
      logGroupClass: refused('Berth keeps STANDARD log groups only', { except: ['STANDARD'] }),
    },
    DeleteLogGroup: all('logGroupName'),
    DescribeLogGroups: {
      ...all('logGroupNamePrefix logGroupNamePattern nextToken limit logGroupClass logGroupIdentifiers'),
      accountIdentifiers: refused(LOGS_ONE_ACCOUNT),
      includeLinkedAccounts: refused(LOGS_ONE_ACCOUNT),
    },
    PutRetentionPolicy: all('logGroupName retentionInDays'),
    DeleteRetentionPolicy: all('logGroupName'),
    CreateLogStream: all('logGroupName logStreamName'),
    DeleteLogStream: all('logGroupName logStreamName'),
    DescribeLogStreams: all('logGroupName logGroupIdentifier logStreamNamePrefix orderBy descending nextToken limit'),
    PutLogEvents: {
      ...all('logGroupName logStreamName logEvents'),
      sequenceToken: noop('CloudWatch Logs has ignored sequence tokens since January 2023'),
      entity: refused('Berth keeps no entity metadata for log events'),
    },
    GetLogEvents: {
      ...all('logGroupName logGroupIdentifier logStreamName startTime endTime nextToken limit startFromHead'),
      unmask: refused(LOGS_NO_MASKING),
    },
    FilterLogEvents: {
      ...all('logGroupName logGroupIdentifier logStreamNames logStreamNamePrefix startTime endTime filterPattern nextToken limit'),
      interleaved: noop('deprecated: CloudWatch Logs always interleaves, whatever it says'),
      unmask: refused(LOGS_NO_MASKING),
    },
  },
  acm: {
    ImportCertificate: all('CertificateArn Certificate PrivateKey CertificateChain Tags'),
    DescribeCertificate: all('CertificateArn'),
    GetCertificate: all('CertificateArn'),
    ListCertificates: {
      ...all('CertificateStatuses NextToken MaxItems SortBy SortOrder'),
      Includes: H,
      'Includes.keyTypes': H,
      'Includes.keyUsage': refused(ACM_USAGE_FILTERS, { code: 'ValidationException' }),
      'Includes.extendedKeyUsage': refused(ACM_USAGE_FILTERS, { code: 'ValidationException' }),
      'Includes.exportOption': refused('no certificate is exportable', { code: 'ValidationException' }),
      'Includes.managedBy': refused('no AWS service manages certificates here', { code: 'ValidationException' }),
    },
    DeleteCertificate: all('CertificateArn'),
    AddTagsToCertificate: all('CertificateArn Tags'),
    RemoveTagsFromCertificate: all('CertificateArn Tags'),
    ListTagsForCertificate: all('CertificateArn'),
    RequestCertificate: {
      ...all('DomainName SubjectAlternativeNames IdempotencyToken KeyAlgorithm Tags'),
      ValidationMethod: honoured("DNS or EMAIL alike: no record or mail is checked; Berth's CA issues the certificate within a second"),
      DomainValidationOptions: refused("no validation mail is sent (Berth's CA validates nothing)", { code: 'InvalidParameterException' }),
      Options: honoured('CertificateTransparencyLoggingPreference: no certificate is logged, whichever is asked'),
      CertificateAuthorityArn: refused(ACM_PRIVATE_CA, { code: 'InvalidParameterException' }),
      ManagedBy: refused('no AWS service manages certificates here', { code: 'InvalidParameterException' }),
    },
  },
  applicationautoscaling: {
    RegisterScalableTarget: {
      ...all('ServiceNamespace ResourceId ScalableDimension MinCapacity MaxCapacity SuspendedState'),
      RoleARN: noop(IAM),
      Tags: refused('tags on scalable targets are not kept yet', { code: 'ValidationException' }),
    },
    DeregisterScalableTarget: all('ServiceNamespace ResourceId ScalableDimension'),
    DescribeScalableTargets: all('ServiceNamespace ResourceIds ScalableDimension MaxResults NextToken'),
    PutScalingPolicy: {
      ...all('PolicyName ServiceNamespace ResourceId ScalableDimension PolicyType TargetTrackingScalingPolicyConfiguration StepScalingPolicyConfiguration'),
      PredictiveScalingPolicyConfiguration: refused('predictive scaling needs a forecast, which Berth does not make'),
    },
    DescribeScalingPolicies: all('PolicyNames ServiceNamespace ResourceId ScalableDimension MaxResults NextToken'),
    DeleteScalingPolicy: all('PolicyName ServiceNamespace ResourceId ScalableDimension'),
    DescribeScalingActivities: {
      ...all('ServiceNamespace ResourceId ScalableDimension MaxResults NextToken'),
      IncludeNotScaledActivities: refused('activities that did not scale are not recorded'),
    },
    PutScheduledAction: all('ServiceNamespace Schedule Timezone ScheduledActionName ResourceId ScalableDimension StartTime EndTime ScalableTargetAction'),
    DescribeScheduledActions: all('ScheduledActionNames ServiceNamespace ResourceId ScalableDimension MaxResults NextToken'),
    DeleteScheduledAction: all('ServiceNamespace ScheduledActionName ResourceId ScalableDimension'),
  },
  cloudwatch: {
    GetMetricStatistics: {
      ...all('Namespace MetricName Dimensions StartTime EndTime Period Statistics Unit'),
      ExtendedStatistics: refused(CW_PERCENTILES),
    },
    GetMetricData: {
      ...all('StartTime EndTime NextToken ScanBy MaxDatapoints'),
      MetricDataQueries: honoured('MetricStat queries; an Expression is refused, naming the query'),
      LabelOptions: refused('labels are the query Label or the metric name; no time-zone formatting'),
    },
    ListMetrics: {
      ...all('Namespace MetricName Dimensions NextToken RecentlyActive'),
      IncludeLinkedAccounts: honoured(CW_ONE_ACCOUNT),
      OwningAccount: honoured(CW_ONE_ACCOUNT),
    },
    PutMetricData: {
      ...all('Namespace MetricData'),
      'MetricData[].StorageResolution': refused(CW_RESOLUTION, { values: ['1'] }),
      EntityMetricData: refused('entities (CloudWatch Explore related telemetry) are not kept'),
      StrictEntityValidation: refused('entities (CloudWatch Explore related telemetry) are not kept'),
    },
    PutMetricAlarm: {
      ...all('AlarmName AlarmDescription ActionsEnabled MetricName Namespace Statistic ExtendedStatistic Dimensions Period Unit'),
      ...all('EvaluationPeriods DatapointsToAlarm Threshold ComparisonOperator TreatMissingData Tags'),
      OKActions: honoured(CW_ACTIONS),
      AlarmActions: honoured(CW_ACTIONS),
      InsufficientDataActions: honoured(CW_ACTIONS),
      EvaluateLowSampleCountPercentile: refused(CW_PERCENTILES),
      Metrics: refused('metric math alarms are not evaluated yet; alarm on one metric (MetricName, Namespace, Statistic)'),
      ThresholdMetricId: refused('anomaly detection bands are not implemented'),
      EvaluationCriteria: refused('PromQL alarms are not implemented'),
      EvaluationInterval: refused('PromQL alarms are not implemented'),
    },
    DescribeAlarms: all('AlarmNames AlarmNamePrefix AlarmTypes ChildrenOfAlarmName ParentsOfAlarmName StateValue ActionPrefix MaxRecords NextToken'),
    DeleteAlarms: all('AlarmNames'),
    SetAlarmState: all('AlarmName StateValue StateReason StateReasonData'),
  },
};
