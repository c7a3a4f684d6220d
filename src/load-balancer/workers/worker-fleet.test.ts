import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TargetGroupTraffic } from '../../domain/elbv2/traffic.js';
import { mergeTraffic } from './worker-fleet.js';

const group = (rps: number, p99Ms: number, targets: Array<[string, number, number]>): TargetGroupTraffic => ({
  requestsPerSecond: rps,
  errors5xxPerSecond: rps / 10,
  p99Ms,
  targets: new Map(targets.map(([key, inFlight, requestsPerSecond]) => [key, { inFlight, requestsPerSecond }])),
});

test('mergeTraffic: rates and in-flight add up over workers, p99 is the highest worker’s, groups one worker lacks are kept', () => {
  const merged = mergeTraffic([
    new Map([
      [
        'tg',
        group(10, 4, [
          ['a:1', 1, 6],
          ['b:2', 0, 4],
        ]),
      ],
    ]),
    new Map([
      ['tg', group(30, 9, [['a:1', 2, 20]])],
      ['other', group(5, 1, [])],
    ]),
  ]);
  const tg = merged.get('tg');
  assert.ok(tg);
  assert.deepEqual({ rps: tg.requestsPerSecond, e5xx: tg.errors5xxPerSecond, p99: tg.p99Ms }, { rps: 40, e5xx: 4, p99: 9 });
  assert.deepEqual(Object.fromEntries(tg.targets), { 'a:1': { inFlight: 3, requestsPerSecond: 26 }, 'b:2': { inFlight: 0, requestsPerSecond: 4 } });
  assert.equal(merged.get('other')?.requestsPerSecond, 5);
  assert.deepEqual(mergeTraffic([]), new Map());
});
