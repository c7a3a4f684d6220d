import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { withImage } from './task-definition-copy.js';
import { CliError } from './cli-error.js';

const td: TaskDefinition = {
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:3',
  family: 'web',
  revision: 3,
  status: 'ACTIVE',
  networkMode: 'bridge',
  registeredAt: new Date(0),
  containerDefinitions: [
    { name: 'web', image: 'app:1', memory: 64, portMappings: [{ containerPort: 80, hostPort: 0 }] },
    { name: 'log', image: 'fluent:1' },
  ],
};

test('withImage swaps one image and keeps only registerable fields', () => {
  const input = withImage(td, 'app:2', 'web');
  assert.deepEqual(
    input.containerDefinitions?.map((c) => c.image),
    ['app:2', 'fluent:1'],
  );
  assert.equal(input.networkMode, 'bridge');
  assert.equal(input.family, 'web');
  for (const k of ['taskDefinitionArn', 'revision', 'status', 'registeredAt']) assert.ok(!(k in input), k);
});

test('withImage picks the only container, and asks when there are several or the name is wrong', () => {
  assert.equal(withImage({ ...td, containerDefinitions: [td.containerDefinitions![0]!] }, 'app:9', undefined).containerDefinitions![0]!.image, 'app:9');
  assert.throws(
    () => withImage(td, 'x', undefined),
    (e: unknown) => e instanceof CliError && e.exitCode === 2 && /--container \(web, log\)/.test(e.message),
  );
  assert.throws(() => withImage(td, 'x', 'db'), /no container "db"/);
});
