import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FILTERS, PASS, checksFor, closeness, filterRequest, fitsNow, portsApply } from './filter.js';
import { parseConstraints } from './constraint.js';
import { Rejection } from './rejection.js';
import { WorkingSet } from './working-set.js';
import { candidate, reservation } from './fixture.test-support.js';
import { place } from './place.js';
import { seededRandom } from '../../platform/random.js';

describe('the filter list', () => {
  test('ECS order: status, agent, CPU, memory, ports, attributes, memberOf, distinctInstance', () => {
    assert.deepEqual(
      FILTERS.map((f) => f.reason),
      [
        Rejection.INACTIVE,
        Rejection.AGENT,
        Rejection.CPU,
        Rejection.MEMORY,
        Rejection.PORTS,
        Rejection.ATTRIBUTE,
        Rejection.MEMBER_OF,
        Rejection.DISTINCT_INSTANCE,
      ],
    );
    assert.ok(closeness(Rejection.CPU) < closeness(Rejection.MEMBER_OF));
  });

  test('a filter that cannot reject anything for the request is left out', () => {
    const q = filterRequest(reservation(1, 1));
    assert.equal(checksFor(q, 'task').length, 2, 'CPU and memory only: no ports, no distinctInstance');
    assert.equal(checksFor(q, 'request').length, 2, 'status and agent only');
    const constraints = parseConstraints([{ type: 'distinctInstance' }, { type: 'memberOf', expression: 'attribute:x == y' }]);
    const full = filterRequest(reservation(1, 1, [80]), constraints, ['a']);
    assert.equal(checksFor(full).length, FILTERS.length);
  });

  test('fitsNow is the task-stage filters of the list, checked directly', () => {
    const amount = fc.integer({ min: 0, max: 300 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpu: amount, memory: amount, ports: fc.subarray([80, 81]), group: fc.integer({ min: 0, max: 1 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.record({ cpu: amount, memory: amount, ports: fc.subarray([80, 81, 80]), distinct: fc.boolean() }),
        (specs, r) => {
          const cands = specs.map((s, i) => candidate(`c${i}`, { cpu: s.cpu, memory: s.memory, ports: s.ports, groups: { 'service:a': s.group } }));
          const ws = new WorkingSet(cands, 'service:a');
          const q = filterRequest(reservation(r.cpu, r.memory, r.ports), parseConstraints(r.distinct ? [{ type: 'distinctInstance' }] : []));
          const task = checksFor(q, 'task');
          for (let i = 0; i < ws.n; i++) {
            const byList = task.every((check) => check(cands[i]!, i, ws, q) === PASS);
            assert.equal(fitsNow(cands[i]!, i, ws, q, portsApply(q)), byList);
          }
        },
      ),
    );
  });

  test('a task naming one static host port twice fits nowhere (RESOURCE:PORTS)', () => {
    const r = place({ count: 1, reservation: reservation(1, 1, [9000, 9000]), group: 'service:a' }, [candidate('a')], seededRandom(1));
    assert.deepEqual(r.placements, []);
    assert.equal(r.failure?.reason, Rejection.PORTS);
  });
});
