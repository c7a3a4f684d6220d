/** The model-driven request builder: probes found at depth, a valid base, botocore's wire names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../../src/control-plane/api/model.js';
import { formBody, inputWith, probesOf, validValue } from './model-input.js';

const elb = loadModel('elbv2');
const ecs = loadModel('ecs');
const ec2 = loadModel('ec2');

test('probes: required members, enums, ranges and lengths, nested ones included', () => {
  const op = elb.operations.get('CreateTargetGroup')!;
  const probes = probesOf(elb, op).map((p) => `${p.kind} ${p.path.join('.')}${p.value === undefined ? '' : `=${String(p.value).slice(0, 12)}`}`);
  for (const expected of [
    'missing Name',
    'enum Protocol=NOT_A_VALUE',
    'range Port=0',
    'range Port=65536',
    'range HealthCheckIntervalSeconds=4',
    'missing Tags.0.Key',
    'length Tags.0.Key=xxxxxxxxxxxx',
  ]) {
    assert.ok(probes.includes(expected), `${expected} in ${probes.join(', ')}`);
  }
  const rt = probesOf(ecs, ecs.operations.get('RegisterTaskDefinition')!).map((p) => `${p.kind} ${p.path.join('.')}`);
  assert.ok(
    rt.includes('missing containerDefinitions.0.portMappings.0.containerPort') || rt.includes('enum containerDefinitions.0.portMappings.0.protocol'),
    rt.join(', '),
  );
});

test('inputWith: a valid base with only the probed member wrong, and an emptied item kept on the wire', () => {
  const op = elb.operations.get('CreateTargetGroup')!;
  assert.deepEqual(validValue(elb, op.input!.shape), { Name: 'a' });
  const probe = probesOf(elb, op).find((p) => p.kind === 'missing' && p.path.join('.') === 'Tags.0.Key')!;
  const input = inputWith(elb, op, probe);
  assert.deepEqual(input, { Name: 'a', Tags: [{ Value: 'a' }] });
  assert.equal(formBody(elb, 'query', op, input), 'Action=CreateTargetGroup&Version=2015-12-01&Name=a&Tags.member.1.Value=a');
});

test('formBody: EC2 names lists Name.N and capitalises locationName', () => {
  const op = ec2.operations.get('DescribeSecurityGroups')!;
  const body = formBody(ec2, 'ec2', op, { GroupIds: ['sg-1', 'sg-2'], Filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }] });
  assert.equal(body, 'Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=sg-1&GroupId.2=sg-2&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1');
});
