/**
 * CreateService, UpdateService, DeleteService, DescribeServices, ListServices. These only write the
 * desired state (service + deployments); the service scheduler turns it into tasks.
 *
 * DeleteService leaves the service DRAINING even when it has no tasks, as ECS does: moving it to
 * INACTIVE once its tasks are gone is the scheduler's job.
 */
import type { Store } from '../../store/store.js';
import type { Handlers, InputOf, Reply } from '../api/operation.js';
import type { ServiceOut } from '../api/wire-types/ecs.js';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { ecsArn, resourceIdOf } from '../../domain/ecs/arn.js';
import { newDeployment } from '../../domain/ecs/deployment.js';
import type { Deployment, DeploymentConfiguration, Failure, ServiceRecord } from '../../domain/ecs/records.js';
import {
  addTags,
  clusterKeyOf,
  errors,
  listValues,
  readTags,
  requireCluster,
  scopeOf,
  tagsOfRequest,
  updateRecord,
  wantsTags,
  type EcsDeps,
} from './ecs-context.js';
import { serviceDescription } from './service-description.js';
import { resolveActiveTaskDefinition } from './task-definitions.js';
import { checkLoadBalancers } from './load-balancer-check.js';
import { paginate } from './paging.js';
import { ECS_QUOTAS } from '../../domain/ecs/quotas.js';
import {
  DAEMON_DEPLOYMENT_DEFAULTS,
  validateDaemonInput,
  validateDeploymentConfiguration,
  validateDesiredCount,
  validateGracePeriod,
} from '../../domain/ecs/service-input.js';
import { checkNetworkConfiguration } from './network-configuration-check.js';
import { checkAdvancedConfiguration } from './advanced-configuration-check.js';
import { shiftsTraffic, strategyOf, trafficPlanOf, validateStrategyFields, validateStrategyFit } from '../../domain/ecs/deployment-strategy.js';
import { sideForNewDeployment } from '../../domain/ecs/target-side.js';
import { startShift } from '../../reconciling/traffic-shift.js';

const SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** ECS's defaults: 200/100 for a replica service, 100/0 for a daemon one. */
function deploymentConfigurationOf(
  given: Partial<DeploymentConfiguration> | undefined,
  base?: DeploymentConfiguration,
  daemon = false,
): DeploymentConfiguration {
  return {
    ...base,
    ...given,
    deploymentCircuitBreaker: given?.deploymentCircuitBreaker ?? base?.deploymentCircuitBreaker ?? { enable: false, rollback: false },
    maximumPercent: given?.maximumPercent ?? base?.maximumPercent ?? (daemon ? DAEMON_DEPLOYMENT_DEFAULTS.maximumPercent : 200),
    minimumHealthyPercent: given?.minimumHealthyPercent ?? base?.minimumHealthyPercent ?? (daemon ? DAEMON_DEPLOYMENT_DEFAULTS.minimumHealthyPercent : 100),
  };
}

/** The service as the API shows it (service-description.ts), with its tags read when asked for. */
export async function describeService(store: Store, s: ServiceRecord, withTags = false): Promise<ServiceOut> {
  return serviceDescription(s, withTags ? await readTags(store, s.serviceArn) : undefined);
}

const sameRequest = (a: ServiceRecord, input: InputOf<'ecs', 'CreateService'>) => input.clientToken !== undefined && a.clientToken === input.clientToken;

/** Services of a cluster that count against its quota: every one not yet INACTIVE. */
async function liveServiceCount(store: Store, clusterName: string): Promise<number> {
  return (await listValues<ServiceRecord>(store, keys.services(clusterName))).filter((x) => x.status !== 'INACTIVE').length;
}

