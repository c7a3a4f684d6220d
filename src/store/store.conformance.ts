/**
 * The one behaviour every Store implementation must show, as node:test suites. Each store's test
 * file calls `storeConformance(name, open)`; `open` returns a fresh, empty store each time, and
 * `reopen` (for a durable store) opens the same data again after the test closed the first.
 *
 * records.conformance.ts: get, list (prefix, order, paging), put/delete with CAS, txn, racing writers.
 * watch.conformance.ts: replay then live, ordering, prefix, deletes, close, restart, compaction.
 */
import { describe } from 'node:test';
import type { Store } from './store.js';
import { recordsConformance } from './records.conformance.js';
import { watchConformance } from './watch.conformance.js';

export interface OpenedStore {
  readonly store: Store;
  readonly reopen?: () => Promise<Store>;
}

export interface ConformanceOpenOptions {
  /** Revisions of history to keep; only the compaction test asks for a small one. */
  readonly historyLimit?: number;
}

export type OpenStore = (options?: ConformanceOpenOptions) => Promise<OpenedStore>;

export interface StoreTraits {
  /** The store survives a restart: `open` must then return `reopen`, and the restart test runs. */
  readonly durable?: boolean;
}

export function storeConformance(name: string, open: OpenStore, traits: StoreTraits = {}): void {
  describe(`${name} conformance: records`, () => recordsConformance(open));
  describe(`${name} conformance: watch`, () => watchConformance(open, traits));
}
