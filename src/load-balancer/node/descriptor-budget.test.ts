import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientBudget, softDescriptorLimit, watchDescriptorBudget } from './descriptor-budget.js';

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
  const b = watchDescriptorBudget(() => limits(soft, '4096'), 10);
  assert.equal(b.current(), 512);
  soft = '200';
  const until = Date.now() + 2000;
  while (b.current() !== 100 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  assert.equal(b.current(), 100);
  b.stop();
});
