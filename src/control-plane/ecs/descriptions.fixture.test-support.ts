/** Real records for the projection tests: a cluster with one instance, a task definition, a service and a task, made by the handlers. */
import assert from 'node:assert/strict';
import { keys } from '../../domain/keys.js';
import type { ClusterRecord, ContainerInstanceRecord, ServiceRecord, TaskDefinitionRecord, TaskRecord } from '../../domain/ecs/records.js';
import { ecsKit } from './ecs-test-kit.js';

export async function storedRecords() {
  const k = ecsKit();
  await k.call('CreateCluster', { clusterName: 'c' });
  const instance = await k.instance({ cluster: 'c' });
  await k.taskDefinition();
  await k.call('CreateService', { cluster: 'c', serviceName: 's', taskDefinition: 'web', clientToken: 'token-1' });
  const taskArn: string = (await k.call('RunTask', { cluster: 'c', taskDefinition: 'web' })).tasks[0].taskArn;
  const get = async <T>(key: string): Promise<T> => {
    const rec = await k.store.get<T>(key);
    assert.ok(rec, key);
    return rec.value;
  };
  return {
    cluster: await get<ClusterRecord>(keys.cluster('c')),
    instance: await get<ContainerInstanceRecord>(keys.containerInstance('c', instance.id)),
    taskDefinition: await get<TaskDefinitionRecord>(keys.taskDefinition('web', 1)),
    service: await get<ServiceRecord>(keys.service('c', 's')),
    task: await get<TaskRecord>(keys.task('c', taskArn.split('/').pop() ?? '')),
  };
}
