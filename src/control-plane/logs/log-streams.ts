/** CloudWatch Logs' log-stream operations: create, delete, describe. */
import { AwsError } from '../../domain/aws-error.js';
import { keys } from '../../domain/keys.js';
import { isLogStreamName, logStreamArn, type LogStreamRecord } from '../../domain/logs/log-records.js';
import type { Store } from '../../store/store.js';
import type { Handlers, Reply, RequestContext } from '../api/operation.js';
import { pageByKey } from '../ssm/page-token.js';
import { requireGroup, streamNotFound, streamsOf } from './log-store.js';
import { groupOf } from './log-group-ref.js';

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

interface DescribeLogStreamsInput {
  logGroupName?: string;
  logGroupIdentifier?: string;
  logStreamNamePrefix?: string;
  orderBy?: 'LogStreamName' | 'LastEventTime';
  descending?: boolean;
  nextToken?: string;
  limit?: number;
}

export function logStreamHandlers({ store }: { store: Store }): Handlers<'logs'> {
  return {
    async CreateLogStream(input: { logGroupName: string; logStreamName: string }, ctx: RequestContext): Reply<'logs', 'CreateLogStream'> {
      if (!isLogStreamName(input.logStreamName)) {
        throw invalid(
          `1 validation error detected: Value '${input.logStreamName}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`,
        );
      }
      await requireGroup(store, ctx.region, input.logGroupName);
      const key = keys.logStream(ctx.region, input.logGroupName, input.logStreamName);
      const stream: LogStreamRecord = { group: input.logGroupName, name: input.logStreamName, creationTime: ctx.now, storedBytes: 0, nextChunk: 1 };
      const { succeeded } = await store.txn({ compares: [{ key, modRevision: 0 }], success: [{ type: 'put', key, value: stream }] });
      if (!succeeded) throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
      return {};
    },

    async DeleteLogStream(input: { logGroupName: string; logStreamName: string }, ctx: RequestContext): Reply<'logs', 'DeleteLogStream'> {
      await requireGroup(store, ctx.region, input.logGroupName);
      const key = keys.logStream(ctx.region, input.logGroupName, input.logStreamName);
      if (!(await store.get(key))) throw streamNotFound();
      for (const r of (await store.list(keys.logChunksOf(ctx.region, input.logGroupName, input.logStreamName))).records) await store.delete(r.key);
      await store.delete(key);
      await store.delete(keys.logShipped(ctx.region, input.logGroupName, input.logStreamName));
      return {};
    },

    async DescribeLogStreams(input: DescribeLogStreamsInput, ctx: RequestContext): Reply<'logs', 'DescribeLogStreams'> {
      const group = groupOf(input);
      if (input.orderBy === 'LastEventTime' && input.logStreamNamePrefix !== undefined) {
        throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
      }
      await requireGroup(store, ctx.region, group);
      const byTime = input.orderBy === 'LastEventTime';
      const sortKey = (s: LogStreamRecord) => {
        const k = byTime ? `${String(s.lastEventTimestamp ?? 0).padStart(15, '0')}/${s.name}` : s.name;
        return input.descending ? invert(k) : k;
      };
      const streams = (await streamsOf(store, ctx.region, group))
        .filter((s) => input.logStreamNamePrefix === undefined || s.name.startsWith(input.logStreamNamePrefix))
        .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
      const page = pageByKey(streams, sortKey, input.limit ?? 50, input.nextToken, () => invalid('The specified nextToken is not valid.'));
      return {
        logStreams: page.items.map((s) => ({
          logStreamName: s.name,
          creationTime: s.creationTime,
          ...(s.firstEventTimestamp !== undefined ? { firstEventTimestamp: s.firstEventTimestamp } : {}),
          ...(s.lastEventTimestamp !== undefined ? { lastEventTimestamp: s.lastEventTimestamp } : {}),
          ...(s.lastIngestionTime !== undefined ? { lastIngestionTime: s.lastIngestionTime } : {}),
          arn: logStreamArn(ctx, group, s.name),
          storedBytes: s.storedBytes,
        })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
    },
  };
}

/** A key that sorts in the reverse order of `k` (descending order through an ascending pager). */
function invert(k: string): string {
  return Array.from(k, (c) => String.fromCharCode(0xffff - c.charCodeAt(0))).join('');
}
