/**
 * Why an instance cannot take a task, in ECS's own words (the `reason` of RunTask's failures). The
 * filter that decides each one, and the order they are checked in, is `filter.ts`.
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
