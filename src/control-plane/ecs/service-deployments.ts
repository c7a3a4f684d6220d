/**
 * ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions, StopServiceDeployment:
 * the deployment API of ECS's console, over the deployments a service keeps (see
 * domain/ecs/service-deployment.ts). StopServiceDeployment ROLLBACK does what the circuit breaker's
 * rollback does: the ongoing deployment is FAILED and a new PRIMARY returns to the last completed
 * task definition; the service scheduler then rolls the tasks back. ABORT is refused.
 */
import type { Store } from '../../store/store.js';
import type { Handlers, Reply, RequestContext } from '../api/operation.js';
import type { ServiceDeploymentBriefOut, ServiceDeploymentOut, ServiceRevisionOut, ServiceRevisionSummaryOut } from '../api/wire-types/ecs.js';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { promoteForRollback, rollbackDeployment } from '../../domain/ecs/deployment.js';
import { shiftsTrafficOn, sideOf, targetGroupFor } from '../../domain/ecs/target-side.js';
import { parseEcsArn, resourceIdOf } from '../../domain/ecs/arn.js';
import type { Deployment, Failure, ServiceRecord, TaskDefinitionRecord } from '../../domain/ecs/records.js';
import {
  allDeployments,
  findByRevisionId,
  findByServiceDeploymentId,
  parseChildArn,
  serviceDeploymentArn,
  serviceRevisionArn,
  statusOf,
} from '../../domain/ecs/service-deployment.js';
import { circuitBreakerThreshold } from '../../reconciling/deployment-limits.js';
import { DEFAULT_OPTIONS } from '../../reconciling/service-plan.js';
import { clusterKeyIn, clusterKeyOf, errors, requireCluster, updateRecord, type EcsDeps } from './ecs-context.js';
import { paginate } from './paging.js';

const MAX_DESCRIBE = 20;

/** A traffic-shifting deployment's shares now: green's (the target revision's), blue's the rest. */
const sharesOf = (d: Deployment) => (d.trafficShift ? { production: d.trafficShift.production, test: d.trafficShift.test } : undefined);

const summaryOf = (svc: ServiceRecord, d: Deployment, weights?: { production: number; test: number }): ServiceRevisionSummaryOut => ({
  arn: serviceRevisionArn(svc.serviceArn, d.id),
  requestedTaskCount: d.desiredCount,
  runningTaskCount: d.runningCount,
  pendingTaskCount: d.pendingCount,
  ...(weights ? { requestedProductionTrafficWeight: weights.production, requestedTestTrafficWeight: weights.test } : {}),
});

function brief(svc: ServiceRecord, d: Deployment): ServiceDeploymentBriefOut {
  const { status, statusReason, finished } = statusOf(d, svc);
  return {
    serviceDeploymentArn: serviceDeploymentArn(svc.serviceArn, d.id),
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    createdAt: d.createdAt,
    startedAt: d.createdAt,
    ...(finished ? { finishedAt: d.updatedAt } : {}),
    targetServiceRevisionArn: serviceRevisionArn(svc.serviceArn, d.id),
    status,
    statusReason,
  };
}

function detail(svc: ServiceRecord, d: Deployment): ServiceDeploymentOut {
  const { status, statusReason, finished } = statusOf(d, svc);
  const all = allDeployments(svc);
  // What ran when it started: the deployments created before it that were still there.
  const sources = all.filter(
    (x) => x.id !== d.id && x.rollbackOf !== d.id && x.createdAt <= d.createdAt && (svc.deployments.some((c) => c.id === x.id) || x.updatedAt >= d.createdAt),
  );
  const rollback = all.find((x) => x.rollbackOf === d.id);
  const breaker = svc.deploymentConfiguration.deploymentCircuitBreaker;
  // A rollback took the traffic back: the target revision has none left.
  const shares = rollback && sharesOf(d) ? { production: 0, test: 0 } : sharesOf(d);
  return {
    serviceDeploymentArn: serviceDeploymentArn(svc.serviceArn, d.id),
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    createdAt: d.createdAt,
    startedAt: d.createdAt,
    updatedAt: d.updatedAt,
    ...(finished ? { finishedAt: d.updatedAt } : {}),
    ...(status === 'STOPPED' ? { stoppedAt: d.updatedAt } : {}),
    sourceServiceRevisions: sources.map((x) => summaryOf(svc, x, shares && { production: 100 - shares.production, test: 100 - shares.test })),
    targetServiceRevision: summaryOf(svc, d, shares),
    status,
    statusReason,
    ...(d.trafficShift ? { lifecycleStage: d.trafficShift.stage } : {}),
    deploymentConfiguration: svc.deploymentConfiguration,
    ...(rollback
      ? {
          rollback: {
            reason: d.rollbackReason ?? d.rolloutStateReason,
            startedAt: rollback.createdAt,
            serviceRevisionArn: serviceRevisionArn(svc.serviceArn, rollback.id),
          },
        }
      : {}),
    deploymentCircuitBreaker: breaker?.enable
      ? {
          status: d.rolloutState === 'FAILED' && d.rollbackReason === undefined ? 'TRIGGERED' : finished ? 'MONITORING_COMPLETE' : 'MONITORING',
          failureCount: d.failedTasks,
          threshold: circuitBreakerThreshold(d.desiredCount, DEFAULT_OPTIONS.circuitBreakerMinimum),
        }
      : { status: 'DISABLED', failureCount: d.failedTasks, threshold: 0 },
    alarms: svc.deploymentConfiguration.alarms?.enable
      ? {
          status: d.triggeredAlarms ? 'TRIGGERED' : finished ? 'MONITORING_COMPLETE' : 'MONITORING',
          alarmNames: svc.deploymentConfiguration.alarms.alarmNames,
          ...(d.triggeredAlarms ? { triggeredAlarmNames: d.triggeredAlarms } : {}),
        }
      : { status: 'DISABLED' },
  };
}

