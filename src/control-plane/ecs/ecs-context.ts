/**
 * What every ECS handler file shares: its dependencies, the ARN scope of a request, cluster lookup,
 * the compare-and-set update loop, and tags.
 */
import { RevisionConflictError, type Store, type StoredRecord } from '../../store/store.js';
import { updateRecord as updateStoredRecord } from '../../store/record-update.js';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import type { Logger } from '../../platform/logger.js';
import { DEFAULT_REGION, type RequestContext } from '../api/operation.js';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { clusterNameOf, type ArnScope } from '../../domain/ecs/arn.js';
import { clusterKey, clusterKeyOfArn } from '../../domain/ecs/cluster-key.js';
import type { ClusterRecord, Tag } from '../../domain/ecs/records.js';
import type { EcsQuotas } from '../../domain/ecs/quotas.js';
import type { Tag as WireTag } from '../api/wire-types/ecs.js';

export interface EcsDeps {
  store: Store;
  clock: Clock;
  random: Random;
  logger?: Logger;
  /** ECS's service quotas; ECS's defaults when not given. */
  quotas?: EcsQuotas;
}

/** The scope ARNs are minted in: the request's region, Berth's one account. */
export type Scope = ArnScope & { now: number };

export function scopeOf(ctx: Pick<RequestContext, 'region' | 'accountId' | 'now'>): Scope {
  return { region: ctx.region, accountId: ctx.accountId, now: ctx.now };
}

export const errors = {
  clusterNotFound: () => new AwsError('ClusterNotFoundException', 'Cluster not found.'),
  serviceNotFound: () => new AwsError('ServiceNotFoundException', 'Service not found.'),
  taskDefinitionNotFound: () => new AwsError('ClientException', 'Unable to describe task definition.'),
  taskNotFound: () => new AwsError('InvalidParameterException', 'The referenced task was not found.'),
  containerInstanceNotFound: () => new AwsError('InvalidParameterException', 'The referenced container instance was not found.'),
  invalid: (message: string) => new AwsError('InvalidParameterException', message),
  client: (message: string) => new AwsError('ClientException', message),
};

/**
 * The server's own region: agents register into its clusters, and its clusters keep their bare
 * names as store keys (see domain/ecs/cluster-key.ts).
 */
export const HOME_REGION = DEFAULT_REGION;

/** The store segment of cluster `name` in `region` (keys.cluster, keys.services, keys.tasks, ...). */
export const clusterKeyIn = (region: string, name: string) => clusterKey(name, region, HOME_REGION);

/** The store segment of a cluster record (from its ARN, which carries the region). */
export function clusterKeyOf(c: Pick<ClusterRecord, 'clusterArn' | 'clusterName'>): string {
  return clusterKeyOfArn(c.clusterArn, HOME_REGION) ?? c.clusterName;
}

/** The cluster a request names (default `default`) in the request's region, which must exist and be ACTIVE. */
export async function requireCluster(store: Store, ref: string | undefined, ctx: Pick<RequestContext, 'region'>): Promise<StoredRecord<ClusterRecord>> {
  const name = clusterNameOf(ref);
  if (name === undefined) throw errors.clusterNotFound();
  // An ARN names its own region; ECS finds no cluster of another region's ARN.
  const region = ref?.startsWith('arn:') ? ref.split(':')[3] : ctx.region;
  if (region !== ctx.region) throw errors.clusterNotFound();
  const rec = await store.get<ClusterRecord>(keys.cluster(clusterKeyIn(ctx.region, name)));
  if (!rec || rec.value.status !== 'ACTIVE') throw errors.clusterNotFound();
  return rec;
}

/** Every value under a prefix. */
export async function listValues<T>(store: Store, prefix: string): Promise<T[]> {
  return (await store.list<T>(prefix)).records.map((r) => r.value);
}

/**
 * Read-modify-write with compare-and-set (the store's updateRecord), retried on conflict. `change`
 * gets the current value (undefined when absent) and returns the new one, or throws to abort.
 * Lasting contention becomes ECS's ServerException rather than a raw conflict.
 */
export async function updateRecord<T>(store: Store, key: string, change: (current: T | undefined) => T): Promise<T> {
  try {
    return (await updateStoredRecord<T>(store, key, change, { retries: 50 })).value as T;
  } catch (err) {
    if (err instanceof RevisionConflictError) {
      throw new AwsError('ServerException', 'Too much contention on one record; try again.', 500);
    }
    throw err;
  }
}

export function toTagList(tags: Record<string, string> | undefined): Tag[] {
  return Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }));
}

export function fromTagList(tags: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) out[t.key] = t.value ?? '';
  return out;
}

/** A request's tags: the model leaves `key` optional, and a tag without one is refused, never stored as "undefined". */
export function tagsOfRequest(tags: readonly WireTag[] | undefined): Tag[] {
  return (tags ?? []).map((t) => {
    if (t.key === undefined) throw errors.invalid('Each tag needs a key (tags.N.key).');
    return { key: t.key, ...(t.value !== undefined ? { value: t.value } : {}) };
  });
}

export async function readTags(store: Store, arn: string): Promise<Tag[]> {
  return toTagList((await store.get<Record<string, string>>(keys.tags(arn)))?.value);
}

/** Merges tags into the resource's tag record (CAS). */
export async function addTags(store: Store, arn: string, tags: Tag[] | undefined): Promise<void> {
  if (!tags || tags.length === 0) return;
  await updateRecord<Record<string, string>>(store, keys.tags(arn), (cur) => ({ ...cur, ...fromTagList(tags) }));
}

/** Whether `include` asks for TAGS. */
export const wantsTags = (include: string[] | undefined) => (include ?? []).includes('TAGS');
