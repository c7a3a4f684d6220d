import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import {
  CreateRuleCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  TargetGroupNotFoundException,
  type CreateRuleCommandInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AwsError } from '../../domain/aws-error.js';
import { awsCliPath, requirement } from '../../../test/support/requirements.js';
import { createApiServer, type ApiServerOptions } from './api-server.js';
import type { RequestContext } from './operation.js';
import { createStsHandlers } from '../sts/sts-handlers.js';
import { signRequest } from './sigv4.js';

interface Seen {
  op: string;
  input: unknown;
  ctx: RequestContext;
}

function stubs(seen: Seen[]): ApiServerOptions['handlers'] {
  // The stubs answer by hand, some of it outside the model on purpose (the encoder's job is tested): their input is the decoded JSON.
  const rec = (op: string, out: (input: Record<string, unknown>) => unknown) => async (input: Record<string, unknown>, ctx: RequestContext) => {
    seen.push({ op, input, ctx });
    return out(input);
  };
  return {
    ecs: {
      ListClusters: rec('ListClusters', () => ({ clusterArns: ['arn:aws:ecs:us-east-1:000000000000:cluster/default'] })),
      RegisterTaskDefinition: rec('RegisterTaskDefinition', (i) => ({
        taskDefinition: { family: i.family, revision: 1, status: 'ACTIVE', registeredAt: 1_700_000_000_250 },
      })),
      DescribeServices: rec('DescribeServices', () => ({
        services: [
          {
            serviceName: 'web',
            status: 'ACTIVE',
            desiredCount: 2,
            runningCount: 2,
            createdAt: new Date(1_700_000_000_000),
            deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', createdAt: 1_700_000_001_500, rolloutState: 'COMPLETED' }],
            events: [{ id: 'e1', createdAt: 1_700_000_002_000, message: '(service web) has reached a steady state.' }],
          },
        ],
        failures: [{ arn: 'arn:missing', reason: 'MISSING' }],
      })),
      DeleteCluster: rec('DeleteCluster', () => {
        throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
      }),
      StopTask: rec('StopTask', () => {
        throw new Error('database exploded at /secret/path');
      }),
    },
    elbv2: {
      CreateRule: rec('CreateRule', () => ({ Rules: [{ RuleArn: 'arn:rule', Priority: '10', IsDefault: false, Conditions: [], Actions: [] }] })),
      DescribeTargetHealth: rec('DescribeTargetHealth', () => ({
        TargetHealthDescriptions: [
          { Target: { Id: 'i-0abc', Port: 32768 }, HealthCheckPort: '32768', TargetHealth: { State: 'healthy' } },
          {
            Target: { Id: 'i-0abc', Port: 32769 },
            HealthCheckPort: '32769',
            TargetHealth: { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [502]' },
          },
        ],
      })),
      DescribeLoadBalancers: rec('DescribeLoadBalancers', (i) => ({
        LoadBalancers:
          Array.isArray(i.Names) && i.Names.length === 0
            ? []
            : [{ LoadBalancerName: 'lb', CreatedTime: 1_458_941_172_920, State: { Code: 'active' }, SecurityGroups: [], AvailabilityZones: [] }],
      })),
      DeleteTargetGroup: rec('DeleteTargetGroup', () => {
        throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
      }),
    },
    ec2: {
      DescribeSecurityGroups: rec('DescribeSecurityGroups', () => ({
        SecurityGroups: [
          {
            GroupId: 'sg-1',
            GroupName: 'web',
            Description: 'web tier',
            VpcId: 'vpc-1',
            OwnerId: '000000000000',
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: 32768, ToPort: 60999, IpRanges: [{ CidrIp: '127.0.0.0/8' }] }],
            IpPermissionsEgress: [],
            Tags: [{ Key: 'Name', Value: 'web' }],
          },
        ],
      })),
      DeleteSecurityGroup: rec('DeleteSecurityGroup', () => {
        throw new AwsError('InvalidGroup.NotFound', "The security group 'sg-9' does not exist");
      }),
    },
    sts: createStsHandlers(),
  };
}

