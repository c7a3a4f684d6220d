/** Tag rules shared by every ELBv2 resource. */
import { AwsError } from '../aws-error.js';

export const MAX_TAGS = 50;

/** Validates tags to add and merges them over the existing ones (an existing key is overwritten). */
export function addTags(existing: Record<string, string>, tags: ReadonlyArray<{ Key?: string; Value?: string }>): Record<string, string> {
  const keys = tags.map((t) => t.Key);
  if (new Set(keys).size !== keys.length) throw new AwsError('DuplicateTagKeys', 'Tag keys must be unique within a request');
  const next = { ...existing };
  for (const { Key, Value } of tags) {
    if (typeof Key !== 'string' || Key.length < 1 || Key.length > 128) throw new AwsError('ValidationError', 'Tag keys must be 1 to 128 characters');
    if (Key.toLowerCase().startsWith('aws:')) throw new AwsError('ValidationError', "Tag keys cannot start with 'aws:'");
    const v = Value ?? '';
    if (v.length > 256) throw new AwsError('ValidationError', 'Tag values must be at most 256 characters');
    next[Key] = v;
  }
  if (Object.keys(next).length > MAX_TAGS) throw new AwsError('TooManyTags', `A resource can have at most ${MAX_TAGS} tags`);
  return next;
}

export function tagList(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}
