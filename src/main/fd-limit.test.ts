import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNofile, raiseFdLimit } from './fd-limit.js';
import { silentLogger as logger } from '../platform/logger.js';

const limits = (soft: string, hard: string): string =>
  `Limit                     Soft Limit           Hard Limit           Units     \nMax processes             63474                63474                processes \nMax open files            ${soft}                 ${hard}                files     \n`;

test('parseNofile reads the Max open files row', () => {
  assert.deepEqual(parseNofile(limits('1024', '524288')), { soft: 1024, hard: 524288 });
  assert.deepEqual(parseNofile(limits('unlimited', 'unlimited')), { soft: Infinity, hard: Infinity });
  assert.equal(parseNofile('Max processes 1 1'), undefined);
});

test('raiseFdLimit raises a soft limit below the hard one, and leaves an equal one alone', () => {
  let current = { soft: 1024, hard: 4096 };
  const raised: number[] = [];
  const io = {
    readLimits: () => limits(String(current.soft), String(current.hard)),
    raise: (n: number) => {
      raised.push(n);
      current = { soft: n, hard: n };
    },
  };
  assert.deepEqual(raiseFdLimit(logger, io), { soft: 4096, hard: 4096 });
  assert.deepEqual(raiseFdLimit(logger, io), { soft: 4096, hard: 4096 });
  assert.deepEqual(raised, [4096]);
});

test('raiseFdLimit reports the limit it has when prlimit fails', () => {
  const io = {
    readLimits: () => limits('1024', '4096'),
    raise: () => {
      throw new Error('prlimit: not found');
    },
  };
  assert.deepEqual(raiseFdLimit(logger, io), { soft: 1024, hard: 4096 });
});
