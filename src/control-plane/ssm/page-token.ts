/**
 * Paging for the services whose tokens name a position by key (SSM, Secrets Manager): the token is
 * the base64 of the last key returned, so writes between pages neither repeat nor skip what stays.
 */
import type { AwsError } from '../../domain/aws-error.js';

export interface KeyedPage<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/** `items` must be sorted by `keyOf`. `invalidToken` is the service's own error for a bad token. */
export function pageByKey<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  max: number,
  token: string | undefined,
  invalidToken: () => AwsError,
): KeyedPage<T> {
  let start = 0;
  if (token !== undefined && token !== '') {
    let after: string;
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { k?: unknown };
      if (typeof parsed.k !== 'string') throw new Error('no key');
      after = parsed.k;
    } catch {
      throw invalidToken();
    }
    start = items.findIndex((i) => keyOf(i) > after);
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + max);
  const more = start + max < items.length;
  const last = page.at(-1);
  return {
    items: page,
    ...(more && last !== undefined ? { nextToken: Buffer.from(JSON.stringify({ k: keyOf(last) }), 'utf8').toString('base64') } : {}),
  };
}
