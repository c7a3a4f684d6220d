/**
 * UpdateCluster and UpdateClusterSettings. Container Insights is a CloudWatch feature Berth does not
 * have: the setting is stored and echoed as ECS does (docs/differences.md says it changes nothing
 * here), and so is `configuration` (execute command and managed storage), as CreateCluster does.
 */
import type { Handlers, Reply, RequestContext } from '../api/operation.js';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import type { ClusterRecord } from '../../domain/ecs/records.js';
import { checkClusterSettings, mergeSettings } from '../../domain/ecs/cluster-settings.js';
import { clusterKeyOf, errors, requireCluster, updateRecord, type EcsDeps } from './ecs-context.js';
import { describeCluster } from './clusters.js';

export function clusterUpdateHandlers({ store }: EcsDeps): Handlers<'ecs'> {
  const update = async (ref: string, ctx: RequestContext, change: (c: ClusterRecord) => ClusterRecord) => {
    const cluster = (await requireCluster(store, ref, ctx)).value;
    const updated = await updateRecord<ClusterRecord>(store, keys.cluster(clusterKeyOf(cluster)), (cur) => {
      if (!cur || cur.status !== 'ACTIVE') throw errors.clusterNotFound();
      return change(cur);
    });
    return { cluster: await describeCluster(store, updated) };
  };
  return {
    async UpdateCluster(input, ctx): Reply<'ecs', 'UpdateCluster'> {
      // Service Connect needs Cloud Map namespaces, which Berth has none of: no namespace can be found.
      if (input.serviceConnectDefaults !== undefined) {
        throw new AwsError(
          'NamespaceNotFoundException',
          `The specified namespace wasn't found: serviceConnectDefaults.namespace ${input.serviceConnectDefaults.namespace} (Berth has no Cloud Map namespaces).`,
        );
      }
      checkClusterSettings(input.settings);
      return update(input.cluster, ctx, (c) => ({
        ...c,
        ...(input.settings !== undefined ? { settings: mergeSettings(c.settings, input.settings) } : {}),
        ...(input.configuration !== undefined ? { configuration: input.configuration } : {}),
      }));
    },

    async UpdateClusterSettings(input, ctx): Reply<'ecs', 'UpdateClusterSettings'> {
      checkClusterSettings(input.settings);
      return update(input.cluster, ctx, (c) => ({ ...c, settings: mergeSettings(c.settings, input.settings) }));
    },
  };
}
