/**
 * The handler types at compile time: `npx tsc` fails this file if any `@ts-expect-error` below stops
 * being an error, so these are the proofs that a handler returning a member the model lacks, reading
 * a member the model does not give, or registered under a name no operation has, does not compile.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Handlers, InputOf, OutputOf, Reply, RequestContext, ServiceHandlers } from './operation.js';

const ctx: RequestContext = { requestId: 'r', region: 'us-east-1', accountId: '000000000000', now: 0, sourceIp: '127.0.0.1' };

const elbv2: Handlers<'elbv2'> = {
  async DescribeTargetHealth(input): Reply<'elbv2', 'DescribeTargetHealth'> {
    // A required member of the input shape is a string, an optional one may be absent.
    const arn: string = input.TargetGroupArn;
    if (arn === 'read') {
      // @ts-expect-error Targets is optional in the model, so it may be undefined
      const first: string = input.Targets[0].Id;
      return { TargetHealthDescriptions: [{ Target: { Id: first } }] };
    }
    if (arn === 'bogus') {
      // @ts-expect-error Bogus is no member of DescribeTargetHealthOutput
      return { TargetHealthDescriptions: [], Bogus: arn };
    }
    if (arn === 'nested') {
      // @ts-expect-error nested literals are checked too: TargetHealth has State, not Status
      return { TargetHealthDescriptions: [{ Target: { Id: 'i-1' }, TargetHealth: { Status: 'healthy' } }] };
    }
    return { TargetHealthDescriptions: [{ Target: { Id: 'i-1', Port: 80 }, TargetHealth: { State: 'healthy' } }] };
  },
};

const ecs: Handlers<'ecs'> = {
  // @ts-expect-error the handler for CreateCluster gets CreateCluster's input, not DeleteCluster's (whose cluster is required)
  async CreateCluster(input: InputOf<'ecs', 'DeleteCluster'>): Reply<'ecs', 'CreateCluster'> {
    return { cluster: { clusterName: input.cluster } };
  },
};

const misnamed: Handlers<'ecs'> = {
  // @ts-expect-error no ECS operation is called CreateClusters
  async CreateClusters(): Reply<'ecs', 'CreateCluster'> {
    return {};
  },
};

test('typed handler tables are the dispatcher’s handler tables, without a cast', async () => {
  const table: ServiceHandlers = elbv2;
  assert.equal(table.DescribeTargetHealth, elbv2.DescribeTargetHealth);
  const out: OutputOf<'elbv2', 'DescribeTargetHealth'> | undefined = await elbv2.DescribeTargetHealth?.({ TargetGroupArn: 'arn' }, ctx);
  assert.deepEqual(out?.TargetHealthDescriptions?.[0]?.TargetHealth, { State: 'healthy' });
  assert.equal(typeof ecs.CreateCluster, 'function');
  assert.equal(Object.keys(misnamed).length, 1);
});
