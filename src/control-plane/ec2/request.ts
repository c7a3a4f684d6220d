/**
 * What every EC2 request shares: DryRun (checked after validation, before anything changes, as AWS
 * does), NextToken/MaxResults paging, and tags from TagSpecifications.
 */
import { AwsError } from '../../domain/aws-error.js';
import type { Ec2Tag } from '../../domain/ec2/vpc.js';

export function checkDryRun(input: { DryRun?: boolean }): void {
  if (input.DryRun) throw new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
}

/** Offset paging with an opaque token; MaxResults as each operation's model bounds it (AWS: 5..1000). */
export function ec2Page<T>(items: readonly T[], input: { NextToken?: string; MaxResults?: number }) {
  const max = input.MaxResults;
  if (max !== undefined && (!Number.isInteger(max) || max < 5 || max > 1000)) {
    throw new AwsError('InvalidParameterValue', `Value ( ${max} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`);
  }
  let start = 0;
  if (input.NextToken !== undefined) {
    const decoded = Buffer.from(input.NextToken, 'base64url').toString('utf8');
    if (!/^o\d+$/.test(decoded)) throw new AwsError('InvalidParameterValue', `Invalid value '${input.NextToken}' for parameter NextToken`);
    start = Number(decoded.slice(1));
  }
  const end = max === undefined ? items.length : start + max;
  return { items: items.slice(start, end), NextToken: end < items.length ? Buffer.from(`o${end}`, 'utf8').toString('base64url') : undefined };
}

interface TagSpecification {
  ResourceType?: string;
  Tags?: Array<{ Key?: string; Value?: string }>;
}

/** The tags for a new resource of `resourceType`; a specification for another type is refused. */
export function tagsFor(resourceType: string, specs: readonly TagSpecification[] | undefined): Ec2Tag[] {
  const tags: Ec2Tag[] = [];
  for (const spec of specs ?? []) {
    if (spec.ResourceType !== resourceType) {
      throw new AwsError('InvalidParameterValue', `'${spec.ResourceType}' is not a valid taggable resource type for this operation.`);
    }
    for (const t of spec.Tags ?? []) {
      if (!t.Key) throw new AwsError('InvalidParameterValue', 'Tag keys must be specified (TagSpecification.Tag.Key)');
      if (t.Key.startsWith('aws:')) throw new AwsError('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use (${t.Key})`);
      const i = tags.findIndex((x) => x.Key === t.Key);
      if (i >= 0) throw new AwsError('InvalidParameterValue', `Duplicate tag key '${t.Key}' specified.`);
      tags.push({ Key: t.Key, Value: t.Value ?? '' });
    }
  }
  if (tags.length > 50) throw new AwsError('TagLimitExceeded', 'The maximum number of tags per resource is 50');
  return tags;
}
