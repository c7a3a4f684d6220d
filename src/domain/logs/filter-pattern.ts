/**
 * CloudWatch Logs filter patterns, the plain-term subset (the Logs user guide's "Matching terms in
 * unstructured log events"): space-separated terms must all appear; a "quoted phrase" is one term;
 * `?term` terms form an OR group of which one must appear; `-term` must not appear. Matching is
 * case-sensitive, as CloudWatch's is. JSON (`{ $.x = 1 }`) and space-delimited (`[a, b]`) patterns
 * are refused, never matched as plain text.
 */
import { AwsError } from '../aws-error.js';

export interface FilterPattern {
  readonly all: readonly string[];
  readonly any: readonly string[];
  readonly none: readonly string[];
}

export function parseFilterPattern(pattern: string | undefined): FilterPattern {
  const text = (pattern ?? '').trim();
  if (text.startsWith('{') || text.startsWith('[') || text.startsWith('%')) {
    throw new AwsError(
      'InvalidParameterException',
      `filterPattern: Berth matches plain terms, "quoted phrases", ?optional and -excluded terms; JSON, space-delimited and regular-expression patterns are not supported (got ${JSON.stringify(pattern)}).`,
    );
  }
  const all: string[] = [];
  const any: string[] = [];
  const none: string[] = [];
  const re = /([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  for (const m of text.matchAll(re)) {
    const term = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] as string);
    if (term === '') continue;
    (m[1] === '?' ? any : m[1] === '-' ? none : all).push(term);
  }
  return { all, any, none };
}

export function matchesFilterPattern(p: FilterPattern, message: string): boolean {
  return p.all.every((t) => message.includes(t)) && (p.any.length === 0 || p.any.some((t) => message.includes(t))) && !p.none.some((t) => message.includes(t));
}
