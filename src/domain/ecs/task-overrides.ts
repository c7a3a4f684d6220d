/**
 * RunTask/StartTask overrides as ECS checks them: each container override names a container of the
 * task definition, and its sizes obey the task definition's own rules (no negative CPU, at least
 * 6 MiB of memory), so an override can never make an instance report more than it has. Pure.
 */
import { AwsError } from '../aws-error.js';
import type { TaskDefinitionRecord } from './records.js';
import type { TaskOverrides } from './resources.js';
import { MIN_CONTAINER_MEMORY_MIB, TASK_CPU_RANGE, taskCpuUnits, taskMemoryMiB } from './task-definition.js';

const invalid = (message: string) => new AwsError('InvalidParameterException', message);
const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);

export function validateTaskOverrides(overrides: TaskOverrides | undefined, td: Pick<TaskDefinitionRecord, 'containerDefinitions'>): void {
  if (!overrides) return;
  const names = new Set(td.containerDefinitions.map((c) => c.name));
  for (const o of overrides.containerOverrides ?? []) {
    const name = o.name ?? '';
    if (!names.has(name)) throw invalid(`Override for container named ${name} is not a container in the TaskDefinition.`);
    if (o.cpu !== undefined && (!isCount(o.cpu) || o.cpu < 0)) throw invalid(`Invalid 'cpu' setting in containerOverrides for container '${name}'.`);
    if (o.memory !== undefined && (!isCount(o.memory) || o.memory < MIN_CONTAINER_MEMORY_MIB)) {
      throw invalid(`Invalid 'memory' setting in containerOverrides for container '${name}'. The minimum is ${MIN_CONTAINER_MEMORY_MIB} MiB.`);
    }
    if (o.memoryReservation !== undefined && (!isCount(o.memoryReservation) || o.memoryReservation < MIN_CONTAINER_MEMORY_MIB)) {
      throw invalid(`Invalid 'memoryReservation' setting in containerOverrides for container '${name}'. The minimum is ${MIN_CONTAINER_MEMORY_MIB} MiB.`);
    }
  }
  if (overrides.cpu !== undefined && overrides.cpu !== '') {
    const cpu = taskCpuUnits(overrides.cpu);
    if (cpu === undefined || cpu < TASK_CPU_RANGE.min || cpu > TASK_CPU_RANGE.max) throw invalid(`Invalid 'cpu' setting in overrides for task.`);
  }
  if (overrides.memory !== undefined && overrides.memory !== '') {
    const memory = taskMemoryMiB(overrides.memory);
    if (memory === undefined || memory < MIN_CONTAINER_MEMORY_MIB) throw invalid(`Invalid 'memory' setting in overrides for task.`);
  }
}