export function serviceHandlers({ store, random, quotas = ECS_QUOTAS }: EcsDeps): Handlers<'ecs'> {
  return {
    async CreateService(input, ctx): Reply<'ecs', 'CreateService'> {
      const s = scopeOf(ctx);
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      if (!SERVICE_NAME.test(input.serviceName)) {
        throw errors.invalid('Service name must be up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.');
      }
      const controller = input.deploymentController ?? { type: 'ECS' };
      if (controller.type !== 'ECS') throw new AwsError('UnsupportedFeatureException', `Deployment controller ${controller.type} is not supported by Berth.`);
      if (input.taskDefinition === undefined) throw errors.invalid('TaskDefinition cannot be empty.');
      const tags = tagsOfRequest(input.tags);
      const daemon = input.schedulingStrategy === 'DAEMON';
      // A daemon's desiredCount is derived by the scheduler (one per matching instance): 0 until its first pass.
      if (daemon) validateDaemonInput(input);
      const desiredCount = input.desiredCount ?? 0;
      validateDesiredCount(desiredCount, quotas.tasksPerService);
      validateGracePeriod(input.healthCheckGracePeriodSeconds);
      validateDeploymentConfiguration(input.deploymentConfiguration);
      validateStrategyFields(input.deploymentConfiguration);
      const td = await resolveActiveTaskDefinition(store, input.taskDefinition);
      const loadBalancers = input.loadBalancers ?? [];
      validateStrategyFit(strategyOf(input.deploymentConfiguration), loadBalancers, input.schedulingStrategy ?? 'REPLICA');
      await checkLoadBalancers(store, loadBalancers, td);
      await checkAdvancedConfiguration(store, loadBalancers);
      await checkNetworkConfiguration(store, input.networkConfiguration, td, s);
      // Checked before the write, so two racing creations can pass one over the quota: a bound, not a count.
      const existing = await store.get<ServiceRecord>(keys.service(cluster.clusterName, input.serviceName));
      if (existing?.value.status !== 'ACTIVE' && (await liveServiceCount(store, cluster.clusterName)) >= quotas.servicesPerCluster) {
        throw errors.invalid(`The cluster already holds the maximum number of services (${quotas.servicesPerCluster}); delete one first.`);
      }
      const launchType = input.launchType ?? 'EC2';
      if (launchType !== 'EC2' && launchType !== 'EXTERNAL') {
        throw errors.invalid(`Launch type ${launchType} is not supported by Berth; use EC2.`);
      }
      const serviceArn = ecsArn.service(s, cluster.clusterName, input.serviceName);
      let created = false;
      const record = await updateRecord<ServiceRecord>(store, keys.service(clusterKeyOf(cluster), input.serviceName), (cur) => {
        created = false;
        if (cur?.status === 'ACTIVE') {
          if (sameRequest(cur, input)) return cur;
          throw errors.invalid('Creation of service was not idempotent.');
        }
        if (cur?.status === 'DRAINING') throw errors.invalid('Unable to Start a service that is still Draining.');
        created = true;
        return {
          serviceArn,
          serviceName: input.serviceName,
          clusterArn: cluster.clusterArn,
          loadBalancers,
          serviceRegistries: [],
          status: 'ACTIVE',
          desiredCount,
          runningCount: 0,
          pendingCount: 0,
          launchType,
          taskDefinition: td.taskDefinitionArn,
          deploymentConfiguration: deploymentConfigurationOf(input.deploymentConfiguration, undefined, daemon),
          deployments: [
            newDeployment(random, s.now, { taskDefinition: td.taskDefinitionArn, desiredCount, launchType, networkConfiguration: input.networkConfiguration }),
          ],
          ...(input.role !== undefined ? { roleArn: input.role } : {}),
          events: [],
          createdAt: s.now,
          placementConstraints: input.placementConstraints ?? [],
          placementStrategy: input.placementStrategy ?? [],
          ...(input.networkConfiguration !== undefined ? { networkConfiguration: input.networkConfiguration } : {}),
          ...(input.healthCheckGracePeriodSeconds !== undefined ? { healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds } : {}),
          schedulingStrategy: input.schedulingStrategy ?? 'REPLICA',
          deploymentController: controller,
          createdBy: `arn:aws:iam::${s.accountId}:root`,
          enableECSManagedTags: input.enableECSManagedTags ?? false,
          propagateTags: input.propagateTags ?? 'NONE',
          enableExecuteCommand: input.enableExecuteCommand ?? false,
          ...(input.clientToken !== undefined ? { clientToken: input.clientToken } : {}),
        };
      });
      if (created) await addTags(store, serviceArn, tags);
      // `tags` only when the request set some, as ECS answers.
      return { service: await describeService(store, record, tags.length > 0) };
    },

    async UpdateService(input, ctx): Reply<'ecs', 'UpdateService'> {
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      const name = resourceIdOf(input.service, 'service');
      if (name === undefined) throw errors.serviceNotFound();
      const key = keys.service(clusterKeyOf(cluster), name);
      const current = (await store.get<ServiceRecord>(key))?.value;
      if (!current) throw errors.serviceNotFound();
      // Resolve and validate outside the CAS loop: they read other records only.
      const td = input.taskDefinition !== undefined ? await resolveActiveTaskDefinition(store, input.taskDefinition) : undefined;
      if (input.loadBalancers !== undefined || td) {
        const checkTd = td ?? (await resolveActiveTaskDefinition(store, current.taskDefinition).catch(() => undefined));
        if (checkTd) await checkLoadBalancers(store, input.loadBalancers ?? current.loadBalancers, checkTd);
      }
      if (current.schedulingStrategy === 'DAEMON') validateDaemonInput(input);
      validateDesiredCount(input.desiredCount, quotas.tasksPerService);
      validateGracePeriod(input.healthCheckGracePeriodSeconds);
      validateDeploymentConfiguration(input.deploymentConfiguration);
      validateStrategyFields(input.deploymentConfiguration, current.deploymentConfiguration);
      const nextStrategy = strategyOf(deploymentConfigurationOf(input.deploymentConfiguration, current.deploymentConfiguration));
      const nextLoadBalancers = input.loadBalancers ?? current.loadBalancers;
      validateStrategyFit(nextStrategy, nextLoadBalancers, current.schedulingStrategy);
      if (input.loadBalancers !== undefined || input.deploymentConfiguration?.strategy !== undefined)
        await checkAdvancedConfiguration(store, nextLoadBalancers);
      if (input.networkConfiguration !== undefined || td) {
        const checkTd = td ?? (await resolveActiveTaskDefinition(store, current.taskDefinition).catch(() => undefined));
        const nc = input.networkConfiguration ?? current.networkConfiguration;
        if (checkTd) await checkNetworkConfiguration(store, nc, checkTd, scopeOf(ctx));
      }
      const updated = await updateRecord<ServiceRecord>(store, key, (cur) => {
        if (!cur) throw errors.serviceNotFound();
        const svc = cur;
        if (svc.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
        const desiredCount = input.desiredCount ?? svc.desiredCount;
        const changes =
          (td !== undefined && td.taskDefinitionArn !== svc.taskDefinition) ||
          input.forceNewDeployment === true ||
          input.loadBalancers !== undefined ||
          input.networkConfiguration !== undefined ||
          input.placementConstraints !== undefined ||
          input.placementStrategy !== undefined;
        const taskDefinition = td?.taskDefinitionArn ?? svc.taskDefinition;
        let deployments: Deployment[] = svc.deployments.map((d) =>
          d.status === 'PRIMARY' && desiredCount !== d.desiredCount ? { ...d, desiredCount, updatedAt: ctx.now } : d,
        );
        if (changes) {
          const networkConfiguration = input.networkConfiguration ?? svc.networkConfiguration;
          // BLUE_GREEN, CANARY, LINEAR: green takes the other target-group side and starts its stage machine.
          const config = deploymentConfigurationOf(input.deploymentConfiguration, svc.deploymentConfiguration);
          const strategy = strategyOf(config);
          const replaced = svc.deployments.find((d) => d.status === 'PRIMARY');
          const shifting = shiftsTraffic(strategy);
          const next = newDeployment(random, ctx.now, { taskDefinition, desiredCount, launchType: svc.launchType, networkConfiguration });
          const targetSide = sideForNewDeployment(replaced, shifting);
          deployments = [
            {
              ...next,
              ...(targetSide !== 'primary' ? { targetSide } : {}),
              // More than one revision active (the replaced one was still shifting): RECONCILE_SERVICE first, as in ECS.
              ...(shifting ? { trafficShift: startShift(trafficPlanOf(config, strategy), ctx.now, svc.deployments.length > 1) } : {}),
            },
            ...deployments.map((d) => (d.status === 'PRIMARY' ? { ...d, status: 'ACTIVE' as const, updatedAt: ctx.now } : d)),
          ];
        }
        return {
          ...svc,
          desiredCount,
          taskDefinition,
          deployments,
          deploymentConfiguration: deploymentConfigurationOf(input.deploymentConfiguration, svc.deploymentConfiguration),
          loadBalancers: input.loadBalancers ?? svc.loadBalancers,
          placementConstraints: input.placementConstraints ?? svc.placementConstraints,
          placementStrategy: input.placementStrategy ?? svc.placementStrategy,
          ...(input.networkConfiguration !== undefined ? { networkConfiguration: input.networkConfiguration } : {}),
          ...(input.healthCheckGracePeriodSeconds !== undefined ? { healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds } : {}),
          ...(input.enableExecuteCommand !== undefined ? { enableExecuteCommand: input.enableExecuteCommand } : {}),
        };
      });
      return { service: await describeService(store, updated) };
    },

    async DeleteService(input, ctx): Reply<'ecs', 'DeleteService'> {
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      const name = resourceIdOf(input.service, 'service');
      if (name === undefined) throw errors.serviceNotFound();
      const updated = await updateRecord<ServiceRecord>(store, keys.service(clusterKeyOf(cluster), name), (cur) => {
        if (!cur) throw errors.serviceNotFound();
        const svc = cur;
        if (svc.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
        // A daemon service cannot be scaled to 0 (it has no desiredCount to set), so nothing asks for force.
        if (svc.desiredCount > 0 && !input.force && svc.schedulingStrategy !== 'DAEMON') {
          throw errors.invalid('The service cannot be stopped while it is scaled above 0.');
        }
        return {
          ...svc,
          status: 'DRAINING',
          desiredCount: 0,
          deployments: svc.deployments.map((d) => (d.status === 'PRIMARY' ? { ...d, desiredCount: 0, updatedAt: ctx.now } : d)),
        };
      });
      return { service: await describeService(store, updated) };
    },

    async DescribeServices(input, ctx): Reply<'ecs', 'DescribeServices'> {
      const s = scopeOf(ctx);
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      if (input.services.length > 10) throw errors.invalid('services can have at most 10 items.');
      const services: ServiceOut[] = [];
      const failures: Failure[] = [];
      for (const ref of input.services) {
        const name = resourceIdOf(ref, 'service');
        const rec = name === undefined ? undefined : await store.get<ServiceRecord>(keys.service(clusterKeyOf(cluster), name));
        if (!rec) failures.push({ arn: ref.startsWith('arn:') ? ref : ecsArn.service(s, cluster.clusterName, ref), reason: 'MISSING' });
        else services.push(await describeService(store, rec.value, wantsTags(input.include)));
      }
      return { services, failures };
    },

    async ListServices(input, ctx): Reply<'ecs', 'ListServices'> {
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      const all = (await listValues<ServiceRecord>(store, keys.services(clusterKeyOf(cluster)))).filter(
        (x) =>
          x.status === 'ACTIVE' &&
          (input.launchType === undefined || x.launchType === input.launchType) &&
          (input.schedulingStrategy === undefined || x.schedulingStrategy === input.schedulingStrategy),
      );
      const page = paginate(all, (x) => x.serviceArn, input);
      return { serviceArns: page.items.map((x) => x.serviceArn), nextToken: page.nextToken };
    },
  };
}
