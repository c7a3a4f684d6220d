/** SSM's tagging operations, for the one resource type Berth holds: Parameter. */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { parseParameterRef } from '../../domain/ssm/parameter-name.js';
import { updateRecord } from '../../store/record-update.js';
import type { Handlers, Reply, RequestContext } from '../api/operation.js';
import { putTags, tagsOf } from './tag-record.js';
import { readParameter, type SsmDeps } from './ssm-context.js';

const MAX_TAGS = 50;

interface TagTarget {
  ResourceType: string;
  ResourceId: string;
}

export function parameterTagHandlers({ store }: SsmDeps): Handlers<'ssm'> {
  const arnOf = async (input: TagTarget, ctx: RequestContext): Promise<string> => {
    if (input.ResourceType !== 'Parameter') {
      throw new AwsError('InvalidResourceType', `ResourceType: Berth holds only Parameter resources, not ${input.ResourceType}.`);
    }
    const ref = parseParameterRef(ctx, input.ResourceId);
    const rec = (await readParameter(store, ctx.region, ref.name)) ?? (ref.alternate ? await readParameter(store, ctx.region, ref.alternate) : undefined);
    if (!rec) throw new AwsError('InvalidResourceId', `The resource ID "${input.ResourceId}" is not valid. Verify the ID and try again.`);
    return rec.value.arn;
  };

  return {
    async AddTagsToResource(input: TagTarget & { Tags: { Key: string; Value: string }[] }, ctx: RequestContext): Reply<'ssm', 'AddTagsToResource'> {
      const arn = await arnOf(input, ctx);
      const merged = { ...(await tagsOf(store, arn)) };
      for (const t of input.Tags) merged[t.Key] = t.Value;
      if (Object.keys(merged).length > MAX_TAGS) {
        throw new AwsError('TooManyTagsError', `The Parameter ${input.ResourceId} would have more than ${MAX_TAGS} tags.`);
      }
      await putTags(store, arn, input.Tags);
      return {};
    },
    async RemoveTagsFromResource(input: TagTarget & { TagKeys: string[] }, ctx: RequestContext): Reply<'ssm', 'RemoveTagsFromResource'> {
      const arn = await arnOf(input, ctx);
      await updateRecord<Record<string, string>>(store, keys.tags(arn), (cur) => {
        const next = { ...cur };
        for (const k of input.TagKeys) delete next[k];
        return next;
      });
      return {};
    },
    async ListTagsForResource(input: TagTarget, ctx: RequestContext): Reply<'ssm', 'ListTagsForResource'> {
      const arn = await arnOf(input, ctx);
      return { TagList: Object.entries(await tagsOf(store, arn)).map(([Key, Value]) => ({ Key, Value })) };
    },
  };
}
