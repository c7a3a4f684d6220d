/** CreateCluster, DescribeClusters, ListClusters, DeleteCluster. */
import type { Store } from '../../store/store.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { ClusterOut } from '../api/wire-types/ecs.js';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { clusterNameOf, ecsArn } from '../../domain/ecs/arn.js';
import { regionOfArn } from '../../domain/ecs/cluster-key.js';
import type { ClusterRecord, ContainerInstanceRecord, Failure, ServiceRecord, TaskRecord } from '../../domain/ecs/records.js';
import { clusterDescription, type ClusterContents } from './cluster-description.js';
import {
  addTags,
  clusterKeyIn,
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
import { paginate } from './paging.js';
import { checkClusterSettings } from '../../domain/ecs/cluster-settings.js';
import { accountSettingValue } from './account-settings.js';

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;

async function contentsOf(store: Store, name: string): Promise<{ instances: ContainerInstanceRecord[]; services: ServiceRecord[]; tasks: TaskRecord[] }> {
  const [instances, services, tasks] = await Promise.all([
    listValues<ContainerInstanceRecord>(store, keys.containerInstances(name)),
    listValues<ServiceRecord>(store, keys.services(name)),
    listValues<TaskRecord>(store, keys.tasks(name)),
  ]);
  return { instances, services, tasks };
}

/** The cluster as the API shows it (cluster-description.ts), with what it holds read from the store. */
export async function describeCluster(store: Store, c: ClusterRecord, withTags = false): Promise<ClusterOut> {
  const contents: ClusterContents = await contentsOf(store, clusterKeyOf(c));
  return clusterDescription(c, contents, withTags ? await readTags(store, c.clusterArn) : undefined);
}

export function clusterHandlers({ store }: EcsDeps): Handlers<'ecs'> {
  return {
    async CreateCluster(input, ctx): Reply<'ecs', 'CreateCluster'> {
      const s = scopeOf(ctx);
      const name = input.clusterName ?? 'default';
      if (!CLUSTER_NAME.test(name)) {
        throw errors.invalid('Cluster name must be up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.');
      }
      checkClusterSettings(input.settings);
      const tags = tagsOfRequest(input.tags);
      // What Berth does not have is refused, not accepted and ignored.
      if ((input.capacityProviders ?? []).length > 0) throw errors.invalid('capacityProviders: Berth has no capacity providers; leave it out.');
      if ((input.defaultCapacityProviderStrategy ?? []).length > 0) {
        throw errors.invalid('defaultCapacityProviderStrategy: Berth has no capacity providers; leave it out.');
      }
      if (input.serviceConnectDefaults !== undefined) {
        throw new AwsError(
          'NamespaceNotFoundException',
          `The specified namespace wasn't found: serviceConnectDefaults.namespace ${input.serviceConnectDefaults.namespace} (Berth has no Cloud Map namespaces).`,
        );
      }
      // Without settings, Container Insights follows the containerInsights account setting (as in ECS).
      const settings = input.settings ?? [{ name: 'containerInsights', value: await accountSettingValue(store, 'containerInsights', ctx) }];
      // Idempotent by name: an ACTIVE cluster is returned as is, an INACTIVE one comes back to life.
      const record = await updateRecord<ClusterRecord>(store, keys.cluster(clusterKeyIn(s.region, name)), (cur) => {
        if (cur && cur.status === 'ACTIVE') return cur;
        return {
          clusterArn: ecsArn.cluster(s, name),
          clusterName: name,
          status: 'ACTIVE',
          settings,
          ...(input.configuration !== undefined ? { configuration: input.configuration } : {}),
          capacityProviders: [],
          defaultCapacityProviderStrategy: [],
          createdAt: s.now,
        };
      });
      await addTags(store, record.clusterArn, tags);
      // Like ECS, the answer carries `tags` only when the request set some.
      return { cluster: await describeCluster(store, record, tags.length > 0) };
    },

    async DescribeClusters(input, ctx): Reply<'ecs', 'DescribeClusters'> {
      const s = scopeOf(ctx);
      const refs = input.clusters && input.clusters.length > 0 ? input.clusters : ['default'];
      if (refs.length > 100) throw errors.invalid('clusters can have at most 100 items.');
      const clusters: ClusterOut[] = [];
      const failures: Failure[] = [];
      for (const ref of refs) {
        const name = clusterNameOf(ref);
        // An ARN of another region names no cluster of this one.
        const here = name !== undefined && (!ref.startsWith('arn:') || ref.split(':')[3] === s.region);
        const rec = here ? await store.get<ClusterRecord>(keys.cluster(clusterKeyIn(s.region, name))) : undefined;
        // ECS names a missing cluster by its ARN, even when asked by name.
        if (!rec) failures.push({ arn: name !== undefined && !ref.startsWith('arn:') ? ecsArn.cluster(s, name) : ref, reason: 'MISSING' });
        else clusters.push(await describeCluster(store, rec.value, wantsTags(input.include)));
      }
      return { clusters, failures };
    },

    async ListClusters(input, ctx): Reply<'ecs', 'ListClusters'> {
      const all = (await listValues<ClusterRecord>(store, keys.clusters())).filter((c) => c.status === 'ACTIVE' && regionOfArn(c.clusterArn) === ctx.region);
      const page = paginate(all, (c) => c.clusterArn, input);
      return { clusterArns: page.items.map((c) => c.clusterArn), nextToken: page.nextToken };
    },

    async DeleteCluster(input, ctx): Reply<'ecs', 'DeleteCluster'> {
      const rec = await requireCluster(store, input.cluster, ctx);
      const name = clusterKeyOf(rec.value);
      const { instances, services, tasks } = await contentsOf(store, name);
      if (instances.some((i) => i.status === 'ACTIVE' || i.status === 'DRAINING')) {
        throw new AwsError('ClusterContainsContainerInstancesException', 'The Cluster cannot be deleted while Container Instances are active or draining.');
      }
      if (services.some((x) => x.status === 'ACTIVE' || x.status === 'DRAINING')) {
        throw new AwsError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.');
      }
      if (tasks.some((t) => t.lastStatus !== 'STOPPED' && t.lastStatus !== 'DELETED')) {
        throw new AwsError('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.');
      }
      const deleted = await updateRecord<ClusterRecord>(store, keys.cluster(name), (cur) => {
        if (!cur || cur.status !== 'ACTIVE') throw errors.clusterNotFound();
        return { ...cur, status: 'INACTIVE' };
      });
      return { cluster: await describeCluster(store, deleted) };
    },
  };
}
