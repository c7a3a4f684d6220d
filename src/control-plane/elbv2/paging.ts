/** Marker/PageSize paging over an already filtered, ordered list. The marker is an opaque offset. */
import { AwsError } from '../../domain/aws-error.js';

export function page<T>(items: readonly T[], marker: string | undefined, pageSize: number | undefined) {
  const size = pageSize ?? 400;
  if (!Number.isInteger(size) || size < 1 || size > 400) throw new AwsError('ValidationError', 'PageSize must be between 1 and 400');
  let start = 0;
  if (marker !== undefined) {
    const decoded = Buffer.from(marker, 'base64url').toString('utf8');
    if (!/^o\d+$/.test(decoded)) throw new AwsError('ValidationError', `Invalid marker '${marker}'`);
    start = Number(decoded.slice(1));
  }
  const slice = items.slice(start, start + size);
  const next = start + size;
  return { items: slice, NextMarker: next < items.length ? Buffer.from(`o${next}`, 'utf8').toString('base64url') : undefined };
}
