import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { paginate } from './paging.js';
import { AwsError } from '../../domain/aws-error.js';

describe('paginate', () => {
  const items = ['d', 'a', 'c', 'b', 'e'];
  const id = (x: string) => x;
  const all = (descending: boolean, max: number) => {
    const out: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const p = paginate(items, id, { maxResults: max, nextToken }, descending);
      out.push(...p.items);
      nextToken = p.nextToken;
      pages++;
    } while (nextToken);
    return { out, pages };
  };
  test('walks every item once, ascending and descending', () => {
    assert.deepEqual(all(false, 2), { out: ['a', 'b', 'c', 'd', 'e'], pages: 3 });
    assert.deepEqual(all(true, 2), { out: ['e', 'd', 'c', 'b', 'a'], pages: 3 });
    assert.deepEqual(all(false, 5), { out: ['a', 'b', 'c', 'd', 'e'], pages: 1 });
  });
  test('a token survives the deletion of the item it names', () => {
    const p1 = paginate(items, id, { maxResults: 2 });
    assert.deepEqual(p1.items, ['a', 'b']);
    const p2 = paginate(['a', 'c', 'd', 'e'], id, { maxResults: 2, nextToken: p1.nextToken });
    assert.deepEqual(p2.items, ['c', 'd']);
  });
  test('rejects a bad token and maxResults out of range', () => {
    const isInvalid = (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException';
    assert.throws(() => paginate(items, id, { nextToken: '!!not-base64-json' }), isInvalid);
    assert.throws(() => paginate(items, id, { maxResults: 101 }), isInvalid);
    assert.throws(() => paginate(items, id, { maxResults: 0 }), isInvalid);
  });
});
