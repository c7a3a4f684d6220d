/**
 * The rules CloudWatch Logs applies to a PutLogEvents batch and to stored events, as pure
 * functions of the batch and `now`: chronological order within a batch, a span of at most 24 hours,
 * events too new (over 2 hours ahead) or too old (over 14 days, or past the group's retention)
 * rejected by index, and retention in the days CloudWatch allows.
 */
import { AwsError } from '../aws-error.js';

export interface InputLogEvent {
  readonly timestamp: number;
  readonly message: string;
}

export interface StoredLogEvent {
  /** timestamp (ms) */
  readonly t: number;
  /** message */
  readonly m: string;
  /** ingestion time (ms) */
  readonly i: number;
}

export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const MAX_BATCH_BYTES = 1_048_576;
/** CloudWatch counts 26 bytes of overhead per event. */
export const EVENT_OVERHEAD = 26;

export function checkRetention(days: number): void {
  if (!(RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
}

export interface AcceptedBatch {
  readonly events: StoredLogEvent[];
  readonly rejected: { tooNewLogEventStartIndex?: number; tooOldLogEventEndIndex?: number; expiredLogEventEndIndex?: number };
}

/** Accepts what CloudWatch would of a batch, or throws its error for a batch it refuses whole. */
export function acceptBatch(events: readonly InputLogEvent[], now: number, retentionInDays: number | undefined): AcceptedBatch {
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as InputLogEvent;
    if (i > 0 && e.timestamp < (events[i - 1] as InputLogEvent).timestamp) {
      throw new AwsError('InvalidParameterException', 'Log events in a single PutLogEvents request must be in chronological order.');
    }
    bytes += Buffer.byteLength(e.message, 'utf8') + EVENT_OVERHEAD;
  }
  if (bytes > MAX_BATCH_BYTES) {
    throw new AwsError('InvalidParameterException', `Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  }
  const first = events[0];
  const last = events.at(-1);
  if (first && last && last.timestamp - first.timestamp > DAY) {
    throw new AwsError('InvalidParameterException', 'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  const rejected: AcceptedBatch['rejected'] = {};
  const expiredBefore = retentionInDays !== undefined ? now - retentionInDays * DAY : -Infinity;
  const accepted: StoredLogEvent[] = [];
  events.forEach((e, i) => {
    if (e.timestamp > now + 2 * HOUR) {
      rejected.tooNewLogEventStartIndex ??= i;
    } else if (e.timestamp < expiredBefore) {
      rejected.expiredLogEventEndIndex = i;
    } else if (e.timestamp < now - 14 * DAY) {
      rejected.tooOldLogEventEndIndex = i;
    } else {
      accepted.push({ t: e.timestamp, m: e.message, i: now });
    }
  });
  return { events: accepted, rejected };
}

/** Whether an event has outlived its group's retention. */
export const isExpired = (t: number, retentionInDays: number | undefined, now: number) => retentionInDays !== undefined && t < now - retentionInDays * DAY;