async function start(options: Partial<ApiServerOptions> = {}, seen: Seen[] = []): Promise<{ app: FastifyInstance; url: string }> {
  const app = await createApiServer({ handlers: stubs(seen), bodyLimit: 64 * 1024, ...options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  assert.ok(addr && typeof addr === 'object');
  return { app, url: `http://127.0.0.1:${addr.port}` };
}

const creds = { accessKeyId: 'AKIDTEST', secretAccessKey: 's3cret' };
const clients = (url: string, credentials = creds, region = 'eu-west-1') => {
  const cfg = { endpoint: url, region, credentials, maxAttempts: 1 };
  return { ecs: new ECSClient(cfg), elb: new ElasticLoadBalancingV2Client(cfg), ec2: new EC2Client(cfg) };
};

/** What an SDK client threw: its error's name, message and the response metadata. */
type SdkError = Error & { $metadata: { httpStatusCode?: number; requestId?: string } };

async function rejection(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof Error && '$metadata' in e, String(e));
    return e as SdkError;
  }
  assert.fail('expected the call to fail');
}

describe('api server with real SDK clients (auth off)', () => {
  const seen: Seen[] = [];
  let app: FastifyInstance;
  let url: string;
  let c: ReturnType<typeof clients>;
  before(async () => {
    ({ app, url } = await start({}, seen));
    c = clients(url);
  });
  after(() => app.close());
  const last = (op: string) => seen.filter((s) => s.op === op).at(-1)!;

  test('ECS RegisterTaskDefinition input arrives intact, with the request context', async () => {
    const input: RegisterTaskDefinitionCommandInput = {
      family: 'web',
      networkMode: 'bridge',
      requiresCompatibilities: ['EC2'],
      containerDefinitions: [
        {
          name: 'app',
          image: 'nginx:alpine',
          memory: 128,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
          environment: [{ name: 'A', value: 'b c' }],
          dockerLabels: { 'x.y': 'z' },
          healthCheck: { command: ['CMD-SHELL', 'wget -q -O- localhost || exit 1'], interval: 5, retries: 3 },
        },
      ],
      tags: [{ key: 'team', value: 'edge' }],
    };
    const out = await c.ecs.send(new RegisterTaskDefinitionCommand(input));
    assert.equal(out.taskDefinition?.family, 'web');
    assert.deepEqual(out.taskDefinition?.registeredAt, new Date(1_700_000_000_250));
    const { input: got, ctx } = last('RegisterTaskDefinition');
    assert.deepEqual(got, input);
    assert.equal(ctx.region, 'eu-west-1');
    assert.equal(ctx.accountId, '000000000000');
    assert.equal(ctx.requestId, out.$metadata.requestId);
    assert.equal(ctx.sourceIp, '127.0.0.1');
    assert.equal(typeof ctx.now, 'number');
  });

  test('ECS output timestamps are parsed as Date by the SDK', async () => {
    const out = await c.ecs.send(new DescribeServicesCommand({ cluster: 'default', services: ['web', 'missing'] }));
    const svc = out.services![0]!;
    assert.ok(svc.createdAt instanceof Date);
    assert.equal(svc.createdAt.getTime(), 1_700_000_000_000);
    assert.equal(svc.deployments![0]!.createdAt!.getTime(), 1_700_000_001_500);
    assert.equal(svc.events![0]!.message, '(service web) has reached a steady state.');
    assert.deepEqual(out.failures, [{ arn: 'arn:missing', reason: 'MISSING' }]);
    assert.deepEqual(last('DescribeServices').input, { cluster: 'default', services: ['web', 'missing'] });
  });

  test('an AwsError surfaces as the SDK modeled exception class', async () => {
    const { DeleteClusterCommand } = await import('@aws-sdk/client-ecs');
    const err = await rejection(c.ecs.send(new DeleteClusterCommand({ cluster: 'nope' })));
    assert.ok(err instanceof ClusterNotFoundException, `got ${err?.name}`);
    assert.equal(err.message, 'Cluster not found.');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.ok(err.$metadata.requestId);
  });

  test('a handler bug is a 500 ServerException without internals, and the server keeps answering', async () => {
    const { StopTaskCommand } = await import('@aws-sdk/client-ecs');
    const err = await rejection(c.ecs.send(new StopTaskCommand({ task: 't' })));
    assert.equal(err.name, 'ServerException');
    assert.equal(err.$metadata.httpStatusCode, 500);
    assert.ok(!String(err.message).includes('/secret/path'));
    assert.equal((await c.ecs.send(new ListClustersCommand({}))).clusterArns?.length, 1);
  });

  test('SDK-side validation passes, server-side validation answers InvalidParameterException', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition' },
      body: JSON.stringify({ containerDefinitions: [] }),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      __type: 'InvalidParameterException',
      message: "1 validation error detected: Value null at 'family' failed to satisfy constraint: Member must not be null",
    });
  });

  test('ELBv2 CreateRule with nested conditions arrives intact', async () => {
    const input: CreateRuleCommandInput = {
      ListenerArn: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/lb/1/2',
      Priority: 10,
      Conditions: [
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*', '/a b'] } },
        { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v', Value: '1 2' }, { Value: '&=' }] } },
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Env', Values: ['blue', 'green'] } },
        { Field: 'host-header', HostHeaderConfig: { Values: ['*.example.com'] } },
      ],
      Actions: [
        {
          Type: 'forward',
          Order: 1,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: 'tg-a', Weight: 1 },
              { TargetGroupArn: 'tg-b', Weight: 3 },
            ],
            TargetGroupStickinessConfig: { Enabled: false },
          },
        },
      ],
      Tags: [{ Key: 'k', Value: 'v' }],
    };
    const out = await c.elb.send(new CreateRuleCommand(input));
    assert.equal(out.Rules?.[0]?.Priority, '10');
    assert.deepEqual(out.Rules?.[0]?.Conditions, []);
    assert.deepEqual(last('CreateRule').input, input);
  });

  test('ELBv2 DescribeTargetHealth output is parsed by the SDK', async () => {
    const out = await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: 'tg-a', Targets: [{ Id: 'i-0abc', Port: 32768 }] }));
    assert.deepEqual(out.TargetHealthDescriptions, [
      { Target: { Id: 'i-0abc', Port: 32768 }, HealthCheckPort: '32768', TargetHealth: { State: 'healthy' } },
      {
        Target: { Id: 'i-0abc', Port: 32769 },
        HealthCheckPort: '32769',
        TargetHealth: { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [502]' },
      },
    ]);
    assert.deepEqual(last('DescribeTargetHealth').input, { TargetGroupArn: 'tg-a', Targets: [{ Id: 'i-0abc', Port: 32768 }] });
  });

  test('ELBv2 timestamps become Date, empty lists are sent bare and come back empty', async () => {
    const out = await c.elb.send(new DescribeLoadBalancersCommand({}));
    assert.deepEqual(out.LoadBalancers?.[0]?.CreatedTime, new Date(1_458_941_172_920));
    const none = await c.elb.send(new DescribeLoadBalancersCommand({ Names: [] }));
    assert.deepEqual(last('DescribeLoadBalancers').input, { Names: [] });
    assert.equal(none.LoadBalancers?.length ?? 0, 0);
  });

  test('TargetGroupNotFound surfaces as TargetGroupNotFoundException', async () => {
    const { DeleteTargetGroupCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
    const err = await rejection(c.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: 'tg-x' })));
    assert.ok(err instanceof TargetGroupNotFoundException, `got ${err?.name}`);
    assert.equal(err.message, 'One or more target groups not found');
    assert.equal(err.$metadata.httpStatusCode, 400);
  });

  test('ELBv2 validation: ValidationError in AWS wording', async () => {
    const { CreateLoadBalancerCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
    const err = await rejection(c.elb.send(new CreateLoadBalancerCommand({ Name: 'lb', IpAddressType: 'x' as never })));
    assert.equal(err.name, 'ValidationError');
    assert.match(
      err.message,
      /^1 validation error detected: Value 'x' at 'ipAddressType' failed to satisfy constraint: Member must satisfy enum value set: \[ipv4, dualstack/,
    );
  });

  test('EC2 DescribeSecurityGroups round-trip', async () => {
    const out = await c.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-1', 'sg-2'], Filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }] }));
    assert.deepEqual(last('DescribeSecurityGroups').input, { GroupIds: ['sg-1', 'sg-2'], Filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }] });
    const sg = out.SecurityGroups![0]!;
    assert.equal(sg.GroupId, 'sg-1');
    assert.equal(sg.Description, 'web tier');
    assert.deepEqual(sg.IpPermissions, [{ IpProtocol: 'tcp', FromPort: 32768, ToPort: 60999, IpRanges: [{ CidrIp: '127.0.0.0/8' }] }]);
    assert.deepEqual(sg.IpPermissionsEgress, []);
    assert.deepEqual(sg.Tags, [{ Key: 'Name', Value: 'web' }]);
    assert.ok(out.$metadata.requestId);
  });

  test('EC2 errors use the EC2 envelope', async () => {
    const { DeleteSecurityGroupCommand } = await import('@aws-sdk/client-ec2');
    const err = await rejection(c.ec2.send(new DeleteSecurityGroupCommand({ GroupId: 'sg-9' })));
    assert.equal(err.name, 'InvalidGroup.NotFound');
    assert.equal(err.message, "The security group 'sg-9' does not exist");
  });
});

