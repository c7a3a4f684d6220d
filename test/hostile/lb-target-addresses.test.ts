/**
 * An internet-facing load balancer must not be pointable at this host's own services or at the cloud
 * metadata address: RegisterTargets refuses such ip targets through the real API and the AWS SDK.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { createApiServer } from '../../src/control-plane/api/api-server.js';
import { createElbv2Handlers } from '../../src/control-plane/elbv2/elbv2-handlers.js';
import { createEc2Handlers } from '../../src/control-plane/ec2/ec2-handlers.js';
import { ACCOUNT_ID, DEFAULT_REGION } from '../../src/control-plane/api/operation.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { systemClock } from '../../src/platform/clock.js';
import { seededRandom } from '../../src/platform/random.js';

async function api(
  allowLoopbackTargets: boolean,
): Promise<{ app: FastifyInstance; client: elb.ElasticLoadBalancingV2Client; store: MemoryStore; vpcId: string }> {
  const store = new MemoryStore();
  const deps = { store, clock: systemClock, random: seededRandom(3), allowLoopbackTargets };
  const ec2 = createEc2Handlers(deps);
  const app = await createApiServer({ handlers: { ecs: {}, elbv2: createElbv2Handlers(deps), ec2 } });
  const vpcs = await ec2.DescribeVpcs!({}, { requestId: 'r', region: DEFAULT_REGION, accountId: ACCOUNT_ID, now: 0, sourceIp: '127.0.0.1' });
  const vpcId = (vpcs as { Vpcs: Array<{ VpcId: string }> }).Vpcs[0]!.VpcId;
  const endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
  const client = new elb.ElasticLoadBalancingV2Client({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  return { app, client, store, vpcId };
}

for (const allow of [false, true]) {
  describe(`RegisterTargets with hostile ip targets (allowLoopbackTargets: ${allow})`, () => {
    let a: Awaited<ReturnType<typeof api>>;
    let tgArn: string;
    before(async () => {
      a = await api(allow);
      tgArn = (await a.client.send(new elb.CreateTargetGroupCommand({ Name: 'ips', Protocol: 'HTTP', Port: 80, TargetType: 'ip', VpcId: a.vpcId })))
        .TargetGroups![0]!.TargetGroupArn!;
    });
    after(async () => {
      a.client.destroy();
      await a.app.close();
      await a.store.close();
    });
    const refused = async (ip: string): Promise<void> => {
      await assert.rejects(
        a.client.send(
          new elb.RegisterTargetsCommand({
            TargetGroupArn: tgArn,
            Targets: [
              { Id: '10.0.0.5', Port: 80 },
              { Id: ip, Port: 4566 },
            ],
          }),
        ),
        (e: Error) => {
          assert.equal(e.name, 'InvalidTargetException', 'the SDK maps the wire code InvalidTarget to this class');
          assert.match(e.message, new RegExp(`^The IP address '${ip.replaceAll('.', '\\.')}' is not a valid target`));
          return true;
        },
      );
    };
    for (const ip of ['169.254.169.254', 'fe80::1', '0.0.0.0', '255.255.255.255', '::ffff:169.254.169.254']) {
      test(`${ip} is refused, and nothing of the request is registered`, async () => {
        await refused(ip);
        const health = await a.client.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
        assert.deepEqual(health.TargetHealthDescriptions, []);
      });
    }
    test(`loopback (127.0.0.1, ::1) is ${allow ? 'accepted' : 'refused'}`, async () => {
      for (const ip of ['127.0.0.1', '::1']) {
        if (!allow) await refused(ip);
        else await a.client.send(new elb.RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: ip, Port: 4566 }] }));
      }
      const ids = (await a.client.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tgArn }))).TargetHealthDescriptions!.map((d) => d.Target!.Id);
      assert.deepEqual(ids.sort(), allow ? ['127.0.0.1', '::1'] : []);
    });
  });
}
