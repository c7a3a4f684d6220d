/**
 * Rule conditions: validation and the normal form Berth stores and returns. Every condition is stored
 * with its `Field` and its typed `*Config`; host-header and path-pattern also keep the legacy `Values`,
 * as AWS shows them.
 */
import { isIP } from 'node:net';
import { AwsError } from '../aws-error.js';

export interface RuleCondition {
  Field: 'host-header' | 'path-pattern' | 'http-header' | 'http-request-method' | 'query-string' | 'source-ip';
  Values?: string[];
  HostHeaderConfig?: { Values: string[] };
  PathPatternConfig?: { Values: string[] };
  HttpHeaderConfig?: { HttpHeaderName: string; Values: string[] };
  HttpRequestMethodConfig?: { Values: string[] };
  QueryStringConfig?: { Values: Array<{ Key?: string; Value: string }> };
  SourceIpConfig?: { Values: string[] };
}

/** A condition as a request gives it (CreateRule, ModifyRule): what this file reads, every member possibly absent. */
export interface ConditionRequest {
  readonly Field?: string;
  readonly Values?: readonly string[];
  readonly RegexValues?: unknown;
  readonly HostHeaderConfig?: { readonly Values?: readonly string[] };
  readonly PathPatternConfig?: { readonly Values?: readonly string[] };
  readonly HttpHeaderConfig?: { readonly HttpHeaderName?: string; readonly Values?: readonly string[] };
  readonly HttpRequestMethodConfig?: { readonly Values?: readonly string[] };
  readonly QueryStringConfig?: { readonly Values?: readonly { readonly Key?: string; readonly Value?: string }[] };
  readonly SourceIpConfig?: { readonly Values?: readonly string[] };
}

const bad = (message: string) => new AwsError('ValidationError', message);

const CONFIG_OF = {
  'host-header': 'HostHeaderConfig',
  'path-pattern': 'PathPatternConfig',
  'http-header': 'HttpHeaderConfig',
  'http-request-method': 'HttpRequestMethodConfig',
  'query-string': 'QueryStringConfig',
  'source-ip': 'SourceIpConfig',
} as const;
type Field = keyof typeof CONFIG_OF;
// Own keys only: `'toString' in CONFIG_OF` is true.
const isField = (f: string): f is Field => Object.hasOwn(CONFIG_OF, f);

/** At most one of each of these per rule; http-header and query-string may repeat. */
const SINGLE: ReadonlySet<Field> = new Set(['host-header', 'path-pattern', 'http-request-method', 'source-ip']);
export const MAX_VALUES_PER_RULE = 5;
export const MAX_WILDCARDS_PER_RULE = 5;

const PATH_CHARS = /^[A-Za-z0-9 _\-.$/~"'@:+&*?]+$/;
const HOST_CHARS = /^[A-Za-z0-9\-.*?]+$/;
const METHOD_CHARS = /^[A-Z_-]+$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

function checkString(value: unknown, max: number, what: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > max) {
    throw bad(`${what} values must be between 1 and ${max} characters`);
  }
  return value;
}

function checkHost(v: string): void {
  checkString(v, 128, 'Host header');
  if (!HOST_CHARS.test(v)) throw bad(`Host header '${v}' may contain only A-Z, a-z, 0-9, '-', '.', '*' and '?'`);
  // The last label must be letters (or wildcards), as in a real domain name.
  if (!v.includes('.') || !/\.[A-Za-z*?]+$/.test(v)) throw bad(`Host header '${v}' must contain a '.' followed by letters`);
}

function checkPath(v: string): void {
  checkString(v, 128, 'Path pattern');
  if (!PATH_CHARS.test(v)) throw bad(`Path pattern '${v}' contains a character that is not allowed`);
}

function checkCidr(v: string): void {
  const [ip, bits, extra] = v.split('/');
  const family = isIP(ip ?? '');
  const max = family === 4 ? 32 : 128;
  if (!family || bits === undefined || extra !== undefined || !/^\d+$/.test(bits) || Number(bits) > max) {
    throw bad(`Source IP '${v}' must be a CIDR block such as 10.0.0.0/8`);
  }
}

function values(c: ConditionRequest, field: Exclude<Field, 'query-string'>): string[] {
  const config = c[CONFIG_OF[field]];
  const list = config?.Values ?? c.Values;
  if (!list || list.length === 0) throw bad(`A '${field}' condition needs at least one value`);
  return [...list];
}

