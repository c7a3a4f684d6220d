import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../platform/random.js';
import { newDeployment, rollbackDeployment } from './deployment.js';

describe('deployments', () => {
  test('a new PRIMARY: counted from zero, in progress in ECS words', () => {
    const d = newDeployment(seededRandom(1), 1000, { taskDefinition: 'td:2', desiredCount: 3, launchType: 'EC2' });
    assert.match(d.id, /^ecs-svc\/[1-9]\d{18}$/);
    assert.deepEqual(
      { ...d, id: 'x' },
      {
        id: 'x',
        status: 'PRIMARY',
        taskDefinition: 'td:2',
        desiredCount: 3,
        pendingCount: 0,
        runningCount: 0,
        failedTasks: 0,
        createdAt: 1000,
        updatedAt: 1000,
        launchType: 'EC2',
        rolloutState: 'IN_PROGRESS',
        rolloutStateReason: `ECS deployment ${d.id} in progress.`,
      },
    );
  });

  test('a rollback: the failed one’s size, the target’s revision, after it even in the same millisecond, nothing of its bookkeeping', () => {
    const failed = {
      ...newDeployment(seededRandom(2), 5000, {
        taskDefinition: 'td:2',
        desiredCount: 4,
        launchType: 'EC2',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-new'] } },
      }),
      failedTasks: 3,
      failuresCounted: { through: 4999, atMark: ['t'] },
      rollbackReason: 'x',
    };
    const back = rollbackDeployment(seededRandom(3), 5000, failed, { taskDefinition: 'td:1' }, (id) => `Rolling back to ${id}.`);
    assert.equal(back.taskDefinition, 'td:1');
    assert.equal(back.desiredCount, 4);
    assert.equal(back.createdAt, 5001);
    assert.equal(back.updatedAt, 5000);
    assert.equal(back.rollbackOf, failed.id);
    assert.equal(back.failedTasks, 0);
    assert.equal(back.rolloutStateReason, `Rolling back to ${back.id}.`);
    for (const k of ['failuresCounted', 'rollbackReason', 'networkConfiguration']) assert.ok(!(k in back), k);
    const withNetwork = rollbackDeployment(seededRandom(3), 9000, failed, {
      taskDefinition: 'td:1',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-old'] } },
    });
    assert.deepEqual(withNetwork.networkConfiguration, { awsvpcConfiguration: { subnets: ['subnet-old'] } });
  });
});
