/**
 * The ALB health-check matcher. HTTP1/HTTP2 target groups match HTTP codes (`200`, `200,202`,
 * `200-299`, within 200-499); GRPC target groups match gRPC status codes (`12`, `0,1`, `0-99`, within
 * 0-99, read from the check's `grpc-status`). Which of the two a group takes is its protocol version's.
 */
import { AwsError } from '../aws-error.js';

export interface HttpCodeRange {
  readonly from: number;
  readonly to: number;
}

/** Which codes a matcher holds: HTTP statuses, or gRPC status codes (ProtocolVersion GRPC). */
export type MatcherKind = 'http' | 'grpc';

/** ALB's defaults: `200` for HTTP, `12` (UNIMPLEMENTED, what a server answers for /AWS.ALB/healthcheck) for gRPC. */
export const defaultHttpCode = '200';
export const defaultGrpcCode = '12';

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

/** A GrpcCode matcher (`12`, `0,1`, `0-99`); the out-of-range message is ELBv2's own. */
export function parseGrpcCodeMatcher(grpcCode: string): HttpCodeRange[] {
  const bad = (why: string) => new AwsError('ValidationError', `Health check matcher GRPC code '${grpcCode}' ${why}`);
  if (typeof grpcCode !== 'string' || grpcCode.trim() === '') throw bad('must not be empty');
  return grpcCode.split(',').map((part) => {
    const m = part.trim().match(/^(\d{1,3})(?:-(\d{1,3}))?$/);
    if (!m) throw bad('must be codes or ranges such as 0,1 or 0-5');
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to > 99) throw bad("must be within '0-99' inclusive");
    if (to < from) throw bad('has a range whose end is before its start');
    return { from, to };
  });
}

export function parseMatcher(kind: MatcherKind, spec: string): HttpCodeRange[] {
  return kind === 'grpc' ? parseGrpcCodeMatcher(spec) : parseHttpCodeMatcher(spec);
}

/** Whether `status` is one of the matcher's codes (the health prober's test, `src/load-balancer/health/matcher.ts`). */
export function matcherAccepts(ranges: readonly HttpCodeRange[], status: number): boolean {
  return ranges.some((r) => status >= r.from && status <= r.to);
}
