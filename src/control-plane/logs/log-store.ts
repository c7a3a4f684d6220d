/**
 * Reading and writing CloudWatch Logs records in the store: a group, its streams, and a stream's
 * events (chunks, one per accepted PutLogEvents batch, written in the same transaction as the
 * stream's counters so nothing is counted that is not stored).
 */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { isExpired, type StoredLogEvent } from '../../domain/logs/log-events.js';
import type { LogChunkRecord, LogGroupRecord, LogStreamRecord } from '../../domain/logs/log-records.js';
import type { Store, StoredRecord } from '../../store/store.js';

export const groupNotFound = () => new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
export const streamNotFound = () => new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');

export async function requireGroup(store: Store, region: string, group: string): Promise<StoredRecord<LogGroupRecord>> {
  const rec = await store.get<LogGroupRecord>(keys.logGroup(region, group));
  if (!rec) throw groupNotFound();
  return rec;
}

export async function streamsOf(store: Store, region: string, group: string): Promise<LogStreamRecord[]> {
  return (await store.list<LogStreamRecord>(keys.logStreamsOf(region, group))).records.map((r) => r.value);
}

/** An event with where it was stored, so its order and id are stable. */
export interface LocatedEvent extends StoredLogEvent {
  readonly stream: string;
  readonly chunk: number;
  readonly index: number;
}

/** A stream's live events (not past retention), in timestamp order, ties in ingestion order. */
export async function eventsOf(store: Store, region: string, group: LogGroupRecord, stream: string, now: number): Promise<LocatedEvent[]> {
  const { records } = await store.list<LogChunkRecord>(keys.logChunksOf(region, group.name, stream));
  const out: LocatedEvent[] = [];
  for (const { value: chunk } of records) {
    chunk.events.forEach((e, index) => {
      if (!isExpired(e.t, group.retentionInDays, now)) out.push({ ...e, stream, chunk: chunk.seq, index });
    });
  }
  return out.sort((a, b) => a.t - b.t || a.chunk - b.chunk || a.index - b.index);
}

/** Deletes a stream's chunks whose every event has outlived the group's retention. */
export async function dropExpiredChunks(store: Store, region: string, group: LogGroupRecord, stream: string, now: number): Promise<number> {
  if (group.retentionInDays === undefined) return 0;
  const { records } = await store.list<LogChunkRecord>(keys.logChunksOf(region, group.name, stream));
  let dropped = 0;
  for (const r of records) {
    if (r.value.events.every((e) => isExpired(e.t, group.retentionInDays, now))) {
      await store.delete(r.key);
      dropped++;
    }
  }
  return dropped;
}

/** Deletes everything under a group (its streams and chunks) and the group itself. */
export async function deleteGroupTree(store: Store, region: string, group: string): Promise<void> {
  for (const prefix of [keys.logChunksOf(region, group), keys.logStreamsOf(region, group), keys.logShippedOf(region, group)]) {
    for (const r of (await store.list(prefix)).records) await store.delete(r.key);
  }
  await store.delete(keys.logGroup(region, group));
}
