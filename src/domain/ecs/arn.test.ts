import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterNameOf, ecsArn, parseEcsArn, parseFamilyRevision, resourceIdOf } from './arn.js';
import { newDeploymentId, newResourceId } from './ids.js';
import { seededRandom } from '../../platform/random.js';

const scope = { region: 'eu-west-1', accountId: '000000000000' };

describe('ECS ARNs', () => {
  test('format in the long form', () => {
    assert.equal(ecsArn.cluster(scope, 'prod'), 'arn:aws:ecs:eu-west-1:000000000000:cluster/prod');
    assert.equal(ecsArn.taskDefinition(scope, 'web', 3), 'arn:aws:ecs:eu-west-1:000000000000:task-definition/web:3');
    assert.equal(ecsArn.service(scope, 'prod', 'api'), 'arn:aws:ecs:eu-west-1:000000000000:service/prod/api');
    assert.equal(ecsArn.task(scope, 'prod', 'ab'), 'arn:aws:ecs:eu-west-1:000000000000:task/prod/ab');
    assert.equal(ecsArn.containerInstance(scope, 'prod', 'cd'), 'arn:aws:ecs:eu-west-1:000000000000:container-instance/prod/cd');
  });

  const cases: [string, unknown][] = [
    ['arn:aws:ecs:us-east-1:000000000000:cluster/c1', { kind: 'cluster', cluster: 'c1' }],
    ['arn:aws:ecs:us-east-1:000000000000:task-definition/web:12', { kind: 'task-definition', family: 'web', revision: 12 }],
    ['arn:aws:ecs:us-east-1:000000000000:task-definition/web', undefined],
    ['arn:aws:ecs:us-east-1:000000000000:service/c1/api', { kind: 'service', cluster: 'c1', name: 'api' }],
    ['arn:aws:ecs:us-east-1:000000000000:service/api', { kind: 'service', name: 'api' }],
    ['arn:aws:ecs:us-east-1:000000000000:task/c1/abc', { kind: 'task', cluster: 'c1', id: 'abc' }],
    ['arn:aws:ecs:us-east-1:000000000000:container-instance/c1/x', { kind: 'container-instance', cluster: 'c1', id: 'x' }],
    ['arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/a/b', undefined],
    ['arn:aws:ecs:us-east-1:000000000000:task/a/b/c', undefined],
    ['not-an-arn', undefined],
  ];
  for (const [arn, want] of cases) test(`parse ${arn}`, () => assert.deepEqual(parseEcsArn(arn), want));

  test('family and revision references', () => {
    assert.deepEqual(parseFamilyRevision('web'), { family: 'web' });
    assert.deepEqual(parseFamilyRevision('web:7'), { family: 'web', revision: 7 });
    assert.equal(parseFamilyRevision('web:0'), undefined);
    assert.equal(parseFamilyRevision('web:x'), undefined);
    assert.equal(parseFamilyRevision(':3'), undefined);
  });

  test('cluster and resource references accept names and ARNs', () => {
    assert.equal(clusterNameOf(undefined), 'default');
    assert.equal(clusterNameOf('c1'), 'c1');
    assert.equal(clusterNameOf('arn:aws:ecs:us-east-1:000000000000:cluster/c2'), 'c2');
    assert.equal(clusterNameOf('arn:aws:ecs:us-east-1:000000000000:service/c2/s'), undefined);
    assert.equal(resourceIdOf('abc', 'task'), 'abc');
    assert.equal(resourceIdOf('arn:aws:ecs:us-east-1:000000000000:task/c/abc', 'task'), 'abc');
    assert.equal(resourceIdOf('arn:aws:ecs:us-east-1:000000000000:task/c/abc', 'service'), undefined);
  });
});

describe('ids', () => {
  test('resource ids are 32 hex digits, deployment ids ecs-svc/ + 19 digits', () => {
    const r = seededRandom(7);
    assert.match(newResourceId(r), /^[0-9a-f]{32}$/);
    for (let i = 0; i < 50; i++) assert.match(newDeploymentId(r), /^ecs-svc\/[1-9]\d{18}$/);
    assert.notEqual(newResourceId(r), newResourceId(r));
  });
});
