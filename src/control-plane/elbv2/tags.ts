/** AddTags, RemoveTags, DescribeTags for load balancers, target groups, listeners and rules. */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { arnNotFound, inScope, isArnOfKind, parseElbv2Arn, type ArnScope } from '../../domain/elbv2/arn.js';
import { addTags, tagList } from '../../domain/elbv2/tags.js';
import type { Handlers, Reply } from '../api/operation.js';
import type { Elbv2Deps } from './deps.js';
import { keyOfArn } from './repository.js';
import { transact, type Tx } from './transact.js';

const KINDS = ['loadbalancer', 'targetgroup', 'listener', 'listener-rule'] as const;

/** The resource must exist in the request's region; its NotFound code follows its kind. */
async function requireResource(tx: Tx, arn: string, scope: ArnScope): Promise<void> {
  const kind = KINDS.find((k) => isArnOfKind(arn, k));
  if (!kind) throw new AwsError('ValidationError', `'${arn}' is not a valid resource ARN`);
  const key = parseElbv2Arn(arn) && inScope(arn, scope) ? keyOfArn(arn) : undefined;
  const record = key && (await tx.get<Record<string, unknown>>(key));
  if (record && Object.values(record).includes(arn)) return;
  throw arnNotFound(kind);
}

function arnsOf(input: { readonly ResourceArns?: readonly string[] }): readonly string[] {
  const arns = input.ResourceArns ?? [];
  if (arns.length === 0) throw new AwsError('ValidationError', 'At least one resource ARN must be specified');
  if (arns.length > 20) throw new AwsError('ValidationError', 'At most 20 resource ARNs can be specified');
  return arns;
}

export function tagHandlers(deps: Elbv2Deps): Handlers<'elbv2'> {
  const { store } = deps;
  return {
    async AddTags(input, ctx): Reply<'elbv2', 'AddTags'> {
      const arns = arnsOf(input);
      await transact(store, async (tx) => {
        for (const arn of arns) {
          await requireResource(tx, arn, ctx);
          const current = (await tx.get<Record<string, string>>(keys.tags(arn))) ?? {};
          tx.put(keys.tags(arn), addTags(current, input.Tags ?? []));
        }
      });
      return {};
    },

    async RemoveTags(input, ctx): Reply<'elbv2', 'RemoveTags'> {
      const arns = arnsOf(input);
      const remove: string[] = input.TagKeys ?? [];
      await transact(store, async (tx) => {
        for (const arn of arns) {
          await requireResource(tx, arn, ctx);
          const current = (await tx.get<Record<string, string>>(keys.tags(arn))) ?? {};
          const next = Object.fromEntries(Object.entries(current).filter(([k]) => !remove.includes(k)));
          if (Object.keys(next).length === 0) tx.delete(keys.tags(arn));
          else tx.put(keys.tags(arn), next);
        }
      });
      return {};
    },

    async DescribeTags(input, ctx): Reply<'elbv2', 'DescribeTags'> {
      const arns = arnsOf(input);
      const TagDescriptions = await transact(store, async (tx) => {
        const out = [];
        for (const arn of arns) {
          await requireResource(tx, arn, ctx);
          out.push({ ResourceArn: arn, Tags: tagList((await tx.get<Record<string, string>>(keys.tags(arn))) ?? {}) });
        }
        return out;
      });
      return { TagDescriptions };
    },
  };
}
