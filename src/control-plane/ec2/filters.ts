/**
 * EC2 `Filters`: each operation names the filters it supports; values match with `*` and `?`
 * wildcards; values of one filter are ORed, filters are ANDed; `tag:<key>` matches a tag's value.
 * A filter Berth does not know is refused (AWS: InvalidParameterValue), never silently ignored.
 */
import { AwsError } from '../../domain/aws-error.js';
import type { Ec2Tag } from '../../domain/ec2/vpc.js';

export interface Filter {
  Name?: string;
  Values?: string[];
}

/** Filter name → the values an item has for it. */
export type FilterTable<T> = Record<string, (item: T) => ReadonlyArray<string | undefined>>;

/**
 * `*` any run, `?` any one character. Greedy with one backtrack point, so O(value × pattern): a
 * regular expression built from a caller's pattern can backtrack exponentially (`*a*a*a...`).
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let mark = 0;
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v])) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = v;
    } else if (star >= 0) {
      p = star + 1;
      v = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

export function applyFilters<T extends object>(items: readonly T[], filters: readonly Filter[] | undefined, table: FilterTable<T>): T[] {
  const tagsOf = (item: T): Ec2Tag[] => ('Tags' in item && Array.isArray(item.Tags) ? (item.Tags as Ec2Tag[]) : []);
  const checks = (filters ?? []).map((f) => {
    const name = f.Name ?? '';
    let valuesOf = table[name];
    if (!valuesOf && name.startsWith('tag:'))
      valuesOf = (item) =>
        tagsOf(item)
          .filter((t) => t.Key === name.slice(4))
          .map((t) => t.Value);
    if (!valuesOf && name === 'tag-key') valuesOf = (item) => tagsOf(item).map((t) => t.Key);
    if (!valuesOf) throw new AwsError('InvalidParameterValue', `The filter '${name}' is invalid`);
    const patterns = f.Values ?? [];
    return (item: T) => valuesOf!(item).some((v) => v !== undefined && patterns.some((p) => wildcardMatch(p, v)));
  });
  return items.filter((item) => checks.every((c) => c(item)));
}

/** The ids a Describe call asked for must all exist: the first missing one is the error AWS gives. */
export function requireAll(ids: readonly string[] | undefined, known: ReadonlySet<string>, error: (id: string) => AwsError): void {
  for (const id of ids ?? []) if (!known.has(id)) throw error(id);
}
