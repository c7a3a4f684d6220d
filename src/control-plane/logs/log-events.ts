/**
 * CloudWatch Logs' event operations: PutLogEvents, GetLogEvents (forward and backward tokens, as
 * `aws logs get-log-events` pages them) and FilterLogEvents (the plain-term pattern subset, which
 * `aws logs tail --follow` polls).
 */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { matchesFilterPattern, parseFilterPattern } from '../../domain/logs/filter-pattern.js';
import { acceptBatch, type InputLogEvent } from '../../domain/logs/log-events.js';
import type { LogChunkRecord, LogStreamRecord } from '../../domain/logs/log-records.js';
import type { Store } from '../../store/store.js';
import type { Handlers, Reply, RequestContext } from '../api/operation.js';
import { groupOf } from './log-group-ref.js';
import { dropExpiredChunks, eventsOf, requireGroup, streamNotFound, streamsOf, type LocatedEvent } from './log-store.js';

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

interface GetLogEventsInput {
  logGroupName?: string;
  logGroupIdentifier?: string;
  logStreamName: string;
  startTime?: number;
  endTime?: number;
  nextToken?: string;
  limit?: number;
  startFromHead?: boolean;
  unmask?: boolean;
}

interface FilterLogEventsInput {
  logGroupName?: string;
  logGroupIdentifier?: string;
  logStreamNames?: string[];
  logStreamNamePrefix?: string;
  startTime?: number;
  endTime?: number;
  filterPattern?: string;
  nextToken?: string;
  limit?: number;
  interleaved?: boolean;
  unmask?: boolean;
}

const inRange = (e: LocatedEvent, start: number | undefined, end: number | undefined) =>
  (start === undefined || e.t >= start) && (end === undefined || e.t < end);

const eventId = (e: LocatedEvent) => `${String(e.t).padStart(15, '0')}${String(e.chunk).padStart(12, '0')}${String(e.index).padStart(6, '0')}`;

