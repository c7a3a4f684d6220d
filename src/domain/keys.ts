/**
 * Where each record lives in the store. One place, so every reader and writer agrees, and watches
 * can take a whole kind by prefix. Records are plain JSON objects.
 */
export const keys = {
  cluster: (name: string) => `/berth/ecs/clusters/${name}`,
  clusters: () => `/berth/ecs/clusters/`,
  /** Revisions are zero-padded so lexical order is numeric order. */
  taskDefinition: (family: string, revision: number) =>
    `/berth/ecs/task-definitions/${family}/${String(revision).padStart(10, '0')}`,
  taskDefinitionFamily: (family: string) => `/berth/ecs/task-definitions/${family}/`,
  taskDefinitions: () => `/berth/ecs/task-definitions/`,
  service: (cluster: string, name: string) => `/berth/ecs/services/${cluster}/${name}`,
  services: (cluster?: string) => (cluster ? `/berth/ecs/services/${cluster}/` : `/berth/ecs/services/`),
  task: (cluster: string, taskId: string) => `/berth/ecs/tasks/${cluster}/${taskId}`,
  tasks: (cluster?: string) => (cluster ? `/berth/ecs/tasks/${cluster}/` : `/berth/ecs/tasks/`),
  containerInstance: (cluster: string, id: string) => `/berth/ecs/container-instances/${cluster}/${id}`,
  containerInstances: (cluster?: string) =>
    cluster ? `/berth/ecs/container-instances/${cluster}/` : `/berth/ecs/container-instances/`,
  /** Account settings are per region, one record per principal and setting name. */
  accountSetting: (region: string, principalArn: string, name: string) =>
    `/berth/ecs/account-settings/${region}/${encodeURIComponent(principalArn)}/${name}`,
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

  securityGroup: (sgId: string) => `/berth/ec2/security-groups/${sgId}`,
  securityGroups: () => `/berth/ec2/security-groups/`,

  /** Tags of any resource, by ARN (ECS and ELBv2 alike). */
  tags: (arn: string) => `/berth/tags/${encodeURIComponent(arn)}`,
} as const;
