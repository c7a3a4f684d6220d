import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../domain/aws-error.js';
import { parseForm } from './form-tree.js';
import { loadModel } from './model.js';
import { decodeQueryInput, wireName } from './query-decoder.js';

const elbv2 = loadModel('elbv2');
const ec2 = loadModel('ec2');
const elb = (op: string, body: string) => decodeQueryInput(elbv2, 'query', elbv2.operations.get(op)!, parseForm(`Action=${op}&Version=2015-12-01&${body}`));
const ec = (op: string, body: string) => decodeQueryInput(ec2, 'ec2', ec2.operations.get(op)!, parseForm(`Action=${op}&Version=2016-11-15&${body}`));

function rejects(fn: () => unknown, code: string, message?: RegExp | string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected AwsError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

describe('AWS Query input (ELBv2)', () => {
  test('nested lists inside lists and structures arrive intact', () => {
    const input = elb(
      'CreateRule',
      [
        'ListenerArn=arn%3Aaws%3Alistener',
        'Priority=10',
        'Conditions.member.1.Field=path-pattern',
        'Conditions.member.1.PathPatternConfig.Values.member.1=%2Fapi%2F%2A',
        'Conditions.member.1.PathPatternConfig.Values.member.2=%2Fv2+x',
        'Conditions.member.2.QueryStringConfig.Values.member.1.Key=v',
        'Conditions.member.2.QueryStringConfig.Values.member.1.Value=1',
        'Conditions.member.2.QueryStringConfig.Values.member.2.Value=only%20value',
        'Conditions.member.3.HttpHeaderConfig.HttpHeaderName=X-Env',
        'Conditions.member.3.HttpHeaderConfig.Values.member.1=blue',
        'Actions.member.1.Type=forward',
        'Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=tg1',
        'Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight=3',
        'Actions.member.1.ForwardConfig.TargetGroupStickinessConfig.Enabled=true',
        'Actions.member.1.ForwardConfig.TargetGroupStickinessConfig.DurationSeconds=60',
        'Actions.member.1.Order=1',
      ].join('&'),
    );
    assert.deepEqual(input, {
      ListenerArn: 'arn:aws:listener',
      Priority: 10,
      Conditions: [
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*', '/v2 x'] } },
        { QueryStringConfig: { Values: [{ Key: 'v', Value: '1' }, { Value: 'only value' }] } },
        { HttpHeaderConfig: { HttpHeaderName: 'X-Env', Values: ['blue'] } },
      ],
      Actions: [
        {
          Type: 'forward',
          Order: 1,
          ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'tg1', Weight: 3 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } },
        },
      ],
    });
  });

  test('list members sort as numbers, not text', () => {
    const body = Array.from({ length: 11 }, (_, i) => `Names.member.${i + 1}=n${i + 1}`)
      .reverse()
      .join('&');
    assert.deepEqual(
      elb('DescribeLoadBalancers', body).Names,
      Array.from({ length: 11 }, (_, i) => `n${i + 1}`),
    );
  });

  test('a bare X= is an empty list', () => {
    assert.deepEqual(elb('DescribeLoadBalancers', 'Names=&PageSize=5'), { Names: [], PageSize: 5 });
    const rule = elb('CreateRule', 'ListenerArn=l&Priority=1&Conditions=&Actions.member.1.Type=forward');
    assert.deepEqual(rule.Conditions, []);
  });

  test('scalars: integers, booleans, structures with dots; unknown names ignored', () => {
    const input = elb(
      'CreateTargetGroup',
      'Name=web&Protocol=HTTP&Port=80&HealthCheckEnabled=false&Matcher.HttpCode=200-299&Whatever=1&Tags.member.1.Key=k&Tags.member.1.Value=v',
    );
    assert.deepEqual(input, {
      Name: 'web',
      Protocol: 'HTTP',
      Port: 80,
      HealthCheckEnabled: false,
      Matcher: { HttpCode: '200-299' },
      Tags: [{ Key: 'k', Value: 'v' }],
    });
  });

  test('maps come as entry.N.key/value', () => {
    const base =
      'ListenerArn=l&Priority=1&Conditions=&Actions.member.1.Type=authenticate-oidc&' +
      ['Issuer', 'AuthorizationEndpoint', 'TokenEndpoint', 'UserInfoEndpoint', 'ClientId']
        .map((k) => `Actions.member.1.AuthenticateOidcConfig.${k}=x`)
        .join('&');
    const input = elb(
      'CreateRule',
      `${base}&Actions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.key=prompt` +
        '&Actions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.value=login' +
        '&Actions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.2.key=a&Actions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.2.value=b',
    );
    const actions = input.Actions as { AuthenticateOidcConfig: { AuthenticationRequestExtraParams: unknown } }[];
    assert.deepEqual(actions[0]!.AuthenticateOidcConfig.AuthenticationRequestExtraParams, { prompt: 'login', a: 'b' });
  });

  test('enum violation: ValidationError in AWS wording', () => {
    rejects(
      () => elb('CreateLoadBalancer', 'Name=lb&IpAddressType=x'),
      'ValidationError',
      "1 validation error detected: Value 'x' at 'ipAddressType' failed to satisfy constraint: Member must satisfy enum value set: [ipv4, dualstack, dualstack-without-public-ipv4]",
    );
  });

  test('missing required, range and type violations are all reported', () => {
    rejects(
      () => elb('CreateTargetGroup', 'Port=0'),
      'ValidationError',
      "2 validation errors detected: Value '0' at 'port' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
    rejects(
      () => elb('RegisterTargets', 'TargetGroupArn=t&Targets.member.1.Id=i-1&Targets.member.1.Port=abc'),
      'ValidationError',
      "1 validation error detected: Value 'abc' at 'targets.1.member.port' failed to satisfy constraint: Member must be an integer",
    );
    rejects(() => elb('RegisterTargets', 'TargetGroupArn=t&Targets.member.1.Port=80'), 'ValidationError', /Value null at 'targets.1.member.id'/);
    rejects(() => elb('CreateTargetGroup', 'Name=a&HealthCheckEnabled=maybe'), 'ValidationError', /Member must be a boolean/);
  });

  test('wire names: query uses locationName or the member name; ec2 capitalizes locationName', () => {
    assert.equal(wireName('query', 'Names', { shape: 'X' }), 'Names');
    assert.equal(wireName('ec2', 'DryRun', { shape: 'B', locationName: 'dryRun' }), 'DryRun');
    assert.equal(wireName('ec2', 'GroupIds', { shape: 'L', locationName: 'GroupId', queryName: 'Q' }), 'Q');
    assert.equal(wireName('ec2', 'GroupName', { shape: 'S' }), 'GroupName');
  });
});

describe('EC2 input', () => {
  test('flattened lists named by locationName', () => {
    const input = ec(
      'DescribeSecurityGroups',
      'GroupId.1=sg-1&GroupId.2=sg-2&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1&Filter.1.Value.2=vpc-2&DryRun=false&MaxResults=10',
    );
    assert.deepEqual(input, { GroupIds: ['sg-1', 'sg-2'], Filters: [{ Name: 'vpc-id', Values: ['vpc-1', 'vpc-2'] }], DryRun: false, MaxResults: 10 });
  });

  test('missing required is MissingParameter with the wire name', () => {
    rejects(() => ec('CreateSecurityGroup', 'GroupName=web'), 'MissingParameter', 'The request must contain the parameter GroupDescription');
    assert.deepEqual(ec('CreateSecurityGroup', 'GroupName=web&GroupDescription=d+d'), { GroupName: 'web', Description: 'd d' });
  });

  test('a bad value is InvalidParameterValue', () => {
    rejects(() => ec('DescribeSecurityGroups', 'MaxResults=many'), 'InvalidParameterValue', /Value \(many\) for parameter MaxResults is invalid/);
  });
});
