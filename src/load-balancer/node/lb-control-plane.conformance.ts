/**
 * What every LbControlPlane adapter must do, against a real control plane (a MemoryStore behind
 * LbNodeService). lb-control-plane.test.ts runs it in process and over HTTP.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../store/store.js';
import { keys } from '../../domain/keys.js';
import type { TargetRecord } from '../../domain/elbv2/target.js';
import type { LoadBalancerNodeRecord } from '../../domain/elbv2/load-balancer-node.js';
import { ControlPlaneError } from '../../protocols/agent/index.js';
import type { LbControlPlane, MetricSampleReport, NodeIdentity, RoutingRecords } from '../../protocols/load-balancer/index.js';
import { eventually } from '../../../test/support/eventually.js';

export interface LbConformanceRig {
  readonly store: Store;
  /** What the control plane's metric sink received, in order. */
  readonly metricSamples: readonly MetricSampleReport[];
  /** An adapter for one node; several may be open at once. */
  node(identity: NodeIdentity): Promise<LbControlPlane>;
  close(): Promise<void>;
}

const TG_ID = '0123456789abcdef';
const TG_ARN = `arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/${TG_ID}`;
const target = (id: string, over: Partial<TargetRecord> = {}): TargetRecord => ({
  TargetGroupArn: TG_ARN,
  Id: id,
  Port: 8080,
  registeredAt: 1,
  state: 'initial',
  reason: 'Elb.RegistrationInProgress',
  ...over,
});
const ref = (id: string) => ({ targetGroupArn: TG_ARN, id, port: 8080 });
const targetKey = (id: string): string => keys.target(TG_ID, id, 8080);

