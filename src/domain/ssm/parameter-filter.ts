/**
 * DescribeParameters' and GetParametersByPath's ParameterFilters, decided purely: Name, Path, Type,
 * KeyId, Tier, DataType and `tag:<key>` with the options SSM documents for each (Equals, BeginsWith
 * for names; Recursive, OneLevel for paths). A key or option outside that set is refused with SSM's
 * own error codes, never ignored.
 */
import { AwsError } from '../aws-error.js';
import { isUnderPath } from './parameter-name.js';
import type { ParameterRecord } from './parameter.js';

export interface ParameterStringFilter {
  readonly Key: string;
  readonly Option?: string;
  readonly Values?: readonly string[];
}

const OPTIONS: Record<string, readonly string[]> = {
  Name: ['Equals', 'BeginsWith', 'Contains'],
  Path: ['Recursive', 'OneLevel'],
  Type: ['Equals', 'BeginsWith'],
  KeyId: ['Equals', 'BeginsWith'],
  Tier: ['Equals', 'BeginsWith'],
  DataType: ['Equals', 'BeginsWith'],
  Label: ['Equals'],
  tag: ['Equals', 'BeginsWith'],
};

/** Throws InvalidFilterKey / InvalidFilterOption / InvalidFilterValue for a filter SSM would refuse. */
export function checkParameterFilter(f: ParameterStringFilter): void {
  const kind = f.Key.startsWith('tag:') ? 'tag' : f.Key;
  const options = OPTIONS[kind];
  if (!options) throw new AwsError('InvalidFilterKey', `The following filter key is not valid: ${f.Key}.`);
  if (f.Option !== undefined && !options.includes(f.Option)) {
    throw new AwsError('InvalidFilterOption', `The following filter option is not valid: ${f.Option}. Valid options include: [${options.join(', ')}].`);
  }
  if (kind !== 'tag' && (f.Values === undefined || f.Values.length === 0)) {
    throw new AwsError('InvalidFilterValue', `The following filter values are missing : null for filter key ${f.Key}.`);
  }
}

/** Whether a parameter passes every filter; `tags` are its tags (read only when a filter asks). */
export function matchesParameterFilters(rec: ParameterRecord, filters: readonly ParameterStringFilter[], tags: Readonly<Record<string, string>>): boolean {
  return filters.every((f) => matches(rec, f, tags));
}

function matches(rec: ParameterRecord, f: ParameterStringFilter, tags: Readonly<Record<string, string>>): boolean {
  const latest = rec.versions.at(-1);
  if (!latest) return false;
  const values = f.Values ?? [];
  const option = f.Option ?? (f.Key === 'Path' ? 'OneLevel' : 'Equals');
  const test = (actual: string | undefined) =>
    actual !== undefined && values.some((v) => (option === 'BeginsWith' ? actual.startsWith(v) : option === 'Contains' ? actual.includes(v) : actual === v));
  if (f.Key.startsWith('tag:')) {
    const tag = tags[f.Key.slice(4)];
    return values.length === 0 ? tag !== undefined : test(tag);
  }
  switch (f.Key) {
    case 'Name':
      // SSM matches names with or without their leading slash.
      return test(rec.name) || test(rec.name.startsWith('/') ? rec.name.slice(1) : `/${rec.name}`);
    case 'Path':
      return values.some((p) => isUnderPath(rec.name, p, option === 'Recursive'));
    case 'Type':
      return test(latest.type);
    case 'KeyId':
      return test(latest.keyId);
    case 'Tier':
      return test(latest.tier);
    case 'DataType':
      return test(latest.dataType);
    case 'Label':
      return rec.versions.some((v) => v.labels.some((l) => values.includes(l)));
    default:
      return false;
  }
}

/** Whether any filter needs the parameter's tags. */
export const filtersNeedTags = (filters: readonly ParameterStringFilter[]) => filters.some((f) => f.Key.startsWith('tag:'));