async function revisionOf(store: Store, svc: ServiceRecord, d: Deployment): Promise<ServiceRevisionOut> {
  const ref = parseEcsArn(d.taskDefinition);
  const td = ref?.kind === 'task-definition' ? (await store.get<TaskDefinitionRecord>(keys.taskDefinition(ref.family, ref.revision)))?.value : undefined;
  return {
    serviceRevisionArn: serviceRevisionArn(svc.serviceArn, d.id),
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    taskDefinition: d.taskDefinition,
    launchType: d.launchType,
    loadBalancers: svc.loadBalancers,
    serviceRegistries: svc.serviceRegistries,
    ...(d.networkConfiguration !== undefined ? { networkConfiguration: d.networkConfiguration } : {}),
    containerImages: (td?.containerDefinitions ?? []).map((c) => ({ containerName: c.name, image: c.image })),
    // Blue/green: which target group this revision's tasks serve from (its side), and the production rule in front of it.
    ...(shiftsTrafficOn(svc)
      ? {
          resolvedConfiguration: {
            loadBalancers: svc.loadBalancers.map((lb) => ({
              targetGroupArn: targetGroupFor(lb, sideOf(d)),
              ...(lb.advancedConfiguration?.productionListenerRule ? { productionListenerRule: lb.advancedConfiguration.productionListenerRule } : {}),
            })),
          },
        }
      : {}),
    guardDutyEnabled: false,
    createdAt: d.createdAt,
  };
}

/** The service a service-deployment or service-revision ARN names, in the caller's region. */
async function serviceOfChild(store: Store, arn: string, kind: 'service-deployment' | 'service-revision', ctx: Pick<RequestContext, 'region'>) {
  const p = parseChildArn(arn, kind);
  if (!p || p.region !== ctx.region) return undefined;
  const svc = (await store.get<ServiceRecord>(keys.service(clusterKeyIn(ctx.region, p.cluster), p.service)))?.value;
  return svc ? { svc, id: p.id, key: keys.service(clusterKeyIn(ctx.region, p.cluster), p.service) } : undefined;
}