export function logEventHandlers({ store }: { store: Store }): Handlers<'logs'> {
  return {
    async PutLogEvents(
      input: { logGroupName: string; logStreamName: string; logEvents: InputLogEvent[]; sequenceToken?: string; entity?: unknown },
      ctx: RequestContext,
    ): Reply<'logs', 'PutLogEvents'> {
      if (input.entity !== undefined) throw invalid('entity: Berth keeps no entity metadata for log events.');
      const { value: group } = await requireGroup(store, ctx.region, input.logGroupName);
      const { events, rejected } = acceptBatch(input.logEvents, ctx.now, group.retentionInDays);
      const streamKey = keys.logStream(ctx.region, input.logGroupName, input.logStreamName);
      // Commit the chunk and the stream's counters together; a racing writer makes us retry.
      for (let attempt = 0; attempt < 50; attempt++) {
        const cur = await store.get<LogStreamRecord>(streamKey);
        if (!cur) throw streamNotFound();
        if (events.length === 0) break;
        const s = cur.value;
        const first = events[0]?.t as number;
        const last = events.at(-1)?.t as number;
        const next: LogStreamRecord = {
          ...s,
          firstEventTimestamp: Math.min(s.firstEventTimestamp ?? first, first),
          lastEventTimestamp: Math.max(s.lastEventTimestamp ?? last, last),
          lastIngestionTime: ctx.now,
          storedBytes: s.storedBytes + events.reduce((n, e) => n + Buffer.byteLength(e.m, 'utf8'), 0),
          nextChunk: s.nextChunk + 1,
        };
        const chunk: LogChunkRecord = { seq: s.nextChunk, events };
        const { succeeded } = await store.txn({
          compares: [{ key: streamKey, modRevision: cur.modRevision }],
          success: [
            { type: 'put', key: streamKey, value: next },
            { type: 'put', key: keys.logChunk(ctx.region, input.logGroupName, input.logStreamName, s.nextChunk), value: chunk },
          ],
        });
        if (succeeded) {
          await dropExpiredChunks(store, ctx.region, group, input.logStreamName, ctx.now);
          return {
            nextSequenceToken: String(next.nextChunk).padStart(56, '0'),
            ...(Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {}),
          };
        }
      }
      if (events.length > 0) throw new AwsError('ServiceUnavailableException', 'Too many concurrent writers to this log stream; try again.', 500);
      return Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {};
    },

    async GetLogEvents(input: GetLogEventsInput, ctx: RequestContext): Reply<'logs', 'GetLogEvents'> {
      if (input.unmask === true) throw invalid('unmask: Berth has no data protection policies, so nothing is masked.');
      const name = groupOf(input);
      const { value: group } = await requireGroup(store, ctx.region, name);
      if (!(await store.get(keys.logStream(ctx.region, name, input.logStreamName)))) throw streamNotFound();
      const all = (await eventsOf(store, ctx.region, group, input.logStreamName, ctx.now)).filter((e) => inRange(e, input.startTime, input.endTime));
      const limit = input.limit ?? 10_000;
      // Tokens are positions in the stream's ordered events: `f/N` reads forward from N, `b/N` back from N.
      let from: number;
      let to: number;
      const token = input.nextToken !== undefined ? /^([fb])\/(\d+)$/.exec(input.nextToken) : null;
      if (input.nextToken !== undefined && !token) throw invalid('The specified nextToken is not valid.');
      if (token && token[1] === 'f') {
        from = Math.min(Number(token[2]), all.length);
        to = Math.min(from + limit, all.length);
      } else if (token) {
        to = Math.min(Number(token[2]), all.length);
        from = Math.max(0, to - limit);
      } else if (input.startFromHead) {
        from = 0;
        to = Math.min(limit, all.length);
      } else {
        to = all.length;
        from = Math.max(0, to - limit);
      }
      return {
        events: all.slice(from, to).map((e) => ({ timestamp: e.t, message: e.m, ingestionTime: e.i })),
        nextForwardToken: `f/${String(to).padStart(56, '0')}`,
        nextBackwardToken: `b/${String(from).padStart(56, '0')}`,
      };
    },

    async FilterLogEvents(input: FilterLogEventsInput, ctx: RequestContext): Reply<'logs', 'FilterLogEvents'> {
      if (input.unmask === true) throw invalid('unmask: Berth has no data protection policies, so nothing is masked.');
      if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
        throw invalid('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
      }
      const pattern = parseFilterPattern(input.filterPattern);
      const name = groupOf(input);
      const { value: group } = await requireGroup(store, ctx.region, name);
      const streams = (await streamsOf(store, ctx.region, name)).filter(
        (s) =>
          (input.logStreamNames === undefined || input.logStreamNames.includes(s.name)) &&
          (input.logStreamNamePrefix === undefined || s.name.startsWith(input.logStreamNamePrefix)),
      );
      const after = input.nextToken !== undefined ? decodeFilterToken(input.nextToken) : undefined;
      const matched: LocatedEvent[] = [];
      for (const s of streams) {
        for (const e of await eventsOf(store, ctx.region, group, s.name, ctx.now)) {
          if (inRange(e, input.startTime, input.endTime) && matchesFilterPattern(pattern, e.m) && (after === undefined || orderKey(e) > after)) matched.push(e);
        }
      }
      matched.sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : 1));
      const limit = input.limit ?? 10_000;
      const page = matched.slice(0, limit);
      const last = page.at(-1);
      return {
        events: page.map((e) => ({ logStreamName: e.stream, timestamp: e.t, message: e.m, ingestionTime: e.i, eventId: eventId(e) })),
        searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: true })),
        ...(matched.length > limit && last ? { nextToken: Buffer.from(orderKey(last), 'utf8').toString('base64') } : {}),
      };
    },
  };
}

/** Events across streams in timestamp order, then stream, chunk and index: a total, stable order. */
const orderKey = (e: LocatedEvent) => `${eventId(e)}/${e.stream}`;

function decodeFilterToken(token: string): string {
  const k = Buffer.from(token, 'base64').toString('utf8');
  if (!/^\d{33}\//.test(k)) throw invalid('The specified nextToken is not valid.');
  return k;
}
