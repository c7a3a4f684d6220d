/**
 * Where each record lives in the store. One place, so every reader and writer agrees, and watches
 * can take a whole kind by prefix. Records are plain JSON objects.
 */
export const keys = {
  cluster: (name: string) => `/berth/ecs/clusters/${name}`,
  clusters: () => `/berth/ecs/clusters/`,
  /** Revisions are zero-padded so lexical order is numeric order. */
  taskDefinition: (family: string, revision: number) => `/berth/ecs/task-definitions/${family}/${String(revision).padStart(10, '0')}`,
  taskDefinitionFamily: (family: string) => `/berth/ecs/task-definitions/${family}/`,
  taskDefinitions: () => `/berth/ecs/task-definitions/`,
  service: (cluster: string, name: string) => `/berth/ecs/services/${cluster}/${name}`,
  services: (cluster?: string) => (cluster ? `/berth/ecs/services/${cluster}/` : `/berth/ecs/services/`),
  task: (cluster: string, taskId: string) => `/berth/ecs/tasks/${cluster}/${taskId}`,
  tasks: (cluster?: string) => (cluster ? `/berth/ecs/tasks/${cluster}/` : `/berth/ecs/tasks/`),
  containerInstance: (cluster: string, id: string) => `/berth/ecs/container-instances/${cluster}/${id}`,
  containerInstances: (cluster?: string) => (cluster ? `/berth/ecs/container-instances/${cluster}/` : `/berth/ecs/container-instances/`),
  /** Account settings are per region, one record per principal and setting name. */
  accountSetting: (region: string, principalArn: string, name: string) => `/berth/ecs/account-settings/${region}/${encodeURIComponent(principalArn)}/${name}`,
  accountSettings: (region: string) => `/berth/ecs/account-settings/${region}/`,

  loadBalancer: (lbId: string) => `/berth/elbv2/load-balancers/${lbId}`,
  loadBalancers: () => `/berth/elbv2/load-balancers/`,
  listener: (listenerId: string) => `/berth/elbv2/listeners/${listenerId}`,
  listeners: () => `/berth/elbv2/listeners/`,
  rule: (ruleId: string) => `/berth/elbv2/rules/${ruleId}`,
  rules: () => `/berth/elbv2/rules/`,
  targetGroup: (tgId: string) => `/berth/elbv2/target-groups/${tgId}`,
  targetGroups: () => `/berth/elbv2/target-groups/`,
  /** One record per registered target (Id, Port), holding its registration and health. */
  target: (tgId: string, id: string, port: number) => `/berth/elbv2/targets/${tgId}/${id}:${port}`,
  targetsOf: (tgId: string) => `/berth/elbv2/targets/${tgId}/`,
  targets: () => `/berth/elbv2/targets/`,
  /** Load-balancer nodes that follow the routing records (berth lb, and the one inside berth up/server). */
  loadBalancerNode: (nodeId: string) => `/berth/lb-nodes/${encodeURIComponent(nodeId)}`,
  loadBalancerNodes: () => `/berth/lb-nodes/`,

  /** Each `berth server` replica's own record (servers/server-registry.ts); the leader key sits beside them. */
  server: (id: string) => `/berth/control-plane/servers/${id}`,
  servers: () => `/berth/control-plane/servers/`,
  controlPlane: () => `/berth/control-plane/`,

  securityGroup: (sgId: string) => `/berth/ec2/security-groups/${sgId}`,
  securityGroups: () => `/berth/ec2/security-groups/`,
  /** VPCs made by CreateVpc (and a default VPC once written); default VPCs are otherwise derived. */
  vpc: (vpcId: string) => `/berth/ec2/vpcs/${vpcId}`,
  vpcs: () => `/berth/ec2/vpcs/`,
  /** Subnets made by CreateSubnet; the default VPC's subnets are derived (domain/ec2/subnet.ts lookupSubnet). */
  subnet: (subnetId: string) => `/berth/ec2/subnets/${subnetId}`,
  subnets: () => `/berth/ec2/subnets/`,

  /** Parameter Store parameters, by region and name (names are unique per region and account). */
  ssmParameter: (region: string, name: string) => `/berth/ssm/parameters/${region}/${encodeURIComponent(name)}`,
  ssmParameters: (region: string) => `/berth/ssm/parameters/${region}/`,
  /** Secrets Manager secrets, by region and name. */
  secret: (region: string, name: string) => `/berth/secretsmanager/secrets/${region}/${encodeURIComponent(name)}`,
  secrets: (region: string) => `/berth/secretsmanager/secrets/${region}/`,

  /** ACM certificates, by region and the id at the end of their ARN. */
  certificate: (region: string, id: string) => `/berth/acm/certificates/${region}/${id}`,
  certificates: (region?: string) => (region ? `/berth/acm/certificates/${region}/` : `/berth/acm/certificates/`),

  /** CloudWatch Logs: groups, their streams, and each stream's events in chunks (one per PutLogEvents). */
  logGroup: (region: string, group: string) => `/berth/logs/groups/${region}/${encodeURIComponent(group)}`,
  logGroups: (region: string) => `/berth/logs/groups/${region}/`,
  logStream: (region: string, group: string, stream: string) => `/berth/logs/streams/${region}/${encodeURIComponent(group)}/${encodeURIComponent(stream)}`,
  logStreamsOf: (region: string, group: string) => `/berth/logs/streams/${region}/${encodeURIComponent(group)}/`,
  logChunk: (region: string, group: string, stream: string, seq: number) =>
    `/berth/logs/chunks/${region}/${encodeURIComponent(group)}/${encodeURIComponent(stream)}/${String(seq).padStart(12, '0')}`,
  logChunksOf: (region: string, group: string, stream?: string) =>
    `/berth/logs/chunks/${region}/${encodeURIComponent(group)}/${stream === undefined ? '' : `${encodeURIComponent(stream)}/`}`,

  /** The last position of a container's output stored in a stream by the awslogs shipper (its high-water mark). */
  logShipped: (region: string, group: string, stream: string) => `/berth/logs/shipped/${region}/${encodeURIComponent(group)}/${encodeURIComponent(stream)}`,
  logShippedOf: (region: string, group: string) => `/berth/logs/shipped/${region}/${encodeURIComponent(group)}/`,

  /** CloudWatch metric alarms, by region and name (metric data itself lives beside the store, in metrics.db). */
  alarm: (region: string, name: string) => `/berth/cloudwatch/alarms/${region}/${encodeURIComponent(name)}`,
  alarms: (region?: string) => (region ? `/berth/cloudwatch/alarms/${region}/` : `/berth/cloudwatch/alarms/`),

  /** Application Auto Scaling: scalable targets (ECS services), their policies, activities and scheduled actions. */
  scalableTarget: (region: string, resourceId: string) => `/berth/autoscaling/targets/${region}/${encodeURIComponent(resourceId)}`,
  scalableTargets: (region?: string) => (region ? `/berth/autoscaling/targets/${region}/` : `/berth/autoscaling/targets/`),
  scalingPolicy: (region: string, resourceId: string, name: string) =>
    `/berth/autoscaling/policies/${region}/${encodeURIComponent(resourceId)}/${encodeURIComponent(name)}`,
  scalingPoliciesOf: (region: string, resourceId?: string) =>
    `/berth/autoscaling/policies/${region}/${resourceId === undefined ? '' : `${encodeURIComponent(resourceId)}/`}`,
  scalingActivity: (region: string, resourceId: string, at: number, id: string) =>
    `/berth/autoscaling/activities/${region}/${encodeURIComponent(resourceId)}/${String(at).padStart(15, '0')}-${id}`,
  scalingActivitiesOf: (region: string, resourceId?: string) =>
    `/berth/autoscaling/activities/${region}/${resourceId === undefined ? '' : `${encodeURIComponent(resourceId)}/`}`,
  scheduledAction: (region: string, resourceId: string, name: string) =>
    `/berth/autoscaling/scheduled/${region}/${encodeURIComponent(resourceId)}/${encodeURIComponent(name)}`,
  scheduledActionsOf: (region: string, resourceId?: string) =>
    `/berth/autoscaling/scheduled/${region}/${resourceId === undefined ? '' : `${encodeURIComponent(resourceId)}/`}`,

  /** Tags of any resource, by ARN (ECS, ELBv2, SSM and Secrets Manager alike). */
  tags: (arn: string) => `/berth/tags/${encodeURIComponent(arn)}`,
} as const;
