/** Application Auto Scaling's paging: MaxResults (default 50, at most 50) and an opaque NextToken. */
import { AwsError } from '../../domain/aws-error.js';

export function pageOf<T>(all: readonly T[], maxResults: number | undefined, nextToken: string | undefined): { page: T[]; nextToken?: string } {
  const size = Math.min(50, maxResults ?? 50);
  let start = 0;
  if (nextToken !== undefined) {
    start = Number.parseInt(Buffer.from(nextToken, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0 || start > all.length) throw new AwsError('InvalidNextTokenException', 'The NextToken value is not valid.');
  }
  const page = all.slice(start, start + size);
  return { page, ...(start + size < all.length ? { nextToken: Buffer.from(String(start + size), 'utf8').toString('base64url') } : {}) };
}