export function serviceDeploymentHandlers({ store, random }: EcsDeps): Handlers<'ecs'> {
  const describe = async <T>(
    arns: readonly string[],
    kind: 'service-deployment' | 'service-revision',
    ctx: RequestContext,
    render: (svc: ServiceRecord, d: Deployment) => Promise<T>,
  ) => {
    const field = kind === 'service-deployment' ? 'serviceDeploymentArns' : 'serviceRevisionArns';
    if (arns.length === 0) throw errors.invalid(`${field} cannot be empty.`);
    if (arns.length > MAX_DESCRIBE) throw errors.invalid(`${field} can have at most ${MAX_DESCRIBE} items.`);
    const found: T[] = [];
    const failures: Failure[] = [];
    for (const arn of arns) {
      const hit = await serviceOfChild(store, arn, kind, ctx);
      const d = hit && (kind === 'service-deployment' ? findByServiceDeploymentId(hit.svc, hit.id) : findByRevisionId(hit.svc, hit.id));
      if (!hit || !d) failures.push({ arn, reason: 'MISSING' });
      else found.push(await render(hit.svc, d));
    }
    return { found, failures };
  };

  return {
    async ListServiceDeployments(input, ctx): Reply<'ecs', 'ListServiceDeployments'> {
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      const name = resourceIdOf(input.service, 'service');
      const svc = name === undefined ? undefined : (await store.get<ServiceRecord>(keys.service(clusterKeyOf(cluster), name)))?.value;
      if (!svc) throw errors.serviceNotFound();
      const { before, after } = input.createdAt ?? {};
      const wanted = input.status ?? [];
      const all = allDeployments(svc).filter(
        (d) =>
          (wanted.length === 0 || wanted.includes(statusOf(d, svc).status)) &&
          (before === undefined || d.createdAt < before) &&
          (after === undefined || d.createdAt > after),
      );
      // Newest first; the sort key is the creation time (zero-padded) and the ARN.
      const page = paginate(
        all,
        (d) => `${String(d.createdAt).padStart(15, '0')}\u0000${serviceDeploymentArn(svc.serviceArn, d.id)}`,
        { ...input, maxResults: input.maxResults ?? 20 },
        true,
      );
      return { serviceDeployments: page.items.map((d) => brief(svc, d)), nextToken: page.nextToken };
    },

    async DescribeServiceDeployments(input, ctx): Reply<'ecs', 'DescribeServiceDeployments'> {
      const { found, failures } = await describe(input.serviceDeploymentArns, 'service-deployment', ctx, async (svc, d) => detail(svc, d));
      return { serviceDeployments: found, failures };
    },

    async DescribeServiceRevisions(input, ctx): Reply<'ecs', 'DescribeServiceRevisions'> {
      const { found, failures } = await describe(input.serviceRevisionArns, 'service-revision', ctx, (svc, d) => revisionOf(store, svc, d));
      return { serviceRevisions: found, failures };
    },

    async StopServiceDeployment(input, ctx): Reply<'ecs', 'StopServiceDeployment'> {
      const stopType = input.stopType ?? 'ROLLBACK';
      if (stopType !== 'ROLLBACK') {
        throw new AwsError('UnsupportedFeatureException', `stopType ${stopType} is not supported by Berth: use ROLLBACK.`);
      }
      const notFound = () =>
        new AwsError(
          'ServiceDeploymentNotFoundException',
          `The service deploy ARN that you specified in the StopServiceDeployment doesn't exist: ${input.serviceDeploymentArn}. You can use ListServiceDeployments to retrieve the service deployment ARNs.`,
        );
      const conflict = (why: string) =>
        new AwsError('ConflictException', `The request could not be processed because of conflict in the current state of the resource: ${why}`);
      const hit = await serviceOfChild(store, input.serviceDeploymentArn, 'service-deployment', ctx);
      if (!hit) throw notFound();
      await updateRecord<ServiceRecord>(store, hit.key, (cur) => {
        if (!cur) throw notFound();
        const d = findByServiceDeploymentId(cur, hit.id);
        if (!d) throw notFound();
        if (cur.status !== 'ACTIVE' || statusOf(d, cur).status !== 'IN_PROGRESS') {
          throw conflict(
            `the service deployment ${input.serviceDeploymentArn} is ${statusOf(d, cur).status}: only an IN_PROGRESS service deployment can be stopped.`,
          );
        }
        const reason = 'Service deployment rolled back by StopServiceDeployment.';
        const stoppedAs = (x: Deployment): Deployment => ({
          ...x,
          status: 'ACTIVE',
          rolloutState: 'FAILED',
          rolloutStateReason: reason,
          rollbackReason: reason,
          updatedAt: ctx.now,
        });
        // Blue/green: blue still runs (whatever its task definition) and takes the traffic back; green is drained.
        const promoted = shiftsTrafficOn(cur) ? promoteForRollback(cur.deployments, d, ctx.now) : undefined;
        if (promoted) {
          return { ...cur, taskDefinition: promoted.blue.taskDefinition, deployments: promoted.deployments.map((x) => (x.id === d.id ? stoppedAs(x) : x)) };
        }
        // Where the circuit breaker's rollback goes: the last completed task definition.
        const back = cur.lastCompletedTaskDefinition ?? cur.deployments.find((x) => x.status === 'ACTIVE' && x.rolloutState === 'COMPLETED')?.taskDefinition;
        if (back === undefined || back === d.taskDefinition) {
          throw conflict(`the service deployment ${input.serviceDeploymentArn} has no previous service revision to roll back to.`);
        }
        // StopServiceDeployment returns to the last completed task definition only: the network configuration stays.
        const next = rollbackDeployment(random, ctx.now, d, { taskDefinition: back, networkConfiguration: d.networkConfiguration });
        return { ...cur, taskDefinition: back, deployments: [next, ...cur.deployments.map((x) => (x.id === d.id ? stoppedAs(d) : x))] };
      });
      return { serviceDeploymentArn: input.serviceDeploymentArn };
    },
  };
}
