/** The ECS task states the protocol carries, in their order, and the health words. */
export type { Protocol } from '../../domain/ecs/records.js';
export type Health = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

/** The ECS task states in order: a report never moves a task to an earlier one. */
export const TASK_STATES = ['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const stateIndex = (s: string): number => TASK_STATES.indexOf(s as TaskState);
