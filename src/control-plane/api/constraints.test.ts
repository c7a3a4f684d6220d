import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkValue, coralMessage, coralPath, indexPath, keyPath, memberPath, missing, wirePath, type Violation } from './constraints.js';

describe('constraints', () => {
  const path = memberPath(indexPath(memberPath(undefined, 'Targets'), 0), 'Port');

  test('paths read the way Coral and the wire name them', () => {
    assert.equal(coralPath(path), 'targets.1.member.port');
    assert.equal(wirePath(memberPath(indexPath(memberPath(undefined, 'Filters', 'Filter'), 1), 'Name')), 'Filter.2.Name');
    assert.equal(coralPath(keyPath(memberPath(undefined, 'dockerLabels'), 'k')), 'dockerLabels.k');
  });

  test('enum', () => {
    const out: Violation[] = [];
    checkValue({ type: 'string', enum: ['ipv4', 'dualstack'] }, 'x', memberPath(undefined, 'IpAddressType'), out);
    assert.equal(
      coralMessage(out),
      "1 validation error detected: Value 'x' at 'ipAddressType' failed to satisfy constraint: Member must satisfy enum value set: [ipv4, dualstack]",
    );
  });

  test('numeric range both ends', () => {
    const shape = { type: 'integer', min: 1, max: 65535 } as const;
    const low: Violation[] = [];
    checkValue(shape, 0, path, low);
    assert.match(low[0]!.constraint, /greater than or equal to 1$/);
    const high: Violation[] = [];
    checkValue(shape, 70000, path, high);
    assert.match(high[0]!.constraint, /less than or equal to 65535$/);
    const ok: Violation[] = [];
    checkValue(shape, 80, path, ok);
    assert.equal(ok.length, 0);
  });

  test('string and list lengths', () => {
    const out: Violation[] = [];
    checkValue({ type: 'string', min: 1, max: 3 }, '', path, out);
    checkValue({ type: 'string', min: 1, max: 3 }, 'abcd', path, out);
    checkValue({ type: 'list', member: { shape: 'X' }, max: 1 }, [1, 2], path, out);
    checkValue({ type: 'map', key: { shape: 'K' }, value: { shape: 'V' }, max: 0 }, { a: 1 }, path, out);
    assert.deepEqual(
      out.map((v) => v.kind),
      ['length', 'length', 'length', 'length'],
    );
    assert.match(out[0]!.constraint, /length greater than or equal to 1/);
    assert.match(out[2]!.constraint, /length less than or equal to 1/);
  });

  test('several violations are counted and joined', () => {
    const msg = coralMessage([missing(memberPath(undefined, 'family')), missing(memberPath(undefined, 'containerDefinitions'))]);
    assert.equal(
      msg,
      "2 validation errors detected: Value null at 'family' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'containerDefinitions' failed to satisfy constraint: Member must not be null",
    );
  });
});
