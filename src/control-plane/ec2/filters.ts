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

const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

export function applyFilters<T extends object>(items: readonly T[], filters: readonly Filter[] | undefined, table: FilterTable<T>): T[] {
  const tagsOf = (item: T): Ec2Tag[] => ('Tags' in item && Array.isArray(item.Tags) ? (item.Tags as Ec2Tag[]) : []);
  const checks = (filters ?? []).map((f) => {
    const name = f.Name ?? '';
    let valuesOf = table[name];
    if (!valuesOf && name.startsWith('tag:')) valuesOf = (item) => tagsOf(item).filter((t) => t.Key === name.slice(4)).map((t) => t.Value);
    if (!valuesOf && name === 'tag-key') valuesOf = (item) => tagsOf(item).map((t) => t.Key);
    if (!valuesOf) throw new AwsError('InvalidParameterValue', `The filter '${name}' is invalid`);
    const patterns = (f.Values ?? []).map(glob);
    return (item: T) => valuesOf!(item).some((v) => v !== undefined && patterns.some((p) => p.test(v)));
  });
  return items.filter((item) => checks.every((c) => c(item)));
}

/** The ids a Describe call asked for must all exist: the first missing one is the error AWS gives. */
export function requireAll(ids: readonly string[] | undefined, known: ReadonlySet<string>, error: (id: string) => AwsError): void {
  for (const id of ids ?? []) if (!known.has(id)) throw error(id);
}
