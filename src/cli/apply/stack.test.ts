import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseStack } from './stack.js';
import { CliError } from '../cli-error.js';

for (const example of ['stack.yaml', 'stack-process.yaml']) {
  test(`the example ${example} parses: names resolve, cluster defaults onto services, attributes become strings`, () => {
    const stack = parseStack(readFileSync(resolve(import.meta.dirname, '../../../examples', example), 'utf8'));
    assert.equal(stack.loadBalancers.length, 1);
    assert.equal(stack.services[0]!.cluster, 'default');
    assert.equal(stack.services[0]!.loadBalancers![0]!.targetGroupName, stack.targetGroups[0]!.Name);
    for (const v of Object.values(stack.targetGroups[0]!.Attributes ?? {})) assert.equal(typeof v, 'string');
    const pm = (stack.taskDefinitions[0]!.containerDefinitions[0]!.portMappings as { hostPort: number }[])[0]!;
    assert.equal(pm.hostPort, 0);
  });
}

test('an empty file is an empty stack', () => {
  assert.deepEqual(parseStack(''), { defaultCluster: 'default', loadBalancers: [], targetGroups: [], taskDefinitions: [], services: [] });
  assert.equal(parseStack('name: shop').name, 'shop');
});

const bad: [string, RegExp][] = [
  ['services: [', /not valid YAML/],
  ['- a', /must be a mapping/],
  ['servics: []', /unknown top-level key "servics"/],
  ['targetGroups: [{ Port: 80 }]', /targetGroups\[0\]: Name is required/],
  ['targetGroups: [{ Name: a }, { Name: a }]', /target group "a" appears twice/],
  [
    'loadBalancers: [{ Name: e, Listeners: [{ Port: 80, DefaultActions: [{ Type: forward, TargetGroupName: nope }] }] }]',
    /TargetGroupName "nope" is not a target group of this file/,
  ],
  ['loadBalancers: [{ Name: e, Listeners: [{ Port: 80 }] }]', /actions must be a non-empty list/],
  ['taskDefinitions: [{ family: f }]', /containerDefinitions must be a non-empty list/],
  ['services: [{ serviceName: s }]', /service s: taskDefinition is required/],
  [
    'services: [{ serviceName: s, taskDefinition: f, loadBalancers: [{ targetGroupName: x, containerName: c, containerPort: 80 }] }]',
    /targetGroupName "x" is not a target group/,
  ],
];
for (const [text, message] of bad) {
  test(`a bad stack is a usage error: ${message.source}`, () => {
    assert.throws(
      () => parseStack(text),
      (e: unknown) => e instanceof CliError && e.exitCode === 2 && message.test(e.message),
    );
  });
}

test('examples/https-stack.yaml parses: a requested certificate and the HTTPS listener naming it', () => {
  const stack = parseStack(readFileSync(resolve(import.meta.dirname, '../../../examples/https-stack.yaml'), 'utf8'));
  assert.deepEqual(
    stack.certificates?.map((c) => c.Name),
    ['web'],
  );
  assert.deepEqual(
    stack.loadBalancers[0]!.Listeners!.map((l) => [l.Port, l.Protocol]),
    [
      [8443, 'HTTPS'],
      [8080, 'HTTP'],
    ],
  );
});
