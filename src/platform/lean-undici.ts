/**
 * undici's `Pool` and `H2CClient` from their own modules, not from the package's index: the index
 * loads all of undici (fetch, WebSocket, caches, mocks: 110 files, 0.2-0.4 s of CPU), and every
 * load-balancer worker would pay it at start, on the path of a restarted node's first request. These
 * two are 23 files. The classes are the index's own (lean-undici.test.ts checks it).
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

export const Pool = require('undici/lib/dispatcher/pool.js') as typeof Undici.Pool;
export type Pool = Undici.Pool;
export const H2CClient = require('undici/lib/dispatcher/h2c-client.js') as typeof Undici.H2CClient;
export type H2CClient = Undici.H2CClient;
