/**
 * Tags of an SSM parameter or a Secrets Manager secret, in the store's one tag record per ARN
 * (keys.tags): a map of key to value, written with compare-and-set.
 */
import { keys } from '../../domain/keys.js';
import { updateRecord } from '../../store/record-update.js';
import type { Store } from '../../store/store.js';

/** A resource's tags as stored (keys.tags): a map of key to value. */
export async function tagsOf(store: Store, arn: string): Promise<Record<string, string>> {
  return (await store.get<Record<string, string>>(keys.tags(arn)))?.value ?? {};
}

export async function putTags(store: Store, arn: string, tags: readonly { Key: string; Value: string }[]): Promise<void> {
  await updateRecord<Record<string, string>>(store, keys.tags(arn), (cur) => {
    const next = { ...cur };
    for (const t of tags) next[t.Key] = t.Value;
    return next;
  });
}