describe('api server: bad input over raw HTTP', () => {
  let app: FastifyInstance;
  let url: string;
  before(async () => ({ app, url } = await start()));
  after(() => app.close());

  const post = (headers: Record<string, string>, body: string | Buffer, path = '/') => fetch(url + path, { method: 'POST', headers, body });
  const json = (op: string, body: string) =>
    post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonEC2ContainerServiceV20141113.${op}` }, body);
  const form = (body: string) => post({ 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body);

  async function still(): Promise<void> {
    const res = await json('ListClusters', '{}');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { clusterArns: ['arn:aws:ecs:us-east-1:000000000000:cluster/default'] });
  }

  test('unknown ECS operation and unknown target prefix', async () => {
    for (const target of ['AmazonEC2ContainerServiceV20141113.Frobnicate', 'Other.ListClusters', 'garbage']) {
      const res = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, '{}');
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('x-amzn-errortype'), 'UnknownOperationException');
      assert.ok(res.headers.get('x-amzn-requestid'));
      assert.equal(((await res.json()) as { __type?: string }).__type, 'UnknownOperationException');
    }
    await still();
  });

  test('an operation in the model without a handler', async () => {
    const res = await json('CreateCluster', '{}');
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { __type?: string }).__type, 'UnknownOperationException');
    const q = await form('Action=CreateLoadBalancer&Version=2015-12-01&Name=x');
    assert.equal(q.status, 400);
    assert.match(await q.text(), /<Code>InvalidAction<\/Code>/);
  });

  test('malformed JSON and wrong JSON types', async () => {
    for (const body of ['{"a":', 'null x', '[1,2]', '"str"']) {
      const res = await json('ListClusters', body);
      assert.equal(res.status, 400, body);
      assert.equal(((await res.json()) as { __type?: string }).__type, 'SerializationException', body);
    }
    await still();
  });

  test('garbage and unknown form bodies', async () => {
    const missing = await form('\u0000\u00ff%%%&&==');
    assert.equal(missing.status, 400);
    assert.ok(missing.headers.get('x-amzn-requestid'));
    const text = await missing.text();
    assert.match(
      text,
      /<ErrorResponse xmlns="http:\/\/elasticloadbalancing\.amazonaws\.com\/doc\/2015-12-01\/"><Error><Type>Sender<\/Type><Code>MissingAction<\/Code>/,
    );
    assert.ok(text.includes(`<RequestId>${missing.headers.get('x-amzn-requestid')}</RequestId>`));
    const unknown = await form('Action=Frobnicate&Version=2015-12-01');
    assert.equal(unknown.status, 400);
    assert.match(await unknown.text(), /<Code>InvalidAction<\/Code>/);
    const ec2 = await form('Action=Frobnicate&Version=2016-11-15');
    assert.match(await ec2.text(), /<Response><Errors><Error><Code>InvalidAction<\/Code>/);
    const binary = await post({ 'content-type': 'application/octet-stream' }, Buffer.from([0, 1, 2, 255]));
    assert.equal(binary.status, 400);
    await still();
  });

  test('an oversized body is a 413 in the AWS envelope', async () => {
    const big = JSON.stringify({ clusters: Array.from({ length: 10_000 }, (_, i) => `cluster-${i}`) });
    const res = await json('DescribeClusters', big);
    assert.equal(res.status, 413);
    assert.ok(res.headers.get('x-amzn-requestid'));
    assert.equal(((await res.json()) as { __type?: string }).__type, 'RequestEntityTooLarge');
    const q = await form(`Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=${'x'.repeat(70_000)}`);
    assert.equal(q.status, 413);
    assert.match(await q.text(), /<Code>RequestEntityTooLarge<\/Code>/);
    await still();
  });

  test('other methods and paths are 404 JSON', async () => {
    const get = await fetch(url + '/');
    assert.equal(get.status, 404);
    assert.equal(((await get.json()) as { __type?: string }).__type, 'NotFound');
    assert.ok(get.headers.get('x-amzn-requestid'));
    const other = await post({ 'content-type': 'application/x-amz-json-1.1' }, '{}', '/elsewhere');
    assert.equal(other.status, 404);
    await still();
  });
});

describe('api server with SigV4', () => {
  let app: FastifyInstance;
  let url: string;
  before(async () => ({ app, url } = await start({ auth: { mode: 'sigv4', credentials: new Map([[creds.accessKeyId, creds.secretAccessKey]]) } })));
  after(() => app.close());

  test('signed requests with the right secret pass for all three services', async () => {
    const c = clients(url, creds, 'ap-south-1');
    assert.equal((await c.ecs.send(new ListClustersCommand({}))).clusterArns?.length, 1);
    assert.equal((await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: 'tg' }))).TargetHealthDescriptions?.length, 2);
    assert.equal((await c.ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups?.length, 1);
  });

  test("a wrong secret is rejected with each protocol's code", async () => {
    const c = clients(url, { accessKeyId: creds.accessKeyId, secretAccessKey: 'wrong' });
    const ecs = await rejection(c.ecs.send(new ListClustersCommand({})));
    assert.equal(ecs.name, 'InvalidSignatureException');
    assert.equal(ecs.$metadata.httpStatusCode, 400);
    const elb = await rejection(c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: 'tg' })));
    assert.equal(elb.name, 'SignatureDoesNotMatch');
    assert.equal(elb.$metadata.httpStatusCode, 403);
    const ec2 = await rejection(c.ec2.send(new DescribeSecurityGroupsCommand({})));
    assert.equal(ec2.name, 'AuthFailure');
  });

  test('a signature made for another service (s3) is refused, as AWS refuses it', async () => {
    const body = Buffer.from('{}');
    const host = new URL(url).host;
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters', host };
    const signed = (service: string) => ({ ...headers, ...signRequest({ method: 'POST', url: '/', headers, body }, creds, Date.now(), 'us-east-1', service) });
    const s3 = await fetch(url, { method: 'POST', headers: signed('s3'), body });
    assert.equal(s3.status, 400);
    assert.deepEqual(await s3.json(), { __type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'ecs'." });
    assert.equal((await fetch(url, { method: 'POST', headers: signed('ecs'), body })).status, 200);
    const form = Buffer.from('Action=DescribeLoadBalancers&Version=2015-12-01');
    const formHeaders = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host };
    const elb = await fetch(url, {
      method: 'POST',
      headers: { ...formHeaders, ...signRequest({ method: 'POST', url: '/', headers: formHeaders, body: form }, creds, Date.now(), 'us-east-1', 'ecs') },
      body: form,
    });
    assert.equal(elb.status, 403);
    assert.match(
      await elb.text(),
      /<Code>SignatureDoesNotMatch<\/Code><Message>Credential should be scoped to correct service: &apos;elasticloadbalancing&apos;\.<\/Message>/,
    );
  });

  test('an unknown access key and a missing signature', async () => {
    const c = clients(url, { accessKeyId: 'NOPE', secretAccessKey: 'x' });
    assert.equal((await rejection(c.ecs.send(new ListClustersCommand({})))).name, 'UnrecognizedClientException');
    assert.equal((await rejection(c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: 'tg' })))).name, 'InvalidClientTokenId');
    const res = await fetch(url, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' },
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { __type?: string }).__type, 'MissingAuthenticationTokenException');
  });
});

describe('api server: the service table (STS, EC2 actions Berth lacks, the account)', () => {
  const seen: Seen[] = [];
  let app: FastifyInstance;
  let url: string;
  before(async () => ({ app, url } = await start({ accountId: '123456789012' }, seen)));
  after(() => app.close());
  const form = (body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body });

  test('STS GetCallerIdentity answers the configured account in the STS envelope', async () => {
    const res = await form('Action=GetCallerIdentity&Version=2011-06-15');
    assert.equal(res.status, 200);
    const xml = await res.text();
    assert.match(xml, /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult>/);
    assert.match(xml, /<Account>123456789012<\/Account>/);
    assert.match(xml, /<Arn>arn:aws:iam::123456789012:root<\/Arn>/);
    const other = await form('Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=session');
    assert.equal(other.status, 400);
    assert.match(await other.text(), /xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/);
  });

  test('the account reaches every handler through the request context', async () => {
    const ecs = new ECSClient({ endpoint: url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
    await ecs.send(new ListClustersCommand({}));
    assert.equal(seen.filter((x) => x.op === 'ListClusters').at(-1)!.ctx.accountId, '123456789012');
    assert.equal(seen.filter((x) => x.op === 'ListClusters').at(-1)!.ctx.accessKeyId, creds.accessKeyId);
  });

  test('an EC2 action of the full model that Berth lacks is UnsupportedOperation; one of no model InvalidAction', async () => {
    const classic = await form('Action=DescribeVpcClassicLink&Version=2016-11-15');
    assert.equal(classic.status, 400);
    assert.match(await classic.text(), /<Code>UnsupportedOperation<\/Code><Message>The action DescribeVpcClassicLink is not supported by Berth/);
    const made = await form('Action=DescribeUnicorns&Version=2016-11-15');
    assert.equal(made.status, 400);
    assert.match(await made.text(), /<Code>InvalidAction<\/Code><Message>The action DescribeUnicorns is not valid/);
    // In the subset model but without a handler in this server: also UnsupportedOperation.
    const noHandler = await form('Action=DescribeVpcs&Version=2016-11-15');
    assert.match(await noHandler.text(), /<Code>UnsupportedOperation<\/Code>/);
  });
});

describe('api server extension points', () => {
  test('plugins add routes beside the AWS front door', async () => {
    const { app, url } = await start({
      plugins: [
        async (scope) => {
          scope.get('/berth/ping', async () => ({ ok: true }));
        },
      ],
    });
    try {
      const res = await fetch(`${url}/berth/ping`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { ok: true });
      const still = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=DescribeLoadBalancers&Version=2015-12-01',
      });
      assert.equal(still.status, 200);
    } finally {
      await app.close();
    }
  });
});

describe('api server with the AWS CLI v2', { skip: requirement('aws-cli') }, () => {
  let app: FastifyInstance;
  let url: string;
  before(async () => ({ app, url } = await start()));
  after(() => app.close());

  const aws = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(awsCliPath()!, [...args, '--endpoint-url', url, '--region', 'us-east-1', '--output', 'json'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: 'AKIDCLI',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
      },
      timeout: 60_000,
    });
    return JSON.parse(stdout);
  };

  test('ecs list-clusters', async () => {
    assert.deepEqual(await aws('ecs', 'list-clusters'), { clusterArns: ['arn:aws:ecs:us-east-1:000000000000:cluster/default'] });
  });

  test('sts get-caller-identity names the access key in the account', async () => {
    assert.deepEqual(await aws('sts', 'get-caller-identity'), { UserId: 'AKIDCLI', Account: '000000000000', Arn: 'arn:aws:iam::000000000000:user/AKIDCLI' });
  });

  test('ec2 describe-vpc-classic-link is UnsupportedOperation, which tools such as Ansible tolerate', async () => {
    await assert.rejects(aws('ec2', 'describe-vpc-classic-link'), (err: { stderr: string }) => {
      assert.match(
        err.stderr,
        /\(UnsupportedOperation\) when calling the DescribeVpcClassicLink operation: The action DescribeVpcClassicLink is not supported/,
      );
      return true;
    });
  });

  test('elbv2 describe-load-balancers', async () => {
    const out = await aws('elbv2', 'describe-load-balancers');
    assert.equal(out.LoadBalancers[0].LoadBalancerName, 'lb');
    assert.equal(out.LoadBalancers[0].State.Code, 'active');
    assert.match(out.LoadBalancers[0].CreatedTime, /^2016-03-25T21:26:12\.920/);
  });
});
