/**
 * The target group's success-code matcher, compiled once per target: `200`, `200,202`, `200-299` (and
 * mixes of these). The grammar and its limits are the API's (`src/domain/elbv2/matcher.ts`), so the
 * prober accepts exactly what CreateTargetGroup accepted.
 */
import { matcherAccepts, parseHttpCodeMatcher } from '../../domain/elbv2/matcher.js';

export type CodeMatcher = (status: number) => boolean;

export function compileMatcher(spec: string): CodeMatcher {
  const ranges = parseHttpCodeMatcher(spec);
  return (status) => matcherAccepts(ranges, status);
}
