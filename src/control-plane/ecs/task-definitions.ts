/**
 * RegisterTaskDefinition, DeregisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions,
 * ListTaskDefinitionFamilies. Revisions count from 1 per family; a new revision is claimed by a
 * create-only compare (modRevision 0), so two concurrent registrations never share one.
 */
import type { Store, StoredRecord } from '../../store/store.js';
import type { Handlers, Reply } from '../api/operation.js';
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { ecsArn, parseEcsArn, parseFamilyRevision } from '../../domain/ecs/arn.js';
import type { TaskDefinitionRecord } from '../../domain/ecs/records.js';
import { buildTaskDefinition } from '../../domain/ecs/task-definition.js';
import { addTags, errors, listValues, readTags, scopeOf, tagsOfRequest, updateRecord, type EcsDeps } from './ecs-context.js';
import { taskDefinitionDescription } from './task-definition-description.js';
import { paginate } from './paging.js';

const MAX_ATTEMPTS = 100;

/** `family` (latest ACTIVE), `family:rev` or an ARN; ClientException when there is none. */
export async function resolveTaskDefinition(store: Store, ref: string): Promise<StoredRecord<TaskDefinitionRecord>> {
  let family: string;
  let revision: number | undefined;
  if (ref.startsWith('arn:')) {
    const p = parseEcsArn(ref);
    if (p?.kind !== 'task-definition') throw errors.taskDefinitionNotFound();
    ({ family, revision } = p);
  } else {
    const p = parseFamilyRevision(ref);
    if (!p) throw errors.taskDefinitionNotFound();
    ({ family, revision } = p);
  }
  if (revision !== undefined) {
    const rec = await store.get<TaskDefinitionRecord>(keys.taskDefinition(family, revision));
    if (!rec) throw errors.taskDefinitionNotFound();
    return rec;
  }
  const all = (await store.list<TaskDefinitionRecord>(keys.taskDefinitionFamily(family))).records;
  const latest = all.filter((r) => r.value.status === 'ACTIVE').sort((a, b) => b.value.revision - a.value.revision)[0];
  if (!latest) throw errors.taskDefinitionNotFound();
  return latest;
}

/** Like resolveTaskDefinition, but an INACTIVE revision cannot start anything new. */
export async function resolveActiveTaskDefinition(store: Store, ref: string): Promise<TaskDefinitionRecord> {
  const rec = await resolveTaskDefinition(store, ref);
  if (rec.value.status !== 'ACTIVE') throw errors.client('TaskDefinition is inactive');
  return rec.value;
}

export function taskDefinitionHandlers({ store }: EcsDeps): Handlers<'ecs'> {
  return {
    // validateTaskDefinition (ECS's rules) runs in front of this, before the field-support table: ecs-handlers.ts.
    async RegisterTaskDefinition(input, ctx): Reply<'ecs', 'RegisterTaskDefinition'> {
      const s = scopeOf(ctx);
      const { tags: given, ...definition } = input;
      const tags = tagsOfRequest(given);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const existing = (await store.list<TaskDefinitionRecord>(keys.taskDefinitionFamily(input.family))).records;
        const revision = existing.reduce((max, r) => Math.max(max, r.value.revision), 0) + 1;
        const record = buildTaskDefinition(definition, {
          arn: ecsArn.taskDefinition(s, input.family, revision),
          revision,
          now: s.now,
          registeredBy: `arn:aws:iam::${s.accountId}:root`,
        });
        const key = keys.taskDefinition(input.family, revision);
        const r = await store.txn({ compares: [{ key, modRevision: 0 }], success: [{ type: 'put', key, value: record }] });
        if (!r.succeeded) continue; // someone else took this revision: take the next one
        await addTags(store, record.taskDefinitionArn, tags);
        const taskDefinition = taskDefinitionDescription(record);
        // `tags` only when the request set some (ECS leaves the member out otherwise).
        return tags.length > 0 ? { taskDefinition, tags: await readTags(store, record.taskDefinitionArn) } : { taskDefinition };
      }
      throw new AwsError('ServerException', 'Too many concurrent registrations in this family; try again.', 500);
    },

    async DeregisterTaskDefinition(input, ctx): Reply<'ecs', 'DeregisterTaskDefinition'> {
      const p = input.taskDefinition.startsWith('arn:') ? parseEcsArn(input.taskDefinition) : parseFamilyRevision(input.taskDefinition);
      if (!p || !('revision' in p) || p.revision === undefined || !('family' in p)) {
        throw errors.invalid('Invalid revision number. Number: ' + (input.taskDefinition.split(':').pop() ?? ''));
      }
      const key = keys.taskDefinition(p.family, p.revision);
      const updated = await updateRecord<TaskDefinitionRecord>(store, key, (cur) => {
        if (!cur) throw errors.client('The specified task definition does not exist.');
        if (cur.status !== 'ACTIVE') return cur;
        return { ...cur, status: 'INACTIVE', deregisteredAt: ctx.now };
      });
      return { taskDefinition: taskDefinitionDescription(updated) };
    },

    async DescribeTaskDefinition(input): Reply<'ecs', 'DescribeTaskDefinition'> {
      const rec = await resolveTaskDefinition(store, input.taskDefinition);
      const taskDefinition = taskDefinitionDescription(rec.value);
      return (input.include ?? []).includes('TAGS') ? { taskDefinition, tags: await readTags(store, rec.value.taskDefinitionArn) } : { taskDefinition };
    },

    // ListTaskDefinitions' familyPrefix is the full family name (the model says so), unlike
    // ListTaskDefinitionFamilies', which is a prefix.
    async ListTaskDefinitions(input): Reply<'ecs', 'ListTaskDefinitions'> {
      const status = input.status ?? 'ACTIVE';
      const all = (await listValues<TaskDefinitionRecord>(store, keys.taskDefinitions())).filter(
        (t) => t.status === status && (input.familyPrefix === undefined || t.family === input.familyPrefix),
      );
      // Family, then revision numerically: the zero-padded revision makes the key sort right.
      const sortKey = (t: TaskDefinitionRecord) => `${t.family}\u0000${String(t.revision).padStart(10, '0')}`;
      const page = paginate(all, sortKey, input, input.sort === 'DESC');
      return { taskDefinitionArns: page.items.map((t) => t.taskDefinitionArn), nextToken: page.nextToken };
    },

    async ListTaskDefinitionFamilies(input): Reply<'ecs', 'ListTaskDefinitionFamilies'> {
      const status = input.status ?? 'ACTIVE';
      const byFamily = new Map<string, TaskDefinitionRecord[]>();
      for (const t of await listValues<TaskDefinitionRecord>(store, keys.taskDefinitions())) {
        if (input.familyPrefix !== undefined && !t.family.startsWith(input.familyPrefix)) continue;
        byFamily.set(t.family, [...(byFamily.get(t.family) ?? []), t]);
      }
      // ACTIVE: families with an ACTIVE revision; INACTIVE: families whose revisions are all INACTIVE.
      const families = [...byFamily.entries()]
        .filter(([, revs]) =>
          status === 'ALL' ? true : status === 'ACTIVE' ? revs.some((r) => r.status === 'ACTIVE') : revs.every((r) => r.status !== 'ACTIVE'),
        )
        .map(([family]) => family);
      const page = paginate(families, (f) => f, input);
      return { families: page.items, nextToken: page.nextToken };
    },
  };
}
