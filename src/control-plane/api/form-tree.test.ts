import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { numbered, parseForm } from './form-tree.js';

describe('form tree', () => {
  test('decodes + and %20 as a space, and percent escapes', () => {
    const form = parseForm('Action=X&A=a+b&B=a%20b&C=%2Fapi%2F%2A');
    assert.equal(form.get('A'), 'a b');
    assert.equal(form.get('B'), 'a b');
    assert.equal(form.get('C'), '/api/*');
    assert.equal(form.get('Action'), 'X');
  });

  test('nests dotted names', () => {
    const form = parseForm('Matcher.HttpCode=200&Targets.member.1.Id=i-1');
    assert.equal(form.root.c?.get('Matcher')?.c?.get('HttpCode')?.v, '200');
    assert.equal(form.root.c?.get('Targets')?.c?.get('member')?.c?.get('1')?.c?.get('Id')?.v, 'i-1');
    assert.equal(form.get('Matcher.HttpCode'), undefined, 'get() is for top-level names only');
  });

  test('numbered children sort as numbers and ignore other names', () => {
    const body =
      Array.from({ length: 12 }, (_, i) => `L.${i + 1}=${i + 1}`)
        .reverse()
        .join('&') + '&L.x=no&L.0=no&L.01=no';
    const items = numbered(parseForm(body).root.c?.get('L'));
    assert.deepEqual(
      items.map((n) => n.v),
      Array.from({ length: 12 }, (_, i) => String(i + 1)),
    );
  });

  test('a bare name has an empty value and no children', () => {
    const node = parseForm('Names=').root.c?.get('Names');
    assert.equal(node?.v, '');
    assert.deepEqual(numbered(node), []);
  });

  test('garbage never throws', () => {
    for (const body of ['%', '%zz=%%', '&&&=', '\u0000\uffff', '.=.', 'a..b=1', '=x']) {
      assert.doesNotThrow(() => parseForm(body));
    }
    assert.equal(parseForm('%zz=1').get('%zz'), '1');
  });
});
