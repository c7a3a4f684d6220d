/**
 * RegisterContainerInstance, DeregisterContainerInstance, ListContainerInstances,
 * DescribeContainerInstances, UpdateContainerInstancesState; and the in-process entry points the
 * agent calls (registerContainerInstance, setAgentConnected).
 *
 * remainingResources and the task counts are derived from the tasks placed on the instance each
 * time they are shown, never kept as counters.
 */
import type { Store } from '../../store/store.js';
import type { Handlers, Reply, RequestContext } from '../api/operation.js';
import type { ContainerInstanceOut, Resource as WireResource } from '../api/wire-types/ecs.js';
import { systemRandom, type Random } from '../../platform/random.js';
import { keys } from '../../domain/keys.js';
import { ecsArn, resourceIdOf } from '../../domain/ecs/arn.js';
import { newResourceId } from '../../domain/ecs/ids.js';
import type { Attribute, ContainerInstanceRecord, Failure, Resource, Tag, TaskRecord } from '../../domain/ecs/records.js';
import { containerInstanceDescription } from './container-instance-description.js';
import { reregisteredAttributes } from '../../domain/ecs/attribute.js';
import { matchesFilter, parseInstanceFilter } from '../../domain/ecs/instance-filter.js';
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
  type Scope,
} from './ecs-context.js';
import { paginate } from './paging.js';

/** ECS_RESERVED_PORTS' default: reported in PORTS when the agent sends no PORTS resource. */
export const DEFAULT_RESERVED_PORTS = ['22', '2375', '2376', '51678', '51679'];

export interface RegisterContainerInstanceInput {
  cluster?: string;
  instanceIdentityDocument?: string;
  instanceIdentityDocumentSignature?: string;
  totalResources?: Resource[];
  versionInfo?: { agentVersion?: string; agentHash?: string; dockerVersion?: string };
  containerInstanceArn?: string;
  attributes?: Attribute[];
  tags?: Tag[];
  /** Berth extra (in process only): the EC2-style id of this host; else from the identity document. */
  ec2InstanceId?: string;
  /** Berth extra (in process only): where this host is reached; kept in the record, never on the wire. */
  advertiseAddress?: string;
}

function ec2IdOf(input: RegisterContainerInstanceInput, random: Random): string {
  if (input.ec2InstanceId) return input.ec2InstanceId;
  if (input.instanceIdentityDocument) {
    try {
      const doc = JSON.parse(input.instanceIdentityDocument) as { instanceId?: unknown };
      if (typeof doc.instanceId === 'string' && doc.instanceId) return doc.instanceId;
    } catch {
      /* not JSON: make one up below */
    }
  }
  return `i-${random.hex(9).slice(0, 17)}`;
}

const RESOURCE_TYPES: readonly Resource['type'][] = ['INTEGER', 'LONG', 'DOUBLE', 'STRINGSET'];
const isResourceType = (t: string): t is Resource['type'] => (RESOURCE_TYPES as readonly string[]).includes(t);

/** totalResources as the wire gives them (name and type optional in the model): each needs a name and one of ECS's types. */
function resourcesOfRequest(given: readonly WireResource[] | undefined): Resource[] | undefined {
  return given?.map((r, i) => {
    if (r.name === undefined || r.name === '') throw errors.invalid(`totalResources.${i + 1}.name: a resource needs a name.`);
    const type = r.type ?? '';
    if (!isResourceType(type)) throw errors.invalid(`totalResources.${i + 1}.type: must be one of ${RESOURCE_TYPES.join(', ')}.`);
    return {
      name: r.name,
      type,
      ...(r.integerValue !== undefined ? { integerValue: r.integerValue } : {}),
      ...(r.longValue !== undefined ? { longValue: r.longValue } : {}),
      ...(r.doubleValue !== undefined ? { doubleValue: r.doubleValue } : {}),
      ...(r.stringSetValue !== undefined ? { stringSetValue: r.stringSetValue } : {}),
    };
  });
}

function withDefaultResources(given: Resource[] | undefined): Resource[] {
  const out = [...(given ?? [])];
  const has = (n: string) => out.some((r) => r.name === n);
  if (!has('CPU')) out.push({ name: 'CPU', type: 'INTEGER', integerValue: 0 });
  if (!has('MEMORY')) out.push({ name: 'MEMORY', type: 'INTEGER', integerValue: 0 });
  if (!has('PORTS')) out.push({ name: 'PORTS', type: 'STRINGSET', stringSetValue: [...DEFAULT_RESERVED_PORTS] });
  if (!has('PORTS_UDP')) out.push({ name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] });
  return out;
}

