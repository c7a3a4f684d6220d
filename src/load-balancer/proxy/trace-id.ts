/**
 * X-Amzn-Trace-Id: a request without one gets `Root=1-<8 hex epoch seconds>-<24 hex>`; one that
 * has a Root keeps it (and its custom fields) and gets `Self=` added or replaced, as ALB does.
 */
import type { Random } from '../../platform/random.js';

/** Random hex drawn in batches: one `random.hex` call per 128 trace ids, not one per request. */
const batchIds = 128;
let batch = '';
let batchOffset = 0;
let batchSource: Random | undefined;
let lastSecond = -1;
let lastSecondHex = '';

export function newTraceId(nowMs: number, random: Random): string {
  if (batchSource !== random || batchOffset >= batch.length) {
    batch = random.hex(12 * batchIds);
    batchOffset = 0;
    batchSource = random;
  }
  const hex = batch.slice(batchOffset, batchOffset + 24);
  batchOffset += 24;
  const second = Math.floor(nowMs / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastSecondHex = second.toString(16).padStart(8, '0');
  }
  return `1-${lastSecondHex}-${hex}`;
}

export function traceHeader(existing: string | undefined, nowMs: number, random: Random): string {
  const id = newTraceId(nowMs, random);
  if (existing === undefined) return `Root=${id}`;
  if (!/(^|;)\s*Root=/.test(existing)) return `Root=${id}`;
  const fields = existing
    .split(';')
    .map((f) => f.trim())
    .filter((f) => f !== '' && !f.startsWith('Self='));
  return [`Self=${id}`, ...fields].join(';');
}
