/** CloudWatch Logs records as stored: a group, a stream, and a chunk of a stream's events. */
import type { StoredLogEvent } from './log-events.js';

export interface LogGroupRecord {
  readonly name: string;
  readonly creationTime: number;
  readonly retentionInDays?: number;
  readonly deletionProtectionEnabled: boolean;
}

export interface LogStreamRecord {
  readonly group: string;
  readonly name: string;
  readonly creationTime: number;
  readonly firstEventTimestamp?: number;
  readonly lastEventTimestamp?: number;
  readonly lastIngestionTime?: number;
  readonly storedBytes: number;
  /** The sequence number the next chunk takes. */
  readonly nextChunk: number;
}

/** One PutLogEvents batch as accepted, in timestamp order. */
export interface LogChunkRecord {
  readonly seq: number;
  readonly events: readonly StoredLogEvent[];
}

export const logGroupArn = (scope: { region: string; accountId: string }, group: string) =>
  `arn:aws:logs:${scope.region}:${scope.accountId}:log-group:${group}`;

export const logStreamArn = (scope: { region: string; accountId: string }, group: string, stream: string) =>
  `${logGroupArn(scope, group)}:log-stream:${stream}`;

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;

export const isLogGroupName = (name: string) => GROUP_NAME.test(name);
export const isLogStreamName = (name: string) => STREAM_NAME.test(name);
