/**
 * Read-modify-write of one record with compare-and-set, for controllers and API handlers:
 *
 *   const { value } = await updateRecord<Service>(store, keys.service(c, s), (svc) =>
 *     svc ? { ...svc, desiredCount: 3 } : SKIP);
 *
 * `fn` decides purely from the current value: return the new value to put, undefined to delete, or
 * SKIP to leave the record as it is. It may run several times (once per conflict), so it must not
 * have side effects.
 */
import { RevisionConflictError, type Store } from './store.js';

export const SKIP: unique symbol = Symbol('updateRecord.skip');

export interface UpdateOptions {
  /** How many conflicts to retry before giving up with the last RevisionConflictError (default 20). */
  readonly retries?: number;
}

export interface UpdateResult<T> {
  /** The value now stored (undefined when deleted or absent). */
  readonly value: T | undefined;
  /** The revision of the write, or for SKIP / deleting an absent record, the modRevision read (0 if absent). */
  readonly revision: number;
}

export async function updateRecord<T>(
  store: Store,
  key: string,
  fn: (current: T | undefined) => T | undefined | typeof SKIP,
  options: UpdateOptions = {},
): Promise<UpdateResult<T>> {
  const retries = options.retries ?? 20;
  for (let attempt = 0; ; attempt++) {
    const current = await store.get<T>(key);
    const expectedRevision = current?.modRevision ?? 0;
    const next = fn(current?.value);
    try {
      if (next === SKIP) return { value: current?.value, revision: expectedRevision };
      if (next === undefined) {
        if (!current) return { value: undefined, revision: 0 };
        return { value: undefined, revision: await store.delete(key, { expectedRevision }) };
      }
      return { value: next, revision: await store.put(key, next, { expectedRevision }) };
    } catch (err) {
      if (!(err instanceof RevisionConflictError) || attempt >= retries) throw err;
      // Let the writer that won finish its own follow-up before we read again.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
