/**
 * The target group's success-code matcher, compiled once per target: `200`, `200,202`, `200-299` (and
 * mixes of these), or for GRPC groups gRPC status codes (`12`, `0-99`). The grammar and its limits are
 * the API's (`src/domain/elbv2/matcher.ts`), so the prober accepts exactly what CreateTargetGroup accepted.
 */
import { matcherAccepts, parseMatcher, type MatcherKind } from '../../domain/elbv2/matcher.js';

export type CodeMatcher = (status: number) => boolean;

export function compileMatcher(spec: string, kind: MatcherKind = 'http'): CodeMatcher {
  const ranges = parseMatcher(kind, spec);
  return (status) => matcherAccepts(ranges, status);
}
