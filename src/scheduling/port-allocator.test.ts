import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { allocatePorts, defaultDynamicRange, formatPortRange, LINUX_DEFAULT_EPHEMERAL, parsePortRange, type PortRange } from './port-allocator.js';

describe('defaultDynamicRange', () => {
  test('is 20000-32000 beside the Linux default ephemeral range', () => {
    assert.deepEqual(defaultDynamicRange(LINUX_DEFAULT_EPHEMERAL), { low: 20000, high: 32000 });
  });

  test('moves to the larger clear gap when the ephemeral range covers 20000-32000', () => {
    assert.deepEqual(defaultDynamicRange({ low: 15000, high: 60999 }), { low: 1024, high: 14999 });
    assert.deepEqual(defaultDynamicRange({ low: 10000, high: 40000 }), { low: 40001, high: 65535 });
  });

  test('never overlaps the ephemeral range when a gap exists', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1025, max: 65534 }), fc.integer({ min: 0, max: 60000 }), (low, span) => {
        const eph = { low, high: Math.min(65535, low + span) };
        const r = defaultDynamicRange(eph);
        assert.ok(r.low <= r.high);
        assert.ok(r.low >= 1024 && r.high <= 65535);
        assert.ok(r.high < eph.low || r.low > eph.high, `${formatPortRange(r)} overlaps ${formatPortRange(eph)}`);
      }),
    );
  });
});

describe('parsePortRange', () => {
  test('reads --port-range and /proc formats', () => {
    assert.deepEqual(parsePortRange('100-200'), { low: 100, high: 200 });
    assert.deepEqual(parsePortRange('32768\t60999\n'), { low: 32768, high: 60999 });
    assert.deepEqual(parsePortRange('8080-8080'), { low: 8080, high: 8080 });
  });

  test('rejects nonsense', () => {
    for (const bad of ['', '100', '200-100', '0-10', '1-65536', 'a-b', '1-2-3']) {
      assert.throws(() => parsePortRange(bad), RangeError, bad);
    }
  });
});

describe('allocatePorts', () => {
  const range = { low: 20000, high: 20009 };

  test('walks up from the hint and wraps, skipping reserved and in-use ports', () => {
    const r = allocatePorts({ range, reserved: new Set([20009]), inUse: new Set([20000, 20008]), requests: 3, startHint: 20007 });
    assert.deepEqual(r, { ok: true, ports: [20007, 20001, 20002], nextHint: 20003 });
  });

  test('is all or nothing', () => {
    const inUse = new Set([20000, 20001, 20002, 20003, 20004, 20005, 20006, 20007]);
    assert.deepEqual(allocatePorts({ range, reserved: new Set(), inUse, requests: 3 }), { ok: false, reason: 'RESOURCE:PORTS' });
    const r = allocatePorts({ range, reserved: new Set(), inUse, requests: 2 });
    assert.deepEqual(r.ok && r.ports, [20008, 20009]);
  });

  test('zero requests succeed even with a full range', () => {
    const inUse = new Set(Array.from({ length: 10 }, (_, i) => 20000 + i));
    assert.equal(allocatePorts({ range, reserved: new Set(), inUse, requests: 0 }).ok, true);
  });

  test('an out-of-range hint starts at the bottom', () => {
    const r = allocatePorts({ range, reserved: new Set(), inUse: new Set(), requests: 1, startHint: 5 });
    assert.deepEqual(r.ok && r.ports, [20000]);
  });

  const rangeArb = fc
    .tuple(fc.integer({ min: 1024, max: 65000 }), fc.integer({ min: 0, max: 40 }))
    .map(([low, span]): PortRange => ({ low, high: Math.min(65535, low + span) }));

  test('ports are distinct, in range, never reserved, never in use; fails only when the range is short', () => {
    fc.assert(
      fc.property(
        rangeArb,
        fc.array(fc.integer({ min: 1000, max: 65535 }), { maxLength: 30 }),
        fc.array(fc.integer({ min: 1000, max: 65535 }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 8 }),
        fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
        (r, reservedList, inUseList, requests, startHint) => {
          const reserved = new Set(reservedList);
          const inUse = new Set(inUseList);
          const result = allocatePorts({ range: r, reserved, inUse, requests, startHint });
          let free = 0;
          for (let p = r.low; p <= r.high; p++) if (!reserved.has(p) && !inUse.has(p)) free++;
          if (!result.ok) {
            assert.ok(free < requests, `refused with ${free} free for ${requests}`);
            return;
          }
          assert.equal(result.ports.length, requests);
          assert.equal(new Set(result.ports).size, requests);
          for (const p of result.ports) {
            assert.ok(p >= r.low && p <= r.high);
            assert.ok(!reserved.has(p) && !inUse.has(p));
          }
          assert.ok(result.nextHint >= r.low && result.nextHint <= r.high);
        },
      ),
    );
  });

  // A model of the agent: tasks start (allocate), stop (still holding ports), and are released only
  // after they stopped. No two live-or-unreleased tasks ever share a port.
  test('across starts, stops and releases, no two unreleased tasks share a port', () => {
    type Cmd = { kind: 'start'; n: number } | { kind: 'stop'; i: number } | { kind: 'release'; i: number };
    const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
      fc.record({ kind: fc.constant('start' as const), n: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('stop' as const), i: fc.nat() }),
      fc.record({ kind: fc.constant('release' as const), i: fc.nat() }),
    );
    fc.assert(
      fc.property(rangeArb, fc.array(fc.integer({ min: 1024, max: 65535 }), { maxLength: 10 }), fc.array(cmdArb, { maxLength: 60 }), (r, res, cmds) => {
        const reserved = new Set(res);
        const tasks: { ports: number[]; state: 'running' | 'stopped' }[] = [];
        let hint: number | undefined;
        const held = () => new Set(tasks.flatMap((t) => t.ports));
        for (const c of cmds) {
          if (c.kind === 'start') {
            const got = allocatePorts({ range: r, reserved, inUse: held(), requests: c.n, startHint: hint });
            if (!got.ok) continue;
            hint = got.nextHint;
            const before = held();
            for (const p of got.ports) assert.ok(!before.has(p), `port ${p} handed to two unreleased tasks`);
            tasks.push({ ports: got.ports, state: 'running' });
          } else if (tasks.length > 0) {
            const i = c.i % tasks.length;
            if (c.kind === 'stop') tasks[i]!.state = 'stopped';
            else if (tasks[i]!.state === 'stopped') tasks.splice(i, 1);
          }
          const all = tasks.flatMap((t) => t.ports);
          assert.equal(new Set(all).size, all.length);
        }
      }),
    );
  });

  test('the rotating cursor does not hand a just-freed port straight back', () => {
    const big = { low: 30000, high: 30099 };
    const first = allocatePorts({ range: big, reserved: new Set(), inUse: new Set(), requests: 1 });
    assert.ok(first.ok);
    // The task on first.ports[0] stops and is released; the next task gets a different port.
    const second = allocatePorts({ range: big, reserved: new Set(), inUse: new Set(), requests: 1, startHint: first.nextHint });
    assert.ok(second.ok);
    assert.notEqual(second.ports[0], first.ports[0]);
  });
});
