/**
 * List* paging: `maxResults` (1-100, default 100) and an opaque `nextToken`, the base64 of the
 * last returned sort key. A token names a position, not an index, so writes between pages neither
 * repeat nor skip the items that stay.
 */
import { errors } from './ecs-context.js';

export interface PageInput {
  nextToken?: string;
  maxResults?: number;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function encodeToken(lastKey: string): string {
  return Buffer.from(JSON.stringify({ k: lastKey }), 'utf8').toString('base64');
}

export function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { k?: unknown };
    if (typeof parsed.k === 'string') return parsed.k;
  } catch {
    /* fall through */
  }
  throw errors.invalid('Invalid token ' + token);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Sorts `items` by `keyOf` (ascending unless `descending`) and cuts one page. */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => string, input: PageInput, descending = false): Page<T> {
  const max = input.maxResults ?? 100;
  if (!Number.isInteger(max) || max < 1 || max > 100) throw errors.invalid('maxResults must be between 1 and 100.');
  const dir = descending ? -1 : 1;
  let sorted = [...items].sort((a, b) => dir * cmp(keyOf(a), keyOf(b)));
  if (input.nextToken !== undefined && input.nextToken !== '') {
    const after = decodeToken(input.nextToken);
    sorted = sorted.filter((x) => dir * cmp(keyOf(x), after) > 0);
  }
  const page = sorted.slice(0, max);
  return sorted.length > max ? { items: page, nextToken: encodeToken(keyOf(page[page.length - 1]!)) } : { items: page };
}
