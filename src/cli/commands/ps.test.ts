import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Task } from '@aws-sdk/client-ecs';
import { hostPorts, psRows, renderPs, taskHealth } from './ps.js';

const CI = 'arn:aws:ecs:us-east-1:000000000000:container-instance/default/ci1';
const task = (id: string, port: number, extra: Partial<Task> = {}): Task => ({
  taskArn: `arn:aws:ecs:us-east-1:000000000000:task/default/${id}`,
  group: 'service:web',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:2',
  containerInstanceArn: CI,
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  healthStatus: 'UNKNOWN',
  createdAt: new Date(1000),
  containers: [{ name: 'web', networkBindings: [{ bindIP: '0.0.0.0', containerPort: 80, hostPort: port, protocol: 'tcp' }] }],
  ...extra,
});

test('hostPorts reads like docker ps', () => {
  assert.deepEqual(hostPorts(task('a', 32768)), ['127.0.0.1:32768->80/tcp']);
  assert.deepEqual(hostPorts({ containers: [{ networkBindings: [{ bindIP: '127.0.0.2', containerPort: 53, hostPort: 5353, protocol: 'udp' }] }] }), [
    '127.0.0.2:5353->53/udp',
  ]);
  assert.deepEqual(hostPorts({}), []);
});

test('taskHealth prefers the target state, worst first, then the container health status', () => {
  const targets = new Map([
    ['i-1:32768', { state: 'healthy' }],
    ['i-1:32769', { state: 'draining' }],
  ]);
  assert.equal(taskHealth(task('a', 32768), 'i-1', targets), 'healthy');
  const two = task('b', 32768);
  two.containers!.push({ name: 'side', networkBindings: [{ containerPort: 81, hostPort: 32769 }] });
  assert.equal(taskHealth(two, 'i-1', targets), 'draining');
  assert.equal(taskHealth(task('c', 40000, { healthStatus: 'UNHEALTHY' }), 'i-1', targets), 'unhealthy');
  assert.equal(taskHealth(task('d', 40000), 'i-1', targets), '-');
});

test('psRows and renderPs: ids, instance, ports, status transitions', () => {
  const rows = psRows(
    [task('bbb', 32769, { createdAt: new Date(2000), desiredStatus: 'STOPPED' }), task('aaa', 32768)],
    new Map([[CI, 'i-1']]),
    new Map([['i-1:32768', { state: 'initial' }]]),
  );
  assert.deepEqual(
    rows.map((r) => [r.id, r.instance, r.health]),
    [
      ['aaa', 'i-1', 'initial'],
      ['bbb', 'i-1', '-'],
    ],
  );
  const text = renderPs(rows);
  assert.match(text, /^TASK ID  GROUP        TASK DEFINITION  INSTANCE  PORTS                    STATUS            HEALTH\n/);
  assert.match(text, /aaa      service:web  web:2            i-1       127\.0\.0\.1:32768->80\/tcp  RUNNING           initial\n/);
  assert.match(text, /RUNNING->STOPPED/);
});
