import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addTags, tagList } from './tags.js';

describe('tags', () => {
  test('adds and overwrites', () => {
    assert.deepEqual(addTags({ a: '1' }, [{ Key: 'a', Value: '2' }, { Key: 'b' }]), { a: '2', b: '' });
    assert.deepEqual(tagList({ a: '1' }), [{ Key: 'a', Value: '1' }]);
  });
  test('duplicate keys in one request', () => {
    assert.throws(() => addTags({}, [{ Key: 'a' }, { Key: 'a' }]), { code: 'DuplicateTagKeys' });
  });
  test('too many', () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    assert.throws(() => addTags({}, many), { code: 'TooManyTags' });
    assert.equal(Object.keys(addTags({}, many.slice(0, 50))).length, 50);
  });
  test('key and value lengths, aws: prefix', () => {
    assert.throws(() => addTags({}, [{ Key: '' }]), { code: 'ValidationError' });
    assert.throws(() => addTags({}, [{ Key: 'k'.repeat(129) }]), { code: 'ValidationError' });
    assert.throws(() => addTags({}, [{ Key: 'k', Value: 'v'.repeat(257) }]), { code: 'ValidationError' });
    assert.throws(() => addTags({}, [{ Key: 'aws:x', Value: 'v' }]), { code: 'ValidationError' });
  });
});