/**
 * Registers (or re-registers) a container instance. Re-registration, by containerInstanceArn or by
 * an ACTIVE/DRAINING instance with the same ec2InstanceId, keeps the id and refreshes the rest.
 */
export async function registerContainerInstance(
  store: Store,
  input: RegisterContainerInstanceInput,
  ctx: Pick<RequestContext, 'region' | 'accountId' | 'now'>,
  random: Random = systemRandom,
): Promise<ContainerInstanceRecord> {
  const s = scopeOf(ctx);
  const cluster = (await requireCluster(store, input.cluster, ctx)).value;
  const name = cluster.clusterName;
  const key = clusterKeyOf(cluster);
  const existing = await listValues<ContainerInstanceRecord>(store, keys.containerInstances(key));
  const ec2InstanceId = ec2IdOf(input, random);
  const byArn = input.containerInstanceArn ? resourceIdOf(input.containerInstanceArn, 'container-instance') : undefined;
  const previous =
    (byArn && existing.find((i) => i.id === byArn)) ||
    existing.find((i) => i.ec2InstanceId === ec2InstanceId && (i.status === 'ACTIVE' || i.status === 'DRAINING'));
  const id = previous ? previous.id : newResourceId(random);
  const record = await updateRecord<ContainerInstanceRecord>(store, keys.containerInstance(key, id), (cur) => ({
    containerInstanceArn: ecsArn.containerInstance(s, name, id),
    ec2InstanceId,
    version: (cur?.version ?? 0) + 1,
    versionInfo: input.versionInfo ?? cur?.versionInfo ?? {},
    registeredResources: withDefaultResources(input.totalResources),
    status: cur && cur.status !== 'INACTIVE' ? cur.status : 'ACTIVE',
    agentConnected: true,
    attributes: reregisteredAttributes(input.attributes ?? [], cur?.attributes ?? [], cur?.putAttributeNames ?? []),
    ...(cur?.putAttributeNames?.length ? { putAttributeNames: cur.putAttributeNames } : {}),
    registeredAt: cur?.registeredAt ?? s.now,
    id,
    clusterName: key,
    ...(input.advertiseAddress !== undefined ? { advertiseAddress: input.advertiseAddress } : {}),
    placementVersion: (cur?.placementVersion ?? 0) + 1,
  }));
  await addTags(store, record.containerInstanceArn, input.tags);
  return record;
}

/** The agent session opened or closed: agentConnected follows it. */
export async function setAgentConnected(store: Store, cluster: string, id: string, connected: boolean): Promise<ContainerInstanceRecord> {
  return updateRecord<ContainerInstanceRecord>(store, keys.containerInstance(cluster, id), (cur) => {
    if (!cur) throw errors.containerInstanceNotFound();
    return cur.agentConnected === connected ? cur : { ...cur, agentConnected: connected, version: cur.version + 1 };
  });
}

/** ECS names a missing instance by its full ARN, even when asked by id. */
const missingArn = (s: Scope, cluster: string, ref: string, id: string | undefined) =>
  id !== undefined && !ref.startsWith('arn:') ? ecsArn.containerInstance(s, cluster, id) : ref;

/** The instance as the API shows it (container-instance-description.ts), with its tasks (and tags, when asked) read from the store. */
export async function describeContainerInstance(store: Store, ci: ContainerInstanceRecord, withTags = false): Promise<ContainerInstanceOut> {
  const tasks = (await listValues<TaskRecord>(store, keys.tasks(ci.clusterName))).filter((t) => t.containerInstanceId === ci.id);
  return containerInstanceDescription(ci, tasks, withTags ? await readTags(store, ci.containerInstanceArn) : undefined);
}

