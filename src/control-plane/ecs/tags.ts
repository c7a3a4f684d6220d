/**
 * TagResource, UntagResource, ListTagsForResource on clusters, task definitions, services, tasks and
 * container instances. Tags live at keys.tags(arn) as a Record<string, string>.
 * A missing cluster is ClusterNotFoundException everywhere; another missing resource is
 * ResourceNotFoundException for Tag/Untag (the model lists it) and InvalidParameterException for
 * ListTagsForResource (whose model does not).
 */
import type { Store } from '../../store/store.js';
import type { Handlers, Reply } from '../api/operation.js';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { parseEcsArn } from '../../domain/ecs/arn.js';
import { regionOfArn } from '../../domain/ecs/cluster-key.js';
import type { ClusterRecord } from '../../domain/ecs/records.js';
import { addTags, clusterKeyIn, errors, HOME_REGION, readTags, tagsOfRequest, updateRecord, type EcsDeps } from './ecs-context.js';

const MAX_TAGS = 50;

/** Throws the right not-found error unless the ARN names an existing resource. */
async function requireResource(store: Store, arn: string, missing: 'ResourceNotFoundException' | 'InvalidParameterException'): Promise<void> {
  const p = parseEcsArn(arn);
  if (!p) throw errors.invalid('The ARN provided is invalid.');
  const notFound = () => new AwsError(missing, "The specified resource wasn't found.");
  // The ARN's region picks the cluster's store segment (cluster names are unique per region).
  const region = regionOfArn(arn) ?? HOME_REGION;
  const cluster = 'cluster' in p && p.cluster !== undefined ? clusterKeyIn(region, p.cluster) : undefined;
  if (p.kind === 'cluster') {
    const c = await store.get<ClusterRecord>(keys.cluster(clusterKeyIn(region, p.cluster)));
    if (!c || c.value.status !== 'ACTIVE') throw errors.clusterNotFound();
    return;
  }
  if (p.kind === 'task-definition') {
    if (!(await store.get(keys.taskDefinition(p.family, p.revision)))) throw notFound();
    return;
  }
  // Old short-format ARNs carry no cluster; Berth only mints long ones.
  if (cluster === undefined) throw errors.invalid('The ARN provided is invalid: use the long ARN format.');
  const c = await store.get<ClusterRecord>(keys.cluster(cluster));
  if (!c) throw errors.clusterNotFound();
  const key = p.kind === 'service' ? keys.service(cluster, p.name) : p.kind === 'task' ? keys.task(cluster, p.id) : keys.containerInstance(cluster, p.id);
  if (!(await store.get(key))) throw notFound();
}

export function tagHandlers({ store }: EcsDeps): Handlers<'ecs'> {
  return {
    async TagResource(input): Reply<'ecs', 'TagResource'> {
      await requireResource(store, input.resourceArn, 'ResourceNotFoundException');
      const tags = tagsOfRequest(input.tags);
      if (tags.some((t) => t.key.toLowerCase().startsWith('aws:'))) throw errors.invalid('Tag keys cannot start with the reserved prefix aws:.');
      const existing = await readTags(store, input.resourceArn);
      const merged = new Set([...existing.map((t) => t.key), ...tags.map((t) => t.key)]);
      if (merged.size > MAX_TAGS) throw new AwsError('LimitExceededException', `A resource can have at most ${MAX_TAGS} tags.`);
      await addTags(store, input.resourceArn, tags);
      return {};
    },

    async UntagResource(input): Reply<'ecs', 'UntagResource'> {
      await requireResource(store, input.resourceArn, 'ResourceNotFoundException');
      await updateRecord<Record<string, string>>(store, keys.tags(input.resourceArn), (cur) => {
        const next = { ...cur };
        for (const k of input.tagKeys) delete next[k];
        return next;
      });
      return {};
    },

    async ListTagsForResource(input): Reply<'ecs', 'ListTagsForResource'> {
      await requireResource(store, input.resourceArn, 'InvalidParameterException');
      return { tags: await readTags(store, input.resourceArn) };
    },
  };
}
