/**
 * Why an instance cannot take a task, in ECS's own words (the `reason` of RunTask's failures), and
 * the order the pipeline checks them in. The later an instance is rejected, the closer it came:
 * the closest one is what the service event names.
 */
export const Rejection = {
  INACTIVE: 'INACTIVE',
  AGENT: 'AGENT',
  CPU: 'RESOURCE:CPU',
  MEMORY: 'RESOURCE:MEMORY',
  PORTS: 'RESOURCE:PORTS',
  ATTRIBUTE: 'ATTRIBUTE',
  MEMBER_OF: 'MemberOf placement constraint unsatisfied.',
  DISTINCT_INSTANCE: 'DistinctInstance placement constraint unsatisfied.',
} as const;

export type RejectionReason = (typeof Rejection)[keyof typeof Rejection];

/** Pipeline order: status, agent, CPU, memory, static ports, then constraints. */
export const REJECTION_ORDER: readonly RejectionReason[] = [
  Rejection.INACTIVE,
  Rejection.AGENT,
  Rejection.CPU,
  Rejection.MEMORY,
  Rejection.PORTS,
  Rejection.ATTRIBUTE,
  Rejection.MEMBER_OF,
  Rejection.DISTINCT_INSTANCE,
];

export const closeness = (reason: RejectionReason): number => REJECTION_ORDER.indexOf(reason);