export function lbControlPlaneConformance(name: string, makeRig: () => Promise<LbConformanceRig>): void {
  describe(`LbControlPlane conformance: ${name}`, () => {
    let rig: LbConformanceRig;
    let a: LbControlPlane;
    let b: LbControlPlane;
    before(async () => {
      rig = await makeRig();
      a = await rig.node({ nodeId: 'lb-a', advertiseAddress: '127.0.0.21' });
      b = await rig.node({ nodeId: 'lb-b', advertiseAddress: '127.0.0.22' });
    });
    after(async () => {
      await a.close?.();
      await b.close?.();
      await rig.close();
    });

    test("reportMetrics hands samples to the metric sink; a malformed one is refused as the caller's fault", async () => {
      const sample: MetricSampleReport = {
        metric: { namespace: 'AWS/ApplicationELB', name: 'RequestCount', dimensions: [{ Name: 'LoadBalancer', Value: 'app/front/1' }] },
        unit: 'Count',
        timestamp: 1_700_000_040_000,
        values: { sampleCount: 1, sum: 12, minimum: 12, maximum: 12 },
      };
      await a.reportMetrics([sample]);
      assert.deepEqual(rig.metricSamples.at(-1), sample);
      const bad = { ...sample, values: { sampleCount: 1, sum: 'many', minimum: 0, maximum: 0 } } as unknown as MetricSampleReport;
      await assert.rejects(a.reportMetrics([bad]), (err: unknown) => err instanceof ControlPlaneError && err.status === 400);
    });

    test('watchRecords hands over the whole current set first, then the whole set after each change', async () => {
      await rig.store.put(targetKey('10.0.0.1'), target('10.0.0.1'));
      const seen: RoutingRecords[] = [];
      const sub = await a.watchRecords((r) => seen.push(r));
      assert.ok(seen.length >= 1, 'the first set arrives before watchRecords resolves');
      assert.deepEqual(
        seen[0]!.targets.map((t) => t.Id),
        ['10.0.0.1'],
      );
      for (const k of ['loadBalancers', 'listeners', 'rules', 'targetGroups', 'securityGroups', 'containerInstances'] as const)
        assert.ok(Array.isArray(seen[0]![k]), k);
      await rig.store.put(targetKey('10.0.0.2'), target('10.0.0.2'));
      const later = await eventually(() => seen.find((r) => r.targets.length === 2), {
        what: 'the second target in a later set',
        timeoutMs: 5000,
        intervalMs: 10,
      });
      assert.deepEqual(later.targets.map((t) => t.Id).sort(), ['10.0.0.1', '10.0.0.2']);
      sub.close();
    });

    test('a closed subscription hears nothing more, while an open one does', async () => {
      const closed: RoutingRecords[] = [];
      const open: RoutingRecords[] = [];
      const c = await a.watchRecords((r) => closed.push(r));
      const o = await b.watchRecords((r) => open.push(r));
      c.close();
      const before = closed.length;
      await rig.store.put(targetKey('10.0.0.3'), target('10.0.0.3'));
      await eventually(() => open.find((r) => r.targets.some((t) => t.Id === '10.0.0.3')), {
        what: 'the open subscription sees 10.0.0.3',
        timeoutMs: 5000,
        intervalMs: 10,
      });
      assert.equal(closed.length, before);
      o.close();
    });

    test('heartbeat records the node and when it was seen', async () => {
      await a.heartbeat();
      const rec = await rig.store.get<LoadBalancerNodeRecord>(keys.loadBalancerNode('lb-a'));
      assert.equal(rec?.value.advertiseAddress, '127.0.0.21');
      assert.ok((rec?.value.lastSeenAt ?? 0) > 0);
    });

    test("a health report becomes the record's state and that node's verdict", async () => {
      await rig.store.put(targetKey('10.0.0.9'), target('10.0.0.9'));
      await a.reportTargetHealth(ref('10.0.0.9'), { state: 'healthy' });
      const rec = (await rig.store.get<TargetRecord>(targetKey('10.0.0.9')))!.value;
      assert.equal(rec.state, 'healthy');
      assert.equal(rec.reason, undefined);
      assert.equal(rec.nodeHealth?.['lb-a']?.state, 'healthy');
    });

    test('one fresh node saying unhealthy does not outvote another that sees the target healthy', async () => {
      await a.heartbeat();
      await b.heartbeat();
      await rig.store.put(targetKey('10.0.0.10'), target('10.0.0.10'));
      await a.reportTargetHealth(ref('10.0.0.10'), { state: 'healthy' });
      await b.reportTargetHealth(ref('10.0.0.10'), { state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out' });
      const rec = (await rig.store.get<TargetRecord>(targetKey('10.0.0.10')))!.value;
      assert.equal(rec.state, 'healthy');
      assert.equal(rec.nodeHealth?.['lb-b']?.state, 'unhealthy');
      // Both agree: now it is unhealthy.
      await a.reportTargetHealth(ref('10.0.0.10'), {
        state: 'unhealthy',
        reason: 'Target.ResponseCodeMismatch',
        description: 'Health checks failed with these codes: [500]',
      });
      const after = (await rig.store.get<TargetRecord>(targetKey('10.0.0.10')))!.value;
      assert.equal(after.state, 'unhealthy');
      assert.equal(after.reason, 'Target.ResponseCodeMismatch');
    });

    test('reportDrained writes drainedAt once, and only on a draining target', async () => {
      await rig.store.put(targetKey('10.0.0.11'), target('10.0.0.11', { state: 'draining', drainingSince: 5, drainUntil: 10_000_000_000_000 }));
      await a.reportDrained(ref('10.0.0.11'), 42);
      await b.reportDrained(ref('10.0.0.11'), 50);
      assert.equal((await rig.store.get<TargetRecord>(targetKey('10.0.0.11')))!.value.drainedAt, 42);
      await rig.store.put(targetKey('10.0.0.12'), target('10.0.0.12'));
      await a.reportDrained(ref('10.0.0.12'), 42);
      assert.equal((await rig.store.get<TargetRecord>(targetKey('10.0.0.12')))!.value.drainedAt, undefined);
    });

    test('a malformed report is refused with InvalidParameterException, as an HTTP client would see it', async () => {
      await assert.rejects(
        a.reportTargetHealth({ targetGroupArn: TG_ARN, id: 'x', port: 1.5 }, { state: 'healthy' }),
        (err: unknown) => err instanceof ControlPlaneError && err.code === 'InvalidParameterException' && err.status === 400,
      );
    });
  });
}
