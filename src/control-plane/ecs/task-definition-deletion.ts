/**
 * DeleteTaskDefinitions. A deregistered (INACTIVE) revision moves to DELETE_IN_PROGRESS: tasks and
 * services that use it keep running and services can still scale, but nothing new can start from
 * it (resolveActiveTaskDefinition refuses every status but ACTIVE). The record stays, so the family's
 * next registration still takes the next revision number, as ECS keeps it.
 */
import type { Handlers, Reply } from '../api/operation.js';
import type { TaskDefinitionOut } from '../api/wire-types/ecs.js';
import { keys } from '../../domain/keys.js';
import { parseEcsArn, parseFamilyRevision } from '../../domain/ecs/arn.js';
import type { Failure, TaskDefinitionRecord } from '../../domain/ecs/records.js';
import { errors, updateRecord, type EcsDeps } from './ecs-context.js';
import { taskDefinitionDescription } from './task-definition-description.js';

const MAX_PER_CALL = 10;

/** `family:revision` or an ARN with a revision; undefined otherwise (a revision is required here). */
function familyRevisionOf(ref: string): { family: string; revision: number } | undefined {
  const p = ref.startsWith('arn:') ? parseEcsArn(ref) : parseFamilyRevision(ref);
  if (!p || !('family' in p) || p.revision === undefined) return undefined;
  return { family: p.family, revision: p.revision };
}

export function taskDefinitionDeletionHandlers({ store }: EcsDeps): Handlers<'ecs'> {
  return {
    async DeleteTaskDefinitions(input, ctx): Reply<'ecs', 'DeleteTaskDefinitions'> {
      if (input.taskDefinitions.length === 0) throw errors.invalid('taskDefinitions cannot be empty.');
      if (input.taskDefinitions.length > MAX_PER_CALL) throw errors.invalid(`taskDefinitions can have at most ${MAX_PER_CALL} items.`);
      const taskDefinitions: TaskDefinitionOut[] = [];
      const failures: Failure[] = [];
      for (const ref of input.taskDefinitions) {
        const p = familyRevisionOf(ref);
        if (!p) {
          failures.push({ arn: ref, reason: 'The specified task definition identifier is invalid. Specify a valid name or ARN and try again.' });
          continue;
        }
        const key = keys.taskDefinition(p.family, p.revision);
        const current = (await store.get<TaskDefinitionRecord>(key))?.value;
        if (!current) {
          failures.push({ arn: ref, reason: 'The specified task definition does not exist. Specify a valid account, family, revision and try again.' });
          continue;
        }
        if (current.status === 'ACTIVE') {
          failures.push({
            arn: current.taskDefinitionArn,
            reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
          });
          continue;
        }
        const deleted = await updateRecord<TaskDefinitionRecord>(store, key, (cur) => {
          if (!cur) throw errors.client('The specified task definition does not exist.');
          return cur.status === 'INACTIVE' ? { ...cur, status: 'DELETE_IN_PROGRESS', deleteRequestedAt: ctx.now } : cur;
        });
        taskDefinitions.push(taskDefinitionDescription(deleted));
      }
      return { taskDefinitions, failures };
    },
  };
}
