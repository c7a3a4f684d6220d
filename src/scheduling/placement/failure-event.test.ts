import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { placementFailureEvent } from './failure-event.js';
import { Rejection, type RejectionReason } from './rejection.js';

const closest = (why: RejectionReason) => ({ closest: { arn: 'arn:aws:ecs:us-east-1:0:container-instance/c/3f4de1c5', id: '3f4de1c5', why } });
const head = '(service web) was unable to place a task because no container instance met all of its requirements.';
const tail = 'For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.';

describe('placementFailureEvent', () => {
  const cases: [RejectionReason, string][] = [
    [Rejection.CPU, 'has insufficient CPU units available.'],
    [Rejection.MEMORY, 'has insufficient memory available.'],
    [Rejection.PORTS, 'is already using a port required by your task.'],
    [Rejection.AGENT, "doesn't have the agent connected."],
    [Rejection.MEMBER_OF, 'encountered error "MemberOf placement constraint unsatisfied.".'],
    [Rejection.DISTINCT_INSTANCE, 'encountered error "DistinctInstance placement constraint unsatisfied.".'],
    [Rejection.ATTRIBUTE, 'encountered error "ATTRIBUTE".'],
  ];
  for (const [why, middle] of cases)
    test(why, () => assert.equal(placementFailureEvent('web', closest(why)), `${head} The closest matching (container-instance 3f4de1c5) ${middle} ${tail}`));
  test('no instance at all', () => assert.equal(placementFailureEvent('web', {}), head));
});
