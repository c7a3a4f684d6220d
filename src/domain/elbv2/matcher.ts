/** The ALB health-check matcher: `200`, `200,202`, `200-299`, codes within 200-499. */
import { AwsError } from '../aws-error.js';

export interface HttpCodeRange {
  readonly from: number;
  readonly to: number;
}

/** Parses and validates a matcher; throws ValidationError on anything an ALB would refuse. */
export function parseHttpCodeMatcher(httpCode: string): HttpCodeRange[] {
  const bad = (why: string) => new AwsError('ValidationError', `Health check matcher HTTP code '${httpCode}' ${why}`);
  if (typeof httpCode !== 'string' || httpCode.trim() === '') throw bad('must not be empty');
  return httpCode.split(',').map((part) => {
    const m = part.trim().match(/^(\d{3})(?:-(\d{3}))?$/);
    if (!m) throw bad('must be codes or ranges such as 200,202 or 200-299');
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 200 || to > 499) throw bad('must be between 200 and 499');
    if (to < from) throw bad('has a range whose end is before its start');
    return { from, to };
  });
}

/** Whether `status` is one of the matcher's codes (the health prober's test, `src/load-balancer/health/matcher.ts`). */
export function matcherAccepts(ranges: readonly HttpCodeRange[], status: number): boolean {
  return ranges.some((r) => status >= r.from && status <= r.to);
}
