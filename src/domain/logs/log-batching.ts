/**
 * How the awslogs shipper cuts a container's events into PutLogEvents-sized batches, as Docker's
 * awslogs driver does: an event longer than CloudWatch's 256 KiB becomes several (Docker's rule),
 * the pieces of one event always travel in one batch (they share its position, the store's
 * idempotency key), and a batch stays within 1 MiB, 10,000 events and 24 hours. Pure.
 */
import { EVENT_OVERHEAD, MAX_BATCH_BYTES } from './log-events.js';

/** CloudWatch's largest event, less its per-event overhead (Docker's `maximumBytesPerEvent`). */
export const MAX_EVENT_BYTES = 262_144 - EVENT_OVERHEAD;
/** The pieces of one event that fit one batch: the rest of a longer one is cut. */
export const MAX_PIECES = Math.floor(MAX_BATCH_BYTES / (MAX_EVENT_BYTES + EVENT_OVERHEAD));
const DAY = 86_400_000;

/** A message in pieces of at most `maxBytes` UTF-8 bytes, never splitting a character; at most `maxPieces`. */
export function splitMessage(message: string, maxBytes = MAX_EVENT_BYTES, maxPieces = MAX_PIECES): string[] {
  if (Buffer.byteLength(message, 'utf8') <= maxBytes) return [message];
  const out: string[] = [];
  let cur = '';
  let bytes = 0;
  for (const ch of message) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > maxBytes) {
      out.push(cur);
      if (out.length === maxPieces) return out;
      cur = '';
      bytes = 0;
    }
    cur += ch;
    bytes += n;
  }
  if (cur !== '') out.push(cur);
  return out.slice(0, maxPieces);
}

export interface BatchLimits {
  maxEvents: number;
  maxBytes: number;
  maxSpanMs: number;
}

export const BATCH_LIMITS: BatchLimits = { maxEvents: 10_000, maxBytes: MAX_BATCH_BYTES, maxSpanMs: DAY };

/**
 * The first batch of `groups` (each group: one event's pieces, in order): as many whole groups as
 * fit. Answers how many groups it took (always at least one when there is one).
 */
export function firstBatch<E extends { timestamp: number; message: string }>(
  groups: readonly (readonly E[])[],
  limits: BatchLimits = BATCH_LIMITS,
): { events: E[]; groups: number } {
  const events: E[] = [];
  let bytes = 0;
  let taken = 0;
  for (const g of groups) {
    const size = g.reduce((n, e) => n + Buffer.byteLength(e.message, 'utf8') + EVENT_OVERHEAD, 0);
    const first = events[0] ?? g[0];
    const last = g.at(-1);
    const fits =
      events.length + g.length <= limits.maxEvents &&
      bytes + size <= limits.maxBytes &&
      (!first || !last || last.timestamp - first.timestamp <= limits.maxSpanMs);
    if (!fits && taken > 0) break;
    events.push(...g);
    bytes += size;
    taken++;
  }
  return { events, groups: taken };
}