export function containerInstanceHandlers({ store, random }: EcsDeps): Handlers<'ecs'> {
  return {
    async RegisterContainerInstance(input, ctx): Reply<'ecs', 'RegisterContainerInstance'> {
      // Built member by member: the Berth extras (ec2InstanceId, advertiseAddress) are in-process only.
      const totalResources = resourcesOfRequest(input.totalResources);
      const wire: RegisterContainerInstanceInput = {
        ...(input.cluster !== undefined ? { cluster: input.cluster } : {}),
        ...(input.instanceIdentityDocument !== undefined ? { instanceIdentityDocument: input.instanceIdentityDocument } : {}),
        ...(input.instanceIdentityDocumentSignature !== undefined ? { instanceIdentityDocumentSignature: input.instanceIdentityDocumentSignature } : {}),
        ...(totalResources !== undefined ? { totalResources } : {}),
        ...(input.versionInfo !== undefined ? { versionInfo: input.versionInfo } : {}),
        ...(input.containerInstanceArn !== undefined ? { containerInstanceArn: input.containerInstanceArn } : {}),
        ...(input.attributes !== undefined ? { attributes: input.attributes } : {}),
        tags: tagsOfRequest(input.tags),
      };
      const record = await registerContainerInstance(store, wire, ctx, random);
      return { containerInstance: await describeContainerInstance(store, record) };
    },

    async DeregisterContainerInstance(input, ctx): Reply<'ecs', 'DeregisterContainerInstance'> {
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      const id = resourceIdOf(input.containerInstance, 'container-instance');
      if (id === undefined) throw errors.containerInstanceNotFound();
      const key = keys.containerInstance(clusterKeyOf(cluster), id);
      if (!input.force) {
        const tasks = await listValues<TaskRecord>(store, keys.tasks(clusterKeyOf(cluster)));
        if (tasks.some((t) => t.containerInstanceId === id && t.lastStatus !== 'STOPPED')) {
          throw errors.invalid('The container instance has tasks that are still running. Use force to deregister it anyway.');
        }
      }
      const updated = await updateRecord<ContainerInstanceRecord>(store, key, (cur) => {
        if (!cur || cur.status === 'INACTIVE') throw errors.containerInstanceNotFound();
        return { ...cur, status: 'INACTIVE', agentConnected: false, version: cur.version + 1 };
      });
      return { containerInstance: await describeContainerInstance(store, updated) };
    },

    async ListContainerInstances(input, ctx): Reply<'ecs', 'ListContainerInstances'> {
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      const filter = input.filter ? parseInstanceFilter(input.filter) : undefined;
      const all = (await listValues<ContainerInstanceRecord>(store, keys.containerInstances(clusterKeyOf(cluster)))).filter(
        (i) => (input.status ? i.status === input.status : i.status === 'ACTIVE' || i.status === 'DRAINING') && (!filter || matchesFilter(filter, i)),
      );
      const page = paginate(all, (i) => i.containerInstanceArn, input);
      return { containerInstanceArns: page.items.map((i) => i.containerInstanceArn), nextToken: page.nextToken };
    },

    async DescribeContainerInstances(input, ctx): Reply<'ecs', 'DescribeContainerInstances'> {
      const s = scopeOf(ctx);
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      if (input.containerInstances.length === 0) throw errors.invalid('Container instances cannot be empty.');
      if (input.containerInstances.length > 100) throw errors.invalid('containerInstances can have at most 100 items.');
      const containerInstances: ContainerInstanceOut[] = [];
      const failures: Failure[] = [];
      for (const ref of input.containerInstances) {
        const id = resourceIdOf(ref, 'container-instance');
        const rec = id === undefined ? undefined : await store.get<ContainerInstanceRecord>(keys.containerInstance(clusterKeyOf(cluster), id));
        if (!rec) failures.push({ arn: missingArn(s, cluster.clusterName, ref, id), reason: 'MISSING' });
        else containerInstances.push(await describeContainerInstance(store, rec.value, wantsTags(input.include)));
      }
      return { containerInstances, failures };
    },

    async UpdateContainerInstancesState(input, ctx): Reply<'ecs', 'UpdateContainerInstancesState'> {
      const s = scopeOf(ctx);
      const cluster = (await requireCluster(store, input.cluster, ctx)).value;
      if (input.status !== 'ACTIVE' && input.status !== 'DRAINING') {
        throw errors.invalid('Container instance status must be ACTIVE or DRAINING.');
      }
      const status = input.status;
      const containerInstances: ContainerInstanceOut[] = [];
      const failures: Failure[] = [];
      for (const ref of input.containerInstances) {
        const id = resourceIdOf(ref, 'container-instance');
        const key = id === undefined ? undefined : keys.containerInstance(clusterKeyOf(cluster), id);
        const cur = key ? await store.get<ContainerInstanceRecord>(key) : undefined;
        if (!key || !cur || cur.value.status === 'INACTIVE') {
          failures.push({ arn: missingArn(s, cluster.clusterName, ref, id), reason: 'MISSING' });
          continue;
        }
        const updated = await updateRecord<ContainerInstanceRecord>(store, key, (c) => {
          if (!c) throw errors.containerInstanceNotFound();
          return c.status === status ? c : { ...c, status, version: c.version + 1 };
        });
        containerInstances.push(await describeContainerInstance(store, updated));
      }
      return { containerInstances, failures };
    },
  };
}
