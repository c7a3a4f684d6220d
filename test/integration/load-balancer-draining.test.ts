/**
 * Deregistration through the AWS SDK: a slow in-flight request finishes on the draining target while
 * new requests go elsewhere, the node records `drainedAt` once nothing is in flight, and
 * DescribeTargetHealth shows draining, then unused once the deregistration delay is over.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { keys } from '../../src/domain/keys.js';
import { parseElbv2Arn } from '../../src/domain/elbv2/arn.js';
import type { TargetRecord } from '../../src/domain/elbv2/target.js';
import { eventually } from '../support/eventually.js';
import { freePort, get, lbWorld, upstream, type LbWorld, type Upstream } from './load-balancer-harness.js';
import type http from 'node:http';

describe('draining through the AWS SDK', () => {
  let w: LbWorld;
  let a: Upstream;
  let b: Upstream;
  before(async () => {
    w = await lbWorld();
    const slow = (name: string) => (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.url !== '/slow') return false;
      setTimeout(() => res.end(`${name} slow`), 1200);
      return true;
    };
    a = await upstream('a', slow('a'));
    b = await upstream('b', slow('b'));
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await w?.close();
  });

  test('slow request finishes, new ones go elsewhere, drainedAt written, draining → unused', async () => {
    const lb = (await w.elb.send(new elb.CreateLoadBalancerCommand({ Name: 'drain', Scheme: 'internal' }))).LoadBalancers![0]!;
    const tg = (
      await w.elb.send(
        new elb.CreateTargetGroupCommand({
          Name: 'drain',
          Protocol: 'HTTP',
          Port: 80,
          TargetType: 'ip',
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 5,
        }),
      )
    ).TargetGroups![0]!;
    await w.elb.send(
      new elb.ModifyTargetGroupAttributesCommand({
        TargetGroupArn: tg.TargetGroupArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '3' }],
      }),
    );
    const port = await freePort();
    await w.elb.send(
      new elb.CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
      }),
    );
    await w.elb.send(
      new elb.RegisterTargetsCommand({
        TargetGroupArn: tg.TargetGroupArn,
        Targets: [
          { Id: '127.0.0.1', Port: a.port },
          { Id: '127.0.0.1', Port: b.port },
        ],
      }),
    );
    const state = async () =>
      (await w.elb.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: '127.0.0.1', Port: a.port }] })))
        .TargetHealthDescriptions![0]!.TargetHealth!;
    await eventually(
      async () =>
        (await w.elb.send(new elb.DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions!.map(
          (d) => d.TargetHealth!.State,
        ),
      { what: "(s) => s.every((x) => x === 'healthy')", timeoutMs: 15_000, intervalMs: 100, until: (s) => s.every((x) => x === 'healthy') },
    );

    // Put one slow request on a (round robin: try until a has it).
    let slow: Promise<{ status: number; body: string }> | undefined;
    for (let i = 0; i < 4 && !slow; i++) {
      const before = { a: a.hits, total: a.hits + b.hits };
      const p = get(port, '/slow');
      // Wait until one of the two has the request, then see which.
      await eventually(() => a.hits + b.hits, { what: 'the slow request reaches a target', timeoutMs: 2000, intervalMs: 10, until: (n) => n > before.total });
      if (a.hits > before.a) slow = p;
      else await p;
    }
    assert.ok(slow, 'a slow request reached a');

    await w.elb.send(new elb.DeregisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: '127.0.0.1', Port: a.port }] }));
    assert.equal((await state()).State, 'draining');
    assert.equal((await state()).Reason, 'Target.DeregistrationInProgress');
    // New requests go to b at once (within the node's debounce): once one has, every one does.
    await eventually(async () => (await get(port, '/n')).body, {
      what: 'a new request goes to b',
      timeoutMs: 2000,
      intervalMs: 10,
      until: (body) => body === 'b /n',
    });
    for (let i = 0; i < 4; i++) assert.equal((await get(port, '/n')).body, 'b /n');

    const tgId = (parseElbv2Arn(tg.TargetGroupArn!) as { tgId: string }).tgId;
    const record = async () => (await w.store.get<TargetRecord>(keys.target(tgId, '127.0.0.1', a.port)))?.value;
    assert.equal((await record())?.drainedAt, undefined, 'not drained while the slow request is in flight');
    const done = await slow;
    assert.deepEqual([done.status, done.body], [200, 'a slow']);
    const drained = await eventually(record, {
      what: '(r) => r?.drainedAt !== undefined',
      timeoutMs: 2000,
      intervalMs: 20,
      until: (r) => r?.drainedAt !== undefined,
    });
    assert.ok(drained!.drainedAt! < drained!.drainUntil!, 'drained before the delay ran out');
    // Still draining to DescribeTargetHealth until the delay is over, then unused.
    assert.equal((await state()).State, 'draining');
    const unused = await eventually(state, { what: "(s) => s.State === 'unused'", timeoutMs: 6000, intervalMs: 200, until: (s) => s.State === 'unused' });
    assert.equal(unused.Reason, 'Target.NotRegistered');
    assert.equal((await get(port, '/after')).body, 'b /after');
  });
});
