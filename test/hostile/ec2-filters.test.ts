/**
 * Hostile EC2 filter values: a wildcard pattern built to make a backtracking regex run for ever
 * (`*a*a*a...*b` against a long run of `a`) must be answered at once, through the real API server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import * as ec2 from '@aws-sdk/client-ec2';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { createElbv2Handlers } from '../../src/control-plane/elbv2/elbv2-handlers.js';
import { createEc2Handlers } from '../../src/control-plane/ec2/ec2-handlers.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { systemClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';

let app: FastifyInstance;
let client: ec2.EC2Client;
const store = new MemoryStore();

before(async () => {
  const deps = { store, clock: systemClock, random: seededRandom(3) };
  app = await createApiServer({ handlers: { ecs: {}, elbv2: createElbv2Handlers(deps), ec2: createEc2Handlers(deps) } });
  const endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
  client = new ec2.EC2Client({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
});
after(async () => {
  client?.destroy();
  await app?.close();
  await store.close();
});

test('a catastrophic-backtracking wildcard is matched in linear-ish time', async () => {
  const value = 'a'.repeat(255);
  await client.send(
    new ec2.CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: value }] }] }),
  );
  const evil = `${'*a'.repeat(40)}*b`;
  const started = process.hrtime.bigint();
  const none = await client.send(new ec2.DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: [evil, evil, evil] }] }));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.deepEqual(none.Vpcs, []);
  assert.ok(ms < 2000, `took ${ms} ms`);
  const some = await client.send(new ec2.DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: [`${'*a'.repeat(40)}*`] }] }));
  assert.equal(some.Vpcs!.length, 1);
});
