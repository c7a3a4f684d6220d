/**
 * The awslogs driver's side of the log store: opening a container's stream (its group created only
 * when awslogs-create-group says so) and appending shipped events exactly once. Each event carries
 * the position of its last line in the container's output; the stream's high-water mark is written
 * in the same transaction as the chunk, so a batch retried (or re-read after an agent restart) stores
 * only what is past it.
 */
import { keys } from '../../domain/keys.js';
import { acceptBatch } from '../../domain/logs/log-events.js';
import { comparePositions, type LogPosition } from '../../domain/logs/log-position.js';
import type { LogChunkRecord, LogGroupRecord, LogStreamRecord } from '../../domain/logs/log-records.js';
import type { Store } from '../../store/store.js';
import { dropExpiredChunks, groupNotFound } from './log-store.js';

export interface ShippedEvent {
  timestamp: number;
  message: string;
  /** The position of the event's last line. */
  last: LogPosition;
}

export interface ShipTarget {
  region: string;
  group: string;
  stream: string;
  createGroup: boolean;
}

/** Makes sure the stream exists; false when its group is missing and may not be created. Answers the high-water mark. */
export async function openShippedStream(store: Store, target: ShipTarget, now: number): Promise<{ ok: true; shipped?: LogPosition } | { ok: false }> {
  const groupKey = keys.logGroup(target.region, target.group);
  if (!(await store.get(groupKey))) {
    if (!target.createGroup) return { ok: false };
    const group: LogGroupRecord = { name: target.group, creationTime: now, deletionProtectionEnabled: false };
    // Lost races are fine: another task's container created it first.
    await store.txn({ compares: [{ key: groupKey, modRevision: 0 }], success: [{ type: 'put', key: groupKey, value: group }] });
  }
  const streamKey = keys.logStream(target.region, target.group, target.stream);
  const stream: LogStreamRecord = { group: target.group, name: target.stream, creationTime: now, storedBytes: 0, nextChunk: 1 };
  await store.txn({ compares: [{ key: streamKey, modRevision: 0 }], success: [{ type: 'put', key: streamKey, value: stream }] });
  const mark = await store.get<LogPosition>(keys.logShipped(target.region, target.group, target.stream));
  return { ok: true, ...(mark ? { shipped: mark.value } : {}) };
}

/** Stores the events past the stream's high-water mark; answers how many were stored and skipped. */
export async function appendShipped(
  store: Store,
  target: ShipTarget,
  events: readonly ShippedEvent[],
  now: number,
): Promise<{ stored: number; skipped: number }> {
  const streamKey = keys.logStream(target.region, target.group, target.stream);
  const markKey = keys.logShipped(target.region, target.group, target.stream);
  for (let attempt = 0; attempt < 50; attempt++) {
    const group = await store.get<LogGroupRecord>(keys.logGroup(target.region, target.group));
    if (!group) throw groupNotFound();
    let cur = await store.get<LogStreamRecord>(streamKey);
    if (!cur) {
      // Deleted while the task runs: the driver opens it again, as Docker's awslogs does.
      await openShippedStream(store, target, now);
      cur = await store.get<LogStreamRecord>(streamKey);
      if (!cur) continue;
    }
    const mark = await store.get<LogPosition>(markKey);
    const fresh = events.filter((e) => !mark || comparePositions(e.last, mark.value) > 0);
    const skipped = events.length - fresh.length;
    const last = fresh.at(-1);
    if (!last) return { stored: 0, skipped };
    const { events: accepted } = acceptBatch(
      fresh.map((e) => ({ timestamp: e.timestamp, message: e.message })),
      now,
      group.value.retentionInDays,
    );
    const s = cur.value;
    const success: { type: 'put'; key: string; value: unknown }[] = [{ type: 'put', key: markKey, value: last.last }];
    if (accepted.length > 0) {
      const first = accepted[0]!.t;
      const end = accepted.at(-1)!.t;
      const next: LogStreamRecord = {
        ...s,
        firstEventTimestamp: Math.min(s.firstEventTimestamp ?? first, first),
        lastEventTimestamp: Math.max(s.lastEventTimestamp ?? end, end),
        lastIngestionTime: now,
        storedBytes: s.storedBytes + accepted.reduce((n, e) => n + Buffer.byteLength(e.m, 'utf8'), 0),
        nextChunk: s.nextChunk + 1,
      };
      const chunk: LogChunkRecord = { seq: s.nextChunk, events: accepted };
      success.push(
        { type: 'put', key: streamKey, value: next },
        { type: 'put', key: keys.logChunk(target.region, target.group, target.stream, s.nextChunk), value: chunk },
      );
    }
    const { succeeded } = await store.txn({
      compares: [
        { key: streamKey, modRevision: cur.modRevision },
        { key: markKey, modRevision: mark?.modRevision ?? 0 },
      ],
      success,
    });
    if (succeeded) {
      await dropExpiredChunks(store, target.region, group.value, target.stream, now);
      return { stored: accepted.length, skipped: skipped + fresh.length - accepted.length };
    }
  }
  throw new Error('Too many concurrent writers to this log stream; try again.');
}
