import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientBudget, softDescriptorLimit, watchDescriptorBudget } from './descriptor-budget.js';
import { eventually } from '../../../test/support/eventually.js';

const limits = (soft: string, hard: string) =>
  `Limit                     Soft Limit           Hard Limit           Units     \nMax processes             63448                63448                processes \nMax open files            ${soft.padEnd(21)}${hard.padEnd(21)}files     \n`;

test('the soft open-files limit, and half of it for client connections', () => {
  assert.equal(softDescriptorLimit(limits('1024', '524288')), 1024);
  assert.equal(softDescriptorLimit(limits('unlimited', 'unlimited')), undefined);
  assert.equal(softDescriptorLimit('nothing here'), undefined);
  assert.equal(clientBudget(1024), 512);
  assert.equal(clientBudget(20), 16, 'never below 16');
  assert.equal(clientBudget(undefined), Infinity);
});

test('the budget follows the limit as it changes', async () => {
  let soft = '1024';
  const changes: Array<[number, number]> = [];
  const b = watchDescriptorBudget(
    () => limits(soft, '4096'),
    10,
    (next, previous) => changes.push([next, previous]),
  );
  assert.equal(b.current(), 512);
  soft = '200';
  await eventually(() => b.current(), { what: 'the budget follows the lowered limit', timeoutMs: 2000, intervalMs: 10, until: (n) => n === 100 });
  assert.deepEqual(changes, [[100, 512]], 'one change heard, the unchanged re-reads not');
  b.stop();
});
