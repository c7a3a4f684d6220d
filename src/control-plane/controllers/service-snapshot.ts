/**
 * One read of everything a service's reconcile pass needs: the service (with the modRevision its
 * commit compares against), every task of its cluster (placement needs the whole cluster's
 * capacity; the reconciler gets the service's own), the registrations and settings of its target
 * groups, the task definitions involved, and the cluster's instances.
 */
import type { AlarmRecord } from '../../domain/cloudwatch/alarm.js';
import type { AlarmStateView } from '../../reconciling/deployment-alarms.js';
import type { Store, StoredRecord } from '../../store/store.js';
import { keys } from '../../domain/keys.js';
import { parseElbv2Arn } from '../../domain/elbv2/arn.js';
import type { TargetGroupRecord } from '../../domain/elbv2/target-group.js';
import type { TargetRecord } from '../../domain/elbv2/target.js';
import type { RuleRecord } from '../../domain/elbv2/listener.js';
import { serviceTargetGroupArns } from '../../domain/ecs/target-side.js';
import type { ContainerInstanceRecord, ServiceRecord, TaskDefinitionRecord, TaskRecord } from '../../domain/ecs/records.js';
import { resolveTaskDefinition } from '../ecs/task-definitions.js';
import type { RecordCache } from './record-cache.js';

export interface ServiceSnapshot {
  key: string;
  service: StoredRecord<ServiceRecord>;
  clusterName: string;
  /** Every task of the cluster, by taskArn, with its modRevision. */
  clusterTasks: StoredRecord<TaskRecord>[];
  /** The tasks of this service (group `service:<name>`). */
  tasks: StoredRecord<TaskRecord>[];
  /** Registrations in the service's target groups, by store key. */
  targets: Map<string, StoredRecord<TargetRecord>>;
  /** The service's target groups, by ARN (missing ones are absent). */
  targetGroups: Map<string, TargetGroupRecord>;
  taskDefinitions: Record<string, TaskDefinitionRecord | undefined>;
  instances: StoredRecord<ContainerInstanceRecord>[];
  /** BLUE_GREEN, CANARY, LINEAR: the production and test listener rules of its advancedConfiguration, by ARN, with their modRevision. */
  rules?: Map<string, StoredRecord<RuleRecord>>;
  /** The CloudWatch alarms `deploymentConfiguration.alarms` names (when enabled), by name. */
  alarms?: Map<string, AlarmStateView>;
}

/** The store id of a target group (its key's last part), from its ARN. */
export function targetGroupIdOf(arn: string): string | undefined {
  const p = parseElbv2Arn(arn);
  return p?.kind === 'targetgroup' ? p.tgId : undefined;
}

/** The store id of a listener rule, from its ARN. */
export function ruleIdOf(arn: string): string | undefined {
  const p = parseElbv2Arn(arn);
  return p?.kind === 'listener-rule' ? p.ruleId : undefined;
}

/** `(cluster, name)` of a service key `/berth/ecs/services/<cluster>/<name>`. */
export function serviceKeyParts(key: string): { cluster: string; name: string } | undefined {
  const rest = key.startsWith(keys.services()) ? key.slice(keys.services().length) : undefined;
  const parts = rest?.split('/');
  return parts && parts.length === 2 && parts[0] && parts[1] ? { cluster: parts[0], name: parts[1] } : undefined;
}

export const serviceGroup = (name: string) => `service:${name}`;

/**
 * The cluster's tasks and instances: from the watch-fed view once it has applied every write up to
 * now (so it is at least as new as the service record just read, this controller's own last commit
 * included), else listed from the store.
 */
async function clusterRecords(store: Store, clusterName: string, group: string, cache: RecordCache | undefined) {
  if (cache && (await cache.waitFor(await store.revision()))) {
    return { tasks: cache.tasksOf(clusterName), own: cache.tasksOfGroup(clusterName, group), instances: cache.instancesOf(clusterName) };
  }
  const [t, i] = await Promise.all([
    store.list<TaskRecord>(keys.tasks(clusterName)),
    store.list<ContainerInstanceRecord>(keys.containerInstances(clusterName)),
  ]);
  return { tasks: t.records, own: t.records.filter((r) => r.value.group === group), instances: i.records };
}

/** Undefined when the service record is gone. */
export async function readServiceSnapshot(store: Store, key: string, cache?: RecordCache): Promise<ServiceSnapshot | undefined> {
  const service = await store.get<ServiceRecord>(key);
  if (!service) return undefined;
  const svc = service.value;
  const clusterName = serviceKeyParts(key)?.cluster ?? svc.clusterArn.slice(svc.clusterArn.lastIndexOf('/') + 1);
  const group = serviceGroup(svc.serviceName);
  const listed = await clusterRecords(store, clusterName, group, cache);
  const tasks = listed.own;

  const targets = new Map<string, StoredRecord<TargetRecord>>();
  const targetGroups = new Map<string, TargetGroupRecord>();
  // Both sides of a blue/green load balancer: green registers in the alternate group.
  const tgArns = serviceTargetGroupArns(svc);
  for (const arn of tgArns) {
    const id = targetGroupIdOf(arn);
    if (id === undefined) continue;
    const tg = await store.get<TargetGroupRecord>(keys.targetGroup(id));
    if (tg && tg.value.TargetGroupArn === arn) targetGroups.set(arn, tg.value);
    for (const r of (await store.list<TargetRecord>(keys.targetsOf(id))).records) targets.set(r.key, r);
  }

  const taskDefinitions: Record<string, TaskDefinitionRecord | undefined> = {};
  const arns = new Set([svc.taskDefinition, ...svc.deployments.map((d) => d.taskDefinition), ...tasks.map((t) => t.value.taskDefinitionArn)]);
  if (svc.lastCompletedTaskDefinition) arns.add(svc.lastCompletedTaskDefinition);
  if (svc.lastCompletedRevision) arns.add(svc.lastCompletedRevision.taskDefinition);
  for (const arn of arns) {
    taskDefinitions[arn] = await resolveTaskDefinition(store, arn).then(
      (r) => r.value,
      () => undefined,
    );
  }
  const rules = new Map<string, StoredRecord<RuleRecord>>();
  for (const lb of svc.loadBalancers) {
    for (const arn of [lb.advancedConfiguration?.productionListenerRule, lb.advancedConfiguration?.testListenerRule]) {
      const id = arn ? ruleIdOf(arn) : undefined;
      if (!arn || id === undefined || rules.has(arn)) continue;
      const rule = await store.get<RuleRecord>(keys.rule(id));
      if (rule && rule.value.RuleArn === arn) rules.set(arn, rule);
    }
  }
  const alarms = new Map<string, AlarmStateView>();
  const watched = svc.deploymentConfiguration.alarms;
  if (watched?.enable) {
    // Alarms live in the service's region (its ARN's), as in CloudWatch.
    const region = svc.serviceArn.split(':')[3] ?? '';
    for (const name of watched.alarmNames) {
      const a = (await store.get<AlarmRecord>(keys.alarm(region, name)))?.value;
      if (a) alarms.set(name, { state: a.state, transitionedAt: a.stateTransitionedAt });
    }
  }
  return { key, service, clusterName, clusterTasks: listed.tasks, tasks, targets, targetGroups, taskDefinitions, instances: listed.instances, rules, alarms };
}
