/**
 * ALB rule evaluation, compiled once per routing table: every pattern becomes a RegExp when the
 * table is built, so a request costs a few regex tests. Semantics (ELBv2 guide):
 * - path-pattern: case-sensitive, whole path, never the query string;
 * - host-header: case-insensitive, compared without any `:port`;
 * - `*` (0+ chars) and `?` (exactly one) are the only wildcards;
 * - http-header: name and value case-insensitive, any repeated copy may match;
 * - http-request-method: exact, case-sensitive;
 * - query-string: key and value case-insensitive with wildcards, `\*` and `\?` are literals;
 * - source-ip: CIDRs against the socket address, never X-Forwarded-For;
 * - values inside one condition are OR'd, conditions are AND'd, lowest priority wins, else default.
 */
import type { Action, Condition, Rule } from '../routing-table.js';
import { anyCidrContains, parseCidr } from './cidr.js';

/** What the matcher needs from a request; `rawHeaders` is Node's flat [name, value, ...] list. */
export interface RequestFacts {
  readonly method: string;
  /** The Host header as sent (may carry a port). */
  readonly host: string;
  /** The request target as sent: path plus optional `?query`. */
  readonly url: string;
  readonly rawHeaders: readonly string[];
  readonly sourceAddress: string | undefined;
}

export interface RuleMatch {
  readonly rule: Rule;
  readonly action: Action;
}

export interface CompiledRules {
  match(req: RequestFacts): RuleMatch;
}

type Test = (req: RequestFacts, q: QueryCache) => boolean;

interface QueryCache {
  pairs: Array<[string, string]> | undefined;
}

/** `*` and `?` wildcards; with `escapes`, `\*` and `\?` stand for the literal characters. */
export function wildcardToRegExp(pattern: string, flags: string, escapes = false): RegExp {
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escapes && c === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '?')) {
      src += '\\' + pattern[++i];
    } else if (c === '*') src += '.*';
    else if (c === '?') src += '.';
    else src += c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, flags + 's');
}

export function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function queryPairs(req: RequestFacts, cache: QueryCache): Array<[string, string]> {
  if (cache.pairs) return cache.pairs;
  const pairs: Array<[string, string]> = [];
  const q = req.url.indexOf('?');
  if (q >= 0) {
    for (const part of req.url.slice(q + 1).split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      pairs.push(eq < 0 ? ['', decode(part)] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
    }
  }
  cache.pairs = pairs;
  return pairs;
}

function anyOf(regexps: RegExp[], value: string): boolean {
  for (const r of regexps) if (r.test(value)) return true;
  return false;
}

export function compileCondition(c: Condition): Test {
  switch (c.field) {
    case 'path-pattern': {
      const rs = c.values.map((v) => wildcardToRegExp(v, ''));
      return (req) => anyOf(rs, pathOf(req.url));
    }
    case 'host-header': {
      const rs = c.values.map((v) => wildcardToRegExp(stripPort(v), 'i'));
      return (req) => anyOf(rs, stripPort(req.host));
    }
    case 'http-request-method': {
      const set = new Set(c.values);
      return (req) => set.has(req.method);
    }
    case 'http-header': {
      const name = c.headerName.toLowerCase();
      const rs = c.values.map((v) => wildcardToRegExp(v, 'i'));
      return (req) => {
        const h = req.rawHeaders;
        for (let i = 0; i < h.length; i += 2) {
          if (h[i]!.length === name.length && h[i]!.toLowerCase() === name && anyOf(rs, h[i + 1]!)) return true;
        }
        return false;
      };
    }
    case 'query-string': {
      const rs = c.values.map((v) => ({
        key: v.key === undefined ? undefined : wildcardToRegExp(v.key, 'i', true),
        value: wildcardToRegExp(v.value, 'i', true),
      }));
      return (req, cache) => {
        for (const [k, v] of queryPairs(req, cache)) {
          for (const r of rs) if ((r.key === undefined || r.key.test(k)) && r.value.test(v)) return true;
        }
        return false;
      };
    }
    case 'source-ip': {
      const cidrs = c.values.map(parseCidr);
      return (req) => anyCidrContains(cidrs, req.sourceAddress);
    }
  }
}

export function compileRules(sortedRules: readonly Rule[]): CompiledRules {
  const compiled = sortedRules.map((rule) => ({ rule, tests: rule.conditions.map(compileCondition) }));
  const matches = compiled.map(({ rule }) => Object.freeze({ rule, action: rule.action }));
  return {
    match(req) {
      const cache: QueryCache = { pairs: undefined };
      for (let i = 0; i < compiled.length; i++) {
        const tests = compiled[i]!.tests;
        let ok = true;
        for (let j = 0; j < tests.length && ok; j++) ok = tests[j]!(req, cache);
        if (ok) return matches[i]!;
      }
      // buildRoutingTable guarantees a default rule (no conditions) closes the list.
      return matches[matches.length - 1]!;
    },
  };
}