function one(c: ConditionRequest): RuleCondition {
  const present = (Object.entries(CONFIG_OF) as Array<[Field, (typeof CONFIG_OF)[Field]]>).filter(([, k]) => c[k] !== undefined);
  if (present.length > 1) throw bad('A condition can have only one configuration');
  const field = c.Field ?? present[0]?.[0];
  if (!field || !isField(field)) throw bad(`Condition field '${String(c.Field)}' is not valid`);
  if (present.length === 1 && present[0]![0] !== field) throw bad(`Condition field '${field}' does not match its configuration`);
  if (c.RegexValues !== undefined) throw bad('Regular-expression conditions are not supported');
  if (c.Values !== undefined && c[CONFIG_OF[field]] !== undefined) throw bad('Specify either Values or a configuration, not both');
  if (c.Values !== undefined && field !== 'host-header' && field !== 'path-pattern') {
    throw bad(`Condition field '${field}' requires its configuration, not Values`);
  }
  switch (field) {
    case 'host-header': {
      const v = values(c, field);
      v.forEach(checkHost);
      return { Field: field, Values: v, HostHeaderConfig: { Values: v } };
    }
    case 'path-pattern': {
      const v = values(c, field);
      v.forEach(checkPath);
      return { Field: field, Values: v, PathPatternConfig: { Values: v } };
    }
    case 'http-request-method': {
      const v = values(c, field);
      for (const m of v) if (!METHOD_CHARS.test(checkString(m, 40, 'HTTP request method'))) throw bad(`HTTP request method '${m}' is not valid`);
      return { Field: field, HttpRequestMethodConfig: { Values: v } };
    }
    case 'source-ip': {
      const v = values(c, field);
      v.forEach(checkCidr);
      return { Field: field, SourceIpConfig: { Values: v } };
    }
    case 'http-header': {
      const name = c.HttpHeaderConfig?.HttpHeaderName;
      if (typeof name !== 'string' || !HEADER_NAME.test(name) || name.length > 40) throw bad('HTTP header name is not valid');
      if (name.toLowerCase() === 'host') throw bad("Use a 'host-header' condition to match the Host header");
      const v = values(c, field);
      v.forEach((x) => checkString(x, 128, 'HTTP header'));
      return { Field: field, HttpHeaderConfig: { HttpHeaderName: name, Values: v } };
    }
    case 'query-string': {
      const pairs = c.QueryStringConfig?.Values ?? [];
      if (pairs.length === 0) throw bad("A 'query-string' condition needs at least one value");
      const v = pairs.map((p) => {
        const value = checkString(p.Value, 128, 'Query string');
        if (p.Key !== undefined) checkString(p.Key, 128, 'Query string key');
        return p.Key !== undefined ? { Key: p.Key, Value: value } : { Value: value };
      });
      return { Field: field, QueryStringConfig: { Values: v } };
    }
  }
}

function valueCount(c: RuleCondition): string[] {
  return (
    c.HostHeaderConfig?.Values ??
    c.PathPatternConfig?.Values ??
    c.HttpHeaderConfig?.Values ??
    c.HttpRequestMethodConfig?.Values ??
    c.SourceIpConfig?.Values ??
    c.QueryStringConfig?.Values.map((p) => `${p.Key ?? ''}=${p.Value}`) ??
    []
  );
}

/** Validates a non-default rule's conditions and returns their normal form. */
export function normalizeConditions(conditions: readonly ConditionRequest[] | undefined): RuleCondition[] {
  if (!conditions || conditions.length === 0) throw bad('A rule must have at least one condition');
  const out = conditions.map(one);
  const seen = new Set<Field>();
  for (const c of out) {
    if (SINGLE.has(c.Field) && seen.has(c.Field)) throw bad(`A rule can have only one '${c.Field}' condition`);
    seen.add(c.Field);
  }
  const all = out.flatMap(valueCount);
  if (all.length > MAX_VALUES_PER_RULE) throw bad(`A rule can have at most ${MAX_VALUES_PER_RULE} condition values`);
  const wildcards = all.reduce((n, v) => n + (v.match(/[*?]/g)?.length ?? 0), 0);
  if (wildcards > MAX_WILDCARDS_PER_RULE) throw bad(`A rule can have at most ${MAX_WILDCARDS_PER_RULE} wildcards`);
  return out;
}
